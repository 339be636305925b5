"""Competition and SPIN in the browser: M4.4's evaluation typed into the grid (a wrong weight total refused,
then 4.35 / 3.85 / 3.80 and the ranking), M2.2's matrix with its heatmap and a selling point, and a SPIN plan
with the fuel example's value — in both languages and on a phone."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from kam.accounts.tests.factories import AccountFactory, ContactFactory
from kam.buyingcenter import services as bc_services
from kam.buyingcenter.models import SpinQuestion
from kam.buyingcenter.spin_library import load_standard_questions
from kam.competition import services
from kam.competition.models import Criterion, Evaluation
from kam.pipeline import services as pipeline_services
from tests.browser.helpers import save

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"

#: M4.4 (slide 56): criterion, weight, us, competitor A (foreign), competitor B (domestic)
M44 = [
    ("客户关系", "Customer relationship", "0.20", 4, 4, 4),
    ("售后服务", "After-sales service", "0.15", 5, 4, 4),
    ("行业标准", "Industry standard", "0.10", 3, 4, 3),
    ("品牌", "Brand", "0.10", 4, 5, 5),
    ("产品性能", "Product performance", "0.10", 5, 5, 5),
    ("价格", "Price", "0.15", 4, 3, 3),
    ("供货能力", "Supply capability", "0.05", 5, 3, 4),
    ("快速解决方案", "Fast solution", "0.15", 5, 3, 3),
]

CHART_DRAWN = """(id) => {
  const el = document.getElementById(id);
  const chart = el && echarts.getInstanceByDom(el);
  return Boolean(chart && chart.getZr().animation.isFinished() && chart.getModel().getSeriesByIndex(0));
}"""


def _zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


@pytest.fixture
def account(user):
    return AccountFactory(name="华东机械装备集团", code="HDJX", owner=user)


@pytest.fixture
def opportunity(user, account):
    services.competitor_create(actor=None, data={"name": "外资品牌A", "name_en": "", "origin": "foreign"})
    services.competitor_create(actor=None, data={"name": "国内品牌B", "name_en": "", "origin": "domestic"})
    return pipeline_services.opportunity_create(
        actor=user,
        data={"account": account, "name": "设备管理系统选型", "competitors": "外资品牌A, 国内品牌B"},
    )


def _fill_row(page, row: int, name: str, weight: str, scores):
    page.get_by_label(f"Row {row} · Criterion", exact=True).fill(name)
    page.get_by_label(f"Row {row} · Weight", exact=True).fill(weight)
    for bidder, score in zip(["Us", "外资品牌A", "国内品牌B"], scores, strict=True):
        page.get_by_label(f"Row {row} · {bidder}", exact=True).fill(str(score))


def test_evaluation_m44_entered_in_the_grid(logged_in_page, opportunity, shot, new_page, log_in, user):
    page = logged_in_page
    page.goto(opportunity.get_absolute_url() + "#competition")
    expect(page.get_by_test_id("evaluation-empty")).to_contain_text("No bid evaluation yet.")
    expect(page.get_by_test_id("named-competitors")).to_have_text(
        "Named on this opportunity: 外资品牌A · 国内品牌B"
    )
    page.get_by_test_id("new-evaluation").click()
    page.wait_for_url("**/evaluations/new/")
    form = page.get_by_test_id("evaluation-create")
    form.get_by_label("Bid").select_option(label="Technical and commercial bid")
    form.get_by_label("Criteria").select_option(label="Empty grid")
    expect(form.get_by_label("外资品牌A · Foreign")).to_be_checked()  # named on the opportunity
    expect(form.get_by_label("国内品牌B · Domestic")).to_be_checked()
    shot(page, "1-new-evaluation")
    save(page, "Create and enter scores")

    # M4.4 as printed, but supply capability's weight mistyped: the live total and the server refuse it
    for row, (name, _en, weight, *scores) in enumerate(M44, start=1):
        _fill_row(page, row, name, "0.15" if row == 7 else weight, scores)
    expect(page.get_by_test_id("weight-total")).to_have_text("1.10")
    expect(page.get_by_test_id("weight-total")).to_have_class(re.compile("text-danger"))
    save(page)
    expect(page.get_by_test_id("grid-error")).to_have_text("The weights total 1.10; they must total 1.")
    assert Criterion.objects.count() == 0
    shot(page, "2-weights-refused")
    page.get_by_label("Row 7 · Weight", exact=True).fill("0.05")
    expect(page.get_by_test_id("weight-total")).to_have_text("1.00")
    expect(page.get_by_test_id("live-total")).to_have_text(["4.35", "3.80", "3.85"])  # columns: us, B, A
    shot(page, "3-grid-filled")
    save(page)

    evaluation = Evaluation.objects.get()
    assert page.url.endswith(evaluation.get_absolute_url())
    ranking = page.get_by_test_id("ranking").locator("li")
    expect(ranking).to_have_text(
        [
            re.compile(r"Us\s+4\.35"),
            re.compile(r"外资品牌A · Foreign\s+3\.85"),
            re.compile(r"国内品牌B · Domestic\s+3\.80"),
        ]
    )
    expect(page.get_by_test_id("unweighted-sums").locator("td")).to_have_text(["", "35", "31", "31", ""])
    expect(page.get_by_test_id("margin")).to_have_text("We lead 外资品牌A by 0.50.")
    page.wait_for_function(CHART_DRAWN, arg=f"evaluation-{evaluation.pk}-radar")
    shot(page, "4-ranking-and-radar-en")

    with page.expect_navigation():
        page.get_by_test_id("lang-switch").click()
    expect(ranking).to_have_text(
        [re.compile(rf"{_zh('Us')}\s+4\.35"), re.compile(rf"外资品牌A · {_zh('Foreign')}\s+3\.85"),
         re.compile(rf"国内品牌B · {_zh('Domestic')}\s+3\.80")]
    )  # fmt: skip
    assert _zh("Us") == "我方"
    page.wait_for_function(CHART_DRAWN, arg=f"evaluation-{evaluation.pk}-radar")
    shot(page, "5-ranking-and-radar-zh")

    phone = log_in(new_page(viewport=PHONE, locale="zh-CN"), user.username)
    phone.goto(evaluation.get_absolute_url())
    phone.wait_for_function(CHART_DRAWN, arg=f"evaluation-{evaluation.pk}-radar")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    shot(phone, "6-phone-zh")
    phone.goto(opportunity.get_absolute_url() + "#competition")
    phone.wait_for_function(CHART_DRAWN, arg=f"evaluation-{evaluation.pk}-radar")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    shot(phone, "7-phone-panel-zh")


def test_competition_matrix_heatmap_and_selling_point(logged_in_page, account, shot, new_page, log_in, user):
    for name in ("中国电信", "中国网通"):
        services.competitor_create(actor=None, data={"name": name})
    page = logged_in_page
    page.goto(f"/competition/accounts/{account.pk}/")
    expect(page.get_by_test_id("matrix-none")).to_contain_text("No competitiveness matrix")
    page.get_by_test_id("new-matrix").click()
    form = page.get_by_test_id("matrix-create")
    form.get_by_label("Title").fill("通信产品 Communication products")
    form.get_by_label("中国电信").check()
    form.get_by_label("中国网通").check()
    form.get_by_label("Product lines").fill("本地语音\n本地2M电路")
    save(page, "Create and rate")
    ratings = {  # row → us, China Netcom, China Telecom (columns in the catalogue's order)
        1: ("4", "3", "5"), 2: ("5", "3", "4"), 3: ("4", "4", "5"), 4: ("5", "3", "4"),
    }  # fmt: skip
    for row, values in ratings.items():
        for column, value in zip(["Us", "中国网通", "中国电信"], values, strict=True):
            page.get_by_label(f"Row {row} · {column}", exact=True).select_option(value)
    shot(page, "1-rating-grid")
    save(page)
    page.wait_for_function(CHART_DRAWN, arg=page.get_by_test_id("heatmap").get_attribute("id"))
    expect(page.get_by_test_id("matrix-edges").locator("li")).to_have_text(
        [re.compile(r"本地2M电路 us 5 vs 4 \(中国电信\)"), re.compile(r"Stability us 5 vs 4 \(中国电信\)")]
    )
    shot(page, "2-heatmap-en")
    page.get_by_test_id("matrix-edges").get_by_role("link", name="Write the USP").first.click()
    usp = page.get_by_test_id("usp-form")
    expect(usp.get_by_label("Product line")).to_have_value("本地2M电路")
    usp.get_by_label("The customer's need").fill("回访中心要求线路稳定 Stable lines for the call-back centre")
    usp.get_by_label("What we offer").fill("4小时上门抢修 On-site repair within 4 hours")
    usp.get_by_label("中国网通").check()
    save(page)
    expect(page.get_by_test_id("usp-list")).to_contain_text("Competitors do it worse: 中国网通")
    with page.expect_navigation():
        page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("usp-list")).to_contain_text(_zh("Competitors do it worse"))
    page.wait_for_function(CHART_DRAWN, arg=page.get_by_test_id("heatmap").get_attribute("id"))
    shot(page, "3-account-competition-zh")

    phone = log_in(new_page(viewport=PHONE), user.username)
    phone.goto(f"/competition/accounts/{account.pk}/")
    phone.wait_for_function(CHART_DRAWN, arg=phone.get_by_test_id("heatmap").get_attribute("id"))
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    shot(phone, "4-phone-en")


def test_spin_plan_with_the_fuel_value(logged_in_page, account, shot, user):
    load_standard_questions(SpinQuestion)
    opportunity = pipeline_services.opportunity_create(actor=user, data={"account": account, "name": "车队"})
    wang = ContactFactory(account=account, name="王桑", title="财务经理", department="财务部")
    bc_services.stakeholder_add(
        actor=user, opportunity=opportunity, contact=wang, data={"roles": ["financial"]}
    )
    page = logged_in_page
    page.goto(opportunity.get_absolute_url() + "#spin")
    expect(page.get_by_test_id("spin-empty")).to_contain_text("No SPIN plan yet.")
    page.get_by_test_id("new-spin-plan").click()
    form = page.get_by_test_id("spin-plan-form")
    form.get_by_label("Stakeholder").select_option(label="王桑")
    form.get_by_label("Need", exact=True).fill("油耗太大 The vehicles burn too much fuel")
    form.get_by_label("Need stage").select_option("4")
    form.get_by_label("Benefit").fill("十年省 6 万元 60,000 yuan over ten years")
    value_inputs = [
        ("Activity per month", "5000"),
        ("Unit of activity", "km"),
        ("Improvement stated per", "100"),
        ("Used today", "9"),
        ("Saving", "2"),
        ("Unit saved", "L"),
        ("Price per unit", "5"),
        ("Horizon (years)", "10"),
    ]
    for label, value in value_inputs:
        form.get_by_label(label, exact=True).fill(value)
    save(page)
    expect(page.get_by_test_id("need-kind")).to_have_text("Explicit need")
    expect(page.get_by_test_id("value-monthly")).to_have_text("500 yuan")
    expect(page.get_by_test_id("value-yearly")).to_have_text("6,000 yuan")
    expect(page.get_by_test_id("value-total")).to_have_text("60,000 yuan")
    expect(page.get_by_test_id("value-statement")).to_contain_text(
        "Today 9 L per 100 km over 5,000 km a month"
    )
    page.get_by_test_id("open-add-S").click()
    column = page.get_by_test_id("add-S")
    column.get_by_label("From the library").select_option(label="How is it going with what you use now?")
    column.get_by_label("Answer").fill("9 升/百公里 9 L per 100 km")
    with page.expect_navigation():
        column.get_by_role("button", name="Add question").click()
    expect(page.get_by_test_id("spin-column-S").get_by_test_id("spin-step")).to_contain_text("9 L per 100 km")
    shot(page, "1-plan-en")
    with page.expect_navigation():
        page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("value-monthly")).to_have_text("500元")
    expect(page.get_by_test_id("spin-column-S").get_by_test_id("spin-step")).to_contain_text(
        "你使用的情况，感觉怎么样？"
    )
    shot(page, "2-plan-zh")
