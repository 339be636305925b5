"""Reads of key-account service for users, always through restrict(): the stage list, an account's service
page and panel, the loyalty / at-risk list, service requests, surveys, and the dashboard's aggregates.

List pages compute each row's share of wallet and suggested stage for the whole page in a fixed number of
queries (figures.revenue_by_year, figures.active_pairs), so their query count does not grow with the rows.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kam.accounts import selectors as account_selectors
from kam.accounts.models import Account, Contact
from kam.service import figures, grid, loyalty, wallet
from kam.service.choices import LADDER, SatisfactionElement, Stage
from kam.service.models import (
    CategorySpend,
    Contribution,
    GapAssessment,
    GridPlacement,
    LoyaltyReview,
    SatisfactionSurvey,
    ServiceRequest,
    StageChange,
)
from kam.tiering.choices import FeedbackKind
from kam.tiering.models import Feedback, TransactionMonth
from kam.users.access import can

STAGE_ORDERINGS = {
    "name": ("name", "id"),
    "-share": ("-share_sort", "id"),
    "-stage": ("-stage_rank", "id"),
}
LOYALTY_ORDERINGS = {"score": ("score_sort", "id"), "name": ("name", "id")}


def account_get(*, user, pk, action: str = "view") -> Account:
    return account_selectors.account_get(user=user, pk=pk, action=action)


def _stage_rank():
    whens = [When(relationship_stage__stage=stage, then=Value(i)) for i, stage in enumerate(LADDER, start=1)]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def default_year(*, user) -> int:
    """The latest year with a spend estimate the user can see; this year when there is none."""
    latest = CategorySpend.objects.restrict(user).order_by("-year").values_list("year", flat=True).first()
    return latest or timezone.localdate().year


def stage_list(*, user, year: int) -> QuerySet[Account]:
    """Visible accounts with their stage, `year`'s estimated spend and our revenue (cents) that year."""
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    revenue = (
        TransactionMonth.objects.filter(account=OuterRef("pk"), month__gte=start, month__lt=end)
        .values("account")
        .annotate(total=Sum(F("sales") - F("returned")))
        .values("total")
    )
    spend = CategorySpend.objects.filter(account=OuterRef("pk"), year=year).values("amount")[:1]
    accounts = account_selectors.account_list(user=user).select_related("relationship_stage", "owner")
    return accounts.annotate(
        spend=Subquery(spend, output_field=DecimalField(max_digits=16, decimal_places=2)),
        revenue_cents=Coalesce(Subquery(revenue, output_field=IntegerField()), Value(0)),
        stage_rank=_stage_rank(),
        share_sort=Coalesce(
            Cast(F("revenue_cents"), FloatField()) / Cast(F("spend") * 100, FloatField()), Value(-1.0)
        ),
    )


@dataclass
class StageRow:
    account: Account
    stage: str | None
    share: wallet.WalletShare
    revenue: Decimal
    suggestion: wallet.Suggestion
    pairs_beyond: int

    @property
    def differs(self) -> bool:
        return self.suggestion.stage is not None and self.suggestion.stage != self.stage


def stage_rows(accounts, *, year: int, as_of: datetime.date | None = None) -> list[StageRow]:
    """Share of wallet and suggested stage for a page of `stage_list` rows (five queries for the page)."""
    as_of = as_of or timezone.localdate()
    accounts = list(accounts)
    ids = [a.pk for a in accounts]
    previous = figures.revenue_by_year(ids, [year - 1])
    pairs = figures.active_pairs(ids, as_of=as_of)
    rows = []
    for account in accounts:
        revenue = Decimal(account.revenue_cents) / figures.CENTS
        share = wallet.share_of_wallet(revenue, account.spend)
        beyond = wallet.pairs_beyond_bow_tie(set(pairs.get(account.pk, ())))
        before = previous.get((account.pk, year - 1), {}).get("revenue", Decimal(0))
        suggestion = wallet.suggest_stage(
            percent=share.percent, has_revenue=revenue > 0, had_revenue_before=before > 0, beyond=beyond
        )
        current = getattr(getattr(account, "relationship_stage", None), "stage", None)
        rows.append(StageRow(account, current, share, revenue, suggestion, beyond))
    return rows


def stage_history(*, user, account: Account) -> QuerySet[StageChange]:
    return StageChange.objects.restrict(user).filter(account=account).select_related("changed_by")


def current_stage(account: Account) -> str | None:
    record = getattr(account, "relationship_stage", None) if _has_stage(account) else None
    return record.stage if record else None


def _has_stage(account: Account) -> bool:
    try:
        account.relationship_stage  # noqa: B018 — a reverse one-to-one raises when absent
    except Account.relationship_stage.RelatedObjectDoesNotExist:
        return False
    return True


# --- one account -------------------------------------------------------------------------------------------


@dataclass
class GridView:
    heatmap: list[list[int]]
    current: list[dict]  # one per contact: contact, cell, moved (+1/0/−1), history [(date, cell)]
    trusted: int
    strategic: int

    @property
    def chart(self) -> dict:
        data = [
            [column, len(grid.LEVELS) - 1 - row, count]
            for row, counts in enumerate(self.heatmap)
            for column, count in enumerate(counts)
        ]
        lines = [
            {
                "name": entry["contact"].name,
                "points": [
                    [cell.depth - 1, cell.height - 1, day.isoformat()] for day, cell in entry["history"]
                ],
            }
            for entry in self.current
            if len(entry["history"]) > 1
        ]
        return {"cells": data, "lines": lines, "max": max([1, *(max(r) for r in self.heatmap)])}


def grid_view(account: Account) -> GridView:
    """Each contact's latest cell, the heatmap of those, and each contact's path over time."""
    history: dict[int, list] = {}
    contacts: dict[int, Contact] = {}
    for placement in GridPlacement.objects.filter(account=account).select_related("contact"):
        history.setdefault(placement.contact_id, []).append(
            (placement.placed_on, grid.place(placement.depth, placement.level), placement.note)
        )
        contacts[placement.contact_id] = placement.contact
    current = []
    for contact_id, entries in history.items():
        cell, before = entries[-1][1], entries[-2][1] if len(entries) > 1 else None
        current.append(
            {
                "contact": contacts[contact_id],
                "cell": cell,
                "note": entries[-1][2],
                "moved": grid.movement(before, cell),
                "history": [(day, c) for day, c, _note in entries],
            }
        )
    current.sort(key=lambda entry: (-entry["cell"].strength, entry["contact"].name))
    cells = [entry["cell"] for entry in current]
    return GridView(
        heatmap=grid.heatmap(cells),
        current=current,
        trusted=sum(1 for c in cells if c.height >= 2),
        strategic=sum(1 for c in cells if c.level == "A"),
    )


def pattern_chart(pattern: figures.Pattern) -> dict:
    """The bipartite graph: our people on the left, theirs on the right, a line per active pair."""

    def column(people: dict[int, str], prefix: str, x: int) -> list[dict]:
        step = 400 / max(len(people), 1)
        return [
            {"id": f"{prefix}{pk}", "name": label, "x": x, "y": round(step * (i + 0.5)), "side": prefix}
            for i, (pk, label) in enumerate(sorted(people.items(), key=lambda item: item[1]))
        ]

    links = [
        {"source": f"o{ours}", "target": f"t{theirs}", "value": meetings}
        for (ours, theirs), meetings in sorted(pattern.pairs.items())
    ]
    return {"nodes": column(pattern.ours, "o", 0) + column(pattern.theirs, "t", 600), "links": links}


def account_service(*, user, account: Account, as_of: datetime.date | None = None) -> dict:
    """Everything the account's service page shows."""
    as_of = as_of or timezone.localdate()
    stage = current_stage(account)
    spend_year = figures.latest_spend_year(account)
    share = figures.share_for(account, spend_year)
    current_revenue, previous_revenue = figures.rolling_revenue(account, as_of=as_of)
    pattern = figures.contact_pattern(account, as_of=as_of)
    suggestion = wallet.suggest_stage(
        percent=share.percent,
        has_revenue=current_revenue > 0,
        had_revenue_before=previous_revenue > 0,
        beyond=pattern.beyond,
    )
    grid_data = grid_view(account)
    index = figures.loyalty_for(account, as_of=as_of)
    contributions = list(Contribution.objects.restrict(user).filter(account=account))
    spends = list(CategorySpend.objects.restrict(user).filter(account=account))
    years = sorted({c.year for c in contributions} | {as_of.year, as_of.year - 1}, reverse=True)
    money = figures.revenue_by_year([account.pk], years + [s.year for s in spends])
    contribution_rows = [
        {
            "year": year,
            "revenue": money.get((account.pk, year), {}).get("revenue", Decimal(0)),
            "profit": money.get((account.pk, year), {}).get("profit", Decimal(0)),
            "record": next((c for c in contributions if c.year == year), None),
        }
        for year in years
    ]
    steps = loyalty.five_steps(
        loyalty.StepEvidence(
            has_revenue=current_revenue > 0,
            trusted_contacts=grid_data.trusted,
            share_percent=share.percent,
            joint_projects=sum(c.joint_projects for c in contributions),
            loyalty_score=index.score,
            strategic_contacts=grid_data.strategic,
            stage=stage,
        )
    )
    return {
        "account": account,
        "stage": stage,
        "ladder": ladder(stage),
        "history": list(stage_history(user=user, account=account)),
        "spend_year": spend_year,
        "spends": [
            {
                "spend": spend,
                "revenue": money.get((account.pk, spend.year), {}).get("revenue", Decimal(0)),
                "share": wallet.share_of_wallet(
                    money.get((account.pk, spend.year), {}).get("revenue", Decimal(0)), spend.amount
                ),
            }
            for spend in spends
        ],
        "share": share,
        "suggestion": suggestion,
        "pattern": pattern,
        "pattern_chart": pattern_chart(pattern),
        "pairs_needed": wallet.PAIRS_NEEDED.get(stage),
        "pattern_gap": wallet.pattern_gap(stage, pattern.beyond),
        "grid": grid_data,
        "contacts": list(account.contacts.filter(is_active=True).order_by("name")),
        "loyalty": index,
        "reviews": list(LoyaltyReview.objects.restrict(user).filter(account=account)[:6]),
        "steps": steps,
        "step_evidence": {
            "revenue": current_revenue,
            "trusted": grid_data.trusted,
            "share": share.percent,
            "joint_projects": sum(c.joint_projects for c in contributions),
            "score": index.score,
            "strategic": grid_data.strategic,
        },
        "contributions": contribution_rows,
        "surveys": list(SatisfactionSurvey.objects.restrict(user).filter(account=account)[:5]),
        "gaps": list(GapAssessment.objects.restrict(user).filter(account=account)[:4]),
        "requests": list(ServiceRequest.objects.restrict(user).filter(account=account)[:8]),
        "can_change": can(user, "change", account),
    }


def ladder(stage: str | None) -> list[dict]:
    """The five rungs (and the lapse) with where the account stands."""
    here = wallet.rank(stage)
    rungs = [
        {"stage": s, "label": s.label, "reached": i <= here, "current": s == stage}
        for i, s in enumerate(LADDER, start=1)
    ]
    rungs.append(
        {
            "stage": Stage.INTERRUPTED,
            "label": Stage.INTERRUPTED.label,
            "reached": stage == Stage.INTERRUPTED,
            "current": stage == Stage.INTERRUPTED,
        }
    )
    return rungs


def account_panel(user, account: Account) -> dict:
    """The account page's service panel: the stage ladder, share of wallet and the suggested stage."""
    as_of = timezone.localdate()
    stage = current_stage(account)
    share = figures.share_for(account, figures.latest_spend_year(account))
    current_revenue, previous_revenue = figures.rolling_revenue(account, as_of=as_of)
    beyond = wallet.pairs_beyond_bow_tie(
        set(figures.active_pairs([account.pk], as_of=as_of).get(account.pk, ()))
    )
    return {
        "account": account,
        "stage": stage,
        "ladder": ladder(stage),
        "share": share,
        "suggestion": wallet.suggest_stage(
            percent=share.percent,
            has_revenue=current_revenue > 0,
            had_revenue_before=previous_revenue > 0,
            beyond=beyond,
        ),
    }


# --- loyalty and risk ---------------------------------------------------------------------------------------


def loyalty_list(*, user, as_of: datetime.date | None = None) -> QuerySet[Account]:
    """Visible accounts with their latest and previous loyalty score and their complaints of the last two
    quarters."""
    as_of = as_of or timezone.localdate()
    reviews = LoyaltyReview.objects.filter(account=OuterRef("pk")).order_by("-reviewed_on", "-id")
    complaints = Feedback.objects.filter(account=OuterRef("pk"), kind=FeedbackKind.COMPLAINT)
    recent_start, earlier_start = as_of - datetime.timedelta(days=90), as_of - datetime.timedelta(days=180)

    def count(since, until):
        return Coalesce(
            Subquery(
                complaints.filter(received_on__gt=since, received_on__lte=until)
                .values("account")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        )

    score = DecimalField(max_digits=4, decimal_places=1)
    return (
        account_selectors.account_list(user=user)
        .select_related("relationship_stage", "owner")
        .annotate(
            score=Subquery(reviews.values("score")[:1], output_field=score),
            previous_score=Subquery(reviews.values("score")[1:2], output_field=score),
            stage_code=Coalesce(F("relationship_stage__stage"), Value(""), output_field=CharField()),
            complaints_recent=count(recent_start, as_of),
            complaints_before=count(earlier_start, recent_start),
            score_sort=Coalesce(Cast(F("score"), FloatField()), Value(1000.0)),
        )
    )


def at_risk_q() -> Q:
    """Falling loyalty score, an interrupted relationship, or more complaints than the quarter before."""
    return (
        Q(score__lt=F("previous_score"))
        | Q(stage_code=Stage.INTERRUPTED)
        | Q(complaints_recent__gt=F("complaints_before"))
    )


def risk_reasons(account) -> list[str]:
    reasons = []
    if (
        account.score is not None
        and account.previous_score is not None
        and account.score < account.previous_score
    ):
        reasons.append("falling")
    if account.stage_code == Stage.INTERRUPTED:
        reasons.append("interrupted")
    if account.complaints_recent > account.complaints_before:
        reasons.append("complaints")
    return reasons


# --- service quality ----------------------------------------------------------------------------------------


def request_list(*, user, action: str = "view") -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.restrict(user, action).select_related("account", "owner")


def request_get(*, user, pk, action: str = "view") -> ServiceRequest:
    return get_object_or_404(request_list(user=user, action=action), pk=pk)


def survey_list(*, user) -> QuerySet[SatisfactionSurvey]:
    return SatisfactionSurvey.objects.restrict(user).select_related("account", "respondent")


def gap_list(*, user) -> QuerySet[GapAssessment]:
    return GapAssessment.objects.restrict(user).select_related("account")


def survey_averages(*, user) -> list[tuple[str, Decimal | None]]:
    """Each satisfaction element (its label) with its average over the surveys the user may see."""
    values = survey_list(user=user).aggregate(**{e.value: Avg(e.value) for e in SatisfactionElement})
    return [
        (e.label, Decimal(str(round(values[e.value], 2))) if values[e.value] is not None else None)
        for e in SatisfactionElement
    ]


# --- dashboard ----------------------------------------------------------------------------------------------


def dashboard(*, user, now: datetime.datetime | None = None) -> dict:
    """Aggregates over what the user may see only: stages, loyalty bands, at-risk accounts, SLA compliance."""
    now = now or timezone.now()
    accounts = account_selectors.account_list(user=user)
    by_stage = Counter(
        dict(
            accounts.values("relationship_stage__stage")
            .annotate(n=Count("pk"))
            .values_list("relationship_stage__stage", "n")
        )
    )
    stages = [{"stage": s, "label": s.label, "count": by_stage.get(s.value, 0)} for s in Stage]
    unset = by_stage.get(None, 0)
    scored = loyalty_list(user=user).exclude(score=None)
    bands = scored.aggregate(
        loyal=Count("pk", filter=Q(score__gte=loyalty.LOYAL_FROM)),
        at_risk=Count("pk", filter=Q(score__lt=loyalty.AT_RISK_BELOW)),
        total=Count("pk"),
    )
    bands["neutral"] = bands["total"] - bands["loyal"] - bands["at_risk"]
    at_risk = list(loyalty_list(user=user).filter(at_risk_q()).order_by("score_sort", "id")[:10])
    requests = request_list(user=user)
    sla = requests.aggregate(
        met=Count("pk", filter=Q(resolved_at__isnull=False, resolved_at__lte=F("due_at"))),
        late=Count("pk", filter=Q(resolved_at__isnull=False, resolved_at__gt=F("due_at"))),
        overdue=Count("pk", filter=Q(resolved_at__isnull=True, due_at__lt=now)),
        open=Count("pk", filter=Q(resolved_at__isnull=True, due_at__gte=now)),
    )
    sla["resolved"] = closed = sla["met"] + sla["late"]
    sla["compliance"] = round(Decimal(sla["met"]) * 100 / closed, 1) if closed else None
    return {
        "stages": stages,
        "unset": unset,
        "bands": bands,
        "at_risk": [(a, risk_reasons(a)) for a in at_risk],
        "sla": sla,
        "surveys": survey_averages(user=user),
    }


def spend_list(*, user, action: str = "view") -> QuerySet[CategorySpend]:
    return CategorySpend.objects.restrict(user, action).select_related("account")


def stage_change_list(*, user) -> QuerySet[StageChange]:
    return StageChange.objects.restrict(user).select_related("account", "changed_by")


def placement_list(*, user) -> QuerySet[GridPlacement]:
    return GridPlacement.objects.restrict(user).select_related("contact")
