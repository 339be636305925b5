"""Tiering (M1): an administrator recomputes the tiers from the page, follows the run to its end, and
reads an account's tier with its explanation; the section's pages in both languages, on a desk and a phone."""

import pytest
from playwright.sync_api import expect

from kam.accounts.demo import DEMO_PASSWORD, load_demo
from kam.accounts.models import Account
from kam.pipeline.demo import load_pipeline_demo
from kam.tiering.demo import load_tiering_demo

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
PAGES = ["/tiering/", "/tiering/pareto/", "/tiering/pyramid/", "/tiering/results/", "/tiering/matrix/",
         "/tiering/runs/", "/tiering/models/"]  # fmt: skip


@pytest.fixture
def demo(transactional_db):
    load_demo()
    load_pipeline_demo()
    load_tiering_demo()


def test_recompute_from_the_page_then_read_a_tier_and_why(new_page, log_in, demo, shot):
    page = log_in(new_page(viewport=DESK), "admin", DEMO_PASSWORD)
    page.goto("/tiering/")
    expect(page.get_by_test_id("no-run")).to_be_visible()
    with page.expect_navigation():
        page.get_by_test_id("recompute").first.click()
    expect(page.get_by_test_id("run-status")).to_have_text("Done")
    expect(page.get_by_test_id("changes-table")).to_be_visible()
    shot(page, "run-en")
    spd = Account.objects.get(code="110")
    assert spd.tier  # the biggest demo account is a key account
    page.goto(f"/tiering/accounts/{spd.pk}/scorecard/")
    badge = page.get_by_test_id("scorecard-tier").locator("[data-tier]")
    expect(badge).to_have_attribute("data-tier", spd.tier)
    expect(page.get_by_test_id("explanation").locator("tbody tr").first).to_be_visible()
    expect(page.get_by_test_id("tier-policy")).to_be_visible()
    shot(page, "scorecard-en")
    page.goto(f"/accounts/{spd.pk}/")
    expect(page.get_by_test_id("panel-tier").locator("[data-tier]")).to_have_attribute("data-tier", spd.tier)
    page.goto(f"/accounts/?tier={spd.tier}")
    expect(page.get_by_test_id("account-table").get_by_text(spd.name)).to_be_visible()
    for path in PAGES:
        page.goto(path)
        expect(page.get_by_test_id("no-run")).to_have_count(0)
        page.wait_for_timeout(500)  # the charts' short animation
        shot(page, "desk-en" + path.replace("/", "-"))
    phone = log_in(new_page(viewport=PHONE), "linshan", DEMO_PASSWORD)
    for path in [*PAGES, f"/tiering/accounts/{spd.pk}/scorecard/"]:
        phone.goto(path)
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
        shot(phone, "phone-en" + path.replace("/", "-"))
    for viewport, name in ((DESK, "desk"), (PHONE, "phone")):
        chinese = log_in(new_page(viewport=viewport, locale="zh-CN"), "admin", DEMO_PASSWORD)
        for path in [*PAGES, f"/tiering/accounts/{spd.pk}/scorecard/", "/tiering/models/1/edit/"]:
            chinese.goto(path)
            assert chinese.get_attribute("html", "lang") == "zh-hans"
            chinese.wait_for_timeout(500)
            shot(chinese, f"{name}-zh" + path.replace("/", "-"))
