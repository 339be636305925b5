"""Opportunities, the stage gate through every path, closes, reports and the board."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from kam.audit.models import ObjectChange
from kam.pipeline import services
from kam.pipeline.models import Opportunity, SalesProcess, StageTransition
from kam.pipeline.selectors import board_columns
from kam.users.handover import handover_preview


@pytest.fixture
def process(db):
    return SalesProcess.objects.get(is_default=True)


@pytest.fixture
def opportunity(world, process):
    return services.opportunity_create(
        actor=world.owner,
        data={"account": world.account, "name": "Call-back centre", "amount": Decimal("1200000")},
    )


def _stage(process, code):
    return process.stages.get(code=code)


def _tick_all(opportunity, actor, codes):
    for code in codes:
        for criterion in _stage(opportunity.process, code).criteria.all():
            services.criterion_check(opportunity=opportunity, criterion=criterion, actor=actor, done=True)


def test_default_process_is_the_method_template(process):
    stages = list(process.stages.order_by("order"))
    assert [(s.code, s.probability) for s in stages] == [
        ("G", Decimal("10.00")),
        ("F", Decimal("20.00")),
        ("E", Decimal("25.00")),
        ("D", Decimal("30.00")),
        ("C", Decimal("50.00")),
        ("B", Decimal("75.00")),
        ("A", Decimal("90.00")),
        ("S", Decimal("100.00")),
    ]
    assert [s.criteria.count() for s in stages] == [3, 3, 3, 3, 3, 3, 3, 0]
    assert [s.lead_role for s in stages[:4]] == ["account_manager"] * 3 + ["presales"]
    assert stages[-1].is_won and not any(s.is_won for s in stages[:-1])
    assert stages[0].criteria.first().text_en == "The customer meets the target-customer criteria"


def test_new_opportunity_starts_at_the_first_stage_with_a_transition(world, opportunity):
    assert (opportunity.stage.code, opportunity.status, opportunity.owner) == ("G", "open", world.owner)
    assert opportunity.number.startswith("P") and len(opportunity.number) == 11
    [transition] = opportunity.transitions.all()
    assert (transition.from_stage, transition.to_stage.code, transition.moved_by) == (None, "G", world.owner)


def test_forward_move_with_unmet_criteria_needs_a_reason(world, opportunity, process):
    audit_before = ObjectChange.objects.count()
    with pytest.raises(ValidationError) as refusal:
        services.opportunity_move(opportunity=opportunity, to_stage=_stage(process, "F"), actor=world.owner)
    assert refusal.value.message_dict == {
        "reason": ["3 exit criteria are not met. Say why you move on anyway."]
    }
    opportunity.refresh_from_db()
    assert opportunity.stage.code == "G"
    assert ObjectChange.objects.count() == audit_before
    assert opportunity.transitions.count() == 1

    services.opportunity_move(
        opportunity=opportunity,
        to_stage=_stage(process, "F"),
        actor=world.owner,
        reason="Customer asked to meet at once",
    )
    opportunity.refresh_from_db()
    last = opportunity.transitions.last()
    assert (opportunity.stage.code, last.from_stage.code, last.to_stage.code, last.reason) == (
        "F",
        "G",
        "F",
        "Customer asked to meet at once",
    )
    assert len(last.unmet_criteria) == 3


def test_met_criteria_move_freely_and_skipping_counts_skipped_stages(world, opportunity, process):
    _tick_all(opportunity, world.owner, ["G"])
    services.opportunity_move(opportunity=opportunity, to_stage=_stage(process, "F"), actor=world.owner)
    with pytest.raises(ValidationError) as refusal:
        services.opportunity_move(opportunity=opportunity, to_stage=_stage(process, "D"), actor=world.owner)
    assert refusal.value.unmet and len(refusal.value.unmet) == 6  # F's and E's criteria
    services.opportunity_move(opportunity=opportunity, to_stage=_stage(process, "G"), actor=world.owner)
    assert Opportunity.objects.get(pk=opportunity.pk).stage.code == "G"  # backwards needs no reason


def test_strict_process_refuses_even_with_a_reason(world, opportunity, process):
    process.strict = True
    process.save()
    with pytest.raises(ValidationError) as refusal:
        services.opportunity_move(
            opportunity=opportunity, to_stage=_stage(process, "F"), actor=world.owner, reason="please"
        )
    assert refusal.value.message_dict["reason"] == [
        "This process is strict: meet the 3 open exit criteria first."
    ]
    assert Opportunity.objects.get(pk=opportunity.pk).stage.code == "G"


def test_reaching_s_wins_and_closing_is_terminal(world, opportunity, process):
    services.opportunity_move(
        opportunity=opportunity, to_stage=_stage(process, "S"), actor=world.owner, reason="Signed early"
    )
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.stage.code, opportunity.closed_on is not None) == (
        "won",
        "S",
        True,
    )
    with pytest.raises(ValidationError):
        services.opportunity_move(opportunity=opportunity, to_stage=_stage(process, "A"), actor=world.owner)


def test_lost_needs_a_reason_and_records_the_winner(world, opportunity):
    with pytest.raises(ValidationError):
        services.opportunity_close(opportunity=opportunity, actor=world.owner, status="lost", reason=" ")
    services.opportunity_close(
        opportunity=opportunity,
        actor=world.owner,
        status="lost",
        reason="Price",
        winning_competitor="中国电信",
    )
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.close_reason, opportunity.winning_competitor) == (
        "lost",
        "Price",
        "中国电信",
    )
    assert opportunity.transitions.last().to_status == "lost"


def _move_paths(world, opportunity, process):
    """Move G → F through the form, then F → E through the API, then E → D through the kanban (htmx)."""
    from django.test import Client

    client = Client()
    client.force_login(world.owner)
    form = client.post(
        reverse("pipeline:move", args=[opportunity.pk]), {"stage": _stage(process, "F").pk, "reason": "form"}
    )
    api = APIClient()
    api.force_authenticate(world.owner)
    rest = api.post(
        f"/api/opportunities/{opportunity.pk}/move/", {"stage": "E", "reason": "api"}, format="json"
    )
    kanban = client.post(
        reverse("pipeline:move", args=[opportunity.pk]),
        {"stage": _stage(process, "D").pk, "reason": "kanban"},
        HTTP_HX_REQUEST="true",
    )
    return form, rest, kanban


def test_every_path_runs_the_same_gate_and_leaves_the_same_trail(world, opportunity, process):
    start = ObjectChange.objects.order_by("-id").first().id
    form, rest, kanban = _move_paths(world, opportunity, process)
    assert (form.status_code, rest.status_code, kanban.status_code) == (302, 200, 204)
    assert kanban["HX-Trigger"] == "kam:board-changed"
    moves = list(opportunity.transitions.order_by("id"))[1:]
    assert [(t.from_stage.code, t.to_stage.code, t.reason, len(t.unmet_criteria)) for t in moves] == [
        ("G", "F", "form", 3),
        ("F", "E", "api", 3),
        ("E", "D", "kanban", 3),
    ]
    changes = ObjectChange.objects.filter(id__gt=start).order_by("id")
    assert [(c.content_type.model, c.action) for c in changes] == [
        ("opportunity", "update"),
        ("stagetransition", "create"),
    ] * 3
    assert all(c.account_id == world.account.pk for c in changes)


def test_gate_refusals_are_the_same_on_every_path(world, opportunity, process):
    from django.test import Client

    client = Client()
    client.force_login(world.owner)
    kanban = client.post(
        reverse("pipeline:move", args=[opportunity.pk]),
        {"stage": _stage(process, "F").pk},
        HTTP_HX_REQUEST="true",
    )
    assert kanban.status_code == 422
    assert "3 exit criteria are not met" in kanban.content.decode()
    api = APIClient()
    api.force_authenticate(world.owner)
    rest = api.post(f"/api/opportunities/{opportunity.pk}/move/", {"stage": "F"}, format="json")
    assert rest.status_code == 400
    assert rest.json() == {"reason": ["3 exit criteria are not met. Say why you move on anyway."]}
    assert Opportunity.objects.get(pk=opportunity.pk).stage.code == "G"
    assert StageTransition.objects.filter(opportunity=opportunity).count() == 1


@pytest.mark.parametrize(
    "persona,status", [("outsider", 404), ("auditor", 404), ("teammate", 302), ("east_manager", 302)]
)
def test_who_may_move(client, world, opportunity, process, persona, status):
    client.force_login(getattr(world, persona))
    response = client.post(
        reverse("pipeline:move", args=[opportunity.pk]), {"stage": _stage(process, "F").pk, "reason": "x"}
    )
    assert response.status_code == status
    moved = Opportunity.objects.get(pk=opportunity.pk).stage.code
    assert moved == ("F" if status == 302 else "G")


def test_auditor_cannot_move_through_the_api(world, opportunity):
    api = APIClient()
    api.force_authenticate(world.auditor)
    assert (
        api.post(
            f"/api/opportunities/{opportunity.pk}/move/", {"stage": "F", "reason": "x"}, format="json"
        ).status_code
        == 403
    )
    assert Opportunity.objects.get(pk=opportunity.pk).stage.code == "G"


def test_board_sums(world, opportunity, process):
    second = services.opportunity_create(
        actor=world.owner, data={"account": world.account, "name": "Second", "amount": Decimal("800000")}
    )
    services.opportunity_move(
        opportunity=second, to_stage=_stage(process, "C"), actor=world.owner, reason="x"
    )
    columns = {
        c["stage"].code: c for c in board_columns(process=process, opportunities=Opportunity.objects.all())
    }
    assert (columns["G"]["count"], columns["G"]["amount"], columns["G"]["weighted"]) == (
        1,
        Decimal("1200000.00"),
        Decimal("120000.00"),
    )
    assert (columns["C"]["count"], columns["C"]["weighted"]) == (1, Decimal("400000.00"))
    assert columns["F"]["count"] == 0 and columns["F"]["cards"] == []


def test_progress_report_shows_attitude_arrows(client, world, opportunity):
    for date, attitudes in [
        (datetime.date(2006, 1, 9), ["C", "B", "D"]),
        (datetime.date(2006, 1, 23), ["B", "B+", "C"]),
    ]:
        report = services.progress_report_create(
            opportunity=opportunity,
            actor=world.owner,
            data={"report_date": date, "progress": 2},
            influencers=[
                {"name": n, "attitude": a}
                for n, a in zip(["郑师超", "林智勇", "黄艾香"], attitudes, strict=True)
            ],
        )
    client.force_login(world.teammate)
    page = client.get(reverse("pipeline:report", args=[opportunity.pk, report.pk]))
    assert [
        (r["influencer"].name, r["before"], r["arrow"], r["influencer"].attitude)
        for r in page.context["rows"]
    ] == [("郑师超", "C", "↑", "B"), ("林智勇", "B", "↑", "B+"), ("黄艾香", "D", "↑", "C")]


def test_a_report_names_as_many_influencers_as_the_writer_fills_in(client, world, opportunity):
    """Rows left blank are no one; a named person needs an attitude (it is not assumed to be A+)."""
    from kam.pipeline.models import ProgressReport

    client.force_login(world.owner)
    url = reverse("pipeline:report_create", args=[opportunity.pk])
    blank_rows = {f"people-{i}-{field}": "" for i in range(3) for field in ("department", "name", "title")}
    base = {"report_date": "2026-11-20", "goal": "g", "progress": "1", "people-TOTAL_FORMS": "3",
            "people-INITIAL_FORMS": "0", **blank_rows}  # fmt: skip

    unnamed_attitude = client.post(url, {**base, "people-0-name": "郑师超", "people-0-attitude": ""})
    assert unnamed_attitude.status_code == 200
    assert unnamed_attitude.context["people"].errors[0] == {"attitude": ["This field is required."]}
    assert not ProgressReport.objects.exists()

    saved = client.post(url, {**base, "people-0-name": "郑师超", "people-0-attitude": "B"})
    assert saved.status_code == 302
    report = ProgressReport.objects.get()
    assert [(i.name, i.attitude) for i in report.influencers.all()] == [("郑师超", "B")]


def test_handover_moves_open_opportunities(world, opportunity):
    preview = {line.key: line.count for line in handover_preview(from_user=world.owner)}
    assert preview["opportunities"] == 1


def test_demo_has_project_0202(db):
    from kam.accounts.demo import load_demo
    from kam.pipeline.demo import load_pipeline_demo

    load_demo()
    assert load_pipeline_demo() == 3 + 30  # SPD Bank, HDJX, STIP and the M3.8 territory
    assert load_pipeline_demo() == 0
    spd = Opportunity.objects.get(number="0202")
    assert (spd.account.name, spd.stage.code, spd.progress_reports.count()) == ("上海浦东发展银行", "D", 2)


def test_admin_edits_of_a_process_are_audited_row_by_row(client, world, process):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    stage = _stage(process, "C")
    before = ObjectChange.objects.count()
    data = {
        "process": process.pk,
        "order": stage.order,
        "code": "C",
        "name": stage.name,
        "name_en": stage.name_en,
        "probability": "55",
        "milestone": stage.milestone,
        "procurement_step": stage.procurement_step,
        "customer_role": stage.customer_role,
        "lead_role": stage.lead_role,
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-order": "4",
        "criteria-0-text": "招标文件已获取",
        "criteria-0-text_en": "Tender documents obtained",
        "aids-TOTAL_FORMS": "0",
        "aids-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:pipeline_stage_change", args=[stage.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    stage.refresh_from_db()
    assert stage.probability == Decimal("55.00")
    changes = ObjectChange.objects.order_by("id")[before:]
    assert [
        (c.content_type.model, c.action, c.changed_fields if c.action == "update" else None) for c in changes
    ] == [("stage", "update", ["probability"]), ("stagecriterion", "create", None)]


def test_account_panel_lists_open_deals_first(client, world, opportunity, process):
    lost = services.opportunity_create(actor=world.owner, data={"account": world.account, "name": "Lost one"})
    services.opportunity_close(opportunity=lost, actor=world.owner, status="lost", reason="price")
    client.force_login(world.owner)
    panels = client.get(reverse("accounts:detail", args=[world.account.pk])).context["panels"]
    [panel] = [p for p in panels if p["template"] == "pipeline/partials/_account_panel.html"]
    assert [o.name for o in panel["opportunities"]] == ["Call-back centre", "Lost one"]
    assert panel["more"] is False
