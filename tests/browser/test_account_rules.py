"""The account form's rules seen from the browser: required fields, stale edits, and who may look."""

import pytest

from kam.accounts.models import Account
from kam.accounts.tests.factories import AccountFactory, IndustryFactory, TeamFactory, UserFactory
from tests.browser.helpers import save

pytestmark = pytest.mark.browser


def test_account_without_a_name_is_refused_and_nothing_is_created(logged_in_page, user, shot):
    page = logged_in_page
    IndustryFactory(code="finance", name="金融", name_en="Finance")
    AccountFactory(name="Existing Co", owner=user)
    before = Account.objects.count()

    page.goto("/accounts/")
    page.get_by_role("link", name="New account").click()
    page.fill("#id_code", "NONAME-1")
    page.select_option("#id_industry", label="Finance")
    save(page)

    assert page.url.endswith("/accounts/new/")
    name = page.locator("#id_name")
    assert "is-invalid" in name.get_attribute("class")
    assert name.get_attribute("aria-invalid") == "true"
    feedback = page.locator("#id_name ~ .invalid-feedback")
    assert feedback.all_inner_texts() == ["This field is required."]
    assert page.locator(".invalid-feedback").count() == 1  # only the name is wrong
    assert page.input_value("#id_code") == "NONAME-1"  # what was typed is kept
    assert page.locator("#id_industry option:checked").inner_text() == "Finance"
    shot(page, "name-required")
    assert Account.objects.count() == before
    assert not Account.objects.filter(code="NONAME-1").exists()


def test_stale_edit_is_refused_and_the_first_save_is_kept(logged_in_page, user, shot):
    first = logged_in_page
    account = AccountFactory(name="SPD Bank", code="110", owner=user, region="Shanghai")
    edit_url = f"/accounts/{account.pk}/edit/"
    first.goto(edit_url)
    second = first.context.new_page()  # same session, another tab
    second.goto(edit_url)
    assert first.input_value("#id_name") == second.input_value("#id_name") == "SPD Bank"

    first.fill("#id_name", "SPD Bank Shanghai")
    save(first)
    assert first.url.endswith(f"/accounts/{account.pk}/")
    assert first.get_by_test_id("account-name").inner_text() == "SPD Bank Shanghai"
    shot(first, "first-saved")

    second.fill("#id_region", "Pudong")
    save(second)
    assert second.url.endswith(edit_url)
    alert = second.locator("form .alert-danger")
    assert alert.inner_text().startswith("Someone else saved this record after you opened it.")
    shot(second, "second-refused")

    account.refresh_from_db()
    assert (account.name, account.region, account.version) == ("SPD Bank Shanghai", "Shanghai", 2)
    second.goto(f"/accounts/{account.pk}/")
    assert second.get_by_test_id("account-name").inner_text() == "SPD Bank Shanghai"
    assert second.locator("h1 + div").inner_text().splitlines()[1] == "Shanghai"


def test_a_member_of_another_team_gets_404_for_the_account(new_page, log_in, user, shot):
    account = AccountFactory(name="SPD Bank", code="110", owner=user)
    west = TeamFactory(name="West")
    outsider = UserFactory(username="wang", full_name="Wang Outsider", role="member", team=west)
    AccountFactory(name="West Corp", code="W1", owner=outsider)

    page = log_in(new_page(), outsider.username)
    for url in (
        f"/accounts/{account.pk}/",
        f"/accounts/{account.pk}/edit/",
        f"/accounts/{account.pk}/contacts/new/",
    ):
        response = page.goto(url)
        assert response.status == 404, url
    shot(page, "not-found")

    page.goto("/accounts/")
    names = page.locator("[data-testid=account-table] tbody td:first-child").all_inner_texts()
    assert names == ["West Corp"]
    page.goto("/search/?q=SPD")
    assert page.locator("main .list-group").inner_text() == "Nothing found."
    shot(page, "list-without-it")


def test_the_parent_lookup_works_from_the_keyboard_and_enter_never_submits(logged_in_page, user, shot):
    page = logged_in_page
    AccountFactory(name="华东机械装备集团", code="HDJX", owner=user)
    design_institute = AccountFactory(name="华东电力设计院", code="HDDL", owner=user)
    page.goto("/accounts/new/")
    page.fill("#id_name", "华东 Suzhou plant")
    search = page.locator("#id_parent")
    search.press_sequentially("华东")
    page.locator("#id_parent-results [data-id]").nth(1).wait_for()
    search.press("Enter")  # picks the first result instead of submitting the form
    assert page.url.endswith("/accounts/new/")
    assert search.input_value() == "华东机械装备集团"
    assert Account.objects.filter(name="华东 Suzhou plant").count() == 0

    search.fill("")
    search.press_sequentially("华东")
    page.locator("#id_parent-results [data-id]").nth(1).wait_for()
    search.press("ArrowDown")  # into the results …
    page.keyboard.press("ArrowDown")  # … to the second one
    page.keyboard.press("Enter")
    assert search.input_value() == "华东电力设计院"
    shot(page, "parent-picked")
    save(page)
    assert Account.objects.get(name="华东 Suzhou plant").parent == design_institute
