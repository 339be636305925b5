"""The language switch: English ⇄ 中文 for the whole UI, kept across pages."""

import re

import pytest
from django.utils import translation

from kam.accounts.tests.factories import AccountFactory, IndustryFactory
from tests.browser.helpers import save, sidebar_link

pytestmark = pytest.mark.browser
CJK = re.compile(r"[\u4e00-\u9fff]")


def _zh(text: str) -> str:
    """What the app's catalogue (or Django's own) says for `text` in Simplified Chinese."""
    with translation.override("zh-hans"):
        return translation.gettext(text)


def _field(page, label: str) -> str:
    """The value shown next to `label` on the account's Archive tab."""
    term = page.locator("#overview dt").filter(has_text=re.compile(rf"^{re.escape(label)}$"))
    return term.locator("xpath=following-sibling::dd[1]").inner_text()


def _switch(page):
    with page.expect_navigation():
        page.get_by_test_id("lang-switch").click()


def test_switch_to_chinese_and_back(logged_in_page, user, shot):
    page = logged_in_page
    industry = IndustryFactory(code="finance", name="金融", name_en="Finance")
    account = AccountFactory(name="SPD Bank", code="110", owner=user, industry=industry, is_listed=False)
    page.goto(f"/accounts/{account.pk}/")
    assert page.get_attribute("html", "lang") == "en"
    switch = page.get_by_test_id("lang-switch")
    assert switch.inner_text() == "中文"
    assert "Finance" in page.locator("h1 + div").inner_text()
    shot(page, "1-english")

    _switch(page)
    assert page.url.endswith(f"/accounts/{account.pk}/")  # stays on the same page
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert switch.inner_text() == "English"
    assert "金融" in page.locator("h1 + div").inner_text()  # the industry's Chinese name
    assert _field(page, _zh("Listed")) == "否"  # Django's own catalogue: yesno → 是,否,也许
    assert sidebar_link(page, _zh("Dashboard")).count() == 1
    assert sidebar_link(page, _zh("Accounts")).count() == 1
    assert CJK.search(page.locator("body").inner_text())
    shot(page, "2-chinese-account")

    # The choice sticks: other pages are Chinese too, validation messages included.
    page.goto("/accounts/new/")
    assert page.get_attribute("html", "lang") == "zh-hans"
    save(page, _zh("Save"))
    required = page.locator("#id_name ~ .invalid-feedback").inner_text()
    assert required == _zh("This field is required.") and CJK.search(required), required
    shot(page, "3-chinese-form-error")

    _switch(page)
    assert page.url.endswith("/accounts/new/")
    assert page.get_attribute("html", "lang") == "en"
    assert switch.inner_text() == "中文"
    assert page.locator("h1").inner_text() == "New account"
    assert sidebar_link(page, "Dashboard").count() == 1
    page.goto(f"/accounts/{account.pk}/")
    assert _field(page, "Listed") == "no"
    assert "Finance" in page.locator("h1 + div").inner_text()
    shot(page, "4-english-again")
