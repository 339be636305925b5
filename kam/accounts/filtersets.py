"""One FilterSet per list serves the page and the API; choice lists are restricted to the user."""

import django_filters
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from kam.accounts import selectors
from kam.accounts.choices import AccountStatus, CompanySize, InteractionKind, LeadSource, Ownership, Tier
from kam.accounts.models import Account, Contact, Interaction
from kam.core.forms import style_widgets
from kam.users.models import Team, User


def industry_choices(request):
    return selectors.industry_list(user=request.user) if request else selectors.Industry.objects.none()


def people_choices(request):
    """People in reach, loaded with just what their label needs (the dropdown can list hundreds)."""
    if not request:
        return User.objects.none()
    people = selectors.user_list(user=request.user, active_only=False).select_related(None)
    return people.only("id", "username", "full_name", "first_name", "last_name").order_by("username")


def team_choices(request):
    return selectors.team_list(user=request.user) if request else Team.objects.none()


def team_filter():
    """Filter on the owner's team and its sub-teams (the FilterSet needs a method named `in_team`)."""
    return extend_schema_field(OpenApiTypes.INT)(
        django_filters.ModelChoiceFilter(queryset=team_choices, method="in_team", label=_("Owner's team"))
    )


class BootstrapFilterSet(django_filters.FilterSet):
    """A FilterSet whose form renders with Bootstrap classes."""

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = style_widgets(super().form)
            for field in form.fields.values():
                if hasattr(field, "empty_label"):
                    field.empty_label = format_lazy("{label}: {all}", label=field.label, all=_("all"))
                    field.widget.choices = field.choices  # plain choice widgets copied the old label
        return self._form


class AccountFilterSet(BootstrapFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    industry = django_filters.ModelChoiceFilter(queryset=industry_choices, label=_("Industry"))
    status = django_filters.ChoiceFilter(choices=AccountStatus.choices, label=_("Status"))
    ownership = django_filters.ChoiceFilter(choices=Ownership.choices, label=_("Ownership"))
    lead_source = django_filters.ChoiceFilter(choices=LeadSource.choices, label=_("Lead source"))
    company_size = django_filters.ChoiceFilter(choices=CompanySize.choices, label=_("Company size"))
    region = django_filters.CharFilter(label=_("Region"))  # exact: uses the index
    owner = django_filters.ModelChoiceFilter(queryset=people_choices, label=_("Owner"))
    team = team_filter()
    is_listed = django_filters.BooleanFilter(label=_("Listed"))
    tier = django_filters.ChoiceFilter(
        choices=[*Tier.choices, ("none", _("No tier"))], method="by_tier", label=_("Tier")
    )

    class Meta:
        model = Account
        fields = [
            "q",
            "industry",
            "status",
            "ownership",
            "lead_source",
            "company_size",
            "region",
            "owner",
            "team",
            "is_listed",
            "tier",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code=value))

    def in_team(self, queryset, name, team):
        return queryset.filter(owner__team_id__in=team.descendant_ids())

    def by_tier(self, queryset, name, value):
        """A tier, or "none" for accounts without one (account_tier_name_idx serves both)."""
        return queryset.filter(tier="" if value == "none" else value)


class ContactFilterSet(BootstrapFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    account = django_filters.NumberFilter(field_name="account_id", label=_("Account id"))
    department = django_filters.CharFilter(lookup_expr="icontains", label=_("Department"))

    class Meta:
        model = Contact
        fields = ["q", "account", "department"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(title__icontains=value)
            | Q(mobile__icontains=value)
            | Q(email__icontains=value)
        )


class InteractionFilterSet(BootstrapFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    account = django_filters.NumberFilter(field_name="account_id", label=_("Account id"))
    kind = django_filters.ChoiceFilter(choices=InteractionKind.choices, label=_("Kind"))
    owner = django_filters.ModelChoiceFilter(queryset=people_choices, label=_("Responsible"))
    occurred_after = django_filters.DateFilter(
        field_name="occurred_on", lookup_expr="gte", label=_("From date")
    )
    occurred_before = django_filters.DateFilter(
        field_name="occurred_on", lookup_expr="lte", label=_("To date")
    )
    open_next_step = django_filters.BooleanFilter(method="with_open_next_step", label=_("Open next step"))

    class Meta:
        model = Interaction
        fields = ["q", "account", "kind", "owner", "occurred_after", "occurred_before", "open_next_step"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(content__icontains=value) | Q(next_step__icontains=value) | Q(account__name__icontains=value)
        )

    def with_open_next_step(self, queryset, name, value):
        if value is None:
            return queryset
        open_steps = Q(next_step_done=False) & ~Q(next_step="")
        return queryset.filter(open_steps) if value else queryset.exclude(open_steps)
