"""The demo company (`kam demo`): its users can log in and the M4.3 buying center is drawn legibly."""

import pytest

from kam.accounts.demo import DEMO_PASSWORD, load_demo
from kam.accounts.models import Account
from tests.browser.helpers import open_tab

pytestmark = pytest.mark.browser

# Every drawn person: [label, [x, y, width, height] of the label box in chart pixels].
LABEL_BOXES = """() => {
  const chart = echarts.getInstanceByDom(document.querySelector('[data-testid=org-chart]'));
  if (!chart || !chart.getZr().animation.isFinished()) return null;
  const data = chart.getModel().getSeriesByIndex(0).getData();
  const boxes = [];
  data.each(i => {
    const node = data.getItemGraphicEl(i);
    if (!node || !(data.getRawDataItem(i) || {}).value) return;
    const host = node.getTextContent && node.getTextContent() ? node : node.childAt(0);
    const text = host.getTextContent();
    const box = text.getBoundingRect().clone();
    const transform = text.getComputedTransform();
    if (transform) box.applyTransform(transform);
    boxes.push([data.getName(i), [box.x, box.y, box.width, box.height]]);
  });
  return boxes;
}"""


def _overlap(a, b) -> bool:
    (ax, ay, aw, ah), (bx, by, bw, bh) = a, b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def test_demo_account_manager_sees_the_buying_center_org_chart(page, log_in, transactional_db, shot):
    load_demo()
    account = Account.objects.get(code="HDJX")
    log_in(page, "zhangwei", DEMO_PASSWORD)
    assert page.locator("h1").inner_text() == "Welcome, 张伟 Zhang Wei"

    page.goto(f"/accounts/{account.pk}/")
    assert page.get_by_test_id("account-name").inner_text() == "华东机械装备集团"
    open_tab(page, "contacts")
    boxes = page.wait_for_function(LABEL_BOXES).json_value()
    assert sorted(name for name, _ in boxes) == sorted(
        [
            "李阳\n总经理 General manager",
            "张华\n技术部部长 Head of technology",
            "李建\n采购经理 Purchasing manager",
            "王桑\n财务经理 Finance manager",
        ]
    )
    chart = page.get_by_test_id("org-chart").bounding_box()
    for name, (x, y, width, height) in boxes:  # inside the chart, not clipped
        assert 0 <= x and x + width <= chart["width"] and 0 <= y and y + height <= chart["height"], name
    clashes = [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if _overlap(a[1], b[1])]
    assert clashes == []
    shot(page, "buying-center")
