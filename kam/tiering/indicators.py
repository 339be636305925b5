"""The M1.1 single indicators of one account over one period, from its monthly rollups. Pure: no ORM.

Inputs are the rollup rows (money in whole cents) as plain data; the order of the rows never matters. A
period is a run of whole calendar months — the rollups' grain — so "the last 12 months" is the current
month and the eleven before it. Outputs are Decimals (money to the cent, days and percentages to one place)
or None where an indicator has no meaning yet (no orders, no payments …), never a made-up zero.

Definitions (docs/glossary.md has the Chinese terms):

- transactions: orders in the period (returns are not orders); revenue = sales − returns; profit = gross
  margin of the orders minus that of the returns, over the rows whose cost is known; gross margin % =
  profit ÷ the revenue of those rows.
- average deal = sales ÷ orders; largest deal = the largest single order.
- tenure: days from the first order ever to the end of the period (or today, if sooner).
- average purchase cycle: days between the first and the last order of the period ÷ (order days − 1).
- payments: largest and average of the invoices paid in the period; average collection days = days from
  invoice to payment, averaged over those; average outstanding = the mean of the month-end balances
  (invoiced, not yet paid) of the period's months; debt ratio = the part of the period's invoices still
  unpaid at its end ÷ what was invoiced in it.
- feedback: counts, and each kind's share of all feedback in the period.
- expected sales: Σ open opportunity amount × its stage's win probability.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
HUNDRED = Decimal(100)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """The whole months from `since` to `until` (both the first day of their month), inclusive."""

    since: datetime.date
    until: datetime.date

    def __post_init__(self):
        if self.since.day != 1 or self.until.day != 1:
            raise ValueError("A period runs from the first day of a month to the first day of a month.")
        if self.until < self.since:
            raise ValueError("A period cannot end before it starts.")

    @classmethod
    def covering(cls, since: datetime.date, until: datetime.date) -> "Period":
        """The whole months that contain the days from `since` to `until`."""
        return cls(month_start(since), month_start(until))

    @classmethod
    def rolling(cls, today: datetime.date, months: int = 12) -> "Period":
        """The current month and the `months` − 1 before it (the default period of M1.1)."""
        until = month_start(today)
        return cls(add_months(until, 1 - months), until)

    @property
    def months(self) -> list[datetime.date]:
        count = (self.until.year - self.since.year) * 12 + self.until.month - self.since.month + 1
        return [add_months(self.since, offset) for offset in range(count)]

    @property
    def first_day(self) -> datetime.date:
        return self.since

    @property
    def last_day(self) -> datetime.date:
        return month_end(self.until)

    def __contains__(self, month: datetime.date) -> bool:
        return self.since <= month <= self.until


@dataclass(frozen=True)
class TransactionMonthRow:
    """One TransactionMonth rollup (money in cents; days of the month 1–31)."""

    month: datetime.date
    orders: int = 0
    sales: int = 0
    max_sale: int | None = None
    returns: int = 0
    returned: int = 0
    margin: int = 0
    margin_base: int = 0
    costed: int = 0
    order_days: int = 0
    first_day: int | None = None
    last_day: int | None = None


@dataclass(frozen=True)
class PaymentCell:
    """One PaymentMonth rollup; `paid_month` None: not paid yet."""

    invoice_month: datetime.date
    paid_month: datetime.date | None
    payments: int = 0
    amount: int = 0
    max_amount: int = 0
    days: int = 0


@dataclass(frozen=True)
class FeedbackMonthRow:
    month: datetime.date
    praise: int = 0
    complaints: int = 0
    suggestions: int = 0


@dataclass(frozen=True)
class TransactionIndicators:
    transactions: int
    sales: Decimal
    revenue: Decimal
    profit: Decimal | None
    gross_margin_pct: Decimal | None
    average_deal: Decimal | None
    largest_deal: Decimal | None
    returns_count: int
    returns_amount: Decimal
    first_order_on: datetime.date | None
    last_order_on: datetime.date | None
    tenure_days: int | None
    order_days: int
    purchase_cycle_days: Decimal | None


@dataclass(frozen=True)
class PaymentIndicators:
    payments: int
    paid_amount: Decimal
    largest_payment: Decimal | None
    average_payment: Decimal | None
    average_collection_days: Decimal | None
    invoiced_amount: Decimal
    unpaid_amount: Decimal
    average_outstanding: Decimal
    debt_ratio_pct: Decimal | None


@dataclass(frozen=True)
class FeedbackIndicators:
    feedback: int
    praise: int
    complaints: int
    suggestions: int
    praise_pct: Decimal | None
    complaint_pct: Decimal | None
    suggestion_pct: Decimal | None


def money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2).quantize(CENT)


def money_ratio(cents: int, count: int) -> Decimal:
    """cents ÷ count as money, rounded half up to the cent."""
    return (Decimal(cents) / count).quantize(Decimal(1), ROUND_HALF_UP).scaleb(-2).quantize(CENT)


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(TENTH, ROUND_HALF_UP)


def one_place(value: int | Decimal, count: int) -> Decimal:
    return (Decimal(value) / count).quantize(TENTH, ROUND_HALF_UP)


def _day(month: datetime.date, day: int) -> datetime.date:
    return month.replace(day=day)


def transaction_indicators(
    rows: Iterable[TransactionMonthRow], period: Period, *, as_of: datetime.date
) -> TransactionIndicators:
    """The transaction indicators of `period`; `rows` may hold every month of the account (for tenure).

    `as_of` is the day tenure is counted to: the period's last day, or today if that is sooner.
    """
    rows = list(rows)
    inside = [row for row in rows if row.month in period]
    orders = sum(row.orders for row in inside)
    sales = sum(row.sales for row in inside)
    returned = sum(row.returned for row in inside)
    margin_base = sum(row.margin_base for row in inside)
    margin = sum(row.margin for row in inside)
    costed = sum(row.costed for row in inside)
    with_orders = [row for row in inside if row.orders and row.first_day is not None]
    first = min((_day(row.month, row.first_day) for row in with_orders), default=None)
    last = max((_day(row.month, row.last_day) for row in with_orders), default=None)
    order_days = sum(row.order_days for row in inside)
    ever = [
        _day(row.month, row.first_day)
        for row in rows
        if row.orders and row.first_day is not None and row.month <= period.until
    ]
    first_ever = min(ever, default=None)
    largest = max((row.max_sale for row in inside if row.max_sale is not None), default=None)
    return TransactionIndicators(
        transactions=orders,
        sales=money(sales),
        revenue=money(sales - returned),
        profit=money(margin) if costed else None,
        gross_margin_pct=percent(margin, margin_base) if costed else None,
        average_deal=money_ratio(sales, orders) if orders else None,
        largest_deal=money(largest) if largest is not None else None,
        returns_count=sum(row.returns for row in inside),
        returns_amount=money(returned),
        first_order_on=first,
        last_order_on=last,
        tenure_days=max((as_of - first_ever).days, 0) if first_ever is not None else None,
        order_days=order_days,
        purchase_cycle_days=one_place((last - first).days, order_days - 1) if order_days > 1 else None,
    )


def payment_indicators(cells: Iterable[PaymentCell], period: Period) -> PaymentIndicators:
    """The financial indicators of `period`; `cells` may hold every invoice month (for the balances)."""
    cells = list(cells)
    paid = [cell for cell in cells if cell.paid_month is not None and cell.paid_month in period]
    count = sum(cell.payments for cell in paid)
    paid_amount = sum(cell.amount for cell in paid)
    issued = [cell for cell in cells if cell.invoice_month in period]
    invoiced = sum(cell.amount for cell in issued)
    unpaid = sum(cell.amount for cell in issued if cell.paid_month is None or cell.paid_month > period.until)
    balances = [
        sum(
            cell.amount
            for cell in cells
            if cell.invoice_month <= month and (cell.paid_month is None or cell.paid_month > month)
        )
        for month in period.months
    ]
    return PaymentIndicators(
        payments=count,
        paid_amount=money(paid_amount),
        largest_payment=money(max(cell.max_amount for cell in paid)) if paid else None,
        average_payment=money_ratio(paid_amount, count) if count else None,
        average_collection_days=one_place(sum(cell.days for cell in paid), count) if count else None,
        invoiced_amount=money(invoiced),
        unpaid_amount=money(unpaid),
        average_outstanding=money_ratio(sum(balances), len(balances)),
        debt_ratio_pct=percent(unpaid, invoiced),
    )


def feedback_indicators(rows: Iterable[FeedbackMonthRow], period: Period) -> FeedbackIndicators:
    inside = [row for row in rows if row.month in period]
    praise = sum(row.praise for row in inside)
    complaints = sum(row.complaints for row in inside)
    suggestions = sum(row.suggestions for row in inside)
    total = praise + complaints + suggestions
    return FeedbackIndicators(
        feedback=total,
        praise=praise,
        complaints=complaints,
        suggestions=suggestions,
        praise_pct=percent(praise, total),
        complaint_pct=percent(complaints, total),
        suggestion_pct=percent(suggestions, total),
    )


def expected_sales(
    open_deals: Iterable[tuple[Decimal, Decimal] | tuple[Decimal, Decimal, str]],
    rates: Mapping[str, Decimal] | None = None,
) -> Decimal:
    """Σ amount × win probability % of the open opportunities, to the cent (half up).

    Deals are (amount, probability %) in the reporting currency, or (amount, probability %, currency)
    converted with `rates` (currency → units of the reporting currency; kam.accounts.money): each
    currency's Σ amount × probability % is multiplied by its rate and the total rounded once. Deals in a
    currency without a rate are left out (see unconverted_currencies).
    """
    by_currency: dict[str | None, Decimal] = {}
    for amount, probability, *currency in open_deals:
        code = currency[0] if currency and rates is not None else None
        by_currency[code] = by_currency.get(code, Decimal(0)) + amount * probability
    total = Decimal(0)
    for code, weighted in by_currency.items():
        if code is None:  # already in the reporting currency
            total += weighted
        elif rates.get(code) is not None:
            total += weighted * rates[code]
    return (total / HUNDRED).quantize(CENT, ROUND_HALF_UP)


def unconverted_currencies(
    open_deals: Iterable[tuple[Decimal, Decimal, str]], rates: Mapping[str, Decimal]
) -> list[str]:
    """The currencies of deals with an amount that `rates` cannot convert (left out of expected sales)."""
    return sorted(
        {currency for amount, _probability, currency in open_deals if amount and currency not in rates}
    )
