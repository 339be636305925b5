import django_filters
from django.utils.translation import gettext_lazy as _

from kam.accounts.filtersets import BootstrapFilterSet
from kam.buyingcenter.models import CounterpartPair, SpinPlan, SpinStep, Stakeholder


class StakeholderFilterSet(BootstrapFilterSet):
    """The API's stakeholder list by opportunity or account (the rows are already restricted)."""

    opportunity = django_filters.NumberFilter(field_name="opportunity_id", label=_("Opportunity id"))
    account = django_filters.NumberFilter(field_name="opportunity__account_id", label=_("Account id"))

    class Meta:
        model = Stakeholder
        fields = ["opportunity", "account"]


class CounterpartPairFilterSet(BootstrapFilterSet):
    account = django_filters.NumberFilter(field_name="account_id", label=_("Account id"))
    their_person = django_filters.NumberFilter(
        field_name="their_person_id", label=_("Their person (contact id)")
    )

    class Meta:
        model = CounterpartPair
        fields = ["account", "their_person"]


class SpinPlanFilterSet(BootstrapFilterSet):
    """The API's SPIN plans by opportunity, stakeholder or account (the rows are already restricted)."""

    opportunity = django_filters.NumberFilter(
        field_name="stakeholder__opportunity_id", label=_("Opportunity id")
    )
    stakeholder = django_filters.NumberFilter(field_name="stakeholder_id", label=_("Stakeholder id"))
    account = django_filters.NumberFilter(
        field_name="stakeholder__opportunity__account_id", label=_("Account id")
    )

    class Meta:
        model = SpinPlan
        fields = ["opportunity", "stakeholder", "account"]


class SpinStepFilterSet(BootstrapFilterSet):
    plan = django_filters.NumberFilter(field_name="plan_id", label=_("SPIN plan id"))

    class Meta:
        model = SpinStep
        fields = ["plan"]
