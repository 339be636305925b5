"""Reads of the pipeline, always through restrict()."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, Q, QuerySet, Sum, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kam.accounts.money import Converter
from kam.accounts.selectors import exchange_rates
from kam.pipeline import summary
from kam.pipeline.choices import OpportunityStatus
from kam.pipeline.models import Opportunity, SalesProcess, Stage

CARDS_PER_COLUMN = 20
PANEL_ROWS = 10


def opportunity_list(*, user, action: str = "view") -> QuerySet[Opportunity]:
    return Opportunity.objects.restrict(user, action).select_related("account", "owner", "stage")


def opportunity_get(*, user, pk, action: str = "view") -> Opportunity:
    return get_object_or_404(opportunity_list(user=user, action=action).select_related("process"), pk=pk)


def process_list(*, user) -> QuerySet[SalesProcess]:
    return SalesProcess.objects.restrict(user, "view")


def stage_history(*, opportunity: Opportunity) -> list[dict]:
    """Each transition with the days spent in the stage it led to (until the next move, or now)."""
    transitions = list(opportunity.transitions.select_related("from_stage", "to_stage", "moved_by"))
    history = []
    for index, transition in enumerate(transitions):
        if index + 1 < len(transitions):
            until = transitions[index + 1].moved_at
        else:
            until = timezone.now() if opportunity.is_open else transition.moved_at
        history.append({"transition": transition, "days": (until - transition.moved_at).days})
    return history


#: What a column shows: the open deals of its stage; the won stage shows the deals won.
BOARD_STATUSES = [OpportunityStatus.OPEN, OpportunityStatus.WON]


def _column_status(stage: Stage) -> str:
    return OpportunityStatus.WON if stage.is_won else OpportunityStatus.OPEN


@dataclass(frozen=True)
class Narrowing:
    """The board's filters in terms the forecast summary knows: deal owners, whole months, statuses."""

    owners: list[int] | None
    months: summary.MonthRange
    statuses: list[str]


def summary_narrowing(filterset) -> Narrowing | None:
    """The board's filters as a Narrowing, or None when only the opportunities can answer them: a search,
    an industry, an account, or an expected-close period that does not start and end on month bounds."""
    from kam.users.models import User

    if not filterset.is_valid():
        return None
    data = filterset.form.cleaned_data
    if (data.get("q") or "").strip() or data.get("industry") or data.get("account") not in (None, ""):
        return None
    since, until = data.get("close_after"), data.get("close_before")
    if (since and since.day != 1) or (until and (until + datetime.timedelta(days=1)).day != 1):
        return None
    owners = None
    if data.get("owner"):
        owners = {data["owner"].pk}
    if data.get("team"):
        members = set(
            User.objects.filter(team_id__in=data["team"].descendant_ids()).values_list("pk", flat=True)
        )
        owners = members if owners is None else owners & members
    statuses = [s for s in BOARD_STATUSES if not data.get("status") or s == data["status"]]
    return Narrowing(
        sorted(owners) if owners is not None else None, summary.MonthRange.of(since, until), statuses
    )


def _totals_from_summary(*, split: summary.ScopeSplit, process: SalesProcess, narrowing: Narrowing) -> dict:
    """(stage id, status, currency) → (count, amount in that currency) from the summary, plus the scope's
    remainder from the table."""
    totals: dict[tuple, tuple[int, Decimal]] = {}

    def add(key, count, amount):
        old = totals.get(key, (0, Decimal("0")))
        totals[key] = (old[0] + count, old[1] + amount)

    rows = summary.summary_rows(
        split=split,
        process=process,
        owners=narrowing.owners,
        months=narrowing.months,
        statuses=narrowing.statuses,
    )
    for stage_id, status, currency, count, cents in rows.values_list(
        "stage_id", "status", "currency"
    ).annotate(n=Sum("count"), c=Sum("amount_cents")):
        add((stage_id, status, currency), count, summary.cents_to_amount(cents))
    if split.remainder is not None:
        remainder = split.remainder.filter(process=process, status__in=narrowing.statuses)
        if narrowing.owners is not None:
            remainder = remainder.filter(owner_id__any=narrowing.owners)
        if narrowing.months:
            remainder = remainder.filter(narrowing.months.opportunity_q())
        for stage_id, status, currency, count, amount in _grouped_by_stage(remainder):
            add((stage_id, status, currency), count, amount or Decimal("0"))
    return totals


def _grouped_by_stage(opportunities: QuerySet[Opportunity]):
    return (
        opportunities.order_by()
        .values_list("stage_id", "status", "currency")
        .annotate(count=Count("id"), amount=Sum("amount"))
    )


def in_reporting_currency(totals: dict, converter: Converter) -> dict[tuple, tuple[int, Decimal]]:
    """(…key, currency) → (count, amount) as (…key) → (count, amount in the reporting currency): each
    currency's exact sum converted once (to the cent, half up), then added up; amounts in a currency without
    a rate are left out (and remembered by `converter`), their deals still counted."""
    counts: dict[tuple, int] = {}
    amounts: dict[tuple, dict[str, Decimal]] = {}
    for (*key, currency), (count, amount) in totals.items():
        key = tuple(key)
        counts[key] = counts.get(key, 0) + count
        by_currency = amounts.setdefault(key, {})
        by_currency[currency] = by_currency.get(currency, Decimal("0")) + amount
    return {key: (count, converter.total(amounts[key])) for key, count in counts.items()}


def column_totals(
    *,
    process: SalesProcess,
    opportunities: QuerySet[Opportunity],
    user=None,
    narrowing: Narrowing | None = None,
    split: summary.ScopeSplit | None = None,
    converter: Converter | None = None,
) -> dict[tuple[int, str], tuple[int, Decimal]]:
    """(stage id, status) → (count, amount in the reporting currency) of the board's deals: from the
    forecast summary in `user`'s scope (`split`, if the caller has it already) when a `narrowing` says how,
    else aggregated from `opportunities`. Amounts are summed per currency and converted in Python
    (`converter`, with the current exchange rates by default; it remembers currencies without a rate)."""
    converter = converter if converter is not None else Converter(exchange_rates())
    if narrowing is not None:
        split = split if split is not None else summary.scope_split(user)
        from_summary = _totals_from_summary(split=split, process=process, narrowing=narrowing)
        return in_reporting_currency(from_summary, converter)
    scoped = opportunities.filter(process=process, status__in=BOARD_STATUSES)
    native = {
        (stage_id, status, currency): (count, amount or Decimal("0"))
        for stage_id, status, currency, count, amount in _grouped_by_stage(scoped)
    }
    return in_reporting_currency(native, converter)


def board_columns(
    *,
    process: SalesProcess,
    opportunities: QuerySet[Opportunity],
    user=None,
    narrowing: Narrowing | None = None,
    cards: int = CARDS_PER_COLUMN,
    accounts: list[int] | None = None,
    split: summary.ScopeSplit | None = None,
    converter: Converter | None = None,
):
    """The kanban: per stage its count, amount and weighted amount, and its first cards (open deals; the
    won stage shows deals won), biggest first.

    With a `narrowing` (the filters the summary can apply) the sums come from the forecast summary in
    `user`'s scope; otherwise they are aggregated from `opportunities`, the filtered, restricted deals
    the cards always come from. Sums are in the reporting currency (`converter`: see column_totals).
    """
    stages = list(process.stages.order_by("order"))
    totals = column_totals(
        process=process,
        opportunities=opportunities,
        user=user,
        narrowing=narrowing,
        split=split,
        converter=converter,
    )
    columns = []
    for stage in stages:
        count, amount = totals.get((stage.pk, _column_status(stage)), (0, Decimal("0")))
        shown, after = column_cards(stage=stage, opportunities=opportunities, cards=cards, accounts=accounts)
        columns.append(
            {
                "stage": stage,
                "count": count,
                "amount": amount,
                "weighted": (amount * stage.probability / 100).quantize(Decimal("0.01")),
                "cards": shown,
                "after": after,
            }
        )
    return columns


#: Up to this many visible accounts, a column's cards are gathered through the accounts' index and sorted;
#: beyond, walking opp_stage_amount_idx in order finds the first cards soonest, because most deals match.
#: PostgreSQL cannot tell the two cases apart from its statistics: at 1M opportunities it walked 4,400
#: index entries and their accounts for each column of a member who sees 554 accounts (18 ms a column).
FEW_ACCOUNTS = 2000


def few_visible_accounts(user, split: summary.ScopeSplit | None = None) -> list[int] | None:
    """The ids of the accounts `user` sees when there are at most FEW_ACCOUNTS of them, else None.

    Read as restrict() defines the scope — accounts owned in reach, plus those on the user's account
    team — one index lookup each: an OR of the two reads every account.
    """
    from kam.accounts.models import Account, AccountTeamMember

    split = split if split is not None else summary.scope_split(user)
    if split.account_owners is None:
        return None
    owned = Account.objects.filter(owner_id__any=split.account_owners).order_by().values_list("pk", flat=True)
    ids = set(owned[: FEW_ACCOUNTS + 1])
    if len(ids) > FEW_ACCOUNTS:
        return None
    if split.remainder is not None:
        ids.update(AccountTeamMember.objects.filter(user_id=user.pk).values_list("account_id", flat=True))
    return sorted(ids) if len(ids) <= FEW_ACCOUNTS else None


#: What a card shows (kam/pipeline/templates/pipeline/partials/_cards.html): 160 cards a board.
CARD_FIELDS = ("number", "name", "status", "currency", "amount", "expected_close", "account__name")


def column_cards(
    *,
    stage: Stage,
    opportunities: QuerySet[Opportunity],
    after: tuple[Decimal, int] | None = None,
    cards: int = CARDS_PER_COLUMN,
    accounts: list[int] | None = None,
) -> tuple[list[Opportunity], str | None]:
    """One page of a column's cards, biggest first, after the (amount, id) cursor of the previous page;
    with the cursor of this page's last card when there are more (a keyset walk of opp_stage_amount_idx).

    `accounts` (few_visible_accounts) only tells the database where to look: `opportunities` is already
    restricted to them.
    """
    deals = (
        opportunities.filter(stage=stage, status=_column_status(stage))
        .select_related(None)
        .select_related("account")
        .only(*CARD_FIELDS)
        .order_by("-amount", "id")
    )
    if accounts is not None:
        deals = deals.filter(account_id__any=accounts)
    if after is not None:
        amount, pk = after
        deals = deals.filter(Q(amount__lt=amount) | Q(amount=amount, pk__gt=pk))
    shown = list(deals[: cards + 1])
    if len(shown) <= cards:
        return shown, None
    last = shown[cards - 1]
    return shown[:cards], f"{last.amount}_{last.pk}"


def parse_cursor(value: str) -> tuple[Decimal, int] | None:
    """The (amount, id) of a column cursor ("1200000.00_42"); None when it is not one."""
    amount, _, pk = value.partition("_")
    try:
        cursor = Decimal(amount), int(pk)
    except (ArithmeticError, ValueError):
        return None
    return cursor if cursor[0].is_finite() else None


def stage_for(*, opportunity: Opportunity, code_or_pk) -> Stage:
    """A stage of the opportunity's own process, by id or code (the kanban posts ids, the API either)."""
    stages = opportunity.process.stages
    if str(code_or_pk).isdigit():
        return get_object_or_404(stages, pk=int(code_or_pk))
    return get_object_or_404(stages, code=str(code_or_pk))


def account_panel(user, account) -> dict:
    """The account page's "Opportunities" panel: the account's deals the user may see."""
    from kam.users.access import can

    open_first = Case(
        When(status=OpportunityStatus.OPEN, then=0), When(status=OpportunityStatus.WON, then=1), default=2
    )
    deals = opportunity_list(user=user).filter(account=account).order_by(open_first, "-updated_at", "-id")
    shown = list(deals[: PANEL_ROWS + 1])
    return {
        "opportunities": shown[:PANEL_ROWS],
        "more": len(shown) > PANEL_ROWS,
        "account": account,
        "can_add": can(user, "change", account),
    }
