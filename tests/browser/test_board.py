"""The kanban (issue 3): drag a card to the next stage, meet the gate, give a reason, see the sums change."""

from decimal import Decimal

import pytest

from kam.accounts.tests.factories import AccountFactory
from kam.pipeline import services
from kam.pipeline.models import Opportunity
from tests.browser.helpers import save


@pytest.fixture
def deal(user):
    account = AccountFactory(name="SPD Bank", owner=user)
    return services.opportunity_create(
        actor=user, data={"account": account, "name": "Call-back centre", "amount": Decimal("1200000")}
    )


def _drag(page, card, column):
    """Drag with real mouse moves (SortableJS runs in pointer mode)."""
    source = card.bounding_box()
    target = column.bounding_box()
    page.mouse.move(source["x"] + source["width"] / 2, source["y"] + 20)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(
            source["x"] + (target["x"] + 40 - source["x"]) * step / 10,
            source["y"] + 20 + (target["y"] + 60 - source["y"] - 20) * step / 10,
        )
        page.wait_for_timeout(30)
    page.mouse.up()


@pytest.mark.parametrize("language", ["en-US", "zh-CN"])
def test_drag_meets_the_gate_then_moves_with_a_reason(new_page, log_in, user, deal, shot, language):
    page = new_page(locale=language)
    log_in(page, user.username)
    page.goto("/pipeline/board/")
    card = page.get_by_test_id(f"card-{deal.number}")
    columns = page.locator("section.kam-column")
    g_column, f_column = columns.nth(0), columns.nth(1)
    assert g_column.get_by_test_id("count").inner_text() == "1"
    assert f_column.get_by_test_id("count").inner_text() == "0"
    shot(page, f"1-board-{language}")

    _drag(page, card, f_column.locator(".kam-cards"))
    refusal = page.get_by_test_id("gate-refusal")
    refusal.wait_for(state="visible")
    page.wait_for_function("() => getComputedStyle(document.getElementById('gate-modal')).opacity === '1'")
    assert "3" in refusal.locator(".alert").inner_text()
    shot(page, f"2-gate-refusal-{language}")
    assert Opportunity.objects.get(pk=deal.pk).stage.code == "G"

    refusal.locator("textarea[name=reason]").fill("The customer asked for a visit at once")
    refusal.locator("button[type=submit]").click()
    page.wait_for_function(
        "() => document.querySelectorAll('section.kam-column')[1]"
        ".querySelector('[data-testid=count]').textContent.trim() === '1'"
    )
    columns = page.locator("section.kam-column")
    assert columns.nth(0).get_by_test_id("count").inner_text() == "0"
    assert columns.nth(1).get_by_test_id("amount").inner_text() == "1,200,000"
    assert columns.nth(1).get_by_test_id("weighted").inner_text() == "240,000"
    assert columns.nth(1).get_by_test_id(f"card-{deal.number}").count() == 1
    shot(page, f"3-moved-{language}")
    moved = Opportunity.objects.get(pk=deal.pk)
    assert moved.stage.code == "F"
    assert moved.transitions.last().reason == "The customer asked for a visit at once"
    page.wait_for_load_state("networkidle")  # the board reloads once more when the modal closes


def test_opportunity_page_checklist_and_move(logged_in_page, deal, shot):
    page = logged_in_page
    page.goto(f"/pipeline/{deal.pk}/")
    checklist = page.get_by_test_id("criteria")
    for _ in range(3):
        checklist.get_by_role("button", name="Mark OK").first.click()
        page.wait_for_timeout(200)
    assert checklist.locator(".badge", has_text="OK").count() == 3
    shot(page, "1-criteria-met")
    page.select_option("#id_stage", label=str(deal.process.stages.get(code="F")))
    save(page, "Move")
    assert "F On-site visit" in page.get_by_test_id("stage").inner_text()
    shot(page, "2-moved")
