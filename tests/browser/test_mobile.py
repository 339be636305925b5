"""Phone-sized screens: the sidebar hides behind the menu button; lists stay usable."""

import pytest

from kam.accounts.tests.factories import AccountFactory, IndustryFactory
from tests.browser.helpers import sidebar_link

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def test_phone_sidebar_is_an_offcanvas_and_the_account_list_is_usable(new_page, log_in, user, shot):
    industry = IndustryFactory(code="finance", name="金融", name_en="Finance")
    for name, code in [("SPD Bank", "110"), ("Ningbo Bank", "120"), ("Shanghai Tobacco", "130")]:
        AccountFactory(name=name, code=code, owner=user, industry=industry)
    page = log_in(new_page(viewport=PHONE, is_mobile=True, has_touch=True), user.username)

    sidebar = page.locator("#sidebar")
    menu = page.get_by_role("button", name="Menu")
    assert menu.is_visible()
    assert sidebar.is_hidden()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    shot(page, "1-dashboard", full_page=False)

    menu.click()
    page.locator("#sidebar.offcanvas-lg.show").wait_for()
    page.wait_for_function("() => !document.querySelector('#sidebar').classList.contains('showing')")
    # the slide-in transition can still be running when the class goes (a loaded machine): wait for its end
    page.wait_for_function("() => document.querySelector('#sidebar').getBoundingClientRect().x === 0")
    link = sidebar_link(page, "Accounts")
    assert link.is_visible()
    box = sidebar.bounding_box()
    assert box["x"] == 0 and box["width"] <= PHONE["width"]
    shot(page, "2-menu-open", full_page=False)

    with page.expect_navigation():
        link.click()
    assert page.url.endswith("/accounts/")
    assert sidebar.is_hidden()  # a new page starts with the menu closed
    table = page.get_by_test_id("account-table")
    names = table.locator("tbody td:first-child").all_inner_texts()
    assert names == ["Ningbo Bank", "SPD Bank", "Shanghai Tobacco"]
    assert table.locator("th", has_text="Industry").is_hidden()  # secondary columns fold away
    assert page.get_by_role("link", name="New account").is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    shot(page, "3-account-list")

    # Filtering by name works on the phone (htmx swaps the table in place)
    page.get_by_placeholder("Name or code").fill("tobacco")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=account-table] tbody tr').length === 1"
    )
    assert table.locator("tbody td:first-child").all_inner_texts() == ["Shanghai Tobacco"]
    table.get_by_role("link", name="Shanghai Tobacco").tap()
    page.wait_for_url("**/accounts/*/")
    assert page.get_by_test_id("account-name").inner_text() == "Shanghai Tobacco"
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    shot(page, "4-account-page")
