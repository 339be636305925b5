"""The ledger and indicator pages: scope, forms through the services, errors on the field, empty states."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kam.audit.models import ObjectChange
from kam.tiering.models import Feedback, Payment, Transaction, TransactionMonth
from kam.tiering.services import feedback_number
from kam.tiering.tests.factories import FeedbackFactory, PaymentFactory, TransactionFactory

D = datetime.date


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_account_page_shows_the_indicator_panel(client, world):
    client.force_login(world.owner)
    page = html(client.get(reverse("accounts:detail", args=[world.account.pk])))
    assert 'data-testid="account-indicators"' in page
    assert "No sales, payments or feedback in the last 12 months." in page
    TransactionFactory(account=world.account, ordered_on=datetime.date.today(), amount=Decimal("1234.50"))
    page = html(client.get(reverse("accounts:detail", args=[world.account.pk])))
    assert '<div class="fs-5" data-testid="panel-revenue">1,234.50</div>' in page


def test_account_ledger_lists_by_date_with_actions_for_those_who_may_change(client, world):
    TransactionFactory(account=world.account, order_no="OLD", ordered_on=D(2024, 5, 1))
    TransactionFactory(account=world.account, order_no="NEW", ordered_on=D(2025, 5, 1), is_return=True)
    TransactionFactory(account=world.other_account, order_no="WEST")
    url = reverse("tiering:account_transactions", args=[world.account.pk])
    client.force_login(world.owner)
    page = html(client.get(url))
    assert page.index("NEW") < page.index("OLD") and "WEST" not in page
    assert 'data-testid="ledger-add"' in page and "return</span>" in page
    assert f'href="{reverse("imports:index")}?kind=transactions" data-testid="ledger-import"' in page
    client.force_login(world.auditor)
    assert 'data-testid="ledger-add"' not in html(client.get(url))
    assert 'data-testid="ledger-import"' not in html(client.get(url))
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("kind", ["transactions", "payments", "feedback"])
def test_empty_ledgers_say_so(client, world, kind):
    client.force_login(world.owner)
    page = html(client.get(reverse(f"tiering:account_{kind}", args=[world.account.pk])))
    assert 'class="kam-empty"' in page
    assert html(client.get(reverse(f"tiering:{kind}"))).count('class="kam-empty"') == 1


def test_global_ledgers_show_only_what_the_user_may_see(client, world):
    TransactionFactory(account=world.account, order_no="EAST-1")
    TransactionFactory(account=world.other_account, order_no="WEST-1")
    PaymentFactory(account=world.other_account, invoice_no="WEST-I")
    client.force_login(world.owner)
    page = html(client.get(reverse("tiering:transactions")))
    assert "EAST-1" in page and "WEST-1" not in page
    assert "WEST-I" not in html(client.get(reverse("tiering:payments")))
    client.force_login(world.manager)
    assert "WEST-1" in html(client.get(reverse("tiering:transactions")))


def test_list_pages_do_not_grow_their_queries_with_rows(client, world):
    client.force_login(world.owner)
    url = reverse("tiering:account_transactions", args=[world.account.pk])
    TransactionFactory(account=world.account)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(20):
        TransactionFactory(account=world.account)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_add_a_transaction_with_its_cost(client, world):
    client.force_login(world.owner)
    url = reverse("tiering:transaction_create", args=[world.account.pk])
    start = ObjectChange.objects.count()
    response = client.post(
        url, {"order_no": "SO-9", "ordered_on": "2025-04-02", "amount": "800", "cost": "500"}
    )
    assert response.status_code == 302
    record = Transaction.objects.get(order_no="SO-9")
    assert (record.margin, record.account_id) == (Decimal("300.00"), world.account.pk)
    assert TransactionMonth.objects.get(account=world.account).sales == 80000
    entry = ObjectChange.objects.latest("id")
    assert (ObjectChange.objects.count() - start, entry.action, entry.account_id) == (
        1,
        "create",
        world.account.pk,
    )


def test_form_errors_name_their_field_and_save_nothing(client, world):
    TransactionFactory(account=world.account, order_no="SO-1")
    client.force_login(world.owner)
    url = reverse("tiering:transaction_create", args=[world.account.pk])
    before = (Transaction.objects.count(), ObjectChange.objects.count())
    response = client.post(url, {"order_no": "SO-1", "ordered_on": "2025-04-02", "amount": "800"})
    assert response.context["form"].errors == {
        "order_no": ["This account already has a transaction with this order no."]
    }
    response = client.post(
        url, {"order_no": "SO-2", "ordered_on": "2025-04-02", "amount": "800", "cost": "500", "margin": "1"}
    )
    assert response.context["form"].errors == {
        "margin": ["The gross margin is not the amount minus the cost."]
    }
    response = client.post(url, {"order_no": "SO-3", "ordered_on": "", "amount": "-1"})
    assert set(response.context["form"].errors) == {"ordered_on", "amount"}
    assert 'aria-invalid="true"' in response.content.decode()
    payment = reverse("tiering:payment_create", args=[world.account.pk])
    response = client.post(
        payment, {"invoice_no": "I-1", "invoiced_on": "2025-04-02", "due_on": "2025-04-01", "amount": "5"}
    )
    assert response.context["form"].errors == {"due_on": ["The due date is before the invoice date."]}
    assert (Transaction.objects.count(), ObjectChange.objects.count()) == before
    assert Payment.objects.count() == 0


def test_edit_refuses_a_stale_version_and_delete_updates_the_rollup(client, world):
    record = TransactionFactory(account=world.account, order_no="SO-1", amount=Decimal("10"))
    client.force_login(world.owner)
    url = reverse("tiering:transaction_edit", args=[record.pk])
    data = {"order_no": "SO-1", "ordered_on": "2025-01-15", "amount": "20", "version": 1}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "amount": "30"})
    assert response.context["form"].non_field_errors() == [
        "Someone else saved this record after you opened it. Reload the page to see their changes, "
        "then apply yours again."
    ]
    assert Transaction.objects.get().amount == Decimal("20.00")
    client.post(reverse("tiering:transaction_delete", args=[record.pk]))
    assert (Transaction.objects.count(), TransactionMonth.objects.count()) == (0, 0)
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_feedback_without_a_number_gets_one(client, world):
    client.force_login(world.owner)
    client.post(reverse("tiering:feedback_create", args=[world.account.pk]),
                {"kind": "complaint", "received_on": "2025-04-02", "text": "Late delivery"})  # fmt: skip
    assert Feedback.objects.get().number == feedback_number(D(2025, 4, 2), "complaint", "Late delivery")


def test_indicators_page_for_a_period(client, world):
    TransactionFactory(account=world.account, ordered_on=D(2025, 2, 10), amount=Decimal("500"))
    FeedbackFactory(account=world.account, kind="complaint", received_on=D(2025, 2, 11))
    client.force_login(world.owner)
    url = reverse("tiering:account", args=[world.account.pk])
    page = html(client.get(url, {"since": "2025-01", "until": "2025-03"}))
    assert "Whole months 2025-01 to 2025-03" in page
    assert '<dd class="col-5 text-end" data-testid="ind-revenue">500.00</dd>' in page
    assert '<dd class="col-5 text-end" data-testid="ind-complaints">1 · 100.0%</dd>' in page
    page = html(client.get(url, {"since": "2025-05", "until": "2025-03"}))
    assert "The period ends before it starts." in page
    page = html(client.get(url, {"since": "May"}))
    assert "Write a month as 2025-01." in page
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_indicator_picker_and_sidebar(client, world):
    client.force_login(world.owner)
    page = html(client.get(reverse("tiering:indicators")))
    for name in ("tiering:indicators", "tiering:transactions", "tiering:payments", "tiering:feedback"):
        assert f'href="{reverse(name)}"' in page
    response = client.get(reverse("tiering:indicators"), {"account": world.account.pk})
    assert response["Location"] == reverse("tiering:account", args=[world.account.pk])
    response = client.get(reverse("tiering:indicators"), {"account": world.other_account.pk})
    assert response.status_code == 200 and response.context["form"].errors["account"]


def test_auditors_read_but_cannot_write(client, world):
    record = TransactionFactory(account=world.account)
    client.force_login(world.auditor)
    assert client.get(reverse("tiering:account_transactions", args=[world.account.pk])).status_code == 200
    assert client.get(reverse("tiering:transaction_create", args=[world.account.pk])).status_code == 403
    assert client.post(reverse("tiering:transaction_delete", args=[record.pk])).status_code == 404
