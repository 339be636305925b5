from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "kam.pipeline"
    label = "pipeline"
    verbose_name = _("Pipeline")

    def ready(self):
        from kam.accounts.panels import AccountPanel, register_panel
        from kam.pipeline import handover  # noqa: F401  (opportunities move in a handover)
        from kam.pipeline.selectors import account_panel

        register_panel(AccountPanel("opportunities", "pipeline/partials/_account_panel.html", account_panel))
        from kam.users import access

        for label in ("pipeline.Opportunity",):
            access.register_account_scoped(label, "account__")
        for label in ("pipeline.StageTransition", "pipeline.ProgressReport", "pipeline.CriterionCheck"):
            access.register_account_scoped(label, "opportunity__account__")
        for label in (
            "pipeline.SalesProcess",
            "pipeline.Stage",
            "pipeline.StageCriterion",
            "pipeline.SalesAid",
            "pipeline.FunnelBenchmarkStep",
        ):
            access.register_policy(label, access.reference_data_policy)
