from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    """Key-account service (五个台阶, METHODOLOGY M5): relationship stages, the 25-cell grid, loyalty."""

    name = "kam.service"
    label = "service"
    verbose_name = _("Service")

    def ready(self):
        from django.db.models.signals import pre_delete

        from kam.accounts.panels import AccountPanel, register_panel
        from kam.service import models, selectors
        from kam.service.receivers import audit_cascaded_delete
        from kam.users import access

        scoped = (
            models.RelationshipStage,
            models.StageChange,
            models.CategorySpend,
            models.GridPlacement,
            models.LoyaltyReview,
            models.Contribution,
            models.SatisfactionSurvey,
            models.GapAssessment,
            models.ServiceRequest,
        )
        for model in scoped:
            access.register_account_scoped(model._meta.label, "account__")
            pre_delete.connect(
                audit_cascaded_delete, sender=model, dispatch_uid=f"service-cascade-{model.__name__}"
            )
        register_panel(
            AccountPanel("service", "service/partials/_account_panel.html", selectors.account_panel)
        )
