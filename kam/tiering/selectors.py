"""Reads of the sales ledger and the M1.1 indicators — always through restrict()."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import Least
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kam.accounts import selectors as account_selectors
from kam.accounts.models import Account
from kam.pipeline import selectors as pipeline_selectors
from kam.pipeline.choices import OpportunityStatus
from kam.tiering import indicators, pareto, pyramid, recompute, scorecard
from kam.tiering.indicators import (
    FeedbackIndicators,
    FeedbackMonthRow,
    PaymentCell,
    PaymentIndicators,
    Period,
    TransactionIndicators,
    TransactionMonthRow,
)
from kam.tiering.models import (
    UNPAID_MONTH,
    Feedback,
    FeedbackMonth,
    Payment,
    PaymentMonth,
    RunStatus,
    TierChange,
    TieringModel,
    TieringRun,
    TierResult,
    Transaction,
    TransactionMonth,
)
from kam.users.choices import Role


def transaction_list(*, user, action: str = "view") -> QuerySet[Transaction]:
    return Transaction.objects.restrict(user, action).select_related("account")


def transaction_get(*, user, pk, action: str = "view") -> Transaction:
    return get_object_or_404(transaction_list(user=user, action=action), pk=pk)


def payment_list(*, user, action: str = "view") -> QuerySet[Payment]:
    return Payment.objects.restrict(user, action).select_related("account")


def payment_get(*, user, pk, action: str = "view") -> Payment:
    return get_object_or_404(payment_list(user=user, action=action), pk=pk)


def feedback_list(*, user, action: str = "view") -> QuerySet[Feedback]:
    return Feedback.objects.restrict(user, action).select_related("account")


def feedback_get(*, user, pk, action: str = "view") -> Feedback:
    return get_object_or_404(feedback_list(user=user, action=action), pk=pk)


# Indicators ---------------------------------------------------------------------------------------

_TRANSACTION_FIELDS = (
    "month", "orders", "sales", "max_sale", "returns", "returned", "margin", "margin_base", "costed",
    "order_days", "first_day", "last_day",
)  # fmt: skip
_PAYMENT_FIELDS = ("invoice_month", "paid_month", "payments", "amount", "max_amount", "days")
_FEEDBACK_FIELDS = ("month", "praise", "complaints", "suggestions")


@dataclass(frozen=True)
class AccountIndicators:
    """Every M1.1 indicator the ledger supports for one account and period, plus its characteristics."""

    account: Account
    period: Period
    as_of: datetime.date
    transactions: TransactionIndicators
    payments: PaymentIndicators
    feedback: FeedbackIndicators
    expected_sales: Decimal
    open_opportunities: int
    open_tasks: int
    #: currencies of open deals without an exchange rate: left out of expected sales
    unconverted: tuple[str, ...] = ()


def _rollups(model, user, account: Account, fields, until: datetime.date):
    """The account's rollup rows up to the period's end (earlier months count for tenure and balances)."""
    rows = model.objects.restrict(user, "view").filter(account=account)
    month = "invoice_month" if model is PaymentMonth else "month"
    return rows.filter(**{f"{month}__lte": until}).order_by().values_list(*fields)


def account_indicators(
    *, user, account: Account, period: Period | None = None, today: datetime.date | None = None
) -> AccountIndicators:
    """The indicators of `account` (which the caller fetched through a selector) over `period`.

    The default period is the rolling 12 months up to today's month. Expected sales, open opportunities and
    open tasks are as of now, whatever the period: they look ahead.
    """
    today = today or timezone.localdate()
    period = period or Period.rolling(today)
    as_of = min(period.last_day, today)
    months = [
        TransactionMonthRow(*row)
        for row in _rollups(TransactionMonth, user, account, _TRANSACTION_FIELDS, period.until)
    ]
    cells = [
        PaymentCell(invoice, None if paid == UNPAID_MONTH else paid, *rest)
        for invoice, paid, *rest in _rollups(PaymentMonth, user, account, _PAYMENT_FIELDS, period.until)
    ]
    feedback = [
        FeedbackMonthRow(*row)
        for row in _rollups(FeedbackMonth, user, account, _FEEDBACK_FIELDS, period.until)
    ]
    open_deals = list(
        pipeline_selectors.opportunity_list(user=user)
        .filter(account=account, status=OpportunityStatus.OPEN)
        .order_by()
        .values_list("amount", "stage__probability", "currency")
    )
    rates = account_selectors.exchange_rates()
    open_tasks = (
        account_selectors.interaction_list(user=user)
        .filter(account=account, next_step_done=False)
        .exclude(next_step="")
        .count()
    )
    return AccountIndicators(
        account=account,
        period=period,
        as_of=as_of,
        transactions=indicators.transaction_indicators(months, period, as_of=as_of),
        payments=indicators.payment_indicators(cells, period),
        feedback=indicators.feedback_indicators(feedback, period),
        expected_sales=indicators.expected_sales(open_deals, rates),
        open_opportunities=len(open_deals),
        open_tasks=open_tasks,
        unconverted=tuple(indicators.unconverted_currencies(open_deals, rates)),
    )


def account_panel(user, account) -> dict:
    """The account page's "Indicators (M1.1)" panel: the last 12 months."""
    return {"indicators": account_indicators(user=user, account=account), "account": account}


# Tiering: models, runs, results (M1.2, M1.3) --------------------------------------------------------------


def sees_all(user) -> bool:
    """Whether the user's scope is the whole company (admins, auditors): they get the run's stored
    company-wide aggregates; everyone else gets aggregates computed over the accounts they may see."""
    return bool(user and user.is_authenticated and (user.is_admin or user.role == Role.AUDITOR))


def model_list(*, user) -> QuerySet[TieringModel]:
    return TieringModel.objects.restrict(user, "view")


def model_get(*, user, pk, action: str = "view") -> TieringModel:
    return get_object_or_404(TieringModel.objects.restrict(user, action), pk=pk)


def run_list(*, user) -> QuerySet[TieringRun]:
    return TieringRun.objects.restrict(user, "view").select_related("model", "created_by")


def run_get(*, user, pk) -> TieringRun:
    return get_object_or_404(run_list(user=user), pk=pk)


def run_current(*, user) -> TieringRun | None:
    """The latest finished run: the one whose tiers the accounts carry."""
    return run_list(user=user).filter(status=RunStatus.DONE).order_by("-id").first()


def result_list(*, user, run: TieringRun) -> QuerySet[TierResult]:
    return TierResult.objects.restrict(user, "view").filter(run=run)


def change_list(*, user, run: TieringRun | None = None) -> QuerySet[TierChange]:
    changes = TierChange.objects.restrict(user, "view").select_related("account", "run")
    return changes.filter(run=run) if run is not None else changes


def _value_column(run: TieringRun, measure: str | None = None) -> str:
    return measure or run.config.get("value_measure", "revenue")


def pareto_for(*, user, run: TieringRun, measure: str) -> dict:
    """The Pareto analysis of `measure` (revenue | profit) over the accounts the user may see."""
    if sees_all(user):
        return run.summary["pareto"][measure]
    values = result_list(user=user, run=run).order_by().values_list(measure, flat=True)
    return pareto.pareto(list(values)).as_dict()


@dataclass(frozen=True)
class LayerRow:
    layer: str
    accounts: int
    value: int  # cents
    accounts_pct: Decimal | None
    value_pct: Decimal | None


def pyramid_for(*, user, run: TieringRun) -> list[LayerRow]:
    """Accounts and value per pyramid layer (VIP first), over what the user may see."""
    if sees_all(user):
        layers = [(row["layer"], row["accounts"], row["value"]) for row in run.summary["pyramid"]]
    else:
        column = _value_column(run)
        grouped = dict(
            (layer, (count, value or 0))
            for layer, count, value in result_list(user=user, run=run)
            .filter(layer__gte=0)
            .order_by()
            .values_list("layer")
            .annotate(count=Count("pk"), value=Sum(column))
            .values_list("layer", "count", "value")
        )
        layers = [(name, *grouped.get(index, (0, 0))) for index, name in enumerate(pyramid.LAYERS)]
    accounts = sum(row[1] for row in layers)
    value = sum(row[2] for row in layers)
    return [
        LayerRow(name, count, amount, indicators.percent(count, accounts), indicators.percent(amount, value))
        for name, count, amount in layers
    ]


def tier_counts(*, user, run: TieringRun) -> dict[str, int]:
    """Accounts per tier ("none" for no tier) in the run, over what the user may see."""
    if sees_all(user):
        return run.summary["tiers"]
    counts = dict(
        result_list(user=user, run=run)
        .order_by()
        .values_list("tier")
        .annotate(n=Count("pk"))
        .values_list("tier", "n")
    )
    return {scorecard.CODE_TIER[code] or "none": counts.get(code, 0) for code in (3, 2, 1, 0)}


def tier_history(*, user, limit: int = 24) -> list[dict]:
    """The tier distribution of the last finished runs, oldest first (the "over time" chart)."""
    runs = list(run_list(user=user).filter(status=RunStatus.DONE).order_by("-id")[:limit])[::-1]
    if not runs:
        return []
    if sees_all(user):
        return [{"run": run.pk, "as_of": run.as_of.isoformat(), **run.summary["tiers"]} for run in runs]
    counts = (
        TierResult.objects.restrict(user, "view")
        .filter(run__in=runs)
        .order_by()
        .values_list("run", "tier")
        .annotate(n=Count("pk"))
        .values_list("run", "tier", "n")
    )
    found = {(run_id, tier): n for run_id, tier, n in counts}
    return [
        {
            "run": run.pk,
            "as_of": run.as_of.isoformat(),
            **{scorecard.CODE_TIER[code] or "none": found.get((run.pk, code), 0) for code in (3, 2, 1, 0)},
        }
        for run in runs
    ]


#: The current × potential matrix: five bands of 20 points on each axis.
BANDS = 5


def value_matrix(*, user, run: TieringRun) -> list[list[int]]:
    """Accounts per (current value band, potential value band) — cells[current][potential], 0 = lowest."""
    band = 1000 // BANDS
    cells = [[0] * BANDS for _ in range(BANDS)]
    rows = (
        result_list(user=user, run=run)
        .filter(potential__isnull=False)
        .order_by()
        .annotate(c=Least(F("current") / band, BANDS - 1), p=Least(F("potential") / band, BANDS - 1))
        .values_list("c", "p")
        .annotate(n=Count("pk"))
        .values_list("c", "p", "n")
    )
    for current, potential, count in rows:
        cells[int(current)][int(potential)] += count
    return cells


@dataclass(frozen=True)
class AccountScorecard:
    """One account's result in a run, with the explanation of its tier."""

    run: TieringRun
    result: TierResult
    tier: str
    layer: str | None
    contributions: list  # scorecard.Contribution, largest first
    perspectives: dict[str, int]  # tenths
    warnings: list
    changes: list  # its TierChange rows, newest first


def unpack_result(run: TieringRun, result: TierResult) -> tuple[dict, dict]:
    """(values by indicator, points by indicator) of a stored result."""
    values = dict(zip(run.indicator_keys, recompute.unpack(result.values, "<i8"), strict=True))
    points = dict(zip(run.indicator_keys, recompute.unpack(result.points, "<i2"), strict=True))
    return values, points


def perspective_scores(config: dict, points: dict) -> dict[str, int]:
    """Each perspective's score (tenths) from an account's points, as the run computed it."""
    totals: dict[str, int] = {}
    for name, key, _pw, weight in scorecard.weighted_indicators(config):
        totals[name] = totals.get(name, 0) + weight * int(points.get(key) or 0)
    return {name: scorecard.half_up(totals.get(name, 0), 100) for name in scorecard.PERSPECTIVES}


def account_scorecard(*, user, account: Account, run: TieringRun | None = None) -> AccountScorecard | None:
    """The account's scorecard in `run` (default the current one), or None if it was not scored."""
    run = run or run_current(user=user)
    if run is None:
        return None
    result = result_list(user=user, run=run).filter(account=account).first()
    if result is None:
        return None
    values, points = unpack_result(run, result)
    return AccountScorecard(
        run=run,
        result=result,
        tier=scorecard.CODE_TIER[result.tier],
        layer=pyramid.LAYERS[result.layer] if result.layer >= 0 else None,
        contributions=scorecard.explain(run.config, values, points),
        perspectives=perspective_scores(run.config, points),
        warnings=scorecard.model_warnings(run.config),
        changes=list(change_list(user=user).filter(account=account).order_by("-run_id")[:10]),
    )


def scorecard_panel(user, account) -> dict:
    """The account page's tier panel: the tier, the scores and the three largest contributions."""
    from kam.tiering.choices import INDICATOR_LABELS

    card = account_scorecard(user=user, account=account)
    top = [
        (INDICATOR_LABELS[row.indicator][0], row.contribution)
        for row in (card.contributions if card else [])[:3]
        if row.contribution
    ]
    return {"scorecard": card, "account": account, "top": top}
