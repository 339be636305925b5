"""An account from scratch: New account → two contacts → one logged contact → its next step done."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from kam.accounts.models import Account, Interaction
from kam.accounts.tests.factories import AccountFactory, ContactFactory, IndustryFactory
from tests.browser.helpers import open_tab, save, sidebar_link

pytestmark = pytest.mark.browser


def test_create_an_account_with_two_contacts_and_a_logged_contact(logged_in_page, user, shot):
    page = logged_in_page
    IndustryFactory(code="finance", name="金融", name_en="Finance")
    IndustryFactory(code="telecom", name="电信", name_en="Telecom")
    today = timezone.localdate()
    due = today + datetime.timedelta(days=7)

    # Accounts list → New account
    sidebar_link(page, "Accounts").click()
    page.wait_for_url("**/accounts/")
    assert "No accounts match" in page.locator("[data-testid=account-table]").inner_text()
    page.get_by_role("link", name="New account").click()
    page.wait_for_url("**/accounts/new/")
    page.fill("#id_name", "Pudong Development Bank")
    page.fill("#id_code", "SPDB-001")
    page.select_option("#id_industry", label="Finance")
    page.select_option("#id_status", label="Active customer")
    page.select_option("#id_ownership", label="Listed company")
    page.fill("#id_region", "Shanghai")
    page.fill("#id_founded_on", "1992-08-28")
    shot(page, "1-new-account-form")
    save(page)

    account = Account.objects.get(code="SPDB-001")
    assert page.url.endswith(f"/accounts/{account.pk}/")
    assert page.locator("[data-testid=account-name]").inner_text() == "Pudong Development Bank"
    assert "Account “Pudong Development Bank” created." in page.locator(".alert-success").inner_text()
    assert (account.name, account.industry.code, account.status, account.ownership, account.region) == (
        "Pudong Development Bank",
        "finance",
        "active",
        "listed",
        "Shanghai",
    )
    assert account.owner == user  # left empty → the creator owns it
    assert account.founded_on == datetime.date(1992, 8, 28)
    shot(page, "2-account-created")

    # Two contacts; the second reports to the first
    page.get_by_role("link", name="Add contact").click()
    page.fill("#id_name", "Zhang Hua")
    page.fill("#id_title", "CIO")
    page.fill("#id_department", "IT")
    save(page)
    assert "Contact “Zhang Hua” added." in page.locator(".alert-success").inner_text()

    page.get_by_role("link", name="Add contact").click()
    page.fill("#id_name", "Li Jian")
    page.fill("#id_title", "Head of infrastructure")
    page.fill("#id_department", "IT")
    page.select_option("#id_reports_to", label="Zhang Hua (CIO)")
    shot(page, "3-reports-to")
    save(page)
    assert "Contact “Li Jian” added." in page.locator(".alert-success").inner_text()

    zhang, li = account.contacts.get(name="Zhang Hua"), account.contacts.get(name="Li Jian")
    assert (zhang.reports_to, li.reports_to) == (None, zhang)
    rows = open_tab(page, "contacts").locator("tbody tr")
    assert rows.count() == 2
    assert [rows.nth(i).locator("td").nth(0).inner_text() for i in range(2)] == ["Li Jian", "Zhang Hua"]
    assert [rows.nth(i).locator("td").nth(3).inner_text() for i in range(2)] == ["Zhang Hua", ""]
    assert page.get_by_test_id("tab-contacts").locator(".badge").inner_text() == "2"
    shot(page, "4-contacts")

    # Log one contact with Li Jian and a next step
    page.get_by_role("link", name="Log contact").click()
    page.wait_for_url(f"**/accounts/{account.pk}/log/new/")
    page.select_option("#id_kind", label="Visit")
    page.fill("#id_occurred_on", today.isoformat())
    page.fill("#id_content", "Walked Li Jian through the data-centre proposal.")
    page.get_by_role("group", name="Their people").get_by_label("Li Jian").check()
    page.fill("#id_next_step", "Send the revised proposal")
    page.fill("#id_next_step_due", due.isoformat())
    shot(page, "5-log-contact-form")
    save(page)
    assert "Contact logged." in page.locator(".alert-success").inner_text()

    interaction = Interaction.objects.get(account=account)
    assert (interaction.kind, interaction.occurred_on, interaction.owner, interaction.next_step_due) == (
        "visit",
        today,
        user,
        due,
    )
    assert list(interaction.their_people.all()) == [li]
    assert list(interaction.our_people.all()) == [user]

    entry = open_tab(page, "log").locator(".card")
    assert entry.count() == 1
    text = entry.inner_text()
    assert "Visit" in text and "Anna Li ↔ Li Jian (Head of infrastructure)" in text
    assert "Walked Li Jian through the data-centre proposal." in text
    assert "Next step: Send the revised proposal" in text
    assert "done" not in text
    shot(page, "6-contact-log")

    # My next steps: mark it done with htmx (no page reload)
    sidebar_link(page, "My next steps").click()
    page.wait_for_url("**/accounts/next-steps/")
    row = page.locator(f"#step-{interaction.pk}")
    assert "Send the revised proposal" in row.inner_text()
    assert "Pudong Development Bank" in row.inner_text()
    with translation.override("en"):
        assert row.locator(".badge").inner_text() == date_format(due)
    shot(page, "7-next-steps")
    page.evaluate("window.kamNoReload = true")
    with page.expect_response(lambda r: r.url.endswith(f"/log/{interaction.pk}/next-step/")) as answer:
        row.get_by_role("button", name="Mark done").click()
    assert answer.value.status == 200
    assert answer.value.request.headers.get("hx-request") == "true"
    row.get_by_role("button", name="Reopen").wait_for()
    assert page.evaluate("window.kamNoReload") is True  # swapped in place, not reloaded
    expect(row).to_have_class(re.compile(r"\btext-muted\b"))  # once htmx has settled the swap
    assert row.locator("s").inner_text() == "Send the revised proposal"
    interaction.refresh_from_db()
    assert interaction.next_step_done is True
    shot(page, "8-next-step-done")


def test_add_contact_reporting_to_an_existing_contact(logged_in_page, user, shot):
    page = logged_in_page
    account = AccountFactory(name="Shanghai Tobacco", owner=user)
    boss = ContactFactory(account=account, name="Wang Sang", title="Director")
    page.goto(f"/accounts/{account.pk}/")
    page.get_by_role("link", name="Add contact").click()
    page.fill("#id_name", "Li Yang")
    page.select_option("#id_reports_to", label="Wang Sang (Director)")
    save(page)
    shot(page, "saved")
    assert page.locator(".invalid-feedback").count() == 0, page.locator(".invalid-feedback").all_inner_texts()
    assert page.url.endswith(f"/accounts/{account.pk}/")
    assert account.contacts.get(name="Li Yang").reports_to == boss
