"""Writes of key-account service. Each is atomic, validated and audited (kam.core.services); histories —
stage changes, grid placements, loyalty reviews, surveys, gap assessments — are appended, never edited.
Callers have already found the account in the actor's change scope (selectors.account_get)."""

import datetime
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.models import Account, Contact
from kam.core.services import create_instance, update_instance
from kam.service import figures
from kam.service.choices import SLA_HOURS, RequestKind, Stage
from kam.service.models import (
    CategorySpend,
    Contribution,
    GapAssessment,
    GridPlacement,
    LoyaltyReview,
    RelationshipStage,
    SatisfactionSurvey,
    ServiceRequest,
    StageChange,
)
from kam.tiering import services as tiering_services
from kam.tiering.choices import FeedbackKind
from kam.users.services import ensure_can_write


@transaction.atomic
def stage_change(
    *, account: Account, to_stage: str, reason: str, actor, changed_on: datetime.date | None = None
) -> StageChange:
    """Move the account to `to_stage`, keeping the move (date, reason, who) in its history."""
    ensure_can_write(actor)
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": _("Pick one of the stages.")})
    current = RelationshipStage.objects.select_for_update().filter(account=account).first()
    if current is not None and current.stage == to_stage:
        raise ValidationError({"to_stage": _("The account is already at this stage.")})
    changed_on = changed_on or timezone.localdate()
    if changed_on > timezone.localdate():
        raise ValidationError({"changed_on": _("The date is in the future.")})
    if current is not None and changed_on < current.since:
        raise ValidationError(
            {
                "changed_on": _("The current stage holds since %(date)s; a change cannot be dated before it.")
                % {"date": current.since.isoformat()}
            }
        )
    change = create_instance(
        instance=StageChange(
            account=account,
            from_stage=current.stage if current else "",
            to_stage=to_stage,
            changed_on=changed_on,
            reason=(reason or "").strip(),
            changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        ),
        actor=actor,
    )
    if current is None:
        create_instance(
            instance=RelationshipStage(account=account, stage=to_stage, since=changed_on), actor=actor
        )
    else:
        update_instance(instance=current, actor=actor, data={"stage": to_stage, "since": changed_on})
    return change


@transaction.atomic
def spend_set(*, account: Account, year: int, amount: Decimal, actor, currency: str = "", source: str = ""):
    """Record (or correct) the customer's estimated category spend of one year."""
    ensure_can_write(actor)
    existing = CategorySpend.objects.filter(account=account, year=year).first()
    data = {"amount": amount, "currency": currency or account.currency, "source": source}
    if existing is None:
        return create_instance(instance=CategorySpend(account=account, year=year, **data), actor=actor)
    return update_instance(instance=existing, actor=actor, data=data)


@transaction.atomic
def grid_place(
    *,
    account: Account,
    contact: Contact,
    depth: int,
    level: str,
    actor,
    note: str = "",
    placed_on: datetime.date | None = None,
) -> GridPlacement:
    """Place a contact on the 25-cell grid on a date; earlier placements stay as the contact's movement."""
    ensure_can_write(actor)
    return create_instance(
        instance=GridPlacement(
            account=account,
            contact=contact,
            depth=depth,
            level=(level or "").upper(),
            note=note,
            placed_on=placed_on or timezone.localdate(),
            placed_by=actor if getattr(actor, "is_authenticated", False) else None,
        ),
        actor=actor,
    )


@transaction.atomic
def loyalty_review(
    *,
    account: Account,
    competitor_availability: int,
    competitor_attractiveness: int,
    actor,
    note: str = "",
    reviewed_on: datetime.date | None = None,
) -> LoyaltyReview:
    """Rate the competition's pull and keep the loyalty score it gives today (the trend compares reviews)."""
    ensure_can_write(actor)
    for name, value in (
        ("competitor_availability", competitor_availability),
        ("competitor_attractiveness", competitor_attractiveness),
    ):
        if value not in range(1, 6):
            raise ValidationError({name: _("Rate it from 1 to 5.")})
    reviewed_on = reviewed_on or timezone.localdate()
    score = figures.loyalty_for(
        account,
        as_of=reviewed_on,
        competitor_availability=competitor_availability,
        competitor_attractiveness=competitor_attractiveness,
    ).score
    return create_instance(
        instance=LoyaltyReview(
            account=account,
            reviewed_on=reviewed_on,
            competitor_availability=competitor_availability,
            competitor_attractiveness=competitor_attractiveness,
            score=score,
            note=note,
            reviewed_by=actor if getattr(actor, "is_authenticated", False) else None,
        ),
        actor=actor,
    )


@transaction.atomic
def contribution_set(
    *, account: Account, year: int, actor, referrals: int = 0, joint_projects: int = 0, note: str = ""
) -> Contribution:
    """Record (or correct) one year's referrals and joint development."""
    ensure_can_write(actor)
    existing = Contribution.objects.filter(account=account, year=year).first()
    data = {"referrals": referrals, "joint_projects": joint_projects, "note": note}
    if existing is None:
        return create_instance(instance=Contribution(account=account, year=year, **data), actor=actor)
    return update_instance(instance=existing, actor=actor, data=data)


@transaction.atomic
def survey_record(*, account: Account, actor, data: dict) -> SatisfactionSurvey:
    ensure_can_write(actor)
    recorder = actor if getattr(actor, "is_authenticated", False) else None
    return create_instance(
        instance=SatisfactionSurvey(account=account, recorded_by=recorder, **data), actor=actor
    )


@transaction.atomic
def gap_assess(*, account: Account, actor, data: dict) -> GapAssessment:
    ensure_can_write(actor)
    assessor = actor if getattr(actor, "is_authenticated", False) else None
    return create_instance(instance=GapAssessment(account=account, assessed_by=assessor, **data), actor=actor)


def request_number(opened_at: datetime.datetime) -> str:
    return f"SR-{opened_at:%Y%m%d}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def request_open(*, account: Account, actor, data: dict) -> ServiceRequest:
    """Open a request or complaint, due by its priority's SLA. A complaint is also recorded as customer
    feedback in kam.tiering (same number), so the tiering indicators count it once, there."""
    ensure_can_write(actor)
    data = dict(data)
    opened_at = data.pop("opened_at", None) or timezone.now()
    request = ServiceRequest(
        account=account,
        opened_at=opened_at,
        due_at=opened_at + datetime.timedelta(hours=SLA_HOURS[data.get("priority") or "normal"]),
        number=data.pop("number", "") or request_number(opened_at),
        **data,
    )
    if request.kind == RequestKind.COMPLAINT:
        request.feedback = tiering_services.feedback_create(
            actor=actor,
            account=account,
            data={
                "number": request.number,
                "kind": FeedbackKind.COMPLAINT,
                "received_on": timezone.localdate(opened_at),
                "text": request.title + ("\n\n" + request.description if request.description else ""),
            },
        )
    return create_instance(instance=request, actor=actor)


@transaction.atomic
def request_resolve(
    *,
    request: ServiceRequest,
    actor,
    resolution: str,
    resolved_at: datetime.datetime | None = None,
    expected_version: int | None = None,
) -> ServiceRequest:
    ensure_can_write(actor)
    if request.resolved_at is not None:
        raise ValidationError(_("This request is already resolved."))
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("Say how it was resolved.")})
    now = timezone.now()
    resolved_at = resolved_at or now
    if resolved_at < request.opened_at:
        raise ValidationError({"resolved_at": _("It cannot be resolved before it was opened.")})
    if resolved_at > now:
        raise ValidationError({"resolved_at": _("This time is in the future.")})
    return update_instance(
        instance=request,
        actor=actor,
        data={"resolved_at": resolved_at, "resolution": resolution.strip()},
        expected_version=expected_version,
    )
