from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TieringConfig(AppConfig):
    name = "kam.tiering"
    label = "tiering"
    verbose_name = _("Tiering")

    def ready(self):
        from kam.accounts.panels import AccountPanel, register_panel
        from kam.tiering.selectors import account_panel, scorecard_panel
        from kam.users import access

        register_panel(AccountPanel("scorecard", "tiering/partials/_scorecard_panel.html", scorecard_panel))
        register_panel(AccountPanel("indicators", "tiering/partials/_account_panel.html", account_panel))
        for model in (
            "Transaction",
            "Payment",
            "Feedback",
            "TransactionMonth",
            "PaymentMonth",
            "FeedbackMonth",
            "TierResult",
            "TierChange",
        ):
            access.register_account_scoped(f"tiering.{model}", "account__")
        # company policy: everyone reads the models and the runs' metadata; admins configure and run them
        access.register_policy("tiering.TieringModel", access.reference_data_policy)
        access.register_policy("tiering.TieringRun", access.reference_data_policy)
