"""Writes for planning. Every one is audited (kam.core.services). The matrix, profiles and business lines are
kept by managers and admins; a plan by whoever may change its account, and only its current version: a
superseded version is the record of what was planned then."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kam.audit.services import audit_delete, audit_update, snapshot
from kam.core.services import create_instance, delete_instance, update_instance
from kam.planning.choices import PlanStatus
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
from kam.users.choices import Role
from kam.users.services import ensure_can_write

PLAN_TEXT_FIELDS = (
    "industry_notes",
    "competition_notes",
    "business",
    "development_goals",
    "decision_process",
    "latent_needs",
    "solution_notes",
    "service_notes",
    "communication_plan",
    "solution_milestones",
)
PLAN_FIELDS = ("owner", "status", "review_date", *PLAN_TEXT_FIELDS)
MEASURE_FIELDS = (
    "position",
    "title",
    "description",
    "horizon",
    "profitability",
    "competitive_situation",
    "feasibility",
)
RESOURCE_FIELDS = (
    "role",
    "people_committed",
    "people_promised",
    "hours_committed",
    "hours_promised",
    "budget_committed",
    "budget_promised",
)


def ensure_keeper(actor) -> None:
    """The company's strategy (matrix, profiles, business lines) is kept by managers and admins."""
    ensure_can_write(actor)
    if actor is not None and not (actor.is_admin or actor.role == Role.MANAGER):
        raise PermissionDenied(_("Only managers and administrators keep the strategy data."))


def _only(data: dict, fields) -> dict:
    return {k: v for k, v in data.items() if k in fields}


# --- the attractiveness matrix (M2.1) -----------------------------------------------------------------------


@transaction.atomic
def criterion_create(*, actor, data: dict) -> Criterion:
    ensure_keeper(actor)
    data = _only(data, {"name", "name_en", "direction", "weight", "scale_max", "position"})
    if "position" not in data:
        data["position"] = (Criterion.objects.aggregate(last=Max("position"))["last"] or 0) + 1
    return create_instance(instance=Criterion(**data), actor=actor)


@transaction.atomic
def criterion_update(
    *, criterion: Criterion, actor, data: dict, expected_version: int | None = None
) -> Criterion:
    ensure_keeper(actor)
    data = _only(data, {"name", "name_en", "direction", "weight", "scale_max", "position"})
    criterion = update_instance(instance=criterion, actor=actor, data=data, expected_version=expected_version)
    too_high = criterion.scores.filter(value__gt=criterion.scale_max).count()
    if too_high:
        raise ValidationError(
            {
                "scale_max": _("%(count)d scores are above %(max)d; lower them first.")
                % {"count": too_high, "max": criterion.scale_max}
            }
        )
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: Criterion, actor) -> None:
    ensure_keeper(actor)
    for score in criterion.scores.all():
        score.criterion = criterion
        delete_instance(instance=score, actor=actor)
    delete_instance(instance=criterion, actor=actor)


@transaction.atomic
def industry_row_create(*, actor, industry, data: dict | None = None) -> IndustryRow:
    """Put an industry on the matrix (once)."""
    ensure_keeper(actor)
    if IndustryRow.objects.filter(industry=industry).exists():
        raise ValidationError(
            {"industry": _("%(industry)s is already on the matrix.") % {"industry": industry}}
        )
    data = _only(data or {}, {"printed_total", "override_class", "override_reason", "position"})
    if "position" not in data:
        data["position"] = (IndustryRow.objects.aggregate(last=Max("position"))["last"] or 0) + 1
    return create_instance(instance=IndustryRow(industry=industry, **data), actor=actor)


@transaction.atomic
def industry_row_update(
    *, row: IndustryRow, actor, data: dict, expected_version: int | None = None
) -> IndustryRow:
    """Change the printed total, or decide the class (with a reason) against the suggestion; an empty class
    takes the suggestion again and forgets the reason."""
    ensure_keeper(actor)
    data = _only(data, {"printed_total", "override_class", "override_reason", "position"})
    if "override_class" in data and not data["override_class"]:
        data["override_reason"] = ""
    return update_instance(instance=row, actor=actor, data=data, expected_version=expected_version)


@transaction.atomic
def industry_row_delete(*, row: IndustryRow, actor) -> None:
    ensure_keeper(actor)
    for score in row.scores.all():
        score.row = row
        delete_instance(instance=score, actor=actor)
    delete_instance(instance=row, actor=actor)


@transaction.atomic
def score_set(*, row: IndustryRow, criterion: Criterion, value: Decimal | None, actor) -> Score | None:
    """Set one cell of the matrix (None clears it). A cell has no version of its own: the last write wins,
    and every write is audited."""
    ensure_keeper(actor)
    if value is not None:
        value = Decimal(value).quantize(Decimal("0.01"))
    score = Score.objects.filter(row=row, criterion=criterion).first()
    if value is None:
        if score is not None:
            score.row, score.criterion = row, criterion
            delete_instance(instance=score, actor=actor)
        return None
    if score is None:
        return create_instance(instance=Score(row=row, criterion=criterion, value=value), actor=actor)
    if score.value == value:
        return score
    score.row, score.criterion = row, criterion
    before = snapshot(score)
    score.value = value
    score.full_clean()
    score.save(update_fields=["value"])
    audit_update(instance=score, actor=actor, before=before)
    return score


@transaction.atomic
def class_rule_update(*, actor, data: dict, expected_version: int | None = None) -> ClassRule:
    ensure_keeper(actor)
    data = _only(data, {"key_percent", "potential_percent"})
    rule = ClassRule.objects.select_for_update().order_by("pk").first()
    if rule is None:
        return create_instance(instance=ClassRule(**data), actor=actor)
    return update_instance(instance=rule, actor=actor, data=data, expected_version=expected_version)


# --- industry profiles and business lines -------------------------------------------------------------------

PROFILE_FIELDS = (
    "market_size",
    "market_size_unit",
    "year",
    "growth_percent",
    "segments",
    "key_businesses",
    "key_buying_factors",
    "notes",
)


@transaction.atomic
def profile_save(*, actor, industry, data: dict, expected_version: int | None = None) -> IndustryProfile:
    """Create the industry's profile or change it."""
    ensure_keeper(actor)
    data = _only(data, PROFILE_FIELDS)
    profile = IndustryProfile.objects.filter(industry=industry).first()
    if profile is None:
        return create_instance(instance=IndustryProfile(industry=industry, **data), actor=actor)
    return update_instance(instance=profile, actor=actor, data=data, expected_version=expected_version)


@transaction.atomic
def profile_delete(*, profile: IndustryProfile, actor) -> None:
    ensure_keeper(actor)
    delete_instance(instance=profile, actor=actor)


@transaction.atomic
def business_line_create(*, actor, data: dict) -> BusinessLine:
    ensure_keeper(actor)
    return create_instance(
        instance=BusinessLine(**_only(data, {"name", "name_en", "value_chain_class", "usp", "notes"})),
        actor=actor,
    )


@transaction.atomic
def business_line_update(
    *, line: BusinessLine, actor, data: dict, expected_version: int | None = None
) -> BusinessLine:
    ensure_keeper(actor)
    data = _only(data, {"name", "name_en", "value_chain_class", "usp", "notes"})
    return update_instance(instance=line, actor=actor, data=data, expected_version=expected_version)


@transaction.atomic
def business_line_delete(*, line: BusinessLine, actor) -> None:
    ensure_keeper(actor)
    delete_instance(instance=line, actor=actor)


# --- account plans (M2) -------------------------------------------------------------------------------------


def _ensure_editable(plan: AccountPlan) -> None:
    if plan.status == PlanStatus.SUPERSEDED:
        raise ValidationError(
            _("Version %(revision)d was superseded by a newer version; it stays as it was.")
            % {"revision": plan.revision}
        )


@transaction.atomic
def plan_create(*, actor, account, data: dict) -> AccountPlan:
    """The account's first plan (version 1); an account with a plan gets new versions instead."""
    ensure_can_write(actor)
    if AccountPlan.objects.filter(account=account).exists():
        raise ValidationError(_("This account has a plan already; start a new version of it."))
    data = _only(data, PLAN_FIELDS)
    data.setdefault("owner", account.owner)
    if data.get("status") == PlanStatus.SUPERSEDED:
        raise ValidationError({"status": _("A new plan cannot be superseded.")})
    return create_instance(instance=AccountPlan(account=account, revision=1, **data), actor=actor)


@transaction.atomic
def plan_update(*, plan: AccountPlan, actor, data: dict, expected_version: int | None = None) -> AccountPlan:
    ensure_can_write(actor)
    _ensure_editable(plan)
    data = _only(data, PLAN_FIELDS)
    if data.get("status") == PlanStatus.SUPERSEDED:
        raise ValidationError({"status": _("A plan is superseded by starting a new version.")})
    return update_instance(instance=plan, actor=actor, data=data, expected_version=expected_version)


@transaction.atomic
def plan_new_version(*, plan: AccountPlan, actor, expected_version: int | None = None) -> AccountPlan:
    """Copy the current version (its text, measures and resources) into a new draft and mark it superseded."""
    ensure_can_write(actor)
    _ensure_editable(plan)
    plan = update_instance(
        instance=plan, actor=actor, data={"status": PlanStatus.SUPERSEDED}, expected_version=expected_version
    )
    copy = create_instance(
        instance=AccountPlan(
            account=plan.account,
            revision=plan.revision + 1,
            owner=plan.owner,
            status=PlanStatus.DRAFT,
            review_date=plan.review_date,
            **{field: getattr(plan, field) for field in PLAN_TEXT_FIELDS},
        ),
        actor=actor,
    )
    for measure in plan.measures.all():
        create_instance(
            instance=Measure(plan=copy, **{f: getattr(measure, f) for f in MEASURE_FIELDS}), actor=actor
        )
    for resource in plan.resources.all():
        create_instance(
            instance=Resource(plan=copy, **{f: getattr(resource, f) for f in RESOURCE_FIELDS}), actor=actor
        )
    return copy


@transaction.atomic
def plan_delete(*, plan: AccountPlan, actor) -> None:
    """Delete one version with its measures and resources (each audited)."""
    ensure_can_write(actor)
    for record in [*plan.measures.all(), *plan.resources.all()]:
        record.plan = plan
        audit_delete(instance=record, actor=actor)
    delete_instance(instance=plan, actor=actor)


@transaction.atomic
def measure_create(*, actor, plan: AccountPlan, data: dict) -> Measure:
    ensure_can_write(actor)
    _ensure_editable(plan)
    data = _only(data, MEASURE_FIELDS)
    if "position" not in data:
        data["position"] = (plan.measures.aggregate(last=Max("position"))["last"] or 0) + 1
    return create_instance(instance=Measure(plan=plan, **data), actor=actor)


@transaction.atomic
def measure_update(*, measure: Measure, actor, data: dict, expected_version: int | None = None) -> Measure:
    ensure_can_write(actor)
    _ensure_editable(measure.plan)
    data = _only(data, MEASURE_FIELDS)
    return update_instance(instance=measure, actor=actor, data=data, expected_version=expected_version)


@transaction.atomic
def measure_delete(*, measure: Measure, actor) -> None:
    ensure_can_write(actor)
    _ensure_editable(measure.plan)
    delete_instance(instance=measure, actor=actor)


@transaction.atomic
def resource_create(*, actor, plan: AccountPlan, data: dict) -> Resource:
    ensure_can_write(actor)
    _ensure_editable(plan)
    return create_instance(instance=Resource(plan=plan, **_only(data, RESOURCE_FIELDS)), actor=actor)


@transaction.atomic
def resource_update(
    *, resource: Resource, actor, data: dict, expected_version: int | None = None
) -> Resource:
    ensure_can_write(actor)
    _ensure_editable(resource.plan)
    data = _only(data, RESOURCE_FIELDS)
    return update_instance(instance=resource, actor=actor, data=data, expected_version=expected_version)


@transaction.atomic
def resource_delete(*, resource: Resource, actor) -> None:
    ensure_can_write(actor)
    _ensure_editable(resource.plan)
    delete_instance(instance=resource, actor=actor)
