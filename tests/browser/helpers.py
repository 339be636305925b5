"""Small helpers shared by the browser tests."""

import re


def sidebar_link(page, label: str):
    """The sidebar link called `label` (its accessible name also carries the icon font's glyph)."""
    return page.locator("#sidebar").get_by_role("link", name=re.compile(rf"(^|\s){re.escape(label)}$"))


def save(page, name: str = "Save"):
    """Click the form's Save button and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()
