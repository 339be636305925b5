from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuyingCenterConfig(AppConfig):
    name = "kam.buyingcenter"
    label = "buyingcenter"
    verbose_name = _("Buying center")

    def ready(self):
        from django.db.models.signals import pre_delete

        from kam.accounts.panels import AccountPanel
        from kam.accounts.panels import register_panel as register_account_panel
        from kam.buyingcenter import action_store, handover, selectors  # noqa: F401  (pairs move in a handover)
        from kam.buyingcenter.models import (
            AttitudeReport,
            CounterpartPair,
            InfluenceWeight,
            SpinPlan,
            SpinStep,
            Stakeholder,
        )
        from kam.buyingcenter.receivers import (
            audit_cascaded_delete,
            audit_cascaded_spin_delete,
            library_policy,
        )
        from kam.pipeline.panels import OpportunityPanel, register_gate_warning, register_panel
        from kam.users import access

        action_store.connect()
        access.register_account_scoped("buyingcenter.Stakeholder", "opportunity__account__")
        for label in ("buyingcenter.AttitudeReport", "buyingcenter.InfluenceWeight"):
            access.register_account_scoped(label, "stakeholder__opportunity__account__")
        access.register_account_scoped("buyingcenter.CounterpartPair", "account__")
        access.register_policy("buyingcenter.SpinQuestion", library_policy)
        access.register_account_scoped("buyingcenter.SpinPlan", "stakeholder__opportunity__account__")
        access.register_account_scoped("buyingcenter.SpinStep", "plan__stakeholder__opportunity__account__")

        register_panel(
            OpportunityPanel(
                "buying-center", "buyingcenter/partials/_opportunity_panel.html", selectors.panel
            )
        )
        register_panel(
            OpportunityPanel("spin", "buyingcenter/partials/_spin_panel.html", selectors.spin_panel)
        )
        register_account_panel(
            AccountPanel("counterparts", "buyingcenter/partials/_account_panel.html", selectors.account_panel)
        )
        register_account_panel(
            AccountPanel(
                "spin", "buyingcenter/partials/_spin_account_panel.html", selectors.spin_account_panel
            )
        )
        register_gate_warning("buying-center", selectors.gate_warnings)
        for model in (Stakeholder, AttitudeReport, InfluenceWeight, CounterpartPair):
            pre_delete.connect(
                audit_cascaded_delete, sender=model, dispatch_uid=f"bc-cascade-{model.__name__}"
            )
        for model in (SpinPlan, SpinStep):
            pre_delete.connect(
                audit_cascaded_spin_delete, sender=model, dispatch_uid=f"bc-spin-cascade-{model.__name__}"
            )
