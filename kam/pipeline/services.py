"""Writes for the pipeline: opportunities, the stage gate, criterion checks, closes and progress reports.

Every path that moves an opportunity — form, API, kanban — calls `opportunity_move`, so the gate, the
StageTransition and the audit entry are the same whichever way a card moves.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.audit.services import audit_create, audit_delete
from kam.core.services import create_instance, delete_instance, update_instance
from kam.pipeline import funnel
from kam.pipeline.choices import OpportunityStatus
from kam.pipeline.models import (
    CriterionCheck,
    FunnelBenchmarkStep,
    Opportunity,
    ProgressReport,
    ReportInfluencer,
    SalesProcess,
    Stage,
    StageCriterion,
    StageTransition,
)
from kam.pipeline.panels import gate_warnings
from kam.pipeline.summary import forecast_changes
from kam.users.services import ensure_admin, ensure_can_write


def default_process() -> SalesProcess:
    process = SalesProcess.objects.filter(is_default=True).first() or SalesProcess.objects.first()
    if process is None:
        raise ValidationError(_("No sales process is set up yet."))
    return process


def next_number(today=None) -> str:
    """Opportunity numbers like P2026-00042: the year and a running count."""
    return next_numbers(1, today=today)[0]


def next_numbers(count: int, today=None) -> list[str]:
    """The next `count` numbers in a row: an import numbers all its new opportunities at once."""
    year = (today or timezone.localdate()).year
    prefix = f"P{year}-"
    last = Opportunity.objects.filter(number__startswith=prefix).aggregate(n=Max("number"))["n"]
    first = int(last.removeprefix(prefix)) + 1 if last and last.removeprefix(prefix).isdigit() else 1
    return [f"{prefix}{n:05d}" for n in range(first, first + count)]


def _account_ids(data: dict) -> list[int]:
    """The account a create or update puts the opportunity on, for the forecast summary's lock."""
    account = data.get("account")
    account_id = account.pk if account is not None else data.get("account_id")
    return [account_id] if account_id else []


def _record_transition(*, opportunity, from_stage, actor, reason="", unmet=()):
    transition = StageTransition.objects.create(
        opportunity=opportunity,
        from_stage=from_stage,
        to_stage=opportunity.stage,
        to_status=opportunity.status,
        moved_by=actor if actor is not None and actor.is_authenticated else None,
        reason=reason,
        unmet_criteria=list(unmet),
    )
    audit_create(instance=transition, actor=actor)
    return transition


@transaction.atomic
def opportunity_create(*, actor, data: dict) -> Opportunity:
    """Open an opportunity at the first stage of its process (the default process unless given)."""
    ensure_can_write(actor)
    data = dict(data)
    process = data.pop("process", None) or default_process()
    stage = data.pop("stage", None) or process.stages.order_by("order").first()
    data.setdefault("owner", actor)
    data.setdefault("number", next_number())
    with forecast_changes(account_ids=_account_ids(data)):
        opportunity = create_instance(
            instance=Opportunity(process=process, stage=stage, stage_entered_at=timezone.now(), **data),
            actor=actor,
        )
        _record_transition(opportunity=opportunity, from_stage=None, actor=actor)
    return opportunity


@transaction.atomic
def opportunity_update(*, opportunity: Opportunity, actor, data: dict, expected_version=None) -> Opportunity:
    """Edit the opportunity's facts; its stage and status change only through move and close."""
    ensure_can_write(actor)
    forbidden = {"stage", "status", "process"} & set(data)
    if forbidden:
        raise ValidationError({name: _("Use the stage move or close to change this.") for name in forbidden})
    with forecast_changes(opportunity_ids=[opportunity.pk], account_ids=_account_ids(data)):
        return update_instance(
            instance=opportunity, actor=actor, data=data, expected_version=expected_version
        )


def unmet_criteria(*, opportunity: Opportunity, to_stage: Stage) -> list[StageCriterion]:
    """Exit criteria of the current stage and of every stage skipped on the way to `to_stage`."""
    if to_stage.order <= opportunity.stage.order:
        return []
    checked = set(opportunity.criterion_checks.values_list("criterion_id", flat=True))
    criteria = (
        StageCriterion.objects.filter(
            stage__process=opportunity.process_id,
            stage__order__gte=opportunity.stage.order,
            stage__order__lt=to_stage.order,
        )
        .select_related("stage")
        .order_by("stage__order", "order", "id")
    )
    return [c for c in criteria if c.pk not in checked]


class GateRefusal(ValidationError):
    """A forward move with unmet exit criteria or other apps' warnings (kam.pipeline.panels, e.g. no
    economic buyer by stage C): needs a reason, or is refused by a strict process for unmet criteria."""

    def __init__(self, message, unmet, warnings=()):
        super().__init__({"reason": [message]}, code="gate")
        self.unmet = unmet
        self.warnings = list(warnings)


@transaction.atomic
def opportunity_move(*, opportunity: Opportunity, to_stage: Stage, actor, reason: str = "") -> Opportunity:
    """Move to another stage of the same process through the gate; reaching the won stage wins the deal."""
    ensure_can_write(actor)
    opportunity = (
        Opportunity.objects.select_for_update().select_related("stage", "process").get(pk=opportunity.pk)
    )
    if not opportunity.is_open:
        raise ValidationError(
            _("This opportunity is closed (%(status)s).") % {"status": opportunity.get_status_display()}
        )
    if to_stage.process_id != opportunity.process_id:
        raise ValidationError({"stage": _("The stage belongs to another sales process.")})
    if to_stage.pk == opportunity.stage_id:
        return opportunity
    reason = reason.strip()
    unmet = unmet_criteria(opportunity=opportunity, to_stage=to_stage)
    warnings = gate_warnings(opportunity=opportunity, to_stage=to_stage)
    if unmet and opportunity.process.strict:
        raise GateRefusal(
            _("This process is strict: meet the %(count)d open exit criteria first.") % {"count": len(unmet)},
            unmet,
            warnings,
        )
    if unmet and not reason:
        raise GateRefusal(
            _("%(count)d exit criteria are not met. Say why you move on anyway.") % {"count": len(unmet)},
            unmet,
            warnings,
        )
    if warnings and not reason:
        raise GateRefusal(_("Say why you move on despite the warnings."), [], warnings)
    from_stage = opportunity.stage
    data = {"stage": to_stage, "stage_entered_at": timezone.now()}
    if to_stage.is_won:
        data |= {"status": OpportunityStatus.WON, "closed_on": timezone.localdate()}
    with forecast_changes(opportunity_ids=[opportunity.pk]):
        update_instance(instance=opportunity, actor=actor, data=data)
        _record_transition(
            opportunity=opportunity,
            from_stage=from_stage,
            actor=actor,
            reason=reason,
            unmet=[str(c) for c in unmet] + warnings,
        )
    return opportunity


@transaction.atomic
def opportunity_close(
    *, opportunity: Opportunity, actor, status: str, reason: str, winning_competitor: str = ""
) -> Opportunity:
    """Close as lost or abandoned (terminal), with the reason and, when lost, the competitor who won."""
    ensure_can_write(actor)
    if status not in (OpportunityStatus.LOST, OpportunityStatus.ABANDONED):
        raise ValidationError({"status": _("Close as lost or abandoned; a won deal moves to the won stage.")})
    if not opportunity.is_open:
        raise ValidationError(_("This opportunity is already closed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    with forecast_changes(opportunity_ids=[opportunity.pk]):
        update_instance(
            instance=opportunity,
            actor=actor,
            data={
                "status": status,
                "close_reason": reason.strip(),
                "winning_competitor": winning_competitor.strip(),
                "closed_on": timezone.localdate(),
            },
        )
        _record_transition(
            opportunity=opportunity, from_stage=opportunity.stage, actor=actor, reason=reason.strip()
        )
    return opportunity


@transaction.atomic
def criterion_check(
    *, opportunity: Opportunity, criterion: StageCriterion, actor, done: bool, note: str = ""
):
    """Tick an exit criterion OK (with who and when) or take the tick back."""
    ensure_can_write(actor)
    if criterion.stage.process_id != opportunity.process_id:
        raise PermissionDenied
    existing = CriterionCheck.objects.filter(opportunity=opportunity, criterion=criterion).first()
    if done and existing is None:
        return create_instance(
            instance=CriterionCheck(
                opportunity=opportunity, criterion=criterion, checked_by=actor, note=note
            ),
            actor=actor,
        )
    if not done and existing is not None:
        audit_delete(instance=existing, actor=actor)
        existing.delete()
    return existing


@transaction.atomic
def progress_report_create(
    *, opportunity: Opportunity, actor, data: dict, influencers: list[dict]
) -> ProgressReport:
    """A dated visit plan & progress report (M2.6) with its key influencers."""
    ensure_can_write(actor)
    report = create_instance(
        instance=ProgressReport(opportunity=opportunity, author=actor, **data), actor=actor
    )
    for row in influencers:
        influencer = ReportInfluencer(report=report, **row)
        influencer.full_clean()
        influencer.save()
        audit_create(instance=influencer, actor=actor)
    return report


@transaction.atomic
def funnel_benchmark_set(*, actor, steps: list[tuple[str, int]]) -> list[FunnelBenchmarkStep]:
    """Replace the company's activity-funnel benchmark (M3.7) with `steps` ((contact kind, number), top of the
    funnel first); every step removed, changed or added is audited. Administrators only."""
    ensure_admin(actor)
    errors = funnel.benchmark_errors(steps)
    if errors:
        raise ValidationError(errors)
    existing = {step.kind: step for step in FunnelBenchmarkStep.objects.select_for_update()}
    wanted = {kind: (order, number) for order, (kind, number) in enumerate(steps, start=1)}
    for kind, step in existing.items():
        if kind not in wanted:
            delete_instance(instance=step, actor=actor)
    for kind, (order, number) in wanted.items():
        step = existing.get(kind)
        if step is None:
            create_instance(instance=FunnelBenchmarkStep(kind=kind, order=order, number=number), actor=actor)
        elif (step.order, step.number) != (order, number):
            update_instance(instance=step, actor=actor, data={"order": order, "number": number})
    return list(FunnelBenchmarkStep.objects.order_by("order"))
