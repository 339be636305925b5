"""The industry profiles' open pipeline is in the reporting currency; a currency without a rate is named."""

import datetime
from decimal import Decimal

from django.urls import reverse

from kam.accounts import services as account_services
from kam.accounts.money import Converter
from kam.accounts.selectors import exchange_rates
from kam.pipeline import services as pipeline_services
from kam.planning import selectors


def _deal(world, amount, currency, status="open"):
    deal = pipeline_services.opportunity_create(
        actor=world.owner,
        data={
            "account": world.account,
            "name": f"{currency} {amount}",
            "amount": Decimal(amount),
            "currency": currency,
            "expected_close": datetime.date(2027, 1, 1),
        },
    )
    if status != "open":
        pipeline_services.opportunity_close(
            opportunity=deal, actor=world.owner, status=status, reason="price"
        )


def test_open_pipeline_per_industry_converted(client, world):
    account_services.exchange_rate_set(actor=world.admin, currency="USD", rate=Decimal("7.10"))
    _deal(world, "1000000", "CNY")
    _deal(world, "100000", "USD")
    _deal(world, "99999", "USD", status="lost")  # closed: counted as lost, not in the open pipeline
    _deal(world, "50000", "HKD")  # no rate: left out
    converter = Converter(exchange_rates())
    results = {r.industry.code: r for r in selectors.industry_results(user=world.owner, converter=converter)}
    finance = results["finance"]
    assert (finance.open_pipeline, finance.lost, finance.won) == (Decimal("1710000.00"), 1, 0)
    assert converter.unconverted == ["HKD"]
    client.force_login(world.owner)
    html = client.get(reverse("planning:industry_list")).content.decode()
    assert "1,710,000" in html
    assert "Amounts in HKD have no exchange rate and are left out of these totals." in html
    account_services.exchange_rate_set(actor=world.admin, currency="HKD", rate=Decimal("0.92"))
    results = {r.industry.code: r for r in selectors.industry_results(user=world.owner)}
    assert results["finance"].open_pipeline == Decimal("1756000.00")
