"""Writes for the buying center and its SPIN plans. Every one is audited; attitude history is only ever
appended to."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.audit.services import audit_create, audit_delete
from kam.buyingcenter.choices import ProjectPhase
from kam.buyingcenter.models import (
    AttitudeReport,
    CounterpartPair,
    InfluenceWeight,
    SpinPlan,
    SpinQuestion,
    SpinStep,
    Stakeholder,
)
from kam.buyingcenter.scoring import WeightsError, check_phase_weights
from kam.core.exceptions import StaleEditError
from kam.core.services import create_instance, delete_instance, update_instance
from kam.pipeline.models import Opportunity
from kam.users.services import ensure_can_write

#: Inputs of the stakeholder services that describe an attitude observation, not a stakeholder field.
ATTITUDE_INPUTS = ("attitude", "attitude_observed_on", "attitude_note")


def _split_attitude(data: dict) -> tuple[dict, dict]:
    data = dict(data)
    observation = {key: data.pop(key) for key in ATTITUDE_INPUTS if key in data}
    return data, observation


def _append_report(*, stakeholder: Stakeholder, actor, attitude: str, observed_on=None, note="") -> str:
    """Insert one attitude report (audited) and return the attitude that is now current."""
    observed_on = observed_on or timezone.localdate()
    if observed_on > timezone.localdate():
        raise ValidationError(
            {
                "attitude_observed_on": _(
                    "An attitude is observed, not planned: the date cannot be in the future."
                )
            }
        )
    report = AttitudeReport(
        stakeholder=stakeholder,
        attitude=attitude,
        observed_on=observed_on,
        note=note or "",
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    try:
        report.full_clean()
    except ValidationError as error:
        raise ValidationError(
            {{"observed_on": "attitude_observed_on", "note": "attitude_note"}.get(k, k): v
             for k, v in error.message_dict.items()}
        ) from error  # fmt: skip
    report.save()
    audit_create(instance=report, actor=actor)
    latest = stakeholder.attitude_history.order_by("-observed_on", "-id").values_list("attitude", flat=True)
    return latest.first()


@transaction.atomic
def stakeholder_add(*, actor, opportunity: Opportunity, contact, data: dict) -> Stakeholder:
    """Put a contact of the account into the opportunity's buying center, with a first attitude if known."""
    ensure_can_write(actor)
    fields, observation = _split_attitude(data)
    if Stakeholder.objects.filter(opportunity=opportunity, contact=contact).exists():
        raise ValidationError(
            {"contact": _("%(name)s is already in this buying center.") % {"name": contact.name}}
        )
    stakeholder = create_instance(
        instance=Stakeholder(opportunity=opportunity, contact=contact, **fields), actor=actor
    )
    if observation.get("attitude"):
        attitude = _append_report(
            stakeholder=stakeholder,
            actor=actor,
            attitude=observation["attitude"],
            observed_on=observation.get("attitude_observed_on"),
            note=observation.get("attitude_note", ""),
        )
        update_instance(instance=stakeholder, actor=actor, data={"attitude": attitude})
    return stakeholder


@transaction.atomic
def stakeholder_update(
    *, stakeholder: Stakeholder, actor, data: dict, expected_version: int | None = None
) -> Stakeholder:
    """Edit a stakeholder; a changed attitude is appended to the history (dated), never overwritten."""
    ensure_can_write(actor)
    fields, observation = _split_attitude(data)
    fields.pop("contact", None)
    fields.pop("opportunity", None)
    wanted = observation.get("attitude") or ""
    if wanted and wanted != stakeholder.attitude:
        fields["attitude"] = _append_report(
            stakeholder=stakeholder,
            actor=actor,
            attitude=wanted,
            observed_on=observation.get("attitude_observed_on"),
            note=observation.get("attitude_note", ""),
        )
    elif not wanted and stakeholder.attitude:
        raise ValidationError(
            {"attitude": _("A known attitude cannot become unknown again; record what you see now.")}
        )
    return update_instance(instance=stakeholder, actor=actor, data=fields, expected_version=expected_version)


@transaction.atomic
def stakeholder_record_attitude(
    *,
    stakeholder: Stakeholder,
    actor,
    attitude: str,
    observed_on: datetime.date | None = None,
    note: str = "",
) -> AttitudeReport:
    """Append one dated attitude observation (the same attitude again confirms it: →)."""
    ensure_can_write(actor)
    current = _append_report(
        stakeholder=stakeholder, actor=actor, attitude=attitude, observed_on=observed_on, note=note
    )
    if current != stakeholder.attitude:
        update_instance(instance=stakeholder, actor=actor, data={"attitude": current})
    return stakeholder.attitude_history.order_by("-id").first()


@transaction.atomic
def stakeholder_remove(*, stakeholder: Stakeholder, actor) -> None:
    """Take a person out of the buying center, with their weights and attitude history (all audited).

    Refused while they hold weight in a phase: the phase's weights must keep totalling 100 %.
    """
    ensure_can_write(actor)
    held = [w for w in stakeholder.weights.all() if w.percent]
    if held:
        phases = ", ".join(f"{ProjectPhase(w.phase).label} {w.percent} %" for w in held)
        raise ValidationError(
            _("%(name)s still holds weight (%(phases)s). Give it to the others first.")
            % {"name": stakeholder.contact.name, "phases": phases}
        )
    for weight in stakeholder.weights.all():
        delete_instance(instance=weight, actor=actor)
    for report in stakeholder.attitude_history.all():
        audit_delete(instance=report, actor=actor)
    delete_instance(instance=stakeholder, actor=actor)


def _phase_error(phase: str, total: int) -> ValidationError:
    return ValidationError(
        {
            "weights": _("The weights of %(phase)s total %(total)d %%; they must total 100 %%.")
            % {"phase": ProjectPhase(phase).label, "total": total}
        },
        code="weights_total",
    )


@transaction.atomic
def phase_weights_set(
    *,
    opportunity: Opportunity,
    phase: str,
    actor,
    weights: dict[int, int | None],
    expected: dict[int, int | None] | None = None,
) -> dict[int, int]:
    """Set the weights of one phase for the whole buying center at once (M4.3).

    `weights` maps stakeholder ids to a whole percent, or None to leave that person without a weight;
    stakeholders not named get no weight. The set weights must total 100 % (all None clears the phase).
    `expected` is what the editor saw: if someone changed the phase since, the edit is refused as stale.
    """
    ensure_can_write(actor)
    if phase not in ProjectPhase.values:
        raise ValidationError({"phase": _("Choose a phase from the list.")})
    list(Opportunity.objects.select_for_update().filter(pk=opportunity.pk).values_list("pk"))  # one at a time
    stakeholders = {s.pk: s for s in opportunity.stakeholders.select_related("contact")}
    for stakeholder in stakeholders.values():
        stakeholder.opportunity = opportunity  # the audit entries name the account without a query each
    strangers = sorted(set(weights) - set(stakeholders))
    if strangers:
        raise ValidationError(
            {"weights": _("Not in this buying center: %(ids)s.") % {"ids": ", ".join(map(str, strangers))}}
        )
    existing = {
        w.stakeholder_id: w
        for w in InfluenceWeight.objects.filter(stakeholder__opportunity=opportunity, phase=phase)
    }
    if expected is not None:
        seen = {pk: value for pk, value in expected.items() if value is not None}
        if seen != {pk: w.percent for pk, w in existing.items()}:
            raise StaleEditError()
    wanted = {pk: weights.get(pk) for pk in stakeholders}
    try:
        check_phase_weights(wanted)
    except WeightsError as error:
        raise _phase_error(phase, error.total) from error
    except ValueError as error:
        raise ValidationError({"weights": _("A weight is a whole percent from 0 to 100.")}) from error
    for pk, value in wanted.items():
        weight = existing.get(pk)
        if weight is not None:
            weight.stakeholder = stakeholders[pk]
        if value is None and weight is not None:
            delete_instance(instance=weight, actor=actor)
        elif value is not None and weight is None:
            weight = InfluenceWeight(stakeholder=stakeholders[pk], phase=phase, percent=value)
            create_instance(instance=weight, actor=actor)
        elif value is not None and weight.percent != value:
            update_instance(instance=weight, actor=actor, data={"percent": value})
    return {pk: value for pk, value in wanted.items() if value is not None}


@transaction.atomic
def pair_create(*, actor, account, data: dict) -> CounterpartPair:
    """Pair one of our people with their counterpart at the account (M4.7)."""
    ensure_can_write(actor)
    our, their = data.get("our_person"), data.get("their_person")
    if (
        our is not None
        and their is not None
        and CounterpartPair.objects.filter(our_person=our, their_person=their).exists()
    ):
        raise ValidationError({"their_person": _("These two are already paired.")})
    return create_instance(instance=CounterpartPair(account=account, **data), actor=actor)


@transaction.atomic
def pair_update(
    *, pair: CounterpartPair, actor, data: dict, expected_version: int | None = None
) -> CounterpartPair:
    ensure_can_write(actor)
    data = {k: v for k, v in data.items() if k != "account"}
    return update_instance(instance=pair, actor=actor, data=data, expected_version=expected_version)


@transaction.atomic
def pair_delete(*, pair: CounterpartPair, actor) -> None:
    ensure_can_write(actor)
    delete_instance(instance=pair, actor=actor)


# --- SPIN planner (M4.5, M4.6) ------------------------------------------------------------------------------


def ensure_library_keeper(actor) -> None:
    """The SPIN library is shared: managers and admins keep it."""
    from django.core.exceptions import PermissionDenied

    from kam.users.choices import Role

    ensure_can_write(actor)
    if actor is not None and not (actor.is_admin or actor.role == Role.MANAGER):
        raise PermissionDenied(_("Only managers and administrators keep the SPIN library."))


@transaction.atomic
def spin_question_create(*, actor, data: dict) -> SpinQuestion:
    ensure_library_keeper(actor)
    return create_instance(instance=SpinQuestion(**data), actor=actor)


@transaction.atomic
def spin_question_update(
    *, question: SpinQuestion, actor, data: dict, expected_version: int | None = None
) -> SpinQuestion:
    """Edit a library question; plans that asked it keep the words they asked (copied when picked)."""
    ensure_library_keeper(actor)
    if "kind" in data and data["kind"] != question.kind and question.asked.exists():
        raise ValidationError(
            {"kind": _("Plans have asked this question as its kind; add a new question instead.")}
        )
    return update_instance(instance=question, actor=actor, data=data, expected_version=expected_version)


@transaction.atomic
def spin_question_delete(*, question: SpinQuestion, actor) -> None:
    """Delete a question no plan has asked; an asked one is taken out of the offer instead."""
    ensure_library_keeper(actor)
    asked = question.asked.count()
    if asked:
        raise ValidationError(
            _("%(count)d plans asked this question, so it stays in the library. Stop offering it instead.")
            % {"count": asked},
            code="in_use",
        )
    delete_instance(instance=question, actor=actor)


def _plan_fields(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in {"stakeholder", "id"}}


@transaction.atomic
def spin_plan_create(*, actor, stakeholder: Stakeholder, data: dict) -> SpinPlan:
    """A SPIN plan for one need of one stakeholder."""
    ensure_can_write(actor)
    return create_instance(instance=SpinPlan(stakeholder=stakeholder, **_plan_fields(data)), actor=actor)


@transaction.atomic
def spin_plan_update(*, plan: SpinPlan, actor, data: dict, expected_version: int | None = None) -> SpinPlan:
    ensure_can_write(actor)
    return update_instance(
        instance=plan, actor=actor, data=_plan_fields(data), expected_version=expected_version
    )


@transaction.atomic
def spin_plan_delete(*, plan: SpinPlan, actor) -> None:
    """Delete a plan with its questions and answers (each audited)."""
    ensure_can_write(actor)
    for step in plan.steps.all():
        step.plan = plan
        audit_delete(instance=step, actor=actor)
    delete_instance(instance=plan, actor=actor)


@transaction.atomic
def spin_step_add(
    *,
    actor,
    plan: SpinPlan,
    kind: str = "",
    question: SpinQuestion | None = None,
    text: str = "",
    text_en: str = "",
    answer: str = "",
    answered_on=None,
) -> SpinStep:
    """Add a question to the plan: picked from the library (its words in both languages are copied) or
    written for this stakeholder."""
    ensure_can_write(actor)
    if question is not None:
        if not question.is_active:
            raise ValidationError({"question": _("This question is no longer offered.")})
        kind, text, text_en = kind or question.kind, question.text, question.text_en
    elif not (text or "").strip():
        raise ValidationError({"text": _("Pick a question from the library or write one.")})
    step = SpinStep(
        plan=plan,
        kind=kind,
        question=question,
        text=text.strip(),
        text_en=(text_en or "").strip(),
        answer=(answer or "").strip(),
        answered_on=answered_on,
    )
    return create_instance(instance=step, actor=actor)


@transaction.atomic
def spin_step_update(*, step: SpinStep, actor, data: dict, expected_version: int | None = None) -> SpinStep:
    """Record the answer (and when), or reword a question written for this plan."""
    ensure_can_write(actor)
    allowed = {"answer", "answered_on"} | ({"text", "text_en"} if step.question_id is None else set())
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in allowed}
    if data.get("answer") and not data.get("answered_on") and not step.answered_on:
        data["answered_on"] = timezone.localdate()
    return update_instance(instance=step, actor=actor, data=data, expected_version=expected_version)


@transaction.atomic
def spin_step_delete(*, step: SpinStep, actor) -> None:
    ensure_can_write(actor)
    delete_instance(instance=step, actor=actor)
