import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kam.accounts.filtersets import BootstrapFilterSet, industry_choices, people_choices, team_filter
from kam.pipeline.choices import OpportunityStatus
from kam.pipeline.models import Opportunity


class OpportunityFilterSet(BootstrapFilterSet):
    """One FilterSet for the list, the board and the API (choices restricted to the user)."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=OpportunityStatus.choices, label=_("Status"))
    owner = django_filters.ModelChoiceFilter(queryset=people_choices, label=_("Owner"))
    team = team_filter()
    industry = django_filters.ModelChoiceFilter(
        queryset=industry_choices, field_name="account__industry", label=_("Industry")
    )
    close_after = django_filters.DateFilter(
        field_name="expected_close", lookup_expr="gte", label=_("Closing from")
    )
    close_before = django_filters.DateFilter(
        field_name="expected_close", lookup_expr="lte", label=_("Closing to")
    )
    account = django_filters.NumberFilter(field_name="account_id", label=_("Account id"))

    class Meta:
        model = Opportunity
        fields = ["q", "status", "owner", "team", "industry", "close_after", "close_before", "account"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(number=value) | Q(account__name__icontains=value))

    def in_team(self, queryset, name, team):
        return queryset.filter(owner__team_id__in=team.descendant_ids())
