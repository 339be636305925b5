"""Amounts in the reporting currency — pure arithmetic, no ORM (docs/adr/0004-reporting-currency.md).

A deal keeps the currency it is quoted in; totals are reported in one currency (settings
KAM_REPORTING_CURRENCY, CNY by default) at the exchange rates administrators maintain: `rates` maps a
currency code to the units of the reporting currency one unit of it is worth (USD → 7.100000), the
reporting currency itself to 1. A currency without a rate is never counted as if it were worth 1: its
amounts are left out of the converted totals and the caller says so on the page (`Converter.missing`).

Conversions are exact Decimal arithmetic rounded once to the cent, half up. Callers sum the amounts of
one currency first (exact: every amount has two decimals) and convert each currency's sum, so a total
does not depend on how the rows were grouped before — the forecast summary and the opportunities give
the same figures.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: Rates have six decimals (ExchangeRate.rate): a rate in millionths is an exact integer.
RATE_SCALE = 10**6


def to_reporting(amount: Decimal, currency: str, rates: Mapping[str, Decimal]) -> Decimal | None:
    """`amount` in `currency` converted to the reporting currency, to the cent (half up); None when
    `currency` has no rate (the amount must then be left out of a total, and the page must say so)."""
    rate = rates.get(currency)
    if rate is None:
        return None
    return (Decimal(amount) * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def rate_micro(rate: Decimal) -> int:
    """A rate in millionths (7.1 → 7,100,000), for integer arithmetic; exact for six decimals or fewer."""
    scaled = Decimal(rate) * RATE_SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{rate} has more than six decimals")
    return int(scaled)


def half_up_div(numerator: int, denominator: int) -> int:
    """numerator ÷ denominator (> 0) rounded half away from zero, in integers."""
    sign = -1 if numerator < 0 else 1
    return sign * ((abs(numerator) * 2 + denominator) // (denominator * 2))


@dataclass
class Converter:
    """Converts amounts with `rates` and remembers the currencies it had no rate for (`missing`)."""

    rates: Mapping[str, Decimal]
    missing: set[str] = field(default_factory=set)

    def convert(self, amount: Decimal, currency: str) -> Decimal:
        """The amount in the reporting currency; 0.00 (left out, and remembered) without a rate."""
        converted = to_reporting(amount, currency, self.rates)
        if converted is None:
            if amount:
                self.missing.add(currency)
            return ZERO
        return converted

    def total(self, by_currency: Mapping[str, Decimal] | Iterable[tuple[str, Decimal]]) -> Decimal:
        """Σ of each currency's amount converted (each currency rounded once, to the cent)."""
        items = by_currency.items() if isinstance(by_currency, Mapping) else by_currency
        return sum((self.convert(amount, currency) for currency, amount in items), ZERO)

    @property
    def unconverted(self) -> list[str]:
        """The currencies left out, sorted (for the page's warning)."""
        return sorted(self.missing)
