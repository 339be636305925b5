"""Small helpers shared by the browser tests."""

import re


def sidebar_link(page, label: str):
    """The sidebar link called `label` (its accessible name also carries the icon font's glyph)."""
    return page.locator("#sidebar").get_by_role("link", name=re.compile(rf"(^|\s){re.escape(label)}$"))


def save(page, name: str = "Save"):
    """Click the form's Save button and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def open_tab(page, pane: str):
    """Show the account page's tab whose pane is `pane` ("contacts", "log" …) and wait for its fade-in."""
    page.locator(f'[data-bs-toggle="tab"][data-bs-target="#{pane}"]').click()
    page.wait_for_function(
        "id => { const el = document.getElementById(id);"
        " return el.classList.contains('show') && getComputedStyle(el).opacity === '1'; }",
        arg=pane,
    )
    return page.locator(f"#{pane}")
