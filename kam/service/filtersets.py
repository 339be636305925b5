"""One FilterSet per list, for the page and the API; choice lists are restricted to the user."""

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.accounts.filtersets import BootstrapFilterSet, industry_choices, people_choices
from kam.accounts.models import Account
from kam.service import selectors
from kam.service.choices import RequestKind, RequestPriority, Stage
from kam.service.models import (
    CategorySpend,
    GapAssessment,
    GridPlacement,
    SatisfactionSurvey,
    ServiceRequest,
    StageChange,
)

NO_STAGE = "none"


def _search_accounts(queryset, name, value):
    value = value.strip()
    return queryset.filter(Q(name__icontains=value) | Q(code=value)) if value else queryset


class StageFilterSet(BootstrapFilterSet):
    q = django_filters.CharFilter(method=_search_accounts, label=_("Search"))
    stage = django_filters.ChoiceFilter(
        choices=[*Stage.choices, (NO_STAGE, _("Not set"))], method="by_stage", label=_("Stage")
    )
    owner = django_filters.ModelChoiceFilter(queryset=people_choices, label=_("Owner"))
    industry = django_filters.ModelChoiceFilter(queryset=industry_choices, label=_("Industry"))

    class Meta:
        model = Account
        fields = ["q", "stage", "owner", "industry"]

    def by_stage(self, queryset, name, value):
        if value == NO_STAGE:
            return queryset.filter(relationship_stage__isnull=True)
        return queryset.filter(relationship_stage__stage=value)


class LoyaltyFilterSet(BootstrapFilterSet):
    q = django_filters.CharFilter(method=_search_accounts, label=_("Search"))
    at_risk = django_filters.BooleanFilter(method="risky", label=_("At risk only"))
    scored = django_filters.BooleanFilter(method="with_score", label=_("Reviewed only"))

    class Meta:
        model = Account
        fields = ["q", "at_risk", "scored"]

    def risky(self, queryset, name, value):
        return queryset.filter(selectors.at_risk_q()) if value else queryset

    def with_score(self, queryset, name, value):
        return queryset.exclude(score=None) if value else queryset


class RequestFilterSet(BootstrapFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=RequestKind.choices, label=_("Kind"))
    priority = django_filters.ChoiceFilter(choices=RequestPriority.choices, label=_("Priority"))
    status = django_filters.ChoiceFilter(
        choices=[("open", _("Open")), ("resolved", _("Resolved")), ("breached", _("SLA breached"))],
        method="by_status",
        label=_("Status"),
    )
    account = django_filters.NumberFilter(field_name="account_id", label=_("Account id"))

    class Meta:
        model = ServiceRequest
        fields = ["q", "kind", "priority", "status", "account"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(number=value) | Q(account__name__icontains=value)
        )

    def by_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(resolved_at__isnull=True)
        if value == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset.filter(
            Q(resolved_at__gt=F("due_at")) | Q(resolved_at__isnull=True, due_at__lt=timezone.now())
        )


class AccountRecordFilterSet(BootstrapFilterSet):
    """Records under an account, filtered by the account (the API's lists)."""

    account = django_filters.NumberFilter(field_name="account_id", label=_("Account id"))


class StageChangeFilterSet(AccountRecordFilterSet):
    class Meta:
        model = StageChange
        fields = ["account"]


class SpendFilterSet(AccountRecordFilterSet):
    class Meta:
        model = CategorySpend
        fields = ["account", "year"]


class GridPlacementFilterSet(AccountRecordFilterSet):
    class Meta:
        model = GridPlacement
        fields = ["account", "contact"]


class SurveyFilterSet(AccountRecordFilterSet):
    class Meta:
        model = SatisfactionSurvey
        fields = ["account"]


class GapFilterSet(AccountRecordFilterSet):
    class Meta:
        model = GapAssessment
        fields = ["account"]
