"""Reads of accounts, contacts and the contact log — always through restrict()."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kam.accounts.models import Account, AccountTeamMember, Contact, ExchangeRate, Industry, Interaction
from kam.core.related import referring_counts
from kam.users.models import Team, User


def account_list(*, user, action: str = "view") -> QuerySet[Account]:
    return Account.objects.restrict(user, action).select_related("industry", "owner")


def account_get(*, user, pk, action: str = "view") -> Account:
    """The account if `user` may `action` it, else 404 (never reveal that it exists)."""
    return get_object_or_404(account_list(user=user, action=action), pk=pk)


def account_delete_blockers(*, account: Account) -> list[str]:
    """What keeps `account` from being deleted — "Opportunities: 2" — the records that refer to it and are
    protected from a cascade. The rest (contacts, contact log, ledger, plans, service records …) goes
    with it, and the confirmation page lists them first."""
    return referring_counts(account, (models.PROTECT, models.RESTRICT))


def account_search(*, user, query: str, limit: int = 8) -> QuerySet[Account]:
    query = query.strip()
    if not query:
        return Account.objects.none()
    return account_list(user=user).filter(Q(name__icontains=query) | Q(code=query))[:limit]


def account_team(*, account: Account) -> QuerySet[AccountTeamMember]:
    return account.team_members.select_related("user").order_by("role", "user__username")


def contact_list(*, user, action: str = "view") -> QuerySet[Contact]:
    return Contact.objects.restrict(user, action).select_related("account", "reports_to")


def contact_get(*, user, pk, action: str = "view") -> Contact:
    return get_object_or_404(contact_list(user=user, action=action), pk=pk)


def contact_search(*, user, query: str, limit: int = 8) -> QuerySet[Contact]:
    query = query.strip()
    if not query:
        return Contact.objects.none()
    return contact_list(user=user).filter(
        Q(name__icontains=query) | Q(mobile__icontains=query) | Q(email__icontains=query)
    )[:limit]


def interaction_list(*, user, action: str = "view") -> QuerySet[Interaction]:
    return Interaction.objects.restrict(user, action).select_related("account", "owner")


def interaction_get(*, user, pk, action: str = "view") -> Interaction:
    return get_object_or_404(interaction_list(user=user, action=action), pk=pk)


def my_next_steps(*, user, include_done: bool = False) -> QuerySet[Interaction]:
    """The next steps `user` owns on accounts they can still see, the most urgent first."""
    steps = interaction_list(user=user).filter(owner=user).exclude(next_step="")
    if not include_done:
        steps = steps.filter(next_step_done=False)
    return steps.order_by("next_step_due", "occurred_on", "id")


def org_chart(*, account: Account) -> list[dict]:
    """The account's contacts as a forest of {id, name, title, department, children} for ECharts."""
    contacts = list(
        account.contacts.order_by("name").values("id", "name", "title", "department", "reports_to_id")
    )
    nodes = {c["id"]: {**c, "children": []} for c in contacts}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node["reports_to_id"])
        (parent["children"] if parent else roots).append(node)
    return roots


def activity_by_kind(*, user, since) -> list[dict]:
    """Contact-log entries per kind since a date, in the user's scope (the dashboard's chart)."""
    from django.db.models import Count

    from kam.accounts.choices import InteractionKind

    counts = dict(
        interaction_list(user=user)
        .filter(occurred_on__gte=since)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return [{"kind": str(label), "count": counts.get(value, 0)} for value, label in InteractionKind.choices]


def team_tree(*, user) -> list[dict]:
    """Teams as nested {team, children} dicts, for the people page."""
    teams = list(team_list(user=user).order_by("name"))
    nodes = {t.pk: {"team": t, "children": []} for t in teams}
    roots = []
    for team in teams:
        (nodes[team.parent_id]["children"] if team.parent_id in nodes else roots).append(nodes[team.pk])
    return roots


def industry_list(*, user) -> QuerySet[Industry]:
    return Industry.objects.restrict(user, "view")


def reporting_currency() -> str:
    return settings.KAM_REPORTING_CURRENCY


def exchange_rates() -> dict[str, Decimal]:
    """Currency → units of the reporting currency per unit, for converting totals (kam.accounts.money):
    the reporting currency is 1; a currency without a rate is not in the dict. Shared reference data,
    the same for every user (as the stages' probabilities are)."""
    reporting = reporting_currency()
    rates = {
        currency: rate
        for currency, rate in ExchangeRate.objects.exclude(currency=reporting).values_list("currency", "rate")
    }
    rates[reporting] = Decimal(1)
    return rates


#: How the forecast's headline figures are prefixed (the reporting currency's sign).
CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "HKD": "HK$"}


def reporting_notice(*, user, unconverted=()) -> dict:
    """What accounts/partials/_reporting_currency.html shows: the reporting currency, the currencies left
    out for want of a rate, and whether the user may set the rates (a link to the page)."""
    currency = reporting_currency()
    return {
        "currency": currency,
        "symbol": CURRENCY_SYMBOLS.get(currency, f"{currency} "),
        "unconverted": sorted(unconverted),
        "can_change": bool(user and user.is_authenticated and user.is_admin and user.can_write),
    }


def exchange_rate_list(*, user) -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.restrict(user, "view")


def exchange_rate_table(*, user) -> list[dict]:
    """Every currency KAM knows, reporting currency first, with its rate (None: not set) and record."""
    from kam.accounts.choices import Currency

    reporting = reporting_currency()
    stored = {rate.currency: rate for rate in exchange_rate_list(user=user)}
    rows = []
    for code, label in Currency.choices:
        record = None if code == reporting else stored.get(code)
        rows.append(
            {
                "currency": code,
                "label": label,
                "reporting": code == reporting,
                "rate": Decimal(1) if code == reporting else (record.rate if record else None),
                "record": record,
            }
        )
    return sorted(rows, key=lambda row: not row["reporting"])


def team_list(*, user) -> QuerySet[Team]:
    return Team.objects.restrict(user, "view").select_related("parent")


def user_list(*, user, active_only: bool = True) -> QuerySet[User]:
    users = User.objects.restrict(user, "view").select_related("team")
    return users.filter(is_active=True) if active_only else users


def interaction_people(*, user, account: Account | None, entry: Interaction | None = None) -> QuerySet[User]:
    """Who `user` may name on a contact-log entry of `account` (our people, the person responsible): the
    active people they see (restrict()) and, on that account, its owner and account team — whom the account
    page shows them, though they may sit in another team (a presales engineer at a visit). An existing
    `entry` keeps the people it names, deactivated since or not."""
    named = Q(pk__in=User.objects.restrict(user, "view").values("pk"))
    if account is not None:
        named |= Q(pk=account.owner_id) | Q(pk__in=account.team_members.values("user_id"))
    people = named & Q(is_active=True)
    if entry is not None and entry.pk is not None:
        people |= Q(pk=entry.owner_id) | Q(pk__in=entry.our_people.values("pk"))
    return User.objects.filter(people).select_related("team")
