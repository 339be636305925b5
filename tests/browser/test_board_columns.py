"""The board's columns load more cards when scrolled to the bottom, and a loaded card still drags."""

from decimal import Decimal

import pytest

from kam.accounts.tests.factories import AccountFactory
from kam.pipeline import services
from kam.pipeline.models import Opportunity
from tests.browser.test_board import _drag


@pytest.fixture
def deals(user):
    account = AccountFactory(name="SPD Bank", owner=user)
    return [
        services.opportunity_create(actor=user, data={"account": account, "name": f"Deal {n:02d}",
                                                      "amount": Decimal(100000 * (30 - n))})
        for n in range(25)
    ]  # fmt: skip


def test_scrolling_a_column_loads_the_rest_and_they_drag(logged_in_page, deals, shot):
    page = logged_in_page
    page.goto("/pipeline/board/")
    g_cards = page.locator("section.kam-column").nth(0).locator(".kam-cards")
    assert g_cards.locator(".kam-card").count() == 20
    assert page.locator("section.kam-column").nth(0).get_by_test_id("count").inner_text() == "25"
    g_cards.evaluate("list => list.scrollTo(0, list.scrollHeight)")
    page.wait_for_function(
        "() => document.querySelectorAll('section.kam-column')[0].querySelectorAll('.kam-card').length === 25"
    )
    assert g_cards.get_by_test_id("load-more").count() == 0
    shot(page, "1-all-cards-loaded")

    last = deals[-1]  # the smallest: on the second page
    card = page.get_by_test_id(f"card-{last.number}")
    card.scroll_into_view_if_needed()
    _drag(page, card, page.locator("section.kam-column").nth(1).locator(".kam-cards"))
    page.get_by_test_id("gate-refusal").wait_for(state="visible")
    page.wait_for_function("() => getComputedStyle(document.getElementById('gate-modal')).opacity === '1'")
    page.get_by_test_id("gate-refusal").locator("textarea[name=reason]").fill("Visit agreed")
    page.get_by_test_id("gate-refusal").locator("button[type=submit]").click()
    page.wait_for_function(
        "() => document.querySelectorAll('section.kam-column')[1]"
        ".querySelector('[data-testid=count]').textContent.trim() === '1'"
    )
    assert Opportunity.objects.get(pk=last.pk).stage.code == "F"
    page.wait_for_load_state("networkidle")  # the board reloads once more when the modal closes
