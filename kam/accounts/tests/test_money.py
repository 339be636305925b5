"""The reporting-currency arithmetic (kam.accounts.money): exact Decimals, one rounding, no silent 1."""

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kam.accounts.money import Converter, half_up_div, rate_micro, to_reporting
from kam.tiering import indicators, population

RATES = {"CNY": Decimal("1"), "USD": Decimal("7.100000"), "EUR": Decimal("7.800000")}


def test_to_reporting_is_exact_and_rounds_half_up_once():
    assert to_reporting(Decimal("100000.00"), "USD", RATES) == Decimal("710000.00")
    assert to_reporting(Decimal("1000000.00"), "CNY", RATES) == Decimal("1000000.00")
    assert to_reporting(Decimal("0.01"), "USD", {"USD": Decimal("0.5")}) == Decimal("0.01")  # 0.005 up
    assert to_reporting(Decimal("0.01"), "USD", {"USD": Decimal("0.499999")}) == Decimal("0.00")
    assert to_reporting(Decimal("333.33"), "HKD", {"HKD": Decimal("0.923456")}) == Decimal("307.82")
    # as a float 1.005 is 1.00499…, which would round to 1.00
    assert to_reporting(Decimal("1.005"), "CNY", RATES) == Decimal("1.01")


def test_a_currency_without_a_rate_is_none_never_one():
    assert to_reporting(Decimal("100.00"), "HKD", RATES) is None


def test_the_converter_leaves_out_and_remembers_currencies_without_a_rate():
    converter = Converter(RATES)
    total = converter.total({"CNY": Decimal("1000000.00"), "USD": Decimal("100000.00"), "HKD": Decimal("5")})
    assert total == Decimal("1710000.00")
    assert converter.unconverted == ["HKD"]
    assert converter.convert(Decimal("0"), "CHF") == Decimal("0.00") and converter.unconverted == ["HKD"]


def test_expected_sales_beyond_int64_are_refused_not_wrapped():
    raws = np.array([[10**18]], dtype=np.int64)  # cents × hundredths of a percent
    assert population.expected_cents_in_reporting(raws, [10**6]).tolist() == [10**14]
    with pytest.raises(OverflowError):
        population.expected_cents_in_reporting(raws, [10**13])  # a rate of 10,000,000


def test_rates_in_millionths():
    assert rate_micro(Decimal("7.1")) == 7_100_000
    assert rate_micro(Decimal("0.000001")) == 1
    with pytest.raises(ValueError):
        rate_micro(Decimal("0.0000001"))
    assert (half_up_div(5, 10), half_up_div(4, 10), half_up_div(-5, 10), half_up_div(15, 10)) == (1, 0, -1, 2)


amounts = st.decimals(min_value=0, max_value=Decimal("99999999999999.99"), places=2)
rates = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("99999999.999999"), places=6)


@given(amount=amounts, rate=rates)
def test_to_reporting_equals_integer_arithmetic(amount, rate):
    """The Decimal conversion equals cents × millionths ÷ 10^6, half up, in integers."""
    cents = int(amount * 100)
    expected = Decimal(half_up_div(cents * rate_micro(rate), 10**6)).scaleb(-2)
    assert to_reporting(amount, "USD", {"USD": rate}) == expected


@given(parts=st.lists(amounts, min_size=1, max_size=8), rate=rates)
def test_summing_before_converting_does_not_depend_on_the_grouping(parts, rate):
    """What the summary and the opportunities both do: sum one currency exactly, convert once."""
    converter = Converter({"USD": rate})
    middle = len(parts) // 2
    grouped = sum(parts[:middle], Decimal(0)) + sum(parts[middle:], Decimal(0))
    assert converter.total({"USD": sum(parts, Decimal(0))}) == converter.total({"USD": grouped})


deals = st.lists(
    st.tuples(
        st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2),
        st.decimals(min_value=0, max_value=100, places=2),
        st.sampled_from(["CNY", "USD", "EUR", "HKD"]),
    ),
    max_size=8,
)


@given(
    open_deals=deals,
    usd=st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("9999.999999"), places=6),
)
def test_expected_sales_numpy_equals_decimals(open_deals, usd):
    """Tiering's bulk expected sales (integers, NumPy) equal the per-account Decimal definition."""
    rates_ = {"CNY": Decimal(1), "USD": usd, "EUR": Decimal("7.8")}  # HKD: no rate, left out
    currencies = ["CNY", "USD", "EUR", "HKD"]
    raws = np.zeros((1, 4), dtype=np.int64)
    for amount, probability, currency in open_deals:
        raws[0, currencies.index(currency)] += int(amount * 100) * int(probability * 100)
    micro = [rate_micro(rates_[c]) if c in rates_ else None for c in currencies]
    bulk = population.expected_cents_in_reporting(raws, micro)
    assert int(bulk[0]) == int(indicators.expected_sales(open_deals, rates_) * 100)
    by_hand = sum((a * p * rates_[c] for a, p, c in open_deals if c in rates_), Decimal(0)) / 100
    assert indicators.expected_sales(open_deals, rates_) == by_hand.quantize(Decimal("0.01"), ROUND_HALF_UP)
