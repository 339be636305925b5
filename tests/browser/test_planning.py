"""Strategic planning (M2) in the browser: a cell of the IMSC attractiveness matrix edited in place moves its
industry's total, star and class; SPD Bank's six-step plan opened from the account page and exported as a PDF
that carries the account's name and the Chinese text; the industry and key-account-base charts — in both
languages and on a 390 px phone. Screenshots of the pages go to docs/screenshots/planning-*.png."""

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kam.accounts.demo import DEMO_PASSWORD, load_demo
from kam.buyingcenter.demo import load_buying_center_demo
from kam.competition.demo import load_competition_demo
from kam.pipeline.demo import load_pipeline_demo
from kam.planning.demo import load_planning_demo
from kam.planning.models import AccountPlan
from kam.tiering.demo import load_tiering_demo

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
Y_AXIS_IS = """(name) => {
  const chart = echarts.getInstanceByDom(document.querySelector('[data-testid="scatter"]'));
  return chart.getOption().yAxis[0].name === name;
}"""
CHART_DRAWN = """(selector) => {
  const el = document.querySelector(selector);
  const chart = el && window.echarts && echarts.getInstanceByDom(el);
  return Boolean(chart && chart.getZr().animation.isFinished() && chart.getModel().getSeriesByIndex(0));
}"""


@pytest.fixture
def demo(transactional_db):
    load_demo()
    load_pipeline_demo()
    load_tiering_demo()
    load_buying_center_demo()
    load_competition_demo()
    load_planning_demo()


def _docs(page, name: str) -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / f"planning-{name}.png"), full_page=True)


def _switch_language(page) -> None:
    with page.expect_navigation():
        page.get_by_test_id("lang-switch").click()


def _set_cell(page, industry: str, criterion: str, value: str) -> None:
    cell = page.locator(f'tr[data-industry="{industry}"] [data-criterion="{criterion}"]')
    with page.expect_response(re.compile(r"/planning/matrix/cells/")):
        cell.fill(value)
        cell.press("Tab")


def test_a_matrix_cell_edited_in_place(demo, new_page, log_in, shot):
    page = log_in(new_page(), "director", DEMO_PASSWORD)
    page.goto("/planning/matrix/")
    healthcare = page.locator('tr[data-industry="healthcare"]')
    telecom = page.locator('tr[data-industry="telecom"]')
    expect(telecom.get_by_test_id("total")).to_have_text("44 ★")
    expect(telecom.get_by_test_id("mismatch")).to_have_text("46")
    expect(page.get_by_test_id("average")).to_have_text("28.9")
    expect(healthcare.get_by_test_id("total")).to_have_text("16")
    expect(healthcare.locator('[data-testid="class"] .badge')).to_have_attribute("data-class", "watch")
    shot(page, "1-matrix")
    _docs(page, "matrix-en")
    _switch_language(page)
    expect(page.locator("h1")).to_contain_text("M2.1")
    _docs(page, "matrix-zh")
    phone = log_in(new_page(viewport=PHONE, locale="zh-CN"), "director", DEMO_PASSWORD)
    phone.goto("/planning/matrix/")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    _docs(phone, "matrix-phone-zh")
    _switch_language(page)

    _set_cell(page, "healthcare", "Market size", "9")
    expect(healthcare.get_by_test_id("total")).to_have_text("22")
    _set_cell(page, "healthcare", "Customer relationship", "9")
    expect(healthcare.get_by_test_id("total")).to_have_text("30")
    expect(healthcare.get_by_test_id("star")).to_have_count(0)
    _set_cell(page, "healthcare", "Policy support", "9")
    expect(healthcare.get_by_test_id("total")).to_have_text("38 ★")
    expect(healthcare.locator('[data-testid="class"] .badge')).to_have_attribute("data-class", "key")
    expect(page.get_by_test_id("average")).to_have_text("31.3")
    expect(page.locator('tr[data-industry="education"]').get_by_test_id("total")).to_have_text("32 ★")
    shot(page, "2-after-edit")

    _set_cell(page, "healthcare", "Growth", "12")
    expect(page.get_by_test_id("cell-error")).to_contain_text("9")
    expect(healthcare.get_by_test_id("total")).to_have_text("38 ★")


def test_the_account_plan_and_its_pdf(demo, new_page, log_in, shot, tmp_path):
    plan = AccountPlan.objects.get(account__code="110", revision=2)
    page = log_in(new_page(), "linshan", DEMO_PASSWORD)
    page.goto(f"/accounts/{plan.account_id}/")
    with page.expect_navigation():
        page.get_by_test_id("account-plan").get_by_role("link").click()
    expect(page.get_by_test_id("plan-title")).to_contain_text("上海浦东发展银行")
    for step in ("industry", "competition", "needs", "solution", "service", "customer"):
        expect(page.get_by_test_id(f"step-{step}")).to_be_visible()
    expect(page.get_by_test_id("measure")).to_have_count(8)
    expect(page.get_by_test_id("rivals")).to_have_text(re.compile(r"0202 .*\(Open\): 中国电信, 中国网通"))
    expect(page.get_by_test_id("report").first).to_contain_text("0202")
    expect(page.get_by_test_id("report-progress").first).to_have_text("Current progress (−5 … +5): +2")
    expect(page.get_by_test_id("balance-people")).to_contain_text("6 / 7")
    shot(page, "1-plan")
    _docs(page, "plan-en")

    with page.expect_download() as download:
        page.get_by_test_id("plan-pdf").click()
    pdf = tmp_path / "plan.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    for expected in (
        "上海浦东发展银行",
        "语音业务 Voice services",
        "银信通",
        "Act now",
        "中国电信, 中国网通",
    ):
        assert expected in text, expected

    page.get_by_text("v1", exact=True).click()
    expect(page.get_by_test_id("old-version")).to_be_visible()
    expect(page.get_by_test_id("edit-plan")).to_have_count(0)

    _switch_language(page)
    page.goto(plan.get_absolute_url())
    _docs(page, "plan-zh")
    phone = log_in(new_page(viewport=PHONE, locale="zh-CN"), "linshan", DEMO_PASSWORD)
    phone.goto(plan.get_absolute_url())
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    _docs(phone, "plan-phone-zh")


def test_industry_profiles_and_the_key_account_base(demo, new_page, log_in, shot):
    page = log_in(new_page(), "director", DEMO_PASSWORD)
    page.goto("/planning/industries/")
    page.wait_for_function(CHART_DRAWN, arg='[data-testid="scatter"]')
    expect(page.get_by_test_id("industry-card").filter(has_text="Government")).to_contain_text("308")
    page.get_by_test_id("scatter-axis").get_by_text("Revenue (12 months)").click()
    page.wait_for_function(Y_AXIS_IS, arg="Revenue (12 months)")
    expect(page.get_by_test_id("scatter-note")).to_be_hidden()
    _docs(page, "industries-en")
    page.goto("/planning/base/")
    expect(page.get_by_test_id("business-lines")).to_contain_text("IT")
    page.wait_for_function(CHART_DRAWN, arg='[data-testid="pie"]')
    expect(page.get_by_test_id("composition")).to_contain_text("Finance")
    expect(page.get_by_test_id("composition-total")).to_contain_text("100.00")
    _switch_language(page)
    page.wait_for_function(CHART_DRAWN, arg='[data-testid="pie"]')
    _docs(page, "base-zh")
    phone = log_in(new_page(viewport=PHONE, locale="zh-CN"), "director", DEMO_PASSWORD)
    for path in ("/planning/industries/", "/planning/base/"):
        phone.goto(path)
        assert phone.evaluate(NO_SIDEWAYS_SCROLL), path
    shot(phone, "phone-base")
