"""`kam generate --transactions N`: deterministic, Pareto-skewed, with payments, feedback and rollups."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from kam.accounts.tests.factories import AccountFactory
from kam.tiering import rollups
from kam.tiering.generate import generate_ledger
from kam.tiering.models import Feedback, Payment, Transaction, TransactionMonth

TODAY = datetime.date(2025, 6, 30)


def ledger_rows():
    return (
        list(
            Transaction.objects.order_by("order_no").values_list(
                "account_id", "order_no", "ordered_on", "amount", "margin", "is_return"
            )
        ),
        list(
            Payment.objects.order_by("invoice_no").values_list(
                "account_id", "invoiced_on", "paid_on", "amount"
            )
        ),
        list(Feedback.objects.order_by("number").values_list("account_id", "kind", "received_on")),
    )


@pytest.fixture
def accounts(world):
    return [AccountFactory(owner=world.owner) for _ in range(48)]


def test_same_seed_same_ledger(accounts):
    result = generate_ledger(transactions=600, seed=3, today=TODAY)
    assert (result.transactions, result.payments, result.feedback) == (600, 200, 12)
    assert (Transaction.objects.count(), Payment.objects.count(), Feedback.objects.count()) == (600, 200, 12)
    first = ledger_rows()
    for model in (Transaction, Payment, Feedback):
        model.objects.all().delete()
    generate_ledger(transactions=600, seed=3, today=TODAY)
    assert ledger_rows() == first
    Transaction.objects.all().delete()
    generate_ledger(transactions=600, seed=4, today=TODAY)
    assert ledger_rows()[0] != first[0]


def test_sales_are_pareto_skewed_dated_and_rolled_up(accounts):
    generate_ledger(transactions=3000, seed=1, today=TODAY)
    days = Transaction.objects.values_list("ordered_on", flat=True)
    assert min(days) >= datetime.date(2022, 7, 1) and max(days) <= TODAY
    sales = sorted(
        (row["s"] for row in TransactionMonth.objects.values("account_id").annotate(s=Sum("sales"))),
        reverse=True,
    )
    top_fifth = sum(sales[: len(sales) // 5]) / sum(sales)
    assert 0.6 < top_fifth < 0.98  # a few accounts make most of the sales (M1's 20/80)
    assert 0.005 < Transaction.objects.filter(is_return=True).count() / 3000 < 0.05
    before = list(TransactionMonth.objects.order_by("account_id", "month").values_list())
    rollups.rebuild()
    assert list(TransactionMonth.objects.order_by("account_id", "month").values_list()) == before


def test_reruns_continue_the_numbers(accounts):
    generate_ledger(transactions=100, seed=1, today=TODAY)
    generate_ledger(transactions=100, seed=1, today=TODAY)
    numbers = list(Transaction.objects.order_by("order_no").values_list("order_no", flat=True))
    assert (numbers[0], numbers[-1], len(set(numbers))) == ("GENT-000000001", "GENT-000000200", 200)


def test_the_command_wires_the_option(accounts):
    out = io.StringIO()
    call_command("generate", "--accounts", "0", "--transactions", "150", "--no-progress", stdout=out)
    assert "Generated 150 transactions, 50 payments and 3 pieces of feedback" in out.getvalue()


def test_no_accounts_no_ledger(db):
    with pytest.raises(CommandError, match="Generate accounts before transactions."):
        call_command(
            "generate", "--accounts", "0", "--transactions", "5", "--no-progress", stdout=io.StringIO()
        )
