"""Reads for planning, always through restrict(): the attractiveness matrix computed (M2.1), each industry's
profile next to the results KAM already knows, the key-account base, and an account plan with everything the
six steps draw on from the other apps."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, OuterRef, Sum, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kam.accounts import selectors as account_selectors
from kam.accounts.models import Account, Industry
from kam.accounts.money import Converter
from kam.planning import matrix as arithmetic
from kam.planning import roadmap
from kam.planning.choices import HORIZON_MOTTOS, Horizon, IndustryClass
from kam.planning.models import (
    AccountPlan,
    BusinessLine,
    ClassRule,
    Criterion,
    IndustryProfile,
    IndustryRow,
    Measure,
    Resource,
    Score,
)
from kam.planning.segments import SegmentError, parse_segments
from kam.users.access import can

# --- the attractiveness matrix ------------------------------------------------------------------------------


def criterion_list(*, user, action: str = "view"):
    return Criterion.objects.restrict(user, action)


def criterion_get(*, user, pk, action: str = "view") -> Criterion:
    return get_object_or_404(criterion_list(user=user, action=action), pk=pk)


def row_list(*, user, action: str = "view"):
    return IndustryRow.objects.restrict(user, action).select_related("industry")


def row_get(*, user, pk, action: str = "view") -> IndustryRow:
    return get_object_or_404(row_list(user=user, action=action), pk=pk)


def score_list(*, user, action: str = "view"):
    return Score.objects.restrict(user, action)


def class_rule(*, user) -> ClassRule:
    rule = ClassRule.objects.restrict(user, "view").order_by("pk").first()
    return rule if rule is not None else ClassRule()


@dataclass
class Cell:
    criterion: Criterion
    value: Decimal | None
    heat: int | None


@dataclass
class RowView:
    row: IndustryRow
    cells: list[Cell]
    assessment: arithmetic.Assessment

    @property
    def decided_class(self) -> str:
        return self.row.override_class or self.assessment.suggested

    @property
    def overridden(self) -> bool:
        return bool(self.row.override_class) and self.row.override_class != self.assessment.suggested

    @property
    def decided_label(self) -> str:
        return IndustryClass(self.decided_class).label

    @property
    def suggested_label(self) -> str:
        return IndustryClass(self.assessment.suggested).label


@dataclass
class MatrixView:
    criteria: list[Criterion]
    rows: list[RowView]
    average: Decimal | None
    rule: ClassRule

    @property
    def average_label(self) -> str:
        return "—" if self.average is None else f"{self.average.quantize(Decimal('0.1'))}"

    @property
    def mismatches(self) -> list[RowView]:
        return [r for r in self.rows if r.assessment.mismatch]

    def for_industry(self, industry_id) -> RowView | None:
        return next((r for r in self.rows if r.row.industry_id == industry_id), None)

    @property
    def by_class(self) -> list[tuple[str, str, list[RowView]]]:
        """The decided classes, key first, each with its industries by total (slide 18's grouping)."""
        return [
            (
                value,
                label,
                sorted((r for r in self.rows if r.decided_class == value), key=lambda r: -r.assessment.total),
            )
            for value, label in IndustryClass.choices
        ]


def matrix_view(*, user) -> MatrixView:
    """The whole matrix in three queries: criteria, industries and scores."""
    criteria = list(criterion_list(user=user))
    rows = list(row_list(user=user))
    values = {(s.row_id, s.criterion_id): s.value for s in score_list(user=user).filter(row__in=rows)}
    rule = class_rule(user=user)
    pure = [arithmetic.Criterion(c.pk, c.direction, c.weight) for c in criteria]
    assessments = arithmetic.assess(
        pure,
        {r.pk: {c.pk: values.get((r.pk, c.pk)) for c in criteria} for r in rows},
        printed={r.pk: r.printed_total for r in rows},
        rule=arithmetic.ClassRule(rule.key_percent, rule.potential_percent),
    )
    views = [
        RowView(
            row=row,
            cells=[
                Cell(
                    c,
                    values.get((row.pk, c.pk)),
                    arithmetic.heat(values.get((row.pk, c.pk)), c.scale_max, c.direction),
                )
                for c in criteria
            ],
            assessment=assessment,
        )
        for row, assessment in zip(rows, assessments, strict=True)
    ]
    return MatrixView(
        criteria=criteria,
        rows=views,
        average=arithmetic.average([a.total for a in assessments]),
        rule=rule,
    )


# --- industry profiles and results --------------------------------------------------------------------------


def profile_list(*, user, action: str = "view"):
    return IndustryProfile.objects.restrict(user, action).select_related("industry")


def profile_get(*, user, pk, action: str = "view") -> IndustryProfile:
    return get_object_or_404(profile_list(user=user, action=action), pk=pk)


def segments_of(profile: IndustryProfile | None) -> list[tuple[str, Decimal]]:
    if profile is None:
        return []
    try:
        return parse_segments(profile.segments)
    except SegmentError:
        return []


@dataclass
class IndustryResult:
    """What KAM already knows of an industry, within what the user may see."""

    industry: Industry
    accounts: int = 0
    open_pipeline: Decimal = Decimal(0)
    won: int = 0
    lost: int = 0
    revenue: Decimal = Decimal(0)
    profile: IndustryProfile | None = None
    matrix_row: RowView | None = None
    segments: list = field(default_factory=list)

    @property
    def win_rate(self) -> Decimal | None:
        return arithmetic.win_rate(self.won, self.lost)


def revenue_since(today: datetime.date) -> datetime.date:
    """The first month of the rolling 12 months that end with `today`'s month."""
    month = today.year * 12 + today.month - 1 - 11
    return datetime.date(month // 12, month % 12 + 1, 1)


def industry_results(
    *, user, today: datetime.date | None = None, converter: Converter | None = None
) -> list[IndustryResult]:
    """Every industry with its accounts, open pipeline, won/lost deals and revenue of the rolling 12 months
    (from the tiering rollups), its profile and its row of the matrix — a fixed number of queries.

    The open pipeline is in the reporting currency: each currency's sum converted at the exchange rates
    (`converter`, the current rates by default; it remembers currencies without a rate, whose amounts are
    left out). Revenue comes from the sales ledger, which is kept in the reporting currency."""
    from kam.pipeline import selectors as pipeline_selectors
    from kam.pipeline.choices import OpportunityStatus
    from kam.tiering.models import TransactionMonth

    today = today or timezone.localdate()
    converter = converter if converter is not None else Converter(account_selectors.exchange_rates())
    results = {i.pk: IndustryResult(industry=i) for i in account_selectors.industry_list(user=user)}
    accounts = account_selectors.account_list(user=user).exclude(industry=None).order_by()
    for row in accounts.values("industry_id").annotate(n=Count("id")):
        results[row["industry_id"]].accounts = row["n"]
    deals = pipeline_selectors.opportunity_list(user=user).exclude(account__industry=None).order_by()
    open_amounts: dict[int, dict[str, Decimal]] = {}
    for row in deals.values("account__industry_id", "status", "currency").annotate(
        n=Count("id"), amount=Sum("amount")
    ):
        industry_id = row["account__industry_id"]
        result = results[industry_id]
        if row["status"] == OpportunityStatus.OPEN:
            open_amounts.setdefault(industry_id, {})[row["currency"]] = row["amount"] or Decimal(0)
        elif row["status"] == OpportunityStatus.WON:
            result.won += row["n"]
        elif row["status"] == OpportunityStatus.LOST:
            result.lost += row["n"]
    for industry_id, by_currency in open_amounts.items():
        results[industry_id].open_pipeline = converter.total(by_currency)
    months = (
        TransactionMonth.objects.restrict(user)
        .filter(month__gte=revenue_since(today))
        .exclude(account__industry=None)
        .order_by()
        .values("account__industry_id")
        .annotate(cents=Sum(F("sales") - F("returned")))  # revenue as tiering counts it: sales − returns
    )
    for row in months:
        results[row["account__industry_id"]].revenue = Decimal(row["cents"] or 0) / 100
    for profile in profile_list(user=user):
        results[profile.industry_id].profile = profile
        results[profile.industry_id].segments = segments_of(profile)
    matrix = matrix_view(user=user)
    for row_view in matrix.rows:
        results[row_view.row.industry_id].matrix_row = row_view
    return list(results.values())


def scatter_data(results: list[IndustryResult]) -> dict:
    """The attractiveness-vs-results chart: a point per industry on the matrix (total, win rate, revenue)."""
    points = [
        {
            "name": str(r.industry),
            "total": float(r.matrix_row.assessment.total),
            "win_rate": None if r.win_rate is None else float(r.win_rate),
            "revenue": float(r.revenue),
            "class": r.matrix_row.decided_class,
        }
        for r in results
        if r.matrix_row is not None
    ]
    return {"points": points}


# --- the key-account base -----------------------------------------------------------------------------------


def revenue_composition(results: list[IndustryResult]) -> list[tuple[Industry, Decimal, Decimal]]:
    """Revenue per industry and its share of the total in % (two decimals), biggest first."""
    total = sum((r.revenue for r in results), Decimal(0))
    if not total:
        return []
    shares = [
        (r.industry, r.revenue, (r.revenue * 100 / total).quantize(Decimal("0.01")))
        for r in results
        if r.revenue
    ]
    return sorted(shares, key=lambda item: -item[1])


def business_line_list(*, user, action: str = "view"):
    return BusinessLine.objects.restrict(user, action)


def business_line_get(*, user, pk, action: str = "view") -> BusinessLine:
    return get_object_or_404(business_line_list(user=user, action=action), pk=pk)


# --- account plans ------------------------------------------------------------------------------------------


def plan_list(*, user, action: str = "view"):
    return AccountPlan.objects.restrict(user, action).select_related("account", "owner")


def plan_get(*, user, pk, action: str = "view") -> AccountPlan:
    return get_object_or_404(plan_list(user=user, action=action), pk=pk)


def current_plans(*, user):
    """The newest version of each account's plan the user may see."""
    plans = plan_list(user=user)
    newer = AccountPlan.objects.filter(account_id=OuterRef("account_id"), revision__gt=OuterRef("revision"))
    return plans.exclude(Exists(newer)).order_by("account__name", "account_id")


def current_plan(*, user, account: Account) -> AccountPlan | None:
    return plan_list(user=user).filter(account=account).order_by("-revision").first()


def measure_list(*, user, action: str = "view"):
    return Measure.objects.restrict(user, action).select_related("plan")


def measure_get(*, user, pk, action: str = "view") -> Measure:
    return get_object_or_404(measure_list(user=user, action=action).select_related("plan__account"), pk=pk)


def resource_list(*, user, action: str = "view"):
    return Resource.objects.restrict(user, action).select_related("plan")


def resource_get(*, user, pk, action: str = "view") -> Resource:
    return get_object_or_404(resource_list(user=user, action=action).select_related("plan__account"), pk=pk)


def _needs(*, user, account: Account) -> dict:
    """Step 3's facts: the org chart's size and each open deal's step in the customer's procurement."""
    from kam.buyingcenter.choices import ProjectPhase
    from kam.buyingcenter.selectors import current_phase
    from kam.pipeline import selectors as pipeline_selectors
    from kam.pipeline.choices import OpportunityStatus

    deals = (
        pipeline_selectors.opportunity_list(user=user)
        .filter(account=account, status=OpportunityStatus.OPEN)
        .select_related("stage")
        .order_by("-amount", "id")
    )
    decisions = []
    for deal in deals:
        phase = current_phase(deal.stage)
        decisions.append({"opportunity": deal, "phase": ProjectPhase(phase).label if phase else ""})
    contacts = account_selectors.contact_list(user=user).filter(account=account).count()
    return {"decisions": decisions, "contacts": contacts}


def _rivals(*, user, account: Account, limit: int = 20) -> list:
    """Step 2's facts: the account's deals with the competitors met on them (and who won a lost one), open
    deals first."""
    from kam.pipeline import selectors as pipeline_selectors
    from kam.pipeline.choices import OpportunityStatus

    deals = (
        pipeline_selectors.opportunity_list(user=user)
        .filter(account=account)
        .exclude(competitors="", winning_competitor="")
        .annotate(closed=Case(When(status=OpportunityStatus.OPEN, then=0), default=1))
        .order_by("closed", "-amount", "id")
    )
    return list(deals[:limit])


def _progress_reports(*, user, account: Account, limit: int = 5) -> list:
    from kam.pipeline.models import ProgressReport

    reports = (
        ProgressReport.objects.restrict(user)
        .filter(opportunity__account=account)
        .select_related("opportunity", "author")
        .prefetch_related("influencers")
        .order_by("-report_date", "-id")
    )
    return list(reports[:limit])


def roadmap_lanes(measures: list[Measure]) -> list[dict]:
    """The three horizons in order, each with its measures best-scored first (M2.4's roadmap)."""
    by_key = {m.pk: m for m in measures}
    lanes = roadmap.roadmap(
        [
            roadmap.MeasureScore(m.pk, m.horizon, m.profitability, m.competitive_situation, m.feasibility)
            for m in measures
        ]
    )
    return [
        {
            "horizon": horizon,
            "label": Horizon(horizon).label,
            "motto": HORIZON_MOTTOS.get(Horizon(horizon), ""),
            "measures": [by_key[pk] for pk in keys],
        }
        for horizon, keys in lanes.items()
    ]


def service_balance(resources: list[Resource]) -> list[tuple[str, roadmap.Commitment]]:
    return [
        ("people", roadmap.balance([(r.people_committed, r.people_promised) for r in resources])),
        ("hours", roadmap.balance([(r.hours_committed, r.hours_promised) for r in resources])),
        ("budget", roadmap.balance([(r.budget_committed, r.budget_promised) for r in resources])),
    ]


def plan_context(*, user, plan: AccountPlan) -> dict:
    """Everything the plan's page (and its PDF) shows: the six steps, with what KAM knows next to the text."""
    from kam.competition import selectors as competition_selectors

    account = plan.account
    matrix = matrix_view(user=user)
    profile = (
        profile_list(user=user).filter(industry_id=account.industry_id).first()
        if account.industry_id
        else None
    )
    measures = list(plan.measures.all())
    resources = list(plan.resources.all())
    versions = list(plan_list(user=user).filter(account=account).order_by("-revision"))
    return {
        "plan": plan,
        "account": account,
        "versions": versions,
        "is_current": versions[0].pk == plan.pk,
        "can_change": not plan.is_superseded and can(user, "change", plan),
        "industry_row": matrix.for_industry(account.industry_id) if account.industry_id else None,
        "matrix_average": matrix.average_label,
        "profile": profile,
        "segments": segments_of(profile),
        "competition": competition_selectors.account_competition(user=user, account=account),
        "rivals": _rivals(user=user, account=account),
        **_needs(user=user, account=account),
        "measures": measures,
        "lanes": roadmap_lanes(measures),
        "resources": resources,
        "balance": service_balance(resources),
        "reports": _progress_reports(user=user, account=account),
    }


def account_panel(user, account) -> dict:
    """The account page's panel: the current plan (if any) and whether the user may start one."""
    return {
        "account": account,
        "plan": current_plan(user=user, account=account),
        "can_plan": can(user, "change", account),
    }
