"""Competition over the REST API: restricted reads, the same services (and audit) for writes, computed
results (totals, ranking, gaps; ratings and edges)."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from kam.audit.models import ObjectChange
from kam.competition.models import Competitor, Criterion, Evaluation, Matrix, Score, SellingPoint
from kam.competition.tests.factories import M44, make_competitor, make_m44, make_opportunity


@pytest.fixture
def opportunity(world):
    return make_opportunity(account=world.account, actor=world.owner)


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def _state():
    return (
        list(Competitor.objects.order_by("id").values_list("id", "name", "version")),
        list(Evaluation.objects.order_by("id").values_list("id", "version")),
        list(Criterion.objects.order_by("id").values_list("id", "weight")),
        list(Score.objects.order_by("id").values_list("id", "value")),
        list(Matrix.objects.order_by("id").values_list("id", "version")),
        list(SellingPoint.objects.order_by("id").values_list("id", "version")),
        ObjectChange.objects.count(),
    )


def test_the_catalogue_is_read_by_all_and_written_by_keepers(world):
    created = _api(world.manager).post(
        "/api/competitors/",
        {"name": "外资品牌A", "name_en": "Foreign brand A", "origin": "foreign"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert (created.json()["name"], created.json()["version"]) == ("外资品牌A", 1)
    listed = _api(world.outsider).get("/api/competitors/", {"origin": "foreign"}).json()["results"]
    assert [c["name"] for c in listed] == ["外资品牌A"]
    before = _state()
    refused = _api(world.owner).post("/api/competitors/", {"name": "国内品牌B"}, format="json")
    assert refused.status_code == 403
    assert (
        _api(world.owner)
        .patch(f"/api/competitors/{listed[0]['id']}/", {"name": "x"}, format="json")
        .status_code
        == 404
    )
    duplicate = _api(world.admin).post("/api/competitors/", {"name": "外资品牌a"}, format="json")
    assert (duplicate.status_code, duplicate.json()) == (
        400,
        {"name": ["外资品牌A is already in the catalogue."]},
    )
    assert _state() == before


def test_an_evaluation_through_the_api(world, opportunity):
    a, b = make_competitor("外资品牌A", "foreign"), make_competitor("国内品牌B", "domestic")
    api = _api(world.teammate)
    created = api.post(
        "/api/evaluations/",
        {"opportunity": opportunity.pk, "bid": "combined", "competitors": [a.pk, b.pk], "template": "m44"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    bidders = {x["name"]: x["id"] for x in body["bidders"]}
    assert list(bidders) == ["Us", "外资品牌A", "国内品牌B"]
    assert (body["weight_total"], len(body["criteria"]), body["standings"][0]["total"]) == ("1.000", 8, None)
    rows = [
        {
            "id": criterion["id"],
            "name": criterion["name"],
            "name_en": criterion["name_en"],
            "weight": criterion["weight"],
            "scores": {str(bidders["Us"]): us, str(bidders["外资品牌A"]): sa, str(bidders["国内品牌B"]): sb},
        }
        for criterion, (*_c, us, sa, sb) in zip(body["criteria"], M44, strict=True)
    ]
    saved = api.post(
        f"/api/evaluations/{body['id']}/grid/", {"rows": rows, "version": body["version"]}, format="json"
    )
    assert saved.status_code == 200, saved.json()
    result = saved.json()
    assert [(s["bidder"], s["total"], s["unweighted"], s["rank"]) for s in result["standings"]] == [
        (bidders["Us"], "4.350", "35", 1),
        (bidders["外资品牌A"], "3.850", "31", 2),
        (bidders["国内品牌B"], "3.800", "31", 3),
    ]
    assert (result["margin"], result["gaps"][7]["gap"], result["gaps"][7]["weighted"]) == (
        "0.500",
        "2",
        "0.300",
    )
    rows[0]["weight"] = "0.30"
    before = _state()
    refused = api.post(
        f"/api/evaluations/{body['id']}/grid/", {"rows": rows, "version": result["version"]}, format="json"
    )
    assert (refused.status_code, refused.json()) == (
        400,
        {"weights": ["The weights total 1.10; they must total 1."]},
    )
    stale = api.post(f"/api/evaluations/{body['id']}/grid/", {"rows": rows, "version": 1}, format="json")
    assert stale.status_code == 409
    assert _state() == before


def test_evaluations_are_scoped_like_their_opportunity(world, opportunity):
    evaluation = make_m44(opportunity=opportunity, actor=world.owner)
    assert _api(world.outsider).get(f"/api/evaluations/{evaluation.pk}/").status_code == 404
    assert _api(world.outsider).get("/api/evaluations/").json()["results"] == []
    assert [
        e["id"]
        for e in _api(world.auditor)
        .get("/api/evaluations/", {"opportunity": opportunity.pk})
        .json()["results"]
    ] == [evaluation.pk]
    before = _state()
    assert (
        _api(world.auditor)
        .post(f"/api/evaluations/{evaluation.pk}/grid/", {"rows": []}, format="json")
        .status_code
        == 403
    )
    assert _api(world.outsider).delete(f"/api/evaluations/{evaluation.pk}/").status_code == 404
    assert _state() == before
    assert _api(world.owner).delete(f"/api/evaluations/{evaluation.pk}/").status_code == 204
    assert not Evaluation.objects.exists()


def test_a_matrix_and_a_selling_point_through_the_api(world):
    telecom = make_competitor("中国电信")
    api = _api(world.owner)
    created = api.post(
        "/api/matrices/",
        {
            "account": world.account.pk,
            "title": "通信产品",
            "competitors": [telecom.pk],
            "product_lines": ["本地语音"],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    us, them = [c["id"] for c in body["columns"]]
    assert [(r["name"], r["factor"]) for r in body["rows"]][:2] == [("本地语音", ""), ("", "coverage")]
    rows = [{"id": body["rows"][0]["id"], "name": "本地语音", "ratings": {str(us): 5, str(them): "3"}}]
    rows += [{"id": r["id"], "ratings": {str(us): 4}} for r in body["rows"][1:]]
    saved = api.post(f"/api/matrices/{body['id']}/grid/", {"rows": rows}, format="json")
    assert saved.status_code == 200, saved.json()
    assert [(r["name"] or r["factor"], r["ratings"], r["edge"]) for r in saved.json()["rows"][:2]] == [
        ("本地语音", {str(us): 5, str(them): 3}, 2),
        ("coverage", {str(us): 4, str(them): None}, None),
    ]
    refused = _api(world.owner).post(
        "/api/matrices/", {"industry": world.industry.pk, "title": "x"}, format="json"
    )
    assert refused.status_code == 403
    point = api.post(
        "/api/selling-points/",
        {
            "account": world.account.pk,
            "need": "线路稳定",
            "edge": "4小时上门",
            "standing": "cannot",
            "competitors": [telecom.pk],
        },
        format="json",
    )
    assert point.status_code == 201, point.json()
    assert (point.json()["competitors"], point.json()["standing"]) == ([telecom.pk], "cannot")
    assert _api(world.outsider).get(f"/api/selling-points/{point.json()['id']}/").status_code == 404


def test_the_schema_describes_the_endpoints(world):
    schema = _api(world.owner).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert {
        "/api/competitors/",
        "/api/evaluations/",
        "/api/evaluations/{id}/grid/",
        "/api/matrices/",
        "/api/matrices/{id}/grid/",
        "/api/selling-points/",
    } <= set(schema["paths"])
    assert Decimal(
        schema["components"]["schemas"]["Evaluation"]["properties"]["weight_total"]["type"] == "string"
    )
