from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitionConfig(AppConfig):
    name = "kam.competition"
    label = "competition"
    verbose_name = _("Competition")

    def ready(self):
        from django.db.models.signals import pre_delete

        from kam.accounts.panels import AccountPanel
        from kam.accounts.panels import register_panel as register_account_panel
        from kam.competition import models, selectors
        from kam.competition.policies import keepers_policy, matrix_policy
        from kam.competition.receivers import audit_cascaded_delete
        from kam.pipeline.panels import OpportunityPanel, register_panel
        from kam.users import access

        access.register_policy("competition.Competitor", keepers_policy)
        access.register_account_scoped("competition.Evaluation", "opportunity__account__")
        for label in ("competition.Bidder", "competition.Criterion"):
            access.register_account_scoped(label, "evaluation__opportunity__account__")
        access.register_account_scoped("competition.Score", "criterion__evaluation__opportunity__account__")
        access.register_policy("competition.Matrix", matrix_policy())
        access.register_policy("competition.MatrixColumn", matrix_policy("matrix__"))
        access.register_policy("competition.MatrixRow", matrix_policy("matrix__"))
        access.register_policy("competition.MatrixCell", matrix_policy("row__matrix__"))
        access.register_account_scoped("competition.SellingPoint", "account__")

        register_panel(
            OpportunityPanel("competition", "competition/partials/_opportunity_panel.html", selectors.panel)
        )
        register_account_panel(
            AccountPanel("competition", "competition/partials/_account_panel.html", selectors.account_panel)
        )
        for model in (
            models.Evaluation,
            models.Bidder,
            models.Criterion,
            models.Score,
            models.Matrix,
            models.MatrixColumn,
            models.MatrixRow,
            models.MatrixCell,
            models.SellingPoint,
        ):
            pre_delete.connect(
                audit_cascaded_delete, sender=model, dispatch_uid=f"competition-cascade-{model.__name__}"
            )
