"""Planning writes: audited, refused whole when wrong, kept by the right people; plan versions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kam.audit.models import ObjectChange
from kam.planning import selectors, services
from kam.planning.models import AccountPlan, Criterion, IndustryRow, Measure, Resource, Score
from kam.planning.tests.factories import make_imsc, make_plan


def _state():
    return (
        list(Criterion.objects.order_by("id").values_list("id", "direction", "weight", "version")),
        list(
            IndustryRow.objects.order_by("id").values_list("id", "override_class", "printed_total", "version")
        ),
        list(Score.objects.order_by("id").values_list("id", "value")),
        list(AccountPlan.objects.order_by("id").values_list("id", "status", "business", "version")),
        list(Measure.objects.order_by("id").values_list("id", "title", "version")),
        list(Resource.objects.order_by("id").values_list("id", "role", "version")),
        ObjectChange.objects.count(),
    )


def test_the_imsc_matrix_as_stored_gives_the_seed_totals(world):
    make_imsc(actor=world.manager, industry=world.industry)
    view = selectors.matrix_view(user=world.owner)
    assert [(r.row.industry.code, r.assessment.total) for r in view.rows] == [
        ("government", Decimal(42)),
        ("telecom", Decimal(44)),
        ("education", Decimal(32)),
        ("finance", Decimal(28)),
        ("retail", Decimal(28)),
        ("energy", Decimal(24)),
        ("logistics", Decimal(22)),
        ("healthcare", Decimal(16)),
        ("transport", Decimal(24)),
    ]
    assert view.average_label == "28.9"
    assert [r.row.industry.code for r in view.mismatches] == ["telecom"]
    assert [r.row.industry.code for r in view.rows if r.assessment.starred] == [
        "government",
        "telecom",
        "education",
    ]


def test_a_score_edit_moves_total_star_and_class_and_is_audited(world):
    rows, criteria = make_imsc(actor=world.manager)
    healthcare, market = rows["healthcare"], criteria[0]
    before = ObjectChange.objects.count()
    services.score_set(row=healthcare, criterion=market, value=Decimal(9), actor=world.manager)
    services.score_set(row=healthcare, criterion=criteria[6], value=Decimal(9), actor=world.manager)
    services.score_set(row=healthcare, criterion=criteria[7], value=Decimal(9), actor=world.manager)
    line = selectors.matrix_view(user=world.owner).for_industry(healthcare.industry_id)
    assert (line.assessment.total, line.assessment.starred, line.assessment.suggested) == (
        Decimal(38),
        True,
        "key",
    )
    entry = ObjectChange.objects.order_by("-id")[1]
    assert (ObjectChange.objects.count() - before, entry.before["value"], entry.after["value"]) == (
        3,
        "1.00",
        "9.00",
    )


def test_scores_above_the_scale_and_overrides_without_reason_are_refused(world):
    rows, criteria = make_imsc(actor=world.manager)
    state = _state()
    with pytest.raises(ValidationError) as error:
        services.score_set(row=rows["telecom"], criterion=criteria[0], value=Decimal(10), actor=world.manager)
    assert error.value.message_dict == {"value": ["A score on “Market size” runs from 0 to 9."]}
    with pytest.raises(ValidationError) as error:
        services.industry_row_update(
            row=rows["telecom"], actor=world.manager, data={"override_class": "watch"}
        )
    assert error.value.message_dict == {"override_reason": ["Say why you decide otherwise than the score."]}
    assert _state() == state


def test_an_override_is_kept_with_its_reason_and_cleared_with_it(world):
    rows, _criteria = make_imsc(actor=world.manager)
    row = services.industry_row_update(
        row=rows["logistics"],
        actor=world.manager,
        data={"override_class": "potential", "override_reason": "客户关系好"},
    )
    line = selectors.matrix_view(user=world.owner).for_industry(row.industry_id)
    assert (line.assessment.suggested, line.decided_class, line.overridden) == ("watch", "potential", True)
    row = services.industry_row_update(row=row, actor=world.manager, data={"override_class": ""})
    assert (row.override_class, row.override_reason) == ("", "")


def test_only_keepers_change_the_matrix(world):
    rows, criteria = make_imsc(actor=world.manager)
    state = _state()
    for person in (world.owner, world.auditor):
        with pytest.raises(PermissionDenied):
            services.score_set(row=rows["telecom"], criterion=criteria[0], value=Decimal(1), actor=person)
        with pytest.raises(PermissionDenied):
            services.criterion_update(criterion=criteria[0], actor=person, data={"direction": -1})
    assert _state() == state
    assert selectors.criterion_list(user=world.owner, action="change").count() == 0
    assert selectors.criterion_list(user=world.owner).count() == 8


def test_the_class_rule_is_configurable_and_checked(world):
    rows, _criteria = make_imsc(actor=world.manager)
    services.class_rule_update(
        actor=world.manager, data={"key_percent": Decimal(150), "potential_percent": Decimal(100)}
    )
    view = selectors.matrix_view(user=world.owner)
    assert [r.row.industry.code for r in view.rows if r.assessment.suggested == "key"] == ["telecom"]
    state = _state()
    with pytest.raises(ValidationError):
        services.class_rule_update(
            actor=world.manager, data={"key_percent": Decimal(50), "potential_percent": Decimal(60)}
        )
    assert _state() == state


def test_removing_a_criterion_takes_its_scores_along_audited(world):
    rows, criteria = make_imsc(actor=world.manager)
    before = ObjectChange.objects.count()
    services.criterion_delete(criterion=criteria[3], actor=world.manager)
    assert Score.objects.filter(criterion_id=criteria[3].pk).count() == 0
    assert ObjectChange.objects.count() - before == 10  # nine scores and the criterion
    line = selectors.matrix_view(user=world.owner).for_industry(rows["finance"].industry_id)
    assert line.assessment.total == Decimal(37)


def test_a_new_version_copies_and_keeps_the_old_one_readable_but_frozen(world):
    plan = make_plan(account=world.account, actor=world.owner, review_date=datetime.date(2026, 6, 30))
    second = services.plan_new_version(plan=plan, actor=world.teammate)
    plan.refresh_from_db()
    assert (plan.status, second.revision, second.status, second.business, second.review_date) == (
        "superseded",
        2,
        "draft",
        "银行 Banking",
        datetime.date(2026, 6, 30),
    )
    assert [m.title for m in second.measures.all()] == ["语音业务 Voice", "核心业务系统 Core systems"]
    assert second.resources.get().people_promised == 3
    state = _state()
    for write in (
        lambda: services.plan_update(plan=plan, actor=world.owner, data={"business": "x"}),
        lambda: services.measure_create(actor=world.owner, plan=plan, data={"title": "x"}),
        lambda: services.measure_update(
            measure=plan.measures.first(), actor=world.owner, data={"title": "x"}
        ),
        lambda: services.resource_delete(resource=plan.resources.first(), actor=world.owner),
        lambda: services.plan_new_version(plan=plan, actor=world.owner),
    ):
        with pytest.raises(ValidationError):
            write()
    assert _state() == state
    assert [p.revision for p in selectors.plan_list(user=world.owner).filter(account=world.account)] == [2, 1]
    assert selectors.current_plan(user=world.owner, account=world.account) == second


def test_plans_are_scoped_like_their_account(world):
    plan = make_plan(account=world.account, actor=world.owner)
    visible = {
        name: selectors.plan_list(user=getattr(world, name)).filter(pk=plan.pk).exists()
        for name in ("owner", "teammate", "east_manager", "manager", "auditor", "admin", "outsider")
    }
    assert visible == {
        "owner": True,
        "teammate": True,
        "east_manager": True,
        "manager": True,
        "auditor": True,
        "admin": True,
        "outsider": False,
    }
    assert selectors.measure_list(user=world.outsider).count() == 0
    state = _state()
    with pytest.raises(PermissionDenied):
        services.plan_update(plan=plan, actor=world.auditor, data={"business": "x"})
    with pytest.raises(PermissionDenied):
        services.measure_create(actor=world.auditor, plan=plan, data={"title": "x"})
    assert _state() == state


def test_a_second_first_plan_is_refused(world):
    make_plan(account=world.account, actor=world.owner)
    state = _state()
    with pytest.raises(ValidationError):
        services.plan_create(actor=world.owner, account=world.account, data={})
    assert _state() == state


def test_plan_context_draws_on_the_other_apps(world):
    make_imsc(actor=world.manager, industry=world.industry)
    services.profile_save(
        actor=world.manager,
        industry=world.industry,
        data={"segments": "硬件 Hardware: 60.26\n服务 Services: 28.11", "key_buying_factors": "安全"},
    )
    plan = make_plan(account=world.account, actor=world.owner)
    context = selectors.plan_context(user=world.owner, plan=plan)
    assert (context["industry_row"].assessment.total, context["industry_row"].decided_class) == (
        Decimal(28),
        "potential",
    )
    assert context["segments"] == [("硬件 Hardware", Decimal("60.26")), ("服务 Services", Decimal("28.11"))]
    assert [(lane["horizon"], [m.title for m in lane["measures"]]) for lane in context["lanes"]] == [
        ("now", ["语音业务 Voice"]),
        ("mid", []),
        ("long", ["核心业务系统 Core systems"]),
    ]
    people, hours, budget = (b for _key, b in context["balance"])
    assert (people.shortfall, hours.shortfall, budget.covered) == (Decimal(1), Decimal(60), True)
    assert context["can_change"] is True
    assert selectors.plan_context(user=world.auditor, plan=plan)["can_change"] is False


def test_profile_segments_are_checked(world):
    with pytest.raises(ValidationError) as error:
        services.profile_save(actor=world.manager, industry=world.industry, data={"segments": "硬件 60"})
    assert error.value.message_dict == {"segments": ["Line 1: write “name: share”, e.g. “Hardware: 60.26”."]}
    with pytest.raises(ValidationError):
        services.profile_save(actor=world.manager, industry=world.industry, data={"segments": "a: 70\nb: 40"})
    assert not selectors.profile_list(user=world.admin).exists()


def test_every_plan_write_is_audited_under_its_account(world):
    before = ObjectChange.objects.count()
    plan = make_plan(account=world.account, actor=world.owner)
    services.plan_update(plan=plan, actor=world.teammate, data={"latent_needs": "线路可靠"})
    services.measure_update(measure=plan.measures.first(), actor=world.owner, data={"horizon": "mid"})
    services.resource_delete(resource=plan.resources.get(), actor=world.owner)
    entries = list(ObjectChange.objects.order_by("id")[before:])
    assert [(e.content_type.model, e.action, e.account_id) for e in entries] == [
        ("accountplan", "create", world.account.pk),
        ("measure", "create", world.account.pk),
        ("measure", "create", world.account.pk),
        ("resource", "create", world.account.pk),
        ("accountplan", "update", world.account.pk),
        ("measure", "update", world.account.pk),
        ("resource", "delete", world.account.pk),
    ]
    assert (entries[4].actor, entries[4].changed_fields) == (world.teammate, ["latent_needs"])
