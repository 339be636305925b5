"""The funnel and forecast endpoints answer the page's figures as JSON, in the caller's scope."""

import datetime

from rest_framework.test import APIClient

from kam.accounts.tests.factories import InteractionFactory
from kam.pipeline.models import SalesProcess
from kam.pipeline.tests.test_analytics import _open


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_forecast_endpoint(world):
    process = SalesProcess.objects.get(is_default=True)
    _open(world, "a", "1000000", "D", process, datetime.date(2027, 1, 15))
    _open(world, "b", "400000", "B", process, datetime.date(2027, 1, 20))
    _open(world, "c", "200000", "G", process, datetime.date(2027, 3, 1))

    body = _api(world.owner).get("/api/forecast/").json()
    assert body["views"] == {
        "pipeline": "1600000.00",
        "best_case": "400000.00",
        "commit": "400000.00",
        "weighted": "620000.00",
    }
    assert [(m["month"], m["count"], m["weighted"], sorted(m["stages"])) for m in body["months"]] == [
        ("2027-01", 2, "600000.00", ["B", "D"]),
        ("2027-03", 1, "20000.00", ["G"]),
    ]
    assert body["months"][0]["stages"]["B"] == {"count": 1, "amount": "400000.00", "weighted": "300000.00"}
    assert [(o["name"], o["weighted"]) for o in body["owners"]] == [(str(world.owner), "620000.00")]
    assert [(c["stage"], c["configured"], c["calibrated"]) for c in body["calibration"]][:2] == [
        ("G", "10.00", False),
        ("F", "20.00", False),
    ]

    march = _api(world.owner).get("/api/forecast/", {"close_from": "2027-03", "close_to": "2027-03"}).json()
    assert (march["views"]["pipeline"], [m["month"] for m in march["months"]]) == ("200000.00", ["2027-03"])
    outsider = _api(world.outsider).get("/api/forecast/").json()
    assert (outsider["views"]["pipeline"], outsider["months"], outsider["owners"]) == ("0", [], [])


def test_funnel_endpoint(world):
    day = datetime.date(2026, 6, 1)
    for kind, n in [("phone", 10), ("visit", 5), ("technical_exchange", 1), ("proposal", 1)]:
        for _ in range(n):
            InteractionFactory(account=world.account, owner=world.owner, kind=kind, occurred_on=day)
    query = {"since": "2026-01-01", "until": "2026-12-31"}

    body = _api(world.owner).get("/api/funnel/", query).json()
    assert [(s["step"], s["count"], s["benchmark"]) for s in body["activity"]] == [
        ("phone", 10, 250),
        ("visit", 5, 125),
        ("technical_exchange", 1, 25),
        ("proposal", 1, 5),
        ("negotiation", 0, 1),
    ]
    assert [s["step"] for s in body["activity"] if s["leakiest"]] == ["negotiation"]
    assert (body["activity"][1]["ratio"], body["activity"][1]["benchmark_ratio"]) == ("0.5000", "0.5000")
    assert [s["code"] for s in body["stages"]] == ["G", "F", "E", "D", "C", "B", "A", "S"]
    outsider = _api(world.outsider).get("/api/funnel/", query).json()
    assert [s["count"] for s in outsider["activity"]] == [0, 0, 0, 0, 0]


def test_anonymous_callers_get_nothing(db):
    assert APIClient().get("/api/forecast/").status_code in (401, 403)
    assert APIClient().get("/api/funnel/").status_code in (401, 403)
