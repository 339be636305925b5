"""One FilterSet per ledger list: the pages, the API and the export use the same one."""

import django_filters
from django.utils.translation import gettext_lazy as _

from kam.accounts.choices import Tier
from kam.accounts.filtersets import BootstrapFilterSet
from kam.tiering.choices import FeedbackKind, Layer
from kam.tiering.models import Feedback, Payment, TierChange, TierResult, Transaction
from kam.tiering.pyramid import LAYERS
from kam.tiering.scorecard import TIER_RANK


class TransactionFilterSet(BootstrapFilterSet):
    account = django_filters.NumberFilter(field_name="account_id", label=_("Account id"))
    order_no = django_filters.CharFilter(label=_("Order no."))
    since = django_filters.DateFilter(field_name="ordered_on", lookup_expr="gte", label=_("From date"))
    until = django_filters.DateFilter(field_name="ordered_on", lookup_expr="lte", label=_("To date"))
    is_return = django_filters.BooleanFilter(label=_("Return"))

    class Meta:
        model = Transaction
        fields = ["account", "order_no", "since", "until", "is_return"]


class PaymentFilterSet(BootstrapFilterSet):
    account = django_filters.NumberFilter(field_name="account_id", label=_("Account id"))
    invoice_no = django_filters.CharFilter(label=_("Invoice no."))
    since = django_filters.DateFilter(field_name="invoiced_on", lookup_expr="gte", label=_("From date"))
    until = django_filters.DateFilter(field_name="invoiced_on", lookup_expr="lte", label=_("To date"))
    unpaid = django_filters.BooleanFilter(field_name="paid_on", lookup_expr="isnull", label=_("Unpaid"))

    class Meta:
        model = Payment
        fields = ["account", "invoice_no", "since", "until", "unpaid"]


class FeedbackFilterSet(BootstrapFilterSet):
    account = django_filters.NumberFilter(field_name="account_id", label=_("Account id"))
    kind = django_filters.ChoiceFilter(choices=FeedbackKind.choices, label=_("Kind"))
    since = django_filters.DateFilter(field_name="received_on", lookup_expr="gte", label=_("From date"))
    until = django_filters.DateFilter(field_name="received_on", lookup_expr="lte", label=_("To date"))

    class Meta:
        model = Feedback
        fields = ["account", "kind", "since", "until"]


FILTERSETS = {
    "transactions": TransactionFilterSet,
    "payments": PaymentFilterSet,
    "feedback": FeedbackFilterSet,
}


class ResultFilterSet(BootstrapFilterSet):
    """A run's results: by tier and pyramid layer (pages and API)."""

    tier = django_filters.ChoiceFilter(choices=Tier.choices, method="by_tier", label=_("Tier"))
    layer = django_filters.ChoiceFilter(choices=Layer.choices, method="by_layer", label=_("Pyramid layer"))
    account = django_filters.NumberFilter(field_name="account_id", label=_("Account id"))

    class Meta:
        model = TierResult
        fields = ["tier", "layer", "account"]

    def by_tier(self, queryset, name, value):
        return queryset.filter(tier=TIER_RANK[value])

    def by_layer(self, queryset, name, value):
        return queryset.filter(layer=LAYERS.index(value))


class TierChangeFilterSet(BootstrapFilterSet):
    run = django_filters.NumberFilter(field_name="run_id", label=_("Run"))
    account = django_filters.NumberFilter(field_name="account_id", label=_("Account id"))
    direction = django_filters.ChoiceFilter(
        choices=[("up", _("Up")), ("down", _("Down"))], method="by_direction", label=_("Direction")
    )

    class Meta:
        model = TierChange
        fields = ["run", "account", "direction"]

    def by_direction(self, queryset, name, value):
        return queryset.filter(is_up=value == "up")
