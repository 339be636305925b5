"""The org chart: drawn with ECharts; clicking a person re-attaches them through an htmx form."""

import pytest

from kam.accounts.tests.factories import AccountFactory, ContactFactory
from tests.browser.helpers import open_tab

pytestmark = pytest.mark.browser

# Where ECharts drew the node whose value (contact id) is `id`, in page coordinates.
NODE_CENTRE = """([id]) => {
  const el = document.querySelector('[data-testid=org-chart]');
  const chart = echarts.getInstanceByDom(el);
  const data = chart.getModel().getSeriesByIndex(0).getData();
  for (let i = 0; i < data.count(); i++) {
    if ((data.getRawDataItem(i) || {}).value !== id) continue;
    const symbol = data.getItemGraphicEl(i);
    const [x, y] = symbol.transformCoordToGlobal(0, 0);
    const box = el.getBoundingClientRect();
    return {x: box.left + x, y: box.top + y};
  }
  return null;
}"""

SETTLED = """() => {
  const el = document.querySelector('[data-testid=org-chart]');
  const chart = el && echarts.getInstanceByDom(el);
  return Boolean(chart) && chart.getZr().animation.isFinished();
}"""


def _settle(page):
    """Wait until ECharts has finished animating (so screenshots and coordinates are final)."""
    page.locator("[data-testid=org-chart] canvas").wait_for(state="visible")
    page.wait_for_function(SETTLED)


def test_org_chart_is_drawn_and_a_click_reattaches_a_person(logged_in_page, user, shot):
    page = logged_in_page
    account = AccountFactory(name="Shanghai Tobacco", owner=user)
    zhang = ContactFactory(account=account, name="Zhang Hua", title="General manager")
    li = ContactFactory(account=account, name="Li Jian", title="Deputy GM", reports_to=zhang)
    wang = ContactFactory(account=account, name="Wang Sang", title="IT manager", reports_to=zhang)

    page.goto(f"/accounts/{account.pk}/")
    open_tab(page, "contacts")
    canvas = page.locator("[data-testid=org-chart] canvas")
    _settle(page)
    size = canvas.bounding_box()
    assert size["width"] > 600 and size["height"] >= 300, size
    # Painted, not blank: the canvas holds more than one colour.
    colours = page.evaluate("""() => {
      const c = document.querySelector('[data-testid=org-chart] canvas');
      const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const seen = new Set();
      for (let i = 0; i < pixels.length; i += 4 * 97) seen.add(pixels.slice(i, i + 4).join(','));
      return seen.size;
    }""")
    assert colours > 2, colours
    drawn = page.evaluate("""() => {
      const data = echarts.getInstanceByDom(document.querySelector('[data-testid=org-chart]'))
        .getModel().getSeriesByIndex(0).getData();
      // index 0 is ECharts' virtual root
      return data.mapArray(i => [(data.getRawDataItem(i) || {}).value ?? null, data.getName(i),
                                 data.getItemGraphicEl(i) ? 1 : 0]);
    }""")
    assert sorted(map(tuple, drawn), key=str) == sorted(
        [
            (None, "", 0),
            (zhang.pk, "Zhang Hua\nGeneral manager", 1),
            (li.pk, "Li Jian\nDeputy GM", 1),
            (wang.pk, "Wang Sang\nIT manager", 1),
        ],
        key=str,
    ), drawn
    shot(page, "1-org-chart")

    # Click Wang Sang's node (where ECharts drew it) → the form opens with his current manager
    centre = page.evaluate(NODE_CENTRE, [wang.pk])
    assert centre is not None
    form = page.locator("#reports-to-form")
    assert form.is_hidden()
    page.mouse.click(centre["x"], centre["y"])
    form.wait_for(state="visible")
    assert page.locator("#reports-to-name").inner_text() == "Wang Sang"
    select = form.locator("select[name=reports_to]")
    assert select.input_value() == str(zhang.pk)
    assert select.locator(f'option[value="{wang.pk}"]').is_disabled()  # not his own manager
    shot(page, "2-reports-to-form")

    # Wang Sang now reports to Li Jian; saved with htmx, the chart is redrawn in place
    select.select_option(str(li.pk))
    with page.expect_response(lambda r: r.url.endswith(f"/contacts/{wang.pk}/reports-to/")) as answer:
        form.get_by_role("button", name="Save").click()
    assert answer.value.status == 200
    page.locator("#reports-to-form.d-none").wait_for(state="attached")  # the fresh, closed form
    page.mouse.move(1, 1)
    _settle(page)
    wang_at, li_at = page.evaluate(NODE_CENTRE, [wang.pk]), page.evaluate(NODE_CENTRE, [li.pk])
    assert wang_at["y"] > li_at["y"]  # drawn one level below Li Jian now
    wang.refresh_from_db()
    assert wang.reports_to == li
    shot(page, "3-after-save")

    page.reload()
    contacts = open_tab(page, "contacts")
    row = contacts.locator("tbody tr", has_text="Wang Sang")
    assert row.locator("td").nth(3).inner_text() == "Li Jian"
    assert contacts.locator("tbody tr", has_text="Li Jian").locator("td").nth(3).inner_text() == "Zhang Hua"
    _settle(page)
    shot(page, "4-reloaded")
