"""The global search box: an htmx dropdown of accounts and contacts the user may see."""

import pytest
from playwright.sync_api import expect

from kam.accounts.tests.factories import AccountFactory, ContactFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.browser


def test_global_search_dropdown_leads_to_the_account(logged_in_page, user, shot):
    page = logged_in_page
    spdb = AccountFactory(name="Shanghai Pudong Development Bank", code="SPDB", owner=user)
    AccountFactory(name="Bank of Ningbo", code="NBB", owner=user)
    ContactFactory(account=spdb, name="Zhang Hua", title="CIO")
    stranger = UserFactory(username="wang", role="member", team=TeamFactory(name="West"))
    AccountFactory(name="Pudong Airport Group", owner=stranger)  # not hers: must not be listed

    box = page.get_by_role("search").get_by_role("searchbox")  # the top bar's search form
    results = page.locator("#search-results")

    def search(text, *, typing=False):
        def answered(response):
            return f"/search/?q={text}" in response.url and response.request.headers.get("hx-request")

        with page.expect_response(answered):
            box.press_sequentially(text, delay=20) if typing else box.fill(text)
        return results.locator(".list-group-item")

    expect(search("pudong", typing=True)).to_have_text(["Shanghai Pudong Development Bank SPDB"])
    assert results.is_visible()
    shot(page, "1-dropdown", full_page=False)

    # A contact's name finds the contact (with its account); nonsense finds nothing
    expect(search("zhang")).to_have_text(["Zhang Hua (CIO) · Shanghai Pudong Development Bank"])
    expect(search("nothing-like-this")).to_have_text(["Nothing found."])

    expect(search("pudong")).to_have_text(["Shanghai Pudong Development Bank SPDB"])
    link = results.locator("a", has_text="Shanghai Pudong Development Bank")
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(f"/accounts/{spdb.pk}/")
    assert page.get_by_test_id("account-name").inner_text() == "Shanghai Pudong Development Bank"
    shot(page, "2-account")
