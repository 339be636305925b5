"""The buying center (M4.1–M4.4) built in the UI: M4.3's four people, their weights in the initial product
selection, then the map, the risk flag and "win over 张华" among the rules' actions — in both languages."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from kam.accounts.tests.factories import AccountFactory, ContactFactory
from kam.buyingcenter.models import InfluenceWeight, Stakeholder
from kam.pipeline import services as pipeline_services
from tests.browser.helpers import save

pytestmark = pytest.mark.browser

MAP_NODES = """() => {
  const el = document.querySelector('[data-testid=bc-map]');
  const chart = el && echarts.getInstanceByDom(el);
  if (!chart || !chart.getZr().animation.isFinished()) return null;
  const data = chart.getModel().getSeriesByIndex(0).getData();
  return data.mapArray(i => {
    const item = data.getRawDataItem(i);
    const drawn = Boolean(data.getItemGraphicEl(i));
    return [item.name, item.symbolSize, item.itemStyle.color, item.badges || [], drawn];
  });
}"""

# (person as the form lists them, roles, attitude label, role in the project) as typed into the form
PEOPLE = [
    ("张华 (技术部部长)", ["Technical buyer"], "C accepts", "决定技术选型 Decides the technology choice"),
    ("李建 (采购经理)", ["Coach"], "B supports", "筛选信息 Screens vendors"),
    ("王桑 (财务经理)", ["Financial buyer", "Influencer"], "E opposes", "影响 Influence"),
    ("李阳 (总经理)", ["Economic buyer"], None, "最终决策者 Final decision maker"),
]


def _zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


@pytest.fixture
def opportunity(user):
    account = AccountFactory(name="华东机械装备集团", code="HDJX", owner=user)
    gm = ContactFactory(account=account, name="李阳", title="总经理", department="总经理室")
    for name, title, department in [
        ("张华", "技术部部长", "技术部"),
        ("李建", "采购经理", "采购部"),
        ("王桑", "财务经理", "财务部"),
    ]:
        ContactFactory(account=account, name=name, title=title, department=department, reports_to=gm)
    return pipeline_services.opportunity_create(
        actor=user, data={"account": account, "name": "设备管理系统选型"}
    )


def _add_people(page):
    for index, (name, roles, attitude, project_role) in enumerate(PEOPLE):
        form = page.get_by_test_id("stakeholder-form")
        form.locator("#id_contact").select_option(label=name)
        for role in roles:
            form.get_by_label(role, exact=True).check()
        form.locator("#id_project_role").fill(project_role)
        if attitude:
            form.locator("#id_attitude").select_option(label=attitude)
        last = index == len(PEOPLE) - 1
        save(page, "Save" if last else "Save and add another")


def test_build_the_m43_buying_center(logged_in_page, opportunity, shot, new_page, log_in, user):
    page = logged_in_page
    page.goto(opportunity.get_absolute_url())
    expect(page.get_by_test_id("bc-empty")).to_contain_text("Nobody is in this buying center yet.")
    page.get_by_test_id("add-stakeholder").click()
    page.wait_for_url("**/stakeholders/new/")
    expect(page.get_by_test_id("role-guidance")).to_contain_text("Recommend, veto")
    shot(page, "1-add-stakeholder")
    _add_people(page)
    assert re.search(rf"/pipeline/{opportunity.pk}/#buying-center$", page.url), page.url
    assert sorted(Stakeholder.objects.values_list("contact__name", "attitude")) == [
        ("张华", "C"),
        ("李建", "B"),
        ("李阳", ""),
        ("王桑", "E"),
    ]

    # the weights of the initial product selection: 90 % is refused with the sum shown, 100 % is saved
    page.get_by_test_id("set-weights").click()
    page.get_by_role("link", name=re.compile(r"^Initial product selection")).click()
    page.wait_for_url("**/weights/?phase=selection")
    for name, weight in [("张华", "60"), ("李建", "30"), ("王桑", "0"), ("李阳", "0")]:
        page.get_by_label(name, exact=True).fill(weight)
    expect(page.get_by_test_id("weights-total")).to_have_text("90 %")
    expect(page.get_by_test_id("weights-total")).to_have_class("text-danger")
    save(page)
    expect(page.get_by_test_id("weights-error")).to_have_text(
        "The weights of Initial product selection (step 5) total 90 %; they must total 100 %."
    )
    assert InfluenceWeight.objects.count() == 0
    shot(page, "2-weights-refused")
    page.get_by_label("王桑", exact=True).fill("10")
    expect(page.get_by_test_id("weights-total")).to_have_text("100 %")
    save(page)
    assert page.url.endswith(f"/buying-center/opportunities/{opportunity.pk}/?phase=selection")

    # the map, the score, the risk flag and the actions
    expect(page.get_by_test_id("support-score")).to_have_text("+0.10")
    expect(page.get_by_test_id("risk-flag")).to_have_text(
        re.compile(r"Relationship at risk\s*Opponents and the undecided hold 70 %, supporters 30 %.")
    )
    nodes = page.wait_for_function(MAP_NODES).json_value()
    assert sorted(nodes) == [
        ["张华", 46, "#f0ad00", ["Technical"], True],
        ["李建", 31, "#6bbf8e", ["Coach"], True],
        ["李阳", 16, "#8c959f", ["Economic"], True],
        ["王桑", 21, "#dc3545", ["Financial", "Influencer"], True],
    ]
    actions = page.get_by_test_id("bc-actions")
    expect(actions.locator("li", has_text="Win over 张华")).to_contain_text("Attitude C, weight 60 %.")
    expect(actions.locator("li").first).to_contain_text("Find out where 李阳 stands")
    shot(page, "3-map-and-risk-en")

    # the same in Chinese
    with page.expect_navigation():
        page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("risk-flag")).to_contain_text(_zh("Relationship at risk"))
    win_over = _zh("Win over %(name)s") % {"name": "张华"}
    assert win_over == "拉拢张华"
    expect(page.get_by_test_id("bc-actions").locator("li", has_text=win_over)).to_be_visible()
    expect(page.get_by_test_id("coverage")).to_contain_text(_zh("Decision person"))
    page.wait_for_function(MAP_NODES)
    shot(page, "4-map-and-risk-zh")

    # the rules' actions are gathered in "my actions"
    page.locator("#sidebar").get_by_role("link", name=re.compile(_zh("My actions"))).click()
    page.wait_for_url("**/buying-center/actions/")
    expect(page.get_by_test_id("action-group")).to_contain_text(win_over)
    shot(page, "5-my-actions-zh")

    # on a phone
    phone = log_in(new_page(viewport={"width": 390, "height": 844}, locale="zh-CN"), user.username)
    phone.goto(opportunity.get_absolute_url() + "#buying-center")
    phone.wait_for_function(MAP_NODES)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "6-phone-zh")
