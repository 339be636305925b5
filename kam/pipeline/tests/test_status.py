import datetime
from decimal import Decimal

from kam.pipeline.status import (
    FIRST_VISIT,
    MAINTENANCE,
    NEGOTIATION,
    PROPOSAL,
    SIGNED,
    Deal,
    customer_status,
)

TODAY = datetime.date(2026, 11, 27)


def test_open_deals_map_by_probability():
    assert [customer_status([Deal(Decimal(p), "open")], today=TODAY) for p in (10, 20, 25, 75, 90)] == [
        FIRST_VISIT,
        FIRST_VISIT,
        PROPOSAL,
        PROPOSAL,
        NEGOTIATION,
    ]


def test_the_most_advanced_deal_decides_and_wins_come_first():
    assert customer_status([Deal(Decimal(10), "open"), Deal(Decimal(50), "open")], today=TODAY) == PROPOSAL
    recent = Deal(Decimal(100), "won", TODAY - datetime.timedelta(days=30))
    old = Deal(Decimal(100), "won", TODAY - datetime.timedelta(days=400))
    assert customer_status([Deal(Decimal(90), "open"), recent], today=TODAY) == SIGNED
    assert customer_status([old, Deal(Decimal(10), "open")], today=TODAY) == MAINTENANCE
    assert customer_status([Deal(Decimal(50), "lost", TODAY)], today=TODAY) is None
    assert customer_status([], today=TODAY) is None


def test_demo_territory_reproduces_the_seed_mix(db):
    """M3.8: first visit 14, proposal submitted 10, negotiation 4, contract signed 1, maintenance 1 — 30."""
    from kam.accounts.demo import load_demo
    from kam.pipeline.analytics import sales_status
    from kam.pipeline.demo import load_pipeline_demo
    from kam.users.models import User

    load_demo()
    load_pipeline_demo()
    director, wangfang = User.objects.get(username="director"), User.objects.get(username="wangfang")
    result = sales_status(user=director, owners=[wangfang.pk], dimension="relationship_quality")
    assert result["totals"] == {
        "first_visit": 14,
        "proposal_submitted": 10,
        "negotiation": 4,
        "contract_signed": 1,
        "maintenance": 1,
    }
    assert result["customers"] == 30
    assert [(value, sum(counts.values())) for value, counts in result["rows"]] == [
        ("Average", 15),
        ("Good", 8),
        ("Poor", 7),
    ]


def test_status_page_filters_by_team(client, db):
    from django.urls import reverse

    from kam.accounts.demo import load_demo
    from kam.pipeline.demo import load_pipeline_demo
    from kam.users.models import Team, User

    load_demo()
    load_pipeline_demo()
    client.force_login(User.objects.get(username="director"))
    south = Team.objects.get(name="华南大区 South China")
    page = client.get(reverse("pipeline:status"), {"team": south.pk})
    assert page.context["customers"] == 30
    assert [s["count"] for s in page.context["statuses"]] == [14, 10, 4, 1, 1]
    east = Team.objects.get(name="华东大区 East China")
    assert client.get(reverse("pipeline:status"), {"team": east.pk}).context["customers"] == 2  # HDJX, STIP


def test_a_customer_is_placed_by_its_most_advanced_deal_in_every_dimension(world):
    """Two deals (G, C) make SPD Bank "proposal submitted", one at G makes West Corp "first visit"; the
    product is the first line of the alphabetically first deal's product lines."""
    from kam.accounts.tests.factories import IndustryFactory
    from kam.buyingcenter.tests.factories import make_opportunity
    from kam.pipeline import services
    from kam.pipeline.analytics import sales_status

    world.other_account.industry = IndustryFactory(code="energy", name="能源", name_en="Energy")
    world.other_account.save(update_fields=["industry"])
    for account, stage, lines in [
        (world.account, "G", "Voice, Cloud"),
        (world.account, "C", "Data"),
        (world.other_account, "G", ""),
    ]:
        deal = make_opportunity(account=account, actor=world.admin, stage_code=stage)
        services.opportunity_update(opportunity=deal, actor=world.admin, data={"product_lines": lines})
    empty = dict.fromkeys(
        ["first_visit", "proposal_submitted", "negotiation", "contract_signed", "maintenance"], 0
    )
    by_industry = sales_status(user=world.admin, dimension="industry", today=TODAY)
    assert by_industry["rows"] == [
        ("Energy", {**empty, "first_visit": 1}),
        ("Finance", {**empty, "proposal_submitted": 1}),
    ]
    by_product = sales_status(user=world.admin, dimension="product", today=TODAY)
    assert by_product["rows"] == [
        ("", {**empty, "first_visit": 1}),
        ("Data", {**empty, "proposal_submitted": 1}),
    ]
    assert sales_status(user=world.owner, dimension="industry", today=TODAY)["customers"] == 1
