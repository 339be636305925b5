"""The funnel and forecast pages feed the pure arithmetic with the right rows, in the user's scope."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kam.accounts.tests.factories import InteractionFactory
from kam.pipeline import analytics, services
from kam.pipeline.models import SalesProcess


@pytest.fixture
def process(db):
    return SalesProcess.objects.get(is_default=True)


def _open(world, name, amount, stage_code, process, close=None, account=None):
    opportunity = services.opportunity_create(
        actor=world.owner,
        data={
            "account": account or world.account,
            "name": name,
            "amount": Decimal(amount),
            "expected_close": close,
        },
    )
    if stage_code != "G":
        opportunity = services.opportunity_move(
            opportunity=opportunity,
            to_stage=process.stages.get(code=stage_code),
            actor=world.owner,
            reason="test",
        )
    return opportunity


def test_stage_funnel_counts_each_opportunity_by_its_furthest_stage(world, process):
    _open(world, "won", "100", "S", process)
    lost = _open(world, "lost at C", "100", "C", process)
    services.opportunity_close(opportunity=lost, actor=world.owner, status="lost", reason="price")
    _open(world, "open at F", "100", "F", process)
    _open(world, "new", "100", "G", process)
    rows = analytics.stage_funnel(user=world.manager, process=process, since=datetime.date(2000, 1, 1))
    assert [(r["stage"].code, r["reached"]) for r in rows] == [
        ("G", 4),
        ("F", 3),
        ("E", 2),
        ("D", 2),
        ("C", 2),
        ("B", 1),
        ("A", 1),
        ("S", 1),
    ]
    assert (
        analytics.stage_funnel(user=world.outsider, process=process, since=datetime.date(2000, 1, 1))[0][
            "reached"
        ]
        == 0
    )


def test_forecast_weights_open_deals_by_month(world, process):
    _open(world, "a", "1000000", "D", process, datetime.date(2027, 1, 15))
    _open(world, "b", "400000", "B", process, datetime.date(2027, 1, 20))
    _open(world, "c", "200000", "G", process, datetime.date(2027, 3, 1))
    won = _open(world, "d", "999", "S", process, datetime.date(2027, 1, 1))
    result = analytics.pipeline_forecast(user=world.owner, process=process)
    assert result["views"] == {
        "pipeline": Decimal("1600000.00"),
        "best_case": Decimal("400000.00"),
        "commit": Decimal("400000.00"),
        "weighted": Decimal("620000.00"),
    }
    assert [(key[0], row["count"], row["weighted"]) for key, row in result["months"]] == [
        (datetime.date(2027, 1, 1), 2, Decimal("600000.00")),
        (datetime.date(2027, 3, 1), 1, Decimal("20000.00")),
    ]
    assert [c.sample for _stage, c in result["calibration"]] == [
        1
    ] * 8  # the one won deal reached every stage
    assert won.status == "won"


def test_activity_funnel_and_the_leak(world, process):
    today = datetime.date(2026, 6, 1)
    for kind, n in [("phone", 10), ("visit", 5), ("technical_exchange", 1), ("proposal", 1)]:
        for _ in range(n):
            InteractionFactory(account=world.account, owner=world.owner, kind=kind, occurred_on=today)
    result = analytics.activity_funnel(
        user=world.owner, since=datetime.date(2026, 1, 1), until=datetime.date(2026, 12, 31)
    )
    assert [s.count for s in result["steps"]] == [10, 5, 1, 1, 0]
    assert result["leak"].step == "negotiation"  # 0 of 1 proposals went on to negotiation
    outsider = analytics.activity_funnel(
        user=world.outsider, since=datetime.date(2026, 1, 1), until=datetime.date(2026, 12, 31)
    )
    assert [s.count for s in outsider["steps"]] == [0, 0, 0, 0, 0]


def test_pages_render(client, world, process):
    _open(world, "a", "1000000", "D", process, datetime.date(2027, 1, 15))
    client.force_login(world.owner)
    for name in ["pipeline:funnel", "pipeline:forecast", "pipeline:board", "pipeline:list"]:
        assert client.get(reverse(name)).status_code == 200


def test_backtest_weights_the_deals_open_at_the_quarter_start(world, process):
    from django.utils import timezone

    from kam.pipeline.models import Opportunity, StageTransition

    won = _open(world, "won in Q3", "1000000", "C", process, datetime.date(2026, 8, 15))
    missed = _open(world, "still open", "400000", "F", process, datetime.date(2026, 9, 1))
    start = timezone.make_aware(datetime.datetime(2026, 5, 1))
    Opportunity.objects.filter(pk__in=[won.pk, missed.pk]).update(created_at=start)
    StageTransition.objects.filter(opportunity__in=[won, missed]).update(moved_at=start)
    won = services.opportunity_move(
        opportunity=won, to_stage=process.stages.get(code="S"), actor=world.owner, reason="signed"
    )
    Opportunity.objects.filter(pk=won.pk).update(closed_on=datetime.date(2026, 8, 20))
    result = analytics.pipeline_forecast(user=world.owner, process=process)
    rows = analytics.forecast_backtest(
        user=world.owner,
        process=process,
        today=datetime.date(2026, 11, 27),
        calibrated=[c for _stage, c in result["calibration"]],
    )
    assert [r.period for r in rows] == ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    q3 = rows[-1]
    # at 1 July: the won deal was at C (50 %), the other at F (20 %)
    assert (q3.actual, q3.configured) == (Decimal("1000000.00"), Decimal("580000.00"))
    assert q3.configured_error == Decimal("420000.00")
