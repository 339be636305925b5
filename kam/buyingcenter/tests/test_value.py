"""The value calculator (M4.6, slide 71), pure: the seed's fuel example exactly, the statement in both
languages, and its properties for any input."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kam.buyingcenter import value
from kam.buyingcenter.value import InputError, Inputs

FUEL = Inputs(
    volume=Decimal(5000),
    improvement=Decimal(2),
    unit_price=Decimal(5),
    horizon=10,
    per=Decimal(100),
    baseline=Decimal(9),
)


def test_the_fuel_example():
    """9 L/100 km, 5,000 km a month; 2 L/100 km saved → 100 L a month × 5 yuan = 500 → 6,000 → 60,000."""
    result = value.compute(FUEL)
    assert (result.saved_per_month, result.monthly, result.yearly, result.total) == (
        Decimal("100"),
        Decimal("500.00"),
        Decimal("6000.00"),
        Decimal("60000.00"),
    )
    assert (result.baseline_per_month, result.baseline_cost_per_month, result.share_percent) == (
        Decimal("450"),
        Decimal("2250.00"),
        Decimal("22.2"),
    )


def test_the_statement_in_both_languages():
    result = value.compute(FUEL)
    with translation.override("en"):
        assert value.statement(FUEL, result, volume_unit="km", quantity_unit="L") == (
            "Today 9 L per 100 km over 5,000 km a month uses 450 L (2,250 yuan) a month. Saving 2 L per "
            "100 km (22.2 %) saves 100 L a month: at 5 yuan per L that is 500 yuan a month, 6,000 yuan a "
            "year and 60,000 yuan over 10 years."
        )
    with translation.override("zh-hans"):
        assert value.statement(FUEL, result, volume_unit="公里", quantity_unit="升") == (
            "目前每100公里消耗9升，按每月5,000公里计，每月共用450升（2,250元）。每100公里节省2升（22.2%），"
            "每月可省100升：按5元/升计算，每月节省500元，每年6,000元，10年共60,000元。"
        )


def test_the_statement_without_a_baseline_nor_units():
    inputs = Inputs(volume=Decimal(3), improvement=Decimal("1.5"), unit_price=Decimal("2000"), horizon=1)
    result = value.compute(inputs)
    assert (result.monthly, result.yearly, result.total, result.share) == (
        Decimal("9000.00"),
        Decimal("108000.00"),
        Decimal("108000.00"),
        None,
    )
    with translation.override("en"):
        assert value.statement(inputs, result, currency="USD") == (
            "Over 3 a month, saving 1.5 per 1 saves 4.5 a month: at USD 2,000 per unit that is USD 9,000 a "
            "month, USD 108,000 a year and USD 108,000 over 1 year."
        )


def test_money_is_rounded_to_the_cent_once_a_month():
    inputs = Inputs(
        volume=Decimal(1), improvement=Decimal(1), unit_price=Decimal("0.333"), horizon=3, per=Decimal(3)
    )
    result = value.compute(inputs)
    assert (
        result.saved_per_month.quantize(Decimal("0.0001")),
        result.monthly,
        result.yearly,
        result.total,
    ) == (
        Decimal("0.3333"),
        Decimal("0.11"),
        Decimal("1.32"),
        Decimal("3.96"),
    )
    assert [value.number(Decimal(v)) for v in ("5000", "2.50", "0.125", "1234567.891")] == [
        "5,000",
        "2.5",
        "0.125",
        "1,234,567.891",
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"volume": Decimal(-1)}, "volume", "Enter a number of 0 or more."),
        ({"unit_price": 5.0}, "unit_price", "Enter a number of 0 or more."),
        ({"per": Decimal(0)}, "per", "The improvement is stated per an amount greater than 0."),
        ({"horizon": 0}, "horizon", "The horizon is a whole number of years from 1 to 50."),
        ({"horizon": 51}, "horizon", "The horizon is a whole number of years from 1 to 50."),
        ({"horizon": True}, "horizon", "The horizon is a whole number of years from 1 to 50."),
        ({"baseline": Decimal(0)}, "baseline", "What is used today is a number greater than 0."),
        ({"improvement": Decimal(10)}, "improvement", "The saving cannot be larger than what is used today."),
    ],
)
def test_inputs_it_refuses(changes, field, message):
    with pytest.raises(InputError) as refused:
        value.compute(Inputs(**{**FUEL.__dict__, **changes}))
    assert (refused.value.field, str(refused.value.message)) == (field, message)


decimals = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def inputs(draw):
    return Inputs(
        volume=draw(decimals),
        improvement=draw(decimals),
        unit_price=draw(decimals),
        horizon=draw(st.integers(min_value=1, max_value=50)),
        per=draw(st.decimals(min_value=Decimal("0.01"), max_value=1000, places=2)),
    )


@given(inputs(), st.integers(min_value=1, max_value=25), st.integers(min_value=1, max_value=25))
def test_value_scales_linearly_with_the_horizon(base, first, second):
    total = lambda years: value.compute(Inputs(**{**base.__dict__, "horizon": years})).total  # noqa: E731
    assert total(first + second) == total(first) + total(second)
    assert total(first) == first * value.compute(base).yearly
    assert value.compute(base).yearly == 12 * value.compute(base).monthly


@given(inputs(), st.integers(min_value=2, max_value=10))
def test_twice_the_activity_is_about_twice_the_value(base, factor):
    once = value.compute(base).monthly
    scaled = value.compute(Inputs(**{**base.__dict__, "volume": base.volume * factor})).monthly
    assert abs(scaled - factor * once) <= Decimal("0.005") * factor
