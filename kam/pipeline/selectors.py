"""Reads of the pipeline, always through restrict()."""

from decimal import Decimal

from django.db.models import Case, Count, QuerySet, Sum, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

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


def board_columns(
    *, process: SalesProcess, opportunities: QuerySet[Opportunity], cards: int = CARDS_PER_COLUMN
):
    """The kanban: per stage its count, amount and weighted amount, and its first cards (open deals;
    the won stage shows deals won)."""
    stages = list(process.stages.order_by("order"))
    scoped = opportunities.filter(process=process)
    open_or_won = scoped.filter(status__in=[OpportunityStatus.OPEN, OpportunityStatus.WON])
    totals = {
        row["stage"]: row
        for row in open_or_won.order_by().values("stage").annotate(count=Count("id"), amount=Sum("amount"))
    }
    columns = []
    for stage in stages:
        total = totals.get(stage.pk, {"count": 0, "amount": None})
        amount = total["amount"] or Decimal("0")
        columns.append(
            {
                "stage": stage,
                "count": total["count"],
                "amount": amount,
                "weighted": (amount * stage.probability / 100).quantize(Decimal("0.01")),
                "cards": list(open_or_won.filter(stage=stage).order_by("-amount", "id")[:cards]),
            }
        )
    return columns


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
