"""Logging in through the real form, and the login wall."""

import re

import pytest

pytestmark = pytest.mark.browser


def test_anonymous_visitor_is_sent_to_the_login_page(page, shot, transactional_db):
    response = page.goto("/")
    assert response.status == 200
    assert re.search(r"/login/\?next=/$", page.url), page.url
    assert page.locator("#id_username").is_visible()
    assert page.locator("[data-testid=lang-switch]").count() == 0  # no app chrome for strangers
    shot(page, "login-wall")


def test_wrong_password_is_refused_then_the_right_one_opens_the_dashboard(page, user, shot):
    page.goto("/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "not-the-password")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    error = page.locator(".alert-danger")
    assert "Please enter a correct username and password" in error.inner_text()
    assert re.search(r"/login/\?next=/$", page.url), page.url
    assert page.input_value("#id_username") == user.username  # kept for the retry
    assert page.input_value("#id_password") == ""
    shot(page, "wrong-password")

    page.fill("#id_password", "pw-for-tests-1")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert page.url.endswith("/")
    assert page.locator("h1").inner_text() == "Welcome, Anna Li"
    assert page.locator("#sidebar a.nav-link.active").inner_text().strip() == "Dashboard"
    assert page.locator("[data-testid=open-steps]").inner_text() == "0"
    shot(page, "dashboard")
