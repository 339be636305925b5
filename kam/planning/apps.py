from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    """Strategic planning (六步分析法, M2): industry attractiveness and the six-step account plan."""

    name = "kam.planning"
    label = "planning"
    verbose_name = _("Planning")

    def ready(self):
        from django.db.models.signals import pre_delete

        from kam.accounts.panels import AccountPanel, register_panel
        from kam.planning import models, selectors
        from kam.planning.policies import keepers_policy
        from kam.planning.receivers import audit_cascaded_delete
        from kam.users import access

        for label in (
            "planning.Criterion",
            "planning.IndustryRow",
            "planning.Score",
            "planning.ClassRule",
            "planning.IndustryProfile",
            "planning.BusinessLine",
        ):
            access.register_policy(label, keepers_policy)
        access.register_account_scoped("planning.AccountPlan", "account__")
        access.register_account_scoped("planning.Measure", "plan__account__")
        access.register_account_scoped("planning.Resource", "plan__account__")

        register_panel(
            AccountPanel("planning", "planning/partials/_account_panel.html", selectors.account_panel)
        )
        for model in (models.AccountPlan, models.Measure, models.Resource):
            pre_delete.connect(
                audit_cascaded_delete, sender=model, dispatch_uid=f"planning-cascade-{model.__name__}"
            )
