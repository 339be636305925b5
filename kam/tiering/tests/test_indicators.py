"""The M1.1 arithmetic on hand-computed rollups: exact values, and properties that hold for any rows."""

import datetime
import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kam.tiering.indicators import (
    FeedbackMonthRow,
    PaymentCell,
    Period,
    TransactionMonthRow,
    expected_sales,
    feedback_indicators,
    payment_indicators,
    transaction_indicators,
)

D = datetime.date
PERIOD = Period(D(2025, 1, 1), D(2025, 12, 1))
AS_OF = D(2025, 12, 15)

MONTHS = [
    # before the period: counts for tenure only
    TransactionMonthRow(
        D(2024, 11, 1), orders=1, sales=100000, max_sale=100000, order_days=1, first_day=5, last_day=5
    ),
    TransactionMonthRow(
        D(2025, 1, 1), orders=2, sales=300000, max_sale=200000, margin=90000, margin_base=300000, costed=2,
        order_days=2, first_day=10, last_day=20,
    ),
    # one order of 500.00 (margin 150.00) and a return of 200.00 (margin 50.00)
    TransactionMonthRow(
        D(2025, 3, 1), orders=1, sales=50000, max_sale=50000, returns=1, returned=20000, margin=10000,
        margin_base=30000, costed=2, order_days=1, first_day=7, last_day=7,
    ),
    # after the period: ignored
    TransactionMonthRow(
        D(2026, 1, 1), orders=5, sales=999900, max_sale=500000, order_days=3, first_day=2, last_day=9
    ),
]  # fmt: skip

CELLS = [
    PaymentCell(D(2024, 12, 1), D(2025, 1, 1), payments=1, amount=100000, max_amount=100000, days=40),
    PaymentCell(D(2025, 1, 1), D(2025, 2, 1), payments=2, amount=300000, max_amount=200000, days=60),
    PaymentCell(D(2025, 6, 1), None, payments=1, amount=50000, max_amount=50000),
    PaymentCell(D(2025, 11, 1), D(2026, 1, 1), payments=1, amount=80000, max_amount=80000, days=50),
]

FEEDBACK = [
    FeedbackMonthRow(D(2024, 6, 1), complaints=5),
    FeedbackMonthRow(D(2025, 2, 1), praise=2, complaints=1),
    FeedbackMonthRow(D(2025, 7, 1), suggestions=1),
]


def test_period_rolling_covering_and_months():
    assert Period.rolling(D(2025, 12, 15)) == Period(D(2025, 1, 1), D(2025, 12, 1))
    assert Period.rolling(D(2025, 3, 31), months=3) == Period(D(2025, 1, 1), D(2025, 3, 1))
    assert Period.covering(D(2024, 11, 30), D(2025, 2, 3)).months == [
        D(2024, 11, 1), D(2024, 12, 1), D(2025, 1, 1), D(2025, 2, 1)
    ]  # fmt: skip
    assert PERIOD.last_day == D(2025, 12, 31) and D(2025, 12, 1) in PERIOD and D(2026, 1, 1) not in PERIOD
    with pytest.raises(ValueError):
        Period(D(2025, 1, 2), D(2025, 3, 1))
    with pytest.raises(ValueError):
        Period(D(2025, 3, 1), D(2025, 1, 1))


def test_transaction_indicators_exact():
    t = transaction_indicators(MONTHS, PERIOD, as_of=AS_OF)
    assert t.transactions == 3
    assert t.sales == Decimal("3500.00")
    assert t.revenue == Decimal("3300.00")  # sales − returns
    assert t.profit == Decimal("1000.00")  # 900.00 + 150.00 − 50.00
    assert t.gross_margin_pct == Decimal("30.3")  # 1,000.00 ÷ 3,300.00
    assert t.average_deal == Decimal("1166.67")  # 3,500.00 ÷ 3, half up
    assert t.largest_deal == Decimal("2000.00")
    assert (t.returns_count, t.returns_amount) == (1, Decimal("200.00"))
    assert (t.first_order_on, t.last_order_on) == (D(2025, 1, 10), D(2025, 3, 7))
    assert t.order_days == 3
    assert t.purchase_cycle_days == Decimal("28.0")  # 56 days between the first and the last order ÷ 2
    assert t.tenure_days == 405  # 2024-11-05 → 2025-12-15


def test_transaction_indicators_without_orders_are_empty_not_zero():
    t = transaction_indicators([], PERIOD, as_of=AS_OF)
    assert (t.transactions, t.sales, t.revenue, t.returns_amount) == (
        0,
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert [
        t.profit,
        t.gross_margin_pct,
        t.average_deal,
        t.largest_deal,
        t.tenure_days,
        t.purchase_cycle_days,
    ] == [None] * 6
    one_day = [
        TransactionMonthRow(
            D(2025, 5, 1), orders=2, sales=2000, max_sale=1000, order_days=1, first_day=3, last_day=3
        )
    ]
    assert (
        transaction_indicators(one_day, PERIOD, as_of=AS_OF).purchase_cycle_days is None
    )  # one order day: no cycle
    assert transaction_indicators(one_day, PERIOD, as_of=AS_OF).profit is None  # no cost known


def test_payment_indicators_exact():
    p = payment_indicators(CELLS, PERIOD)
    assert (p.payments, p.paid_amount) == (3, Decimal("4000.00"))
    assert p.largest_payment == Decimal("2000.00")
    assert p.average_payment == Decimal("1333.33")
    assert p.average_collection_days == Decimal("33.3")  # (40 + 60) ÷ 3
    assert p.invoiced_amount == Decimal("4300.00")
    assert p.unpaid_amount == Decimal(
        "1300.00"
    )  # the June invoice and the November one, paid after the period
    assert p.debt_ratio_pct == Decimal("30.2")
    # month ends: Jan 3,000.00; Feb–May 0; Jun–Oct 500.00; Nov–Dec 1,300.00 → 8,100.00 ÷ 12
    assert p.average_outstanding == Decimal("675.00")


def test_payment_indicators_without_payments():
    p = payment_indicators([], PERIOD)
    assert (p.payments, p.average_outstanding, p.invoiced_amount) == (0, Decimal("0.00"), Decimal("0.00"))
    assert [p.largest_payment, p.average_payment, p.average_collection_days, p.debt_ratio_pct] == [None] * 4


def test_feedback_indicators_exact():
    f = feedback_indicators(FEEDBACK, PERIOD)
    assert (f.feedback, f.praise, f.complaints, f.suggestions) == (4, 2, 1, 1)
    assert (f.praise_pct, f.complaint_pct, f.suggestion_pct) == (
        Decimal("50.0"),
        Decimal("25.0"),
        Decimal("25.0"),
    )
    empty = feedback_indicators([], PERIOD)
    assert (empty.feedback, empty.praise_pct, empty.complaint_pct) == (0, None, None)


def test_expected_sales_weights_open_deals_by_probability():
    deals = [(Decimal("1000000.00"), Decimal("30.00")), (Decimal("333.33"), Decimal("12.50"))]
    assert expected_sales(deals) == Decimal("300041.67")  # 300,000 + 41.66625, half up
    assert expected_sales([]) == Decimal("0.00")


# Properties ---------------------------------------------------------------------------------------

months = st.dates(min_value=D(2023, 1, 1), max_value=D(2026, 12, 1)).map(lambda day: day.replace(day=1))


@st.composite
def transaction_rows(draw):
    month = draw(months)
    orders = draw(st.integers(0, 50))
    sales = draw(st.integers(0, 10**9)) if orders else 0
    first = draw(st.integers(1, 28)) if orders else None
    last = draw(st.integers(first, 28)) if orders else None
    returned = draw(st.integers(0, 10**8))
    return TransactionMonthRow(
        month, orders=orders, sales=sales, max_sale=draw(st.integers(0, sales)) if orders else None,
        returns=draw(st.integers(0, 5)), returned=returned, margin=draw(st.integers(-(10**8), 10**8)),
        margin_base=draw(st.integers(0, 10**9)), costed=draw(st.integers(0, 5)),
        order_days=draw(st.integers(1, 28)) if orders else 0, first_day=first, last_day=last,
    )  # fmt: skip


@st.composite
def payment_cells(draw):
    invoice = draw(months)
    paid = draw(st.one_of(st.none(), months.filter(lambda m: m >= invoice)))
    count = draw(st.integers(1, 20))
    return PaymentCell(
        invoice, paid, payments=count, amount=draw(st.integers(0, 10**9)),
        max_amount=draw(st.integers(0, 10**8)),
        days=draw(st.integers(0, 200 * count)) if paid else 0,
    )  # fmt: skip


feedback_rows = st.builds(FeedbackMonthRow, months, st.integers(0, 9), st.integers(0, 9), st.integers(0, 9))
periods = st.tuples(months, months).map(lambda pair: Period(min(pair), max(pair)))


@settings(max_examples=60, deadline=None)
@given(st.lists(transaction_rows(), max_size=12), periods, st.randoms(use_true_random=False))
def test_order_of_transaction_rows_changes_nothing(rows, period, rng: random.Random):
    shuffled = rows[:]
    rng.shuffle(shuffled)
    as_of = min(period.last_day, D(2026, 6, 30))
    assert transaction_indicators(shuffled, period, as_of=as_of) == transaction_indicators(
        rows, period, as_of=as_of
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(payment_cells(), max_size=12),
    st.lists(feedback_rows, max_size=8),
    periods,
    st.randoms(use_true_random=False),
)
def test_order_of_payment_and_feedback_rows_changes_nothing(cells, feedback, period, rng: random.Random):
    shuffled_cells, shuffled_feedback = cells[:], feedback[:]
    rng.shuffle(shuffled_cells)
    rng.shuffle(shuffled_feedback)
    assert payment_indicators(shuffled_cells, period) == payment_indicators(cells, period)
    assert feedback_indicators(shuffled_feedback, period) == feedback_indicators(feedback, period)


@settings(max_examples=60, deadline=None)
@given(st.lists(transaction_rows(), max_size=12), st.lists(payment_cells(), max_size=12), periods)
def test_indicators_keep_their_bounds(rows, cells, period):
    t = transaction_indicators(rows, period, as_of=period.last_day)
    assert t.revenue == t.sales - t.returns_amount
    if t.average_deal is not None:
        assert 0 <= t.average_deal <= t.sales
    p = payment_indicators(cells, period)
    assert p.unpaid_amount <= p.invoiced_amount and p.average_outstanding >= 0
    if p.debt_ratio_pct is not None:
        assert 0 <= p.debt_ratio_pct <= 100
    if p.average_payment is not None:
        assert p.average_payment * p.payments <= p.paid_amount + Decimal("0.01") * p.payments


@settings(max_examples=40, deadline=None)
@given(st.lists(transaction_rows(), max_size=12), periods)
def test_rows_outside_the_period_only_change_tenure(rows, period):
    inside = [row for row in rows if row.month in period]
    full = transaction_indicators(rows, period, as_of=period.last_day)
    only = transaction_indicators(inside, period, as_of=period.last_day)
    assert {**full.__dict__, "tenure_days": None} == {**only.__dict__, "tenure_days": None}
