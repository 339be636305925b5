"""Amounts in several currencies: the forecast, the board and the backtest report them in the reporting
currency at the administrators' exchange rates — read when shown, so a new rate needs no rebuild — and a
currency without a rate is left out and named, never counted as if it were CNY."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kam.accounts import services as account_services
from kam.pipeline import analytics, selectors, services, summary
from kam.pipeline.models import ForecastSummary, SalesProcess

CLOSE = datetime.date(2027, 1, 15)


@pytest.fixture
def process(db):
    return SalesProcess.objects.get(is_default=True)


def _deal(world, process, amount, currency, stage="C", close=CLOSE):
    deal = services.opportunity_create(
        actor=world.owner,
        data={
            "account": world.account,
            "name": f"{currency} deal",
            "amount": Decimal(amount),
            "currency": currency,
            "expected_close": close,
        },
    )
    if stage != "G":
        deal = services.opportunity_move(
            opportunity=deal, to_stage=process.stages.get(code=stage), actor=world.owner, reason="test"
        )
    return deal


@pytest.fixture
def mixed(world, process):
    """CNY 1,000,000 and USD 100,000, both at C (50 %); USD at 7.10."""
    account_services.exchange_rate_set(actor=world.admin, currency="USD", rate=Decimal("7.10"))
    _deal(world, process, "1000000", "CNY")
    _deal(world, process, "100000", "USD")
    return world


def _forecast(user, process, **kwargs):
    fast = analytics.pipeline_forecast(user=user, process=process, **kwargs)
    assert fast == analytics.pipeline_forecast(user=user, process=process, use_summary=False, **kwargs)
    return fast


def test_the_summary_keeps_each_currency_apart(mixed, process):
    assert sorted(ForecastSummary.objects.values_list("currency", "amount_cents")) == [
        ("CNY", 100_000_000),
        ("USD", 10_000_000),
    ]
    assert summary.differences() == []


def test_usd_counts_at_its_rate_and_a_new_rate_needs_no_rebuild(mixed, process):
    result = _forecast(mixed.owner, process)
    assert result["views"] == {
        "pipeline": Decimal("1710000.00"),
        "best_case": Decimal("1710000.00"),
        "commit": Decimal("0.00"),
        "weighted": Decimal("855000.00"),
    }
    assert (result["currency"], result["unconverted"]) == ("CNY", [])
    rows = set(ForecastSummary.objects.values_list(*summary.KEY_COLUMNS, "count", "amount_cents"))
    account_services.exchange_rate_set(actor=mixed.admin, currency="USD", rate=Decimal("7.20"))
    assert _forecast(mixed.owner, process)["views"]["weighted"] == Decimal("860000.00")
    assert set(ForecastSummary.objects.values_list(*summary.KEY_COLUMNS, "count", "amount_cents")) == rows


def test_a_currency_without_a_rate_is_left_out_and_named(client, mixed, process):
    _deal(mixed, process, "50000", "HKD")
    result = _forecast(mixed.owner, process)
    assert result["views"]["weighted"] == Decimal("855000.00")
    assert result["unconverted"] == ["HKD"]
    assert [(key, row["count"], row["amount"]) for key, row in result["months"]] == [
        ((datetime.date(2027, 1, 1),), 3, Decimal("1710000.00"))  # the HKD deal is counted, not summed
    ]
    client.force_login(mixed.owner)
    page = client.get(reverse("pipeline:forecast")).content.decode()
    assert "Amounts in CNY; other currencies at the exchange rates set by administrators." in page
    assert "Amounts in HKD have no exchange rate and are left out of these totals." in page
    assert "¥855,000" in page
    body = client.get(reverse("api-forecast")).json()
    assert (body["currency"], body["unconverted_currencies"], body["views"]["weighted"]) == (
        "CNY",
        ["HKD"],
        "855000.00",
    )
    account_services.exchange_rate_set(actor=mixed.admin, currency="HKD", rate=Decimal("0.92"))
    result = _forecast(mixed.owner, process)  # 50,000 × 0.92 = 46,000 at 50 %
    assert (result["views"]["weighted"], result["unconverted"]) == (Decimal("878000.00"), [])
    page = client.get(reverse("pipeline:forecast")).content.decode()
    assert "have no exchange rate" not in page


def test_board_columns_are_converted_from_either_source(rf, mixed, process):
    from kam.pipeline.filtersets import OpportunityFilterSet

    _deal(mixed, process, "50000", "HKD", stage="G")
    request = rf.get("/")
    request.user = mixed.owner
    scope = selectors.opportunity_list(user=mixed.owner)
    filterset = OpportunityFilterSet({}, queryset=scope, request=request)
    narrowing = selectors.summary_narrowing(filterset)
    assert narrowing is not None
    converter = selectors.Converter(selectors.exchange_rates())
    fast = selectors.board_columns(
        process=process,
        opportunities=filterset.qs,
        user=mixed.owner,
        narrowing=narrowing,
        converter=converter,
    )
    raw = selectors.board_columns(process=process, opportunities=filterset.qs)
    shown = [(c["stage"].code, c["count"], c["amount"], c["weighted"]) for c in fast if c["count"]]
    assert shown == [(c["stage"].code, c["count"], c["amount"], c["weighted"]) for c in raw if c["count"]]
    assert shown == [
        ("G", 1, Decimal("0.00"), Decimal("0.00")),
        ("C", 2, Decimal("1710000.00"), Decimal("855000.00")),
    ]
    assert converter.unconverted == ["HKD"]


def test_the_board_page_says_so(client, mixed, process):
    _deal(mixed, process, "50000", "HKD", stage="G")
    client.force_login(mixed.owner)
    page = client.get(reverse("pipeline:board")).content.decode()
    assert "Amounts in CNY; other currencies at the exchange rates set by administrators." in page
    assert "Amounts in HKD have no exchange rate and are left out of these totals." in page
    assert reverse("accounts:exchange_rates") not in page.split('id="board"')[-1]  # no link for a member
    client.force_login(mixed.admin)
    page = client.get(reverse("pipeline:board")).content.decode()
    assert "Set the exchange rates" in page


def test_the_backtest_converts_what_was_open_and_what_was_won(world, process):
    from kam.pipeline.models import Opportunity, StageTransition

    account_services.exchange_rate_set(actor=world.admin, currency="USD", rate=Decimal("7.10"))
    won = _deal(world, process, "100000", "USD", stage="S", close=datetime.date(2026, 8, 15))
    still_open = _deal(world, process, "10000", "EUR", stage="C", close=datetime.date(2026, 9, 1))
    before = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
    Opportunity.objects.filter(pk__in=[won.pk, still_open.pk]).update(created_at=before)
    StageTransition.objects.filter(opportunity__in=[won, still_open]).update(moved_at=before)
    Opportunity.objects.filter(pk=won.pk).update(closed_on=datetime.date(2026, 8, 15))
    converter = selectors.Converter(selectors.exchange_rates())
    result = analytics.pipeline_forecast(user=world.owner, process=process)
    rows = analytics.forecast_backtest(
        user=world.owner,
        process=process,
        calibrated=[c for _stage, c in result["calibration"]],
        quarters=1,
        today=datetime.date(2026, 10, 5),
        converter=converter,
    )
    # open on 1 July: USD 100,000 at S (won stage, 100 %) = CNY 710,000; EUR left out (no rate)
    assert [(r.period, r.actual, r.configured) for r in rows] == [
        ("2026Q3", Decimal("710000.00"), Decimal("710000.00"))
    ]
    assert converter.unconverted == ["EUR"]
