"""The buying center over the REST API: restricted reads, the same services (and audit) for writes."""

import pytest
from rest_framework.test import APIClient

from kam.accounts.tests.factories import ContactFactory
from kam.audit.models import ObjectChange
from kam.buyingcenter.models import AttitudeReport, CounterpartPair, InfluenceWeight, Stakeholder
from kam.buyingcenter.tests.factories import make_m43, make_opportunity


@pytest.fixture
def opportunity(world):
    return make_opportunity(account=world.account, actor=world.owner)


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def _state():
    return (
        list(Stakeholder.objects.order_by("id").values_list("id", "attitude", "version")),
        list(AttitudeReport.objects.order_by("id").values_list("id", "attitude")),
        list(InfluenceWeight.objects.order_by("id").values_list("id", "percent")),
        list(CounterpartPair.objects.order_by("id").values_list("id", "version")),
        ObjectChange.objects.count(),
    )


def test_stakeholder_lifecycle(world, opportunity):
    api = _api(world.owner)
    zhang = ContactFactory(account=world.account, name="张华")
    created = api.post(
        "/api/stakeholders/",
        {
            "opportunity": opportunity.pk,
            "contact": zhang.pk,
            "roles": ["technical"],
            "procurement_steps": [4, 5],
            "attitude": "D",
            "attitude_observed_on": "2026-01-09",
        },
        format="json",
        HTTP_X_REQUEST_ID="req-api-stakeholder",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["contact_name"], body["attitude"], body["arrow"], body["weights"], body["version"]) == (
        "张华",
        "D",
        "",
        {},
        2,
    )
    assert body["attitude_history"] == [
        {"observed_on": "2026-01-09", "attitude": "D", "arrow": "", "note": "", "recorded_by": world.owner.pk}
    ]
    changes = ObjectChange.objects.filter(request_id="req-api-stakeholder").order_by("id")
    assert [(c.action, c.content_type.model) for c in changes] == [
        ("create", "stakeholder"),
        ("create", "attitudereport"),
        ("update", "stakeholder"),
    ]
    pk = body["id"]
    warmer = api.post(
        f"/api/stakeholders/{pk}/attitude/", {"attitude": "C", "note": "after the demo"}, format="json"
    )
    assert (warmer.status_code, warmer.json()["attitude"], warmer.json()["arrow"]) == (200, "C", "↑")
    patched = api.patch(f"/api/stakeholders/{pk}/", {"concerns": "uptime", "version": 3}, format="json")
    assert (patched.status_code, patched.json()["attitude"], patched.json()["concerns"]) == (
        200,
        "C",
        "uptime",
    )
    before = _state()
    stale = api.patch(f"/api/stakeholders/{pk}/", {"attitude": "A", "version": 3}, format="json")
    assert stale.status_code == 409
    assert _state() == before


def test_weights_and_the_buying_center(world, opportunity):
    people = make_m43(opportunity=opportunity, actor=world.owner, phase="establish")
    ids = {name: s.pk for name, s in people.items()}
    api = _api(world.owner)
    before = _state()
    short = api.post(
        f"/api/buying-centers/{opportunity.pk}/weights/",
        {"phase": "selection", "weights": {str(ids["张华"]): 60, str(ids["李建"]): 30}},
        format="json",
    )
    assert (short.status_code, short.json()) == (
        400,
        {"weights": ["The weights of Initial product selection (step 5) total 90 %; they must total 100 %."]},
    )
    stale = api.post(
        f"/api/buying-centers/{opportunity.pk}/weights/",
        {"phase": "establish", "weights": {str(ids["张华"]): 100}, "expected": {str(ids["张华"]): 50}},
        format="json",
    )
    assert stale.status_code == 409
    assert _state() == before
    saved = api.post(
        f"/api/buying-centers/{opportunity.pk}/weights/",
        {
            "phase": "selection",
            "weights": {
                str(ids["张华"]): 60,
                str(ids["李建"]): 30,
                str(ids["王桑"]): 10,
                str(ids["李阳"]): 0,
            },
            "expected": {},
        },
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    center = saved.json()
    assert (center["phase"], center["score"], center["split"]) == (
        "selection",
        "0.10",
        {"supporters": 30, "neutrals": 60, "opponents": 10, "unknown": 0, "at_risk": True},
    )
    assert center["phase_totals"] == {
        "discover": None,
        "establish": 100,
        "selection": 100,
        "evaluation": None,
        "contract": None,
    }
    assert [(r["name"], r["stance"], r["weight"]) for r in center["coverage"]] == [
        ("张华", "neutral", 60),
        ("李建", "supporter", 30),
        ("王桑", "opponent", 10),
        ("李阳", "unknown", 0),
    ]
    assert [(a["rule"], a["stakeholder"]) for a in center["actions"][:3]] == [
        ("find_out", ids["李阳"]),
        ("neutralise", ids["王桑"]),
        ("win_over", ids["张华"]),
    ]
    assert [(g["name"], g["suggested_level"]) for g in center["gaps"]] == [
        ("张华", "technical"),
        ("李建", "commercial"),
        ("王桑", "finance"),
        ("李阳", "executive"),
    ]
    assert center["missing_roles"] == []
    # the stage (G, step 1: discover) has no weights: the first phase that has them is shown
    assert api.get(f"/api/buying-centers/{opportunity.pk}/").json()["phase"] == "establish"
    mine = api.get("/api/buying-centers/my-actions/").json()
    assert [(g["number"], len(g["actions"]), g["planned"]) for g in mine["results"]] == [
        (opportunity.number, 7, [])
    ]
    assert (mine["count"], mine["next"], mine["previous"]) == (1, None, None)
    assert sum(mine["counts"].values()) >= 1
    follow_up = api.get("/api/buying-centers/my-actions/", {"rule": "follow_up"}).json()
    assert follow_up["count"] == mine["counts"]["follow_up"] == len(follow_up["results"])
    refused = api.get("/api/buying-centers/my-actions/", {"rule": "bribe"})
    assert (refused.status_code, refused.json()) == (400, {"rule": ["Unknown rule “bribe”."]})


def test_removal_through_the_api_keeps_the_phase_at_100(world, opportunity):
    people = make_m43(opportunity=opportunity, actor=world.owner)
    api = _api(world.owner)
    before = _state()
    refused = api.delete(f"/api/stakeholders/{people['王桑'].pk}/")
    assert (refused.status_code, refused.json()) == (
        400,
        {
            "non_field_errors": [
                "王桑 still holds weight (Initial product selection (step 5) 10 %). "
                "Give it to the others first."
            ]
        },
    )
    assert _state() == before
    assert api.delete(f"/api/stakeholders/{people['李阳'].pk}/").status_code == 204


@pytest.mark.parametrize(
    "persona, reads, writes",
    [("outsider", 404, 404), ("auditor", 200, 403), ("teammate", 200, 200), ("east_manager", 200, 200)],
)
def test_api_access(world, opportunity, persona, reads, writes):
    people = make_m43(opportunity=opportunity, actor=world.owner)
    api = _api(getattr(world, persona))
    listed = api.get(f"/api/stakeholders/?opportunity={opportunity.pk}").json()["results"]
    assert len(listed) == (0 if reads == 404 else 4)
    assert api.get(f"/api/buying-centers/{opportunity.pk}/").status_code == reads
    before = _state()
    weights = {str(s.pk): w for s, w in zip(people.values(), [50, 40, 10, 0], strict=True)}
    answer = api.post(
        f"/api/buying-centers/{opportunity.pk}/weights/",
        {"phase": "selection", "weights": weights},
        format="json",
    )
    assert answer.status_code == writes
    if writes != 200:
        assert _state() == before
        attitude = api.post(
            f"/api/stakeholders/{people['李阳'].pk}/attitude/", {"attitude": "A"}, format="json"
        )
        assert attitude.status_code == writes
        assert _state() == before


def test_counterpart_pairs_api(world, opportunity):
    lee = ContactFactory(account=world.account, name="李阳")
    api = _api(world.owner)
    created = api.post(
        "/api/counterpart-pairs/",
        {
            "account": world.account.pk,
            "our_person": world.teammate.pk,
            "their_person": lee.pk,
            "level": "executive",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    before = _state()
    outside = api.post(
        "/api/counterpart-pairs/",
        {
            "account": world.account.pk,
            "our_person": world.outsider.pk,
            "their_person": lee.pk,
            "level": "other",
        },
        format="json",
    )
    assert (outside.status_code, outside.json()) == (
        400,
        {"our_person": ["Pick one of our people in your reach or on the account team."]},
    )
    assert _state() == before
    assert [
        p["id"] for p in api.get(f"/api/counterpart-pairs/?account={world.account.pk}").json()["results"]
    ] == [created.json()["id"]]
    assert _api(world.outsider).get("/api/counterpart-pairs/").json()["results"] == []


def test_schema_describes_the_endpoints(world):
    schema = _api(world.owner).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert {
        "/api/stakeholders/",
        "/api/stakeholders/{id}/attitude/",
        "/api/buying-centers/{id}/",
        "/api/buying-centers/{id}/weights/",
        "/api/buying-centers/my-actions/",
        "/api/counterpart-pairs/",
    } <= set(schema["paths"])
