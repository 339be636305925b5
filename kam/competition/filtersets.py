import django_filters
from django import forms
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kam.accounts.filtersets import BootstrapFilterSet, industry_choices
from kam.competition.choices import BidKind, Origin
from kam.competition.models import Competitor, Evaluation, Matrix


class CompetitorFilterSet(BootstrapFilterSet):
    """The catalogue page's and the API's filters."""

    q = django_filters.CharFilter(
        method="search", label=_("Search"), widget=forms.TextInput(attrs={"placeholder": _("Search")})
    )
    origin = django_filters.ChoiceFilter(choices=Origin.choices, label=_("Origin"))
    is_active = django_filters.TypedChoiceFilter(
        choices=[
            ("", format_lazy("{label}: {all}", label=_("Still competing"), all=_("all"))),
            ("1", _("still competing")),
            ("0", _("no longer competing")),
        ],
        coerce=lambda value: value == "1",
        label=_("Still competing"),
    )

    class Meta:
        model = Competitor
        fields = ["q", "origin", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value))


class EvaluationFilterSet(BootstrapFilterSet):
    opportunity = django_filters.NumberFilter(field_name="opportunity_id", label=_("Opportunity id"))
    account = django_filters.NumberFilter(field_name="opportunity__account_id", label=_("Account id"))
    kind = django_filters.ChoiceFilter(choices=BidKind.choices, label=_("Bid"))

    class Meta:
        model = Evaluation
        fields = ["opportunity", "account", "kind"]


class MatrixFilterSet(BootstrapFilterSet):
    q = django_filters.CharFilter(
        field_name="title",
        lookup_expr="icontains",
        label=_("Search"),
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
    )
    account = django_filters.NumberFilter(field_name="account_id", label=_("Account id"))
    industry = django_filters.ModelChoiceFilter(queryset=industry_choices, label=_("Industry"))

    class Meta:
        model = Matrix
        fields = ["q", "account", "industry"]
