"""The kept period sums always equal a fresh scan of the rollups, and are reused when they can."""

import datetime
import random
from decimal import Decimal

import numpy as np
import pytest

from kam.accounts.models import Account
from kam.accounts.tests.factories import AccountFactory
from kam.imports.services import import_file
from kam.imports.tests.utils import csv_bytes
from kam.tiering import period_sums, recompute, rollups, services
from kam.tiering.models import AccountPeriodSums, Transaction
from kam.tiering.tests.factories import FeedbackFactory, PaymentFactory, TransactionFactory

D = datetime.date
PERIOD, PREVIOUS = recompute.periods(D(2025, 6, 30), 12)


def ids() -> np.ndarray:
    return np.array(sorted(Account.objects.values_list("pk", flat=True)), dtype=np.int64)


def kept_and_fresh():
    """(the sums for_period returns, what it did, a scan from scratch) for every account."""
    everyone = ids()
    matrix, done = period_sums.for_period(everyone, PERIOD, PREVIOUS)
    return matrix, done, period_sums.scan(everyone, PERIOD, PREVIOUS)


def column(matrix, account, name) -> int:
    return int(matrix[list(ids()).index(account.pk), period_sums.LEDGER_COLUMNS.index(name)])


@pytest.fixture
def ledger(world):
    for month in (1, 3, 5):
        TransactionFactory(account=world.account, ordered_on=D(2025, month, 10), amount=Decimal("1000.00"))
    TransactionFactory(account=world.account, ordered_on=D(2024, 2, 1), amount=Decimal("400.00"))
    TransactionFactory(account=world.other_account, ordered_on=D(2025, 2, 14), amount=Decimal("250.00"))
    PaymentFactory(
        account=world.account, invoiced_on=D(2025, 1, 5), paid_on=D(2025, 2, 4), amount=Decimal("900")
    )
    FeedbackFactory(account=world.other_account, kind="complaint", received_on=D(2025, 4, 1))
    return world


def test_the_first_read_scans_everyone_and_keeps_exact_sums(ledger):
    matrix, done, fresh = kept_and_fresh()
    assert done == {"kept": 0, "scanned": 2, "full_scan": True}
    assert np.array_equal(matrix, fresh)
    assert column(matrix, ledger.account, "sales") == 300_000
    assert column(matrix, ledger.account, "orders") == 3
    assert column(matrix, ledger.account, "previous_revenue") == 40_000
    assert column(matrix, ledger.account, "first_ever") == (D(2024, 2, 1) - recompute.EPOCH).days
    assert column(matrix, ledger.account, "paid") == 1
    assert column(matrix, ledger.other_account, "complaints") == 1
    rows = AccountPeriodSums.objects.values_list("changes", "computed", "period_since", "previous_since")
    assert [row[1:] == (row[0], PERIOD.since, PREVIOUS) for row in rows] == [True, True]


def test_unchanged_accounts_are_not_scanned_again(ledger):
    kept_and_fresh()
    matrix, done, fresh = kept_and_fresh()
    assert done == {"kept": 2, "scanned": 0, "full_scan": False}
    assert np.array_equal(matrix, fresh)


def test_a_write_rescans_only_its_account(ledger):
    kept_and_fresh()
    for _ in range(3):  # dilute: one account of ten changes, under the full-scan share
        AccountFactory(owner=ledger.owner)
    kept_and_fresh()
    services.transaction_create(
        actor=ledger.admin,
        account=ledger.other_account,
        data={"order_no": "SO-9", "ordered_on": D(2025, 6, 1), "amount": Decimal("50.00")},
    )
    matrix, done, fresh = kept_and_fresh()
    assert done == {"kept": 4, "scanned": 1, "full_scan": False}
    assert np.array_equal(matrix, fresh)
    assert column(matrix, ledger.other_account, "sales") == 30_000


def test_another_period_scans_everyone(ledger):
    kept_and_fresh()
    period, previous = recompute.periods(D(2025, 3, 31), 12)
    matrix, done = period_sums.for_period(ids(), period, previous)
    assert done["scanned"] == 2 and done["full_scan"]
    assert np.array_equal(matrix, period_sums.scan(ids(), period, previous))
    assert column(matrix, ledger.account, "sales") == 200_000  # January and March


def test_a_write_between_reading_and_keeping_leaves_the_row_stale(ledger, monkeypatch):
    """The guard: sums scanned before a write committed are used by that run but never kept as current."""
    scan = period_sums.scan

    def scan_then_write(*args, **kwargs):
        result = scan(*args, **kwargs)
        TransactionFactory(account=ledger.account, ordered_on=D(2025, 6, 2), amount=Decimal("5.00"))
        rollups.refresh("transactions", [(ledger.account.pk, D(2025, 6, 1))])
        return result

    monkeypatch.setattr(period_sums, "scan", scan_then_write)
    period_sums.for_period(ids(), PERIOD, PREVIOUS)
    monkeypatch.setattr(period_sums, "scan", scan)
    row = AccountPeriodSums.objects.get(account=ledger.account)
    assert row.computed is None  # the write bumped `changes` after the scan read it: not kept
    matrix, done, fresh = kept_and_fresh()
    assert done["scanned"] == 1
    assert np.array_equal(matrix, fresh)
    assert column(matrix, ledger.account, "sales") == 300_500


def test_a_rebuild_forgets_everything(ledger):
    kept_and_fresh()
    rollups.rebuild()
    assert not AccountPeriodSums.objects.exists()
    _matrix, done, _fresh = kept_and_fresh()
    assert done["scanned"] == 2


def test_imports_edits_and_deletes_in_any_order_keep_the_sums_exact(world):
    rng = random.Random(11)
    header = ["account_code", "order_no", "ordered_on", "amount", "gross_margin", "returned"]
    for round_number in range(5):
        rows = {}
        for _ in range(20):
            code, number = rng.choice(["110", "W1"]), f"SO-{rng.randint(1, 40)}"
            amount = rng.randint(1, 90000)
            day = D(rng.choice([2024, 2025]), rng.randint(1, 12), rng.randint(1, 28))
            rows[code, number] = [
                code, number, day.isoformat(), f"{amount / 100:.2f}",
                rng.choice(["", f"{amount // 300 / 100:.2f}"]), rng.choice(["", "yes"]),
            ]  # fmt: skip
        job = import_file(
            kind="transactions", actor=world.admin, data=csv_bytes([header, *rows.values()]),
            file_name=f"round{round_number}.csv",
        )  # fmt: skip
        assert job.status == "done", job.errors
        victims = list(Transaction.objects.order_by("?")[:2])
        services.transaction_delete(transaction=victims[0], actor=world.admin)
        services.transaction_update(
            transaction=victims[1], actor=world.admin, data={"ordered_on": D(2025, rng.randint(1, 6), 3)}
        )
        matrix, _done, fresh = kept_and_fresh()
        assert np.array_equal(matrix, fresh)
    assert kept_and_fresh()[1] == {"kept": 2, "scanned": 0, "full_scan": False}
