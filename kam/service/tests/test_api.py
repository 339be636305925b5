"""The service API: scoped reads, writes through the services (audited), append-only histories, the schema."""

from decimal import Decimal

from rest_framework.test import APIClient

from kam.audit.models import ObjectChange
from kam.service import services
from kam.service.models import CategorySpend, GridPlacement, RelationshipStage, ServiceRequest, StageChange
from kam.service.tests.factories import contacts
from kam.tiering.models import Feedback


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def _state():
    return (
        list(StageChange.objects.values_list("id", "to_stage")),
        list(RelationshipStage.objects.values_list("id", "stage")),
        list(CategorySpend.objects.values_list("id", "amount")),
        list(GridPlacement.objects.values_list("id", "depth")),
        list(ServiceRequest.objects.values_list("id", "resolved_at")),
        ObjectChange.objects.count(),
    )


def test_stage_changes_through_the_api(world):
    api = _api(world.owner)
    response = api.post(
        "/api/stage-changes/",
        {"account": world.account.pk, "to_stage": "mid", "changed_on": "2026-01-05", "reason": "40 %"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["from_stage"] == ""
    response = api.post(
        "/api/stage-changes/", {"account": world.account.pk, "to_stage": "high", "reason": ""}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()
    stages = api.get("/api/relationship-stages/").json()["results"]
    assert [(s["account"], s["stage"]) for s in stages] == [(world.account.pk, "mid")]
    other = _api(world.admin).get(f"/api/relationship-stages/?account={world.other_account.pk}").json()
    assert other["results"] == []
    history = api.get(f"/api/stage-changes/?account={world.account.pk}").json()["results"]
    assert [(h["to_stage"], h["reason"]) for h in history] == [("mid", "40 %")]
    change = history[0]["id"]
    assert api.delete(f"/api/stage-changes/{change}/").status_code == 405
    assert api.patch(f"/api/stage-changes/{change}/", {"reason": "x"}, format="json").status_code == 405


def test_writes_outside_scope_or_by_auditors_change_nothing(world):
    services.stage_change(account=world.account, to_stage="mid", reason="start", actor=world.owner)
    before = _state()
    payload = {"account": world.account.pk, "to_stage": "high", "reason": "mine now"}
    assert _api(world.outsider).post("/api/stage-changes/", payload, format="json").status_code == 400
    assert _api(world.auditor).post("/api/stage-changes/", payload, format="json").status_code in (400, 403)
    assert _api(world.outsider).get("/api/relationship-stages/").json()["results"] == []
    assert _state() == before


def test_spend_grid_survey_gap_and_requests(world):
    api = _api(world.owner)
    zheng = contacts(world.account, "郑师超")[0]
    spend = {"account": world.account.pk, "year": 2026, "amount": "1000000.00", "source": "plan"}
    assert api.post("/api/category-spend/", spend, format="json").status_code == 201
    assert (
        api.post("/api/category-spend/", {**spend, "amount": "1100000.00"}, format="json").status_code == 201
    )
    assert list(CategorySpend.objects.values_list("year", "amount")) == [(2026, Decimal("1100000.00"))]
    placed = api.post(
        "/api/grid-placements/",
        {"account": world.account.pk, "contact": zheng.pk, "depth": 3, "level": "C"},
        format="json",
    )
    assert placed.status_code == 201 and placed.json()["cell"] == "3C"
    survey = {
        "account": world.account.pk, "product_quality": 4, "responsiveness": 3, "relationship": 5,
        "value_for_money": 4,
    }  # fmt: skip
    response = api.post("/api/satisfaction-surveys/", survey, format="json")
    assert response.status_code == 201 and response.json()["average"] == "4.00"
    assert (
        api.post("/api/satisfaction-surveys/", {**survey, "relationship": 6}, format="json").status_code
        == 400
    )
    gaps = {"account": world.account.pk, "knowledge": 1, "standards": 2, "delivery": 3, "communication": 2,
            "perception": 3}  # fmt: skip
    assert api.post("/api/gap-assessments/", gaps, format="json").status_code == 201
    opened = api.post(
        "/api/service-requests/",
        {"account": world.account.pk, "kind": "complaint", "priority": "urgent", "title": "Line down"},
        format="json",
    )
    assert opened.status_code == 201, opened.json()
    body = opened.json()
    assert body["breached"] is False and body["feedback"] == Feedback.objects.get().pk
    resolved = api.post(
        f"/api/service-requests/{body['id']}/resolve/", {"resolution": "Fixed"}, format="json"
    )
    assert resolved.status_code == 200 and resolved.json()["resolution"] == "Fixed"
    again = api.post(f"/api/service-requests/{body['id']}/resolve/", {"resolution": "Again"}, format="json")
    assert again.status_code == 400
    assert _api(world.outsider).get(f"/api/service-requests/{body['id']}/").status_code == 404


def test_the_schema_describes_the_endpoints(world):
    schema = _api(world.owner).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert {
        "/api/relationship-stages/",
        "/api/stage-changes/",
        "/api/category-spend/",
        "/api/grid-placements/",
        "/api/loyalty-reviews/",
        "/api/satisfaction-surveys/",
        "/api/gap-assessments/",
        "/api/service-requests/",
        "/api/service-requests/{id}/resolve/",
    } <= set(schema["paths"])
    assert "RelationshipStageEnum" in schema["components"]["schemas"]
