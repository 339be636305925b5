"""The scorecard's indicators for every account at once, from per-account sums of the rollups. Pure: no ORM.

`kam.tiering.indicators` computes M1.1's indicators for one account from its rollup rows; a recompute needs
them for 100,000 accounts in a fraction of a second, so the database sums the rollups per account (one
grouped query per rollup) and this module applies the same definitions to whole columns with NumPy. Units
are integers — cents, tenths of a percent, tenths of a day, days, counts — and every rounding is half up,
away from zero, as in indicators.py (`Decimal.quantize(ROUND_HALF_UP)`), so the two agree exactly; a test
checks it account by account.

Each indicator is a pair (values, present): `present` is false where indicators.py says None (no orders,
no payments, no feedback …). Indicators that indicators.py does not have: returns share (returned ÷
sales), revenue growth (this period's revenue against the same number of months before it, where that
was positive) and the account's annual revenue and registered capital (characteristics, where known).
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

#: Per-account sums the database provides (all int64; *_present are booleans).
COLUMNS = (
    # transaction rollups in the period
    "orders", "sales", "max_sale", "max_sale_present", "returned", "margin", "margin_base", "costed",
    "order_days", "first_day", "last_day",  # day numbers (days since 1970-01-01) of the first/last order
    # ever, up to the period's end; and the revenue of the months before the period
    "first_ever", "first_ever_present", "previous_revenue",
    # payment rollups: paid in the period, invoiced in the period, still unpaid at its end
    "paid", "paid_days", "invoiced", "unpaid",
    # feedback in the period
    "praise", "complaints", "suggestions",
    # open opportunities: count and expected sales (Σ amount × probability), in cents of the reporting
    # currency (expected_cents_in_reporting)
    "open_opportunities", "expected_cents",
    # the account's characteristics, in cents
    "annual_revenue", "annual_revenue_present", "registered_capital", "registered_capital_present",
)  # fmt: skip


#: The largest value an int64 column holds.
INT64_MAX = np.iinfo(np.int64).max


def expected_cents_in_reporting(raws: np.ndarray, rates_micro: list[int | None]) -> np.ndarray:
    """Expected sales in cents of the reporting currency, per account.

    `raws`: n accounts × k currencies of Σ amount (cents) × probability (hundredths of a percent) in each
    currency; `rates_micro`: each currency's rate in millionths (None: no rate, left out). The sum
    Σ raw × rate is made with Python integers (it outgrows int64) and rounded once, half up, to whole
    cents — Σ amount × probability % × rate, as indicators.expected_sales computes it with Decimals.
    A total beyond int64 is refused (OverflowError), never wrapped.
    """
    total = np.zeros(len(raws), dtype=object)
    for column, micro in enumerate(rates_micro):
        if micro is not None:
            total = total + raws[:, column].astype(object) * micro
    scale = 10**10  # 10^4 (cents × hundredths of a percent → cents) × 10^6 (millionths of the rate)
    cents = (total * 2 + scale) // (2 * scale)  # amounts and probabilities are never negative
    if len(cents) and max(cents) > INT64_MAX:
        raise OverflowError("expected sales of an account exceed 9.2 × 10^16 cents of the reporting currency")
    return cents.astype(np.int64)


def _half_up(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator ÷ denominator rounded half away from zero, where denominator ≠ 0 (else 0)."""
    safe = np.where(denominator == 0, 1, denominator)
    sign = np.sign(numerator) * np.sign(safe)
    magnitude = (np.abs(numerator) * 2 + np.abs(safe)) // (np.abs(safe) * 2)
    return np.where(denominator == 0, 0, sign * magnitude)


@dataclass(frozen=True)
class Columns:
    """The database's per-account sums, one int64 array per name in COLUMNS, aligned by account."""

    data: Mapping[str, np.ndarray]

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.data[name]
        except KeyError:
            raise AttributeError(name) from None


def indicators(columns: Columns, *, as_of_day: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every scorecard indicator as (values, present); `as_of_day` is the as-of date as a day number."""
    c = columns
    revenue = c.sales - c.returned
    has_orders = c.orders > 0
    feedback = c.praise + c.complaints + c.suggestions
    has_feedback = feedback > 0
    present_bool = {name: c.data[name].astype(bool) for name in COLUMNS if name.endswith("_present")}
    return {
        "revenue": (revenue, np.ones(len(revenue), dtype=bool)),
        "profit": (c.margin, c.costed > 0),
        "gross_margin_pct": (_half_up(c.margin * 1000, c.margin_base), (c.costed > 0) & (c.margin_base != 0)),
        "collection_days": (_half_up(c.paid_days * 10, c.paid), c.paid > 0),
        "debt_ratio_pct": (_half_up(c.unpaid * 1000, c.invoiced), c.invoiced > 0),
        "praise_pct": (_half_up(c.praise * 1000, feedback), has_feedback),
        "complaint_pct": (_half_up(c.complaints * 1000, feedback), has_feedback),
        "returns_pct": (_half_up(c.returned * 1000, c.sales), c.sales > 0),
        "expected_sales": (c.expected_cents, np.ones(len(revenue), bool)),
        "revenue_growth_pct": (
            _half_up((revenue - c.previous_revenue) * 1000, c.previous_revenue),
            c.previous_revenue > 0,
        ),
        "annual_revenue": (c.annual_revenue, present_bool["annual_revenue_present"]),
        "registered_capital": (c.registered_capital, present_bool["registered_capital_present"]),
        "open_opportunities": (c.open_opportunities, np.ones(len(revenue), dtype=bool)),
        "transactions": (c.orders, np.ones(len(revenue), dtype=bool)),
        "average_deal": (_half_up(c.sales, c.orders), has_orders),
        "largest_deal": (c.max_sale, present_bool["max_sale_present"]),
        "purchase_cycle_days": (
            _half_up((c.last_day - c.first_day) * 10, c.order_days - 1),
            c.order_days > 1,
        ),
        "tenure_days": (
            np.maximum(as_of_day - c.first_ever, 0),
            present_bool["first_ever_present"],
        ),
    }
