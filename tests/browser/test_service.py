"""Key-account service (M5) in the browser: move SPD Bank from mid to high with a reason, place a contact on
the 25-cell grid (counts and names apart), read the loyalty explanation; import service requests; the stage
list and the dashboard; in English and Chinese, on a desktop and a 390 px phone. Screenshots of the pages go
to docs/screenshots/service-*.png."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from kam.accounts.tests.factories import AccountFactory, ContactFactory, InteractionFactory
from kam.service import services
from kam.service.models import GridPlacement, RelationshipStage, ServiceRequest, StageChange
from kam.tiering.tests.factories import TransactionFactory

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}


def _zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def _doc_shot(page, name: str) -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)  # let the charts' short animation finish
    page.screenshot(path=str(DOCS / f"service-{name}.png"), full_page=True)


@pytest.fixture
def account(user):
    """SPD Bank at mid stage, ~42 % of its category spend, with people met beyond the bow tie."""
    today = timezone.localdate()
    bank = AccountFactory(name="上海浦东发展银行 SPD Bank", code="110", owner=user)
    people = [
        ContactFactory(account=bank, name="郑师超", title="主任 Director", department="办公室 Office"),
        ContactFactory(account=bank, name="林智勇", title="电脑部经理 IT manager", department="电脑部 IT"),
        ContactFactory(account=bank, name="黄艾香", title="主管 Head", department="回访中心 Call-back"),
    ]
    for months_ago, amount in ((14, "900000"), (8, "600000"), (2, "450000")):
        TransactionFactory(
            account=bank, ordered_on=today - datetime.timedelta(days=30 * months_ago), amount=Decimal(amount)
        )
    for days_ago, contact in ((40, people[0]), (70, people[1]), (100, people[2]), (130, people[1])):
        meeting = InteractionFactory(account=bank, occurred_on=today - datetime.timedelta(days=days_ago))
        meeting.our_people.set([user])
        meeting.their_people.set([contact])
    services.spend_set(account=bank, year=today.year, amount=Decimal("2500000"), actor=user)
    services.stage_change(
        account=bank, to_stage="initial", reason="首笔订单 First order", actor=user,
        changed_on=today - datetime.timedelta(days=300),
    )  # fmt: skip
    services.stage_change(
        account=bank, to_stage="mid", reason="项目0202 Project 0202", actor=user,
        changed_on=today - datetime.timedelta(days=120),
    )  # fmt: skip
    services.grid_place(
        account=bank, contact=people[0], depth=1, level="E", actor=user,
        placed_on=today - datetime.timedelta(days=200),
    )  # fmt: skip
    services.grid_place(
        account=bank, contact=people[1], depth=2, level="D", actor=user,
        placed_on=today - datetime.timedelta(days=90),
    )  # fmt: skip
    services.loyalty_review(account=bank, competitor_availability=3, competitor_attractiveness=3, actor=user)
    return bank


def test_move_to_high_place_a_contact_and_read_the_loyalty(page, user, account, log_in, new_page):
    log_in(page, user.username)
    page.goto(f"/service/accounts/{account.pk}/")
    expect(page.get_by_test_id("current-stage")).to_have_text("Mid")

    page.get_by_test_id("change-stage").click()
    form = page.get_by_test_id("stage-form")
    form.get_by_label("New stage").select_option("high")
    form.get_by_label("Reason").fill("拿下数据中心 Won the data centre")
    with page.expect_navigation():
        form.get_by_role("button", name="Save the stage").click()
    expect(page.get_by_test_id("current-stage")).to_have_text("High")
    expect(page.get_by_test_id("stage-history")).to_contain_text("Mid → High")
    expect(page.get_by_test_id("stage-history")).to_contain_text("Won the data centre")
    assert RelationshipStage.objects.get(account=account).stage == "high"
    assert StageChange.objects.filter(account=account, to_stage="high", changed_by=user).count() == 1

    page.get_by_test_id("place-contact").click()
    grid_form = page.get_by_test_id("grid-form")
    zheng = account.contacts.get(name="郑师超")
    grid_form.get_by_label("Contact").select_option(str(zheng.pk))
    grid_form.get_by_label("Personal depth").select_option("3")
    grid_form.get_by_label("Company relationship").select_option("C")
    grid_form.get_by_label("Evidence").fill("一起评审了项目0202 Reviewed project 0202 together")
    with page.expect_navigation():
        grid_form.get_by_role("button", name="Place", exact=True).click()
    row = page.get_by_test_id("grid-table").get_by_role("row").filter(has_text="郑师超")
    expect(row).to_contain_text("1E → 3C")
    assert list(GridPlacement.objects.filter(contact__name="郑师超").values_list("depth", "level")) == [
        (1, "E"),
        (3, "C"),
    ]

    explanation = page.get_by_test_id("loyalty-explanation")
    for factor in ("Retention", "Share of wallet", "Referrals", "Competitors' availability",
                   "Competitors' attractiveness"):  # fmt: skip
        expect(explanation).to_contain_text(factor)
    expect(explanation).to_contain_text("−7.5")
    expect(page.get_by_test_id("pattern-chart").locator("canvas")).to_have_count(1)
    expect(page.get_by_test_id("grid-chart").locator("canvas")).to_have_count(1)
    heatmap = page.evaluate(
        """() => { const option = echarts.getInstanceByDom(document.getElementById('grid-chart')).getOption();
        return {count: option.series[0].label.position, cells: option.series[0].data.filter((d) => d[2] > 0),
                names: option.series.slice(1).map((s) => [s.name, s.endLabel.offset])}; }"""
    )
    assert heatmap == {
        "count": "insideTopLeft",  # the count in the corner, the names beside the path's end: apart
        "cells": [[2, 2, 1], [1, 1, 1]],  # 3C and 2D
        "names": [["郑师超", [0, 4]]],
    }
    _doc_shot(page, "account-en")

    page.goto("/service/stages/")
    expect(page.get_by_test_id("stage-table")).to_contain_text("SPD Bank")
    _doc_shot(page, "stages-en")
    page.goto("/service/")
    expect(page.get_by_test_id("stage-counts")).to_contain_text("High: 1")

    chinese = log_in(new_page(locale="zh-CN"), user.username)
    chinese.goto(f"/service/accounts/{account.pk}/")
    expect(chinese.get_by_test_id("current-stage")).to_have_text(_zh("High"))
    expect(chinese.get_by_test_id("loyalty-explanation")).to_contain_text(_zh("Share of wallet"))
    _doc_shot(chinese, "account-zh")
    chinese.goto("/service/stages/")
    _doc_shot(chinese, "stages-zh")

    phone = log_in(new_page(viewport=PHONE, locale="zh-CN"), user.username)
    phone.goto(f"/service/accounts/{account.pk}/")
    expect(phone.get_by_test_id("loyalty-explanation")).to_be_visible()
    points = phone.get_by_test_id("loyalty-explanation").locator("tbody tr").first.locator("td").last
    box = points.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"], "the loyalty points are pushed out of view at 390 px"
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 390 px"
    _doc_shot(phone, "account-phone-zh")
    phone.goto("/service/stages/")
    expect(phone.get_by_test_id("stage-table")).to_contain_text("SPD Bank")
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the stage list scrolls sideways by {overflow}px at 390 px"


def test_import_service_requests(page, user, account, log_in, tmp_path):
    """A bad file is refused whole with its rows and columns named; the corrected file opens the requests."""
    log_in(page, user.username)
    page.goto("/service/requests/")
    card = page.get_by_test_id("transfer-requests")
    card.locator("summary").click()
    header = "number,account_code,kind,priority,title,opened_at,resolved_at,resolution\n"
    bad = tmp_path / "requests.csv"
    bad.write_text(
        header + ",110,complaint,urgent,线路中断 Line down,2026-06-01 09:00,2026-06-01 12:00,改道 Rerouted\n"
        ",110,grumble,normal,More seats,2026-06-01,,\n",
        encoding="utf-8",
    )
    card.locator("input[type=file]").set_input_files(str(bad))
    with page.expect_navigation():
        card.get_by_role("button", name="Import").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors.get_by_role("row")).to_have_count(3)
    expect(errors.get_by_role("row").nth(1).locator("td")).to_have_text(
        ["3", "kind", "grumble is not one of the choices."]
    )
    expect(errors.get_by_role("row").nth(2).locator("td")).to_have_text(
        ["3", "opened_at", "Give the time too, as YYYY-MM-DD HH:MM (in a spreadsheet, as text)."]
    )
    assert ServiceRequest.objects.count() == 0

    good = tmp_path / "requests-fixed.csv"
    good.write_text(
        header + ",110,complaint,urgent,线路中断 Line down,2026-06-01 09:00,2026-06-01 12:00,改道 Rerouted\n"
        ",110,request,normal,More seats,2026-06-01 10:00,,\n",
        encoding="utf-8",
    )
    card = page.get_by_test_id("transfer-requests")
    card.locator("input[type=file]").set_input_files(str(good))
    with page.expect_navigation():
        card.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Opened or resolved 2 requests.")).to_be_visible()
    table = page.get_by_test_id("request-table")
    expect(table.get_by_role("row").filter(has_text="Line down")).to_contain_text("resolved")
    expect(table.get_by_role("row").filter(has_text="More seats")).to_contain_text("open")
    assert sorted(ServiceRequest.objects.values_list("title", "priority", "resolution")) == [
        ("More seats", "normal", ""),
        ("线路中断 Line down", "urgent", "改道 Rerouted"),
    ]
    _doc_shot(page, "requests-en")
