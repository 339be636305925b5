"""Feeding the pure funnel and forecast arithmetic from the database, in the user's scope.

`owners` narrows to the deals (or, for the sales status, the customers) of those people: one person,
or everyone in a team and its sub-teams; None means everyone the user may see.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth

from kam.accounts.money import Converter
from kam.accounts.selectors import exchange_rates, interaction_list, reporting_currency
from kam.pipeline import forecast, funnel, summary
from kam.pipeline import status as customer_status
from kam.pipeline.choices import OpportunityStatus
from kam.pipeline.models import FunnelBenchmarkStep, Opportunity, SalesProcess, StageTransition
from kam.pipeline.selectors import in_reporting_currency


def funnel_benchmark() -> list[tuple[str, int]]:
    """The company's activity-funnel benchmark, top first: as set by an administrator, else the method's."""
    steps = list(FunnelBenchmarkStep.objects.order_by("order").values_list("kind", "number"))
    return steps or list(funnel.DEFAULT_BENCHMARK)


def activity_funnel(*, user, since: datetime.date, until: datetime.date, owners=None):
    """The M3.7 activity funnel from the contact log, plus the deals won in the period."""
    entries = interaction_list(user=user).filter(occurred_on__gte=since, occurred_on__lte=until)
    won = Opportunity.objects.restrict(user, "view").filter(
        status=OpportunityStatus.WON, closed_on__gte=since, closed_on__lte=until
    )
    if owners is not None:
        entries, won = entries.filter(owner_id__any=owners), won.filter(owner_id__any=owners)
    counts = dict(entries.order_by().values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    steps = funnel.activity_funnel(counts, funnel_benchmark())
    return {"steps": steps, "leak": funnel.leakiest_step(steps), "won": won.count()}


def stage_funnel(*, user, process: SalesProcess, since: datetime.date, owners=None):
    """Opportunities opened since `since` by furthest stage reached: conversions and median days."""
    stages = list(process.stages.order_by("order"))
    opportunities = Opportunity.objects.restrict(user, "view").filter(
        process=process, created_at__date__gte=since
    )
    if owners is not None:
        opportunities = opportunities.filter(owner_id__any=owners)
    rows = (
        opportunities.order_by().values("pk", "status").annotate(reached=Max("transitions__to_stage__order"))
    )
    paths = [
        funnel.OpportunityPath(reached=row["reached"] - 1, won=row["status"] == OpportunityStatus.WON)
        for row in rows
        if row["reached"]
    ]
    reached = funnel.stage_funnel(paths, len(stages))
    durations: dict[str, list[float]] = {s.code: [] for s in stages}
    moves = (
        opportunities.filter(transitions__from_stage__isnull=False)
        .order_by("pk", "transitions__moved_at")
        .values_list("pk", "transitions__from_stage__code", "transitions__moved_at")
    )
    entered: dict[int, datetime.datetime] = dict(opportunities.values_list("pk", "created_at"))
    for pk, stage_code, moved_at in moves:
        durations[stage_code].append((moved_at - entered[pk]).total_seconds() / 86400)
        entered[pk] = moved_at
    medians = funnel.median_days(durations)
    conversion = funnel.stage_conversion(reached)
    return [
        {"stage": s, "reached": reached[i], "conversion": conversion[i], "median_days": medians[s.code]}
        for i, s in enumerate(stages)
    ]


CLOSED_STATUSES = [OpportunityStatus.WON, OpportunityStatus.LOST, OpportunityStatus.ABANDONED]


@dataclass
class _ForecastRows:
    """What the forecast reads, whichever the source: open deals by (expected-close month, stage id,
    currency) and by (owner id, stage id, currency) → (count, amount in that currency); closed deals by
    (won, furthest stage order) → count. Currencies are converted after, by pipeline_forecast: the two
    sources then sum the same exact amounts per currency before any rounding."""

    by_month: dict = field(default_factory=dict)
    by_owner: dict = field(default_factory=dict)
    closed: dict = field(default_factory=dict)

    def add_open(
        self, month, stage_id: int, owner_id: int, currency: str, count: int, amount: Decimal
    ) -> None:
        for totals, key in (
            (self.by_month, (month, stage_id, currency)),
            (self.by_owner, (owner_id, stage_id, currency)),
        ):
            old_count, old_amount = totals.get(key, (0, Decimal("0")))
            totals[key] = (old_count + count, old_amount + amount)

    def add_closed(self, status: str, reached: int, count: int) -> None:
        key = (status == OpportunityStatus.WON, reached)
        self.closed[key] = self.closed.get(key, 0) + count


def _from_opportunities(rows: _ForecastRows, opportunities, *, owners, months) -> None:
    """Aggregate `opportunities` (restricted, of one process) into `rows`, from the table itself."""
    if owners is not None:
        opportunities = opportunities.filter(owner_id__any=owners)
    open_deals = opportunities.filter(status=OpportunityStatus.OPEN)
    if months:
        open_deals = open_deals.filter(months.opportunity_q())
    for month, stage_id, owner_id, currency, count, amount in (
        open_deals.order_by()
        .annotate(month=TruncMonth("expected_close"))
        .values_list("month", "stage_id", "owner_id", "currency")
        .annotate(count=Count("id"), amount=Sum("amount"))
    ):
        rows.add_open(month, stage_id, owner_id, currency, count, amount or Decimal("0"))
    furthest = (
        StageTransition.objects.filter(opportunity=OuterRef("pk"))
        .order_by()
        .values("opportunity")
        .annotate(furthest=Max("to_stage__order"))
        .values("furthest")
    )
    for status, reached, count in (
        opportunities.exclude(status=OpportunityStatus.OPEN)
        .order_by()
        .annotate(reached=Coalesce(Subquery(furthest), 0))
        .values_list("status", "reached")
        .annotate(count=Count("id"))
    ):
        rows.add_closed(status, reached, count)


def _from_summary(rows: _ForecastRows, split: summary.ScopeSplit, process, *, owners, months) -> None:
    """Add the summary part of `split` to `rows`: three small GROUP BYs over the summary's rows."""
    scoped = summary.summary_rows(split=split, process=process, owners=owners)
    open_rows = scoped.filter(status=OpportunityStatus.OPEN)
    if months:
        open_rows = open_rows.filter(months.summary_q())
    for month, stage_id, currency, count, cents in open_rows.values_list(
        "month", "stage_id", "currency"
    ).annotate(n=Sum("count"), c=Sum("amount_cents")):
        key = (summary.month_start(month), stage_id, currency)
        old_count, old_amount = rows.by_month.get(key, (0, Decimal("0")))
        rows.by_month[key] = (old_count + count, old_amount + summary.cents_to_amount(cents))
    for owner_id, stage_id, currency, count, cents in open_rows.values_list(
        "owner_id", "stage_id", "currency"
    ).annotate(n=Sum("count"), c=Sum("amount_cents")):
        key = (owner_id, stage_id, currency)
        old_count, old_amount = rows.by_owner.get(key, (0, Decimal("0")))
        rows.by_owner[key] = (old_count + count, old_amount + summary.cents_to_amount(cents))
    closed = scoped.filter(status__in=CLOSED_STATUSES)  # an IN list: three ranges of the summary's key
    for status, reached, count in closed.values_list("status", "reached").annotate(n=Sum("count")):
        rows.add_closed(status, reached, count)


def _forecast_rows(*, user, process: SalesProcess, owners, months, use_summary: bool) -> _ForecastRows:
    """The forecast's rows in `user`'s scope.

    With `use_summary`, the summary answers for the accounts owned in the user's reach and only the
    rest of the scope (kam.pipeline.summary.scope_split) is aggregated from the opportunities; without,
    everything is (the comparison the bench and the tests make).
    """
    rows = _ForecastRows()
    if not use_summary:
        scope = Opportunity.objects.restrict(user, "view").filter(process=process)
        _from_opportunities(rows, scope, owners=owners, months=months)
        return rows
    split = summary.scope_split(user)
    _from_summary(rows, split, process, owners=owners, months=months)
    if split.remainder is not None:
        _from_opportunities(rows, split.remainder.filter(process=process), owners=owners, months=months)
    return rows


def pipeline_forecast(
    *,
    user,
    process: SalesProcess,
    owners=None,
    months: summary.MonthRange | None = None,
    use_summary: bool = True,
    rates: dict[str, Decimal] | None = None,
):
    """Open deals weighted by stage probability — by month, month × stage and owner, the three views —
    and the probabilities calibrated on the closed deals.

    `months` narrows the open deals to those expected to close in these months (whole months: the
    summary knows no days); the calibration always uses every closed deal in scope, because it
    measures the stages, not the period. Amounts are in the reporting currency: each currency's sum per
    month and stage (per owner and stage) is converted at the exchange rates (`rates`, the current ones by
    default), then weighted; amounts in a currency without a rate are left out and listed under
    "unconverted". Weighted amounts are rounded per month and stage (per owner and stage for the owners'
    table).
    """
    from kam.users.models import User

    stages = list(process.stages.order_by("order"))
    by_id = {stage.pk: stage for stage in stages}
    rows = _forecast_rows(user=user, process=process, owners=owners, months=months, use_summary=use_summary)
    converter = Converter(rates if rates is not None else exchange_rates())
    deals = [
        forecast.OpenDeal(
            amount, by_id[stage_id].probability / 100, {"month": month, "stage": by_id[stage_id].code}, count
        )
        for (month, stage_id), (count, amount) in in_reporting_currency(rows.by_month, converter).items()
    ]
    owner_deals = [
        forecast.OpenDeal(amount, by_id[stage_id].probability / 100, {"owner": owner_id}, count)
        for (owner_id, stage_id), (count, amount) in in_reporting_currency(rows.by_owner, converter).items()
    ]
    configured = [s.probability / 100 for s in stages]
    calibration = forecast.calibrate(
        [
            forecast.ClosedDeal(reached - 1, won, count)
            for (won, reached), count in sorted(rows.closed.items())
            if reached
        ],
        configured,
    )
    by_month = forecast.weighted_pipeline(deals, by=["month"])
    by_owner = forecast.weighted_pipeline(owner_deals, by=["owner"])
    people = {
        person.pk: person
        for person in User.objects.only("id", "username", "full_name", "first_name", "last_name").filter(
            pk__any=[owner_id for (owner_id,) in by_owner]
        )
    }
    return {
        "views": forecast.forecast_views(deals),
        "months": sorted(
            by_month.items(), key=lambda item: (item[0][0] is None, item[0][0] or datetime.date.min)
        ),
        "by_month_stage": forecast.weighted_pipeline(deals, by=["month", "stage"]),
        "by_owner": sorted(
            ((people[owner_id], row) for (owner_id,), row in by_owner.items()),
            key=lambda item: (-item[1]["weighted"], str(item[0]), item[0].pk),
        ),
        "stages": stages,
        "calibration": list(zip(stages, calibration, strict=True)),
        "period": months or summary.MonthRange(),
        "currency": reporting_currency(),
        "unconverted": converter.unconverted,
    }


STATUS_DIMENSIONS = ["industry", "ownership", "relationship_quality", "lead_source", "product"]


def sales_status(*, user, dimension: str = "industry", owners=None, today: datetime.date | None = None):
    """Customers by current sales status (M3.8), broken down by one of STATUS_DIMENSIONS.

    The database groups the deals by customer — its latest win, its most advanced open deal, its product
    (the first line of its alphabetically first deal's product lines, as the database collates), the
    dimension's value — and `status.customer_status` (pure) places
    each customer from those: one row per customer reaches Python, not one per deal.
    """
    from django.utils import timezone

    today = today or timezone.localdate()
    deals = Opportunity.objects.restrict(user, "view").filter(
        status__in=[OpportunityStatus.OPEN, OpportunityStatus.WON]
    )
    if owners is not None:
        deals = deals.filter(account__owner_id__any=owners)
    if dimension == "product":
        source = Min("product_lines", filter=~Q(product_lines=""))
    else:
        source = F("account__industry_id" if dimension == "industry" else f"account__{dimension}")
    customers = (
        deals.order_by()
        .values("account_id")
        .annotate(
            value=source,
            last_won=Max("closed_on", filter=Q(status=OpportunityStatus.WON)),
            best_open=Max("stage__probability", filter=Q(status=OpportunityStatus.OPEN)),
        )
        .values_list("value", "last_won", "best_open")
    )
    label = _status_label(dimension)
    table: dict[str, dict[str, int]] = {}
    totals = dict.fromkeys(customer_status.STATUSES, 0)
    for value, last_won, best_open in customers:
        standing = []  # the two deals that decide: the most advanced open one, the latest win
        if best_open is not None:
            standing.append(customer_status.Deal(best_open, OpportunityStatus.OPEN))
        if last_won is not None:
            standing.append(customer_status.Deal(Decimal(100), OpportunityStatus.WON, last_won))
        status = customer_status.customer_status(standing, today=today)
        if status is None:
            continue
        row = table.setdefault(label(value), dict.fromkeys(customer_status.STATUSES, 0))
        row[status] += 1
        totals[status] += 1
    return {
        "rows": sorted(table.items(), key=lambda item: (-sum(item[1].values()), item[0])),
        "totals": totals,
        "customers": sum(totals.values()),
    }


def _status_label(dimension: str):
    """How a customer's grouped value reads in the sales-status table: the industry's name, a choice's
    label, the first of the product lines."""
    from kam.accounts.choices import LeadSource, Ownership, RelationshipQuality
    from kam.accounts.models import Industry

    if dimension == "industry":
        names = {industry.pk: str(industry) for industry in Industry.objects.all()}
        return lambda value: names.get(value, "")
    if dimension == "product":
        return lambda value: (value or "").split(",")[0].strip()
    choices = {
        "ownership": dict(Ownership.choices),
        "lead_source": dict(LeadSource.choices),
        "relationship_quality": dict(RelationshipQuality.choices),
    }[dimension]
    return lambda value: str(choices.get(value, value))


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def forecast_backtest(
    *,
    user,
    process: SalesProcess,
    calibrated,
    owners=None,
    quarters: int = 4,
    today: datetime.date | None = None,
    converter: Converter | None = None,
):
    """For each of the last completed quarters: the deals open at its start that were expected to close
    in it, weighted by the stage they were at then (configured vs calibrated probabilities), against
    what was won. Approximations: today's expected-close date, the furthest stage reached by then.
    Amounts in the reporting currency at today's exchange rates (`converter`; deals in a currency without
    a rate are left out, and the converter remembers it)."""
    from django.utils import timezone

    from kam.pipeline.models import StageTransition

    stages = list(process.stages.order_by("order"))
    configured = [s.probability / 100 for s in stages]
    today = today or timezone.localdate()
    end = _quarter_start(today)
    periods = []
    for _ in range(quarters):
        start = _quarter_start(end - datetime.timedelta(days=1))
        periods.append((start, end))
        end = start
    snapshots = []
    converter = converter if converter is not None else Converter(exchange_rates())
    tz = timezone.get_current_timezone()
    for start, end in reversed(periods):
        moment = datetime.datetime.combine(start, datetime.time(), tz)
        deals = (
            Opportunity.objects.restrict(user, "view")
            .filter(
                process=process,
                created_at__lt=moment,
                expected_close__gte=start,
                expected_close__lt=end,
            )
            .exclude(closed_on__lt=start)
        )
        if owners is not None:
            deals = deals.filter(owner_id__any=owners)
        amounts = {
            pk: converter.convert(amount, currency)
            for pk, amount, currency in deals.values_list("pk", "amount", "currency")
        }
        reached = dict(
            StageTransition.objects.filter(opportunity_id__in=deals.values("pk"), moved_at__lt=moment)
            .order_by()
            .values("opportunity_id")
            .annotate(order=Max("to_stage__order"))
            .values_list("opportunity_id", "order")
        )
        won = deals.filter(status=OpportunityStatus.WON, closed_on__gte=start, closed_on__lt=end)
        actual = converter.total(
            (currency, total or Decimal("0"))
            for currency, total in won.order_by().values_list("currency").annotate(total=Sum("amount"))
        )
        open_then = [(amounts[pk], order - 1) for pk, order in reached.items() if order]
        snapshots.append((f"{start.year}Q{(start.month - 1) // 3 + 1}", open_then, actual))
    return forecast.backtest(snapshots, configured, [c.probability for c in calibrated])
