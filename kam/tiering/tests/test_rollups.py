"""The monthly rollups stay equal to the ledger through every write path, on both databases."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import transaction as db_transaction

from kam.imports.services import import_file
from kam.imports.tests.utils import csv_bytes
from kam.pipeline import services as pipeline
from kam.tiering import rollups, selectors, services
from kam.tiering.indicators import Period
from kam.tiering.models import UNPAID_MONTH, FeedbackMonth, PaymentMonth, Transaction, TransactionMonth
from kam.tiering.tests.factories import FeedbackFactory, PaymentFactory, TransactionFactory

D = datetime.date
TX_FIELDS = (
    "account_id", "month", "orders", "sales", "max_sale", "returns", "returned", "margin", "margin_base",
    "costed", "day_mask", "order_days", "first_day", "last_day",
)  # fmt: skip


def state() -> dict:
    """Every rollup row, in a stable order."""
    return {
        "transactions": sorted(TransactionMonth.objects.values_list(*TX_FIELDS)),
        "payments": sorted(PaymentMonth.objects.values_list()),
        "feedback": sorted(FeedbackMonth.objects.values_list()),
    }


def rebuilt() -> dict:
    """What the rollups would be if made from scratch (rolled back afterwards)."""
    with db_transaction.atomic():
        rollups.rebuild()
        result = state()
        db_transaction.set_rollback(True)
    return result


def tx(account, number, day, amount, margin=None, is_return=False):
    return TransactionFactory(
        account=account, order_no=number, ordered_on=day, amount=Decimal(amount),
        margin=None if margin is None else Decimal(margin), is_return=is_return,
    )  # fmt: skip


def test_transaction_cells_from_services(world):
    a = world.account
    tx(a, "SO-1", D(2025, 1, 5), "1000.00", "400.00")
    tx(a, "SO-2", D(2025, 1, 7), "500.00")
    tx(a, "SO-3", D(2025, 1, 7), "250.50", "50.50")
    tx(a, "R-1", D(2025, 1, 20), "200.00", "80.00", is_return=True)
    [cell] = state()["transactions"]
    # orders 3 · sales 1,750.50 · largest 1,000.00 · 1 return of 200.00 · margin 400 + 50.50 − 80 over
    # 1,000 + 250.50 − 200 · 3 costed rows · order days 5 and 7 (bits 4 and 6 = 80)
    assert cell == (a.pk, D(2025, 1, 1), 3, 175050, 100000, 1, 20000, 37050, 105050, 3, 80, 2, 5, 7)


def test_update_moves_between_cells_and_delete_empties_them(world):
    a = world.account
    first = tx(a, "SO-1", D(2025, 1, 5), "1000.00")
    second = tx(a, "SO-2", D(2025, 1, 9), "300.00")
    services.transaction_update(transaction=second, actor=world.owner, data={"ordered_on": D(2025, 2, 3)})
    assert state()["transactions"] == [
        (a.pk, D(2025, 1, 1), 1, 100000, 100000, 0, 0, 0, 0, 0, 16, 1, 5, 5),
        (a.pk, D(2025, 2, 1), 1, 30000, 30000, 0, 0, 0, 0, 0, 4, 1, 3, 3),
    ]
    services.transaction_delete(transaction=first, actor=world.owner)
    assert [row[:3] for row in state()["transactions"]] == [(a.pk, D(2025, 2, 1), 1)]
    assert state() == rebuilt()


def test_payment_cells_follow_the_paid_month(world):
    a = world.account
    invoice = PaymentFactory(
        account=a, invoice_no="I-1", invoiced_on=D(2025, 1, 10), amount=Decimal("800.00")
    )
    PaymentFactory(account=a, invoice_no="I-2", invoiced_on=D(2025, 1, 20), amount=Decimal("200.00"),
                   paid_on=D(2025, 3, 1))  # fmt: skip
    assert state()["payments"] == [
        (a.pk, D(2025, 1, 1), D(2025, 3, 1), 1, 20000, 20000, 40),
        (a.pk, D(2025, 1, 1), UNPAID_MONTH, 1, 80000, 80000, 0),
    ]
    services.payment_update(payment=invoice, actor=world.owner, data={"paid_on": D(2025, 3, 31)})
    assert state()["payments"] == [
        (a.pk, D(2025, 1, 1), D(2025, 3, 1), 2, 100000, 80000, 120)
    ]  # 40 + 80 days
    assert state() == rebuilt()


def test_feedback_cells(world):
    a = world.account
    FeedbackFactory(account=a, kind="praise", received_on=D(2025, 4, 2))
    FeedbackFactory(account=a, kind="complaint", received_on=D(2025, 4, 30))
    FeedbackFactory(account=a, kind="suggestion", received_on=D(2025, 5, 1))
    assert state()["feedback"] == [(a.pk, D(2025, 4, 1), 1, 1, 0), (a.pk, D(2025, 5, 1), 0, 0, 1)]


def test_imports_edits_and_deletes_in_any_order_keep_rollups_exact(world):
    """Random batches through the import (new rows, changed rows, unchanged rows) and the services."""
    rng = random.Random(7)
    accounts = {"110": world.account, "W1": world.other_account}
    header = ["account_code", "order_no", "ordered_on", "amount", "gross_margin", "returned"]
    for round_number in range(6):
        rows = [header]
        for _ in range(25):
            day = D(2025, rng.randint(1, 4), rng.randint(1, 28))
            amount = rng.randint(1, 90000)
            rows.append([
                rng.choice(list(accounts)), f"SO-{rng.randint(1, 60)}", day.isoformat(),
                f"{amount / 100:.2f}",
                rng.choice(["", f"{amount // 300 / 100:.2f}"]), rng.choice(["", "", "", "yes"]),
            ])  # fmt: skip
        unique = {(row[0], row[1]): row for row in rows[1:]}  # a file uses a number once per account
        job = import_file(kind="transactions", actor=world.admin, data=csv_bytes([header, *unique.values()]),
                          file_name=f"round{round_number}.csv")  # fmt: skip
        assert job.status == "done", job.errors
        victims = list(Transaction.objects.order_by("?")[:2])
        services.transaction_delete(transaction=victims[0], actor=world.admin)
        services.transaction_update(transaction=victims[1], actor=world.admin,
                                    data={"ordered_on": D(2025, 6, rng.randint(1, 30))})  # fmt: skip
        assert state() == rebuilt()
    assert state()["transactions"]


def test_account_indicators_from_the_ledger(world):
    """End to end: ledger rows → rollups → the selector's indicators (hand-computed)."""
    a = world.account
    tx(a, "SO-0", D(2024, 11, 5), "1000.00")
    tx(a, "SO-1", D(2025, 1, 10), "1000.00", "300.00")
    tx(a, "SO-2", D(2025, 1, 20), "2000.00", "600.00")
    tx(a, "SO-3", D(2025, 3, 7), "500.00", "150.00")
    tx(a, "R-1", D(2025, 3, 20), "200.00", "50.00", is_return=True)
    PaymentFactory(account=a, invoice_no="I-1", invoiced_on=D(2025, 1, 10), paid_on=D(2025, 2, 9),
                   amount=Decimal("3000.00"))  # fmt: skip
    PaymentFactory(account=a, invoice_no="I-2", invoiced_on=D(2025, 6, 1), amount=Decimal("500.00"))
    FeedbackFactory(account=a, kind="complaint", received_on=D(2025, 2, 1))
    FeedbackFactory(account=a, kind="praise", received_on=D(2025, 2, 2))
    pipeline.opportunity_create(
        actor=world.owner, data={"account": a, "name": "Upgrade", "amount": Decimal("10000")}
    )
    ind = selectors.account_indicators(user=world.owner, account=a, today=D(2025, 12, 15))
    assert ind.period == Period(D(2025, 1, 1), D(2025, 12, 1))
    t, p, f = ind.transactions, ind.payments, ind.feedback
    assert (t.transactions, t.revenue, t.profit, t.gross_margin_pct) == (
        3,
        Decimal("3300.00"),
        Decimal("1000.00"),
        Decimal("30.3"),
    )
    assert (t.average_deal, t.largest_deal, t.purchase_cycle_days, t.tenure_days) == (
        Decimal("1166.67"), Decimal("2000.00"), Decimal("28.0"), 405
    )  # fmt: skip
    assert (p.payments, p.average_collection_days, p.debt_ratio_pct) == (1, Decimal("30.0"), Decimal("14.3"))
    # month ends: Jan 3,000.00; Jun–Dec 500.00 → 6,500.00 ÷ 12
    assert p.average_outstanding == Decimal("541.67")
    assert (f.complaints, f.complaint_pct) == (1, Decimal("50.0"))
    # the default process's first stage (G) has a win probability of 10 %
    assert (ind.open_opportunities, ind.expected_sales) == (1, Decimal("1000.00"))
    march = selectors.account_indicators(
        user=world.owner, account=a, period=Period(D(2025, 3, 1), D(2025, 3, 1))
    )
    assert (march.transactions.transactions, march.transactions.returns_count) == (1, 1)
    assert march.transactions.purchase_cycle_days is None


@pytest.mark.parametrize("who", ["outsider", "teammate"])
def test_rollups_are_restricted_like_the_ledger(world, who):
    tx(world.account, "SO-1", D(2025, 1, 5), "1000.00")
    visible = TransactionMonth.objects.restrict(getattr(world, who), "view").count()
    assert visible == (1 if who == "teammate" else 0)
