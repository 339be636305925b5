"""Planning over the REST API: restricted reads, the same services (and audit) for writes, computed totals."""

from decimal import Decimal

from rest_framework.test import APIClient

from kam.audit.models import ObjectChange
from kam.planning.models import AccountPlan, Criterion, Measure, Score
from kam.planning.tests.factories import make_imsc, make_plan


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def _state():
    return (
        list(Criterion.objects.order_by("id").values_list("id", "version")),
        list(Score.objects.order_by("id").values_list("id", "value")),
        list(AccountPlan.objects.order_by("id").values_list("id", "version")),
        list(Measure.objects.order_by("id").values_list("id", "version")),
        ObjectChange.objects.count(),
    )


def test_matrix_rows_answer_with_their_computed_totals(world):
    make_imsc(actor=world.manager, industry=world.industry)
    rows = _api(world.owner).get("/api/attractiveness-industries/").json()["results"]
    assert [
        (r["total"], r["starred"], r["suggested_class"], r["printed_total_mismatch"]) for r in rows[:4]
    ] == [
        ("42.0000", True, "key", False),
        ("44.0000", True, "key", True),
        ("32.0000", True, "key", False),
        ("28.0000", False, "potential", False),
    ]
    assert len(_api(world.owner).get("/api/attractiveness-criteria/").json()["results"]) == 8


def test_scores_are_written_by_keepers_through_the_service(world):
    rows, criteria = make_imsc(actor=world.manager)
    before = _state()
    cell = {"row": rows["healthcare"].pk, "criterion": criteria[0].pk, "value": "5"}
    for person in (world.owner, world.auditor):
        assert _api(person).post("/api/attractiveness-scores/", cell, format="json").status_code in (400, 403)
    assert _state() == before
    response = _api(world.manager).post("/api/attractiveness-scores/", cell, format="json")
    assert response.status_code == 201
    assert Score.objects.get(row=rows["healthcare"], criterion=criteria[0]).value == Decimal(5)
    assert ObjectChange.objects.count() == before[-1] + 1
    refused = _api(world.manager).post("/api/attractiveness-scores/", {**cell, "value": "10"}, format="json")
    assert refused.status_code == 400


def test_plans_and_measures_are_scoped_and_audited(world):
    plan = make_plan(account=world.account, actor=world.owner)
    assert _api(world.outsider).get(f"/api/account-plans/{plan.pk}/").status_code == 404
    assert _api(world.outsider).get("/api/plan-measures/").json()["results"] == []
    assert len(_api(world.teammate).get("/api/plan-measures/").json()["results"]) == 2
    before = _state()
    assert (
        _api(world.auditor)
        .patch(f"/api/account-plans/{plan.pk}/", {"business": "x"}, format="json")
        .status_code
        == 403
    )
    assert (
        _api(world.outsider)
        .post("/api/plan-measures/", {"plan": plan.pk, "title": "x"}, format="json")
        .status_code
        == 400
    )
    assert _state() == before
    response = _api(world.teammate).post(
        "/api/plan-measures/",
        {
            "plan": plan.pk,
            "title": "视频监控",
            "horizon": "mid",
            "profitability": 4,
            "competitive_situation": 3,
            "feasibility": 4,
        },
        format="json",
    )
    assert (response.status_code, response.json()["score"]) == (201, 11)
    stale = _api(world.owner).patch(
        f"/api/account-plans/{plan.pk}/", {"business": "y", "version": plan.version - 1}, format="json"
    )
    assert stale.status_code in (400, 409)
    plan.refresh_from_db()
    assert plan.business == "银行 Banking"


def test_a_first_plan_through_the_api(world):
    response = _api(world.owner).post(
        "/api/account-plans/", {"account": world.account.pk, "latent_needs": "线路可靠"}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["revision"], response.json()["owner"]) == (1, world.owner.pk)
    again = _api(world.owner).post("/api/account-plans/", {"account": world.account.pk}, format="json")
    assert again.status_code == 400
    assert AccountPlan.objects.count() == 1
