"""The 20/80 rule and the value pyramid (pure): hand-computed cases and properties."""

import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kam.tiering import pareto, pyramid

VALUES = st.lists(st.integers(min_value=-(10**9), max_value=10**12), max_size=60)


def test_pareto_by_hand():
    # ranked 50, 30, 10, 10 (total 100): the curve joins (0,0) (25,50) (50,80) (75,90) (100,100)
    result = pareto.pareto([10, 50, 0, 30, -5, 10])
    assert result.accounts == 4 and result.total == 100
    assert result.excluded == 2 and result.excluded_total == -5
    assert result.top_share_pct == Decimal("40.0")  # 0.8 of the first account: 40 of 100
    assert result.line_accounts_pct == Decimal("50.0")  # the second account reaches 80 exactly
    assert result.curve == (
        (Decimal("0.0"), Decimal("0.0")),
        (Decimal("25.0"), Decimal("50.0")),
        (Decimal("50.0"), Decimal("80.0")),
        (Decimal("75.0"), Decimal("90.0")),
        (Decimal("100.0"), Decimal("100.0")),
    )


def test_pareto_crossing_inside_an_account():
    # 60, 30, 10: 80 % is reached two thirds into the second account → (1 + 20/30) / 3 = 55.6 %
    result = pareto.pareto([30, 10, 60])
    assert result.line_accounts_pct == Decimal("55.6")
    assert result.top_share_pct == Decimal("36.0")  # 0.6 of the first account: 36 of 100


def test_pareto_without_positive_values_has_no_curve():
    result = pareto.pareto([0, -3])
    assert (result.accounts, result.top_share_pct, result.line_accounts_pct, result.curve) == (
        0,
        None,
        None,
        (),
    )
    assert result.excluded == 2 and result.excluded_total == -3


def test_pareto_samples_long_curves():
    result = pareto.pareto(list(range(1, 1001)), points=10)
    assert len(result.curve) == 11 and result.curve[-1] == (Decimal("100.0"), Decimal("100.0"))


@given(VALUES)
def test_pareto_curve_rises_ends_at_100_and_ignores_order(values):
    result = pareto.pareto(values)
    ys = [y for _x, y in result.curve]
    xs = [x for x, _y in result.curve]
    assert ys == sorted(ys) and xs == sorted(xs)
    if result.accounts:
        assert result.curve[0] == (Decimal("0.0"), Decimal("0.0"))
        assert result.curve[-1] == (Decimal("100.0"), Decimal("100.0"))
        assert Decimal("20.0") <= result.top_share_pct <= Decimal("100.0")  # the top fifth brings ≥ a fifth
        assert result.line_accounts_pct <= Decimal("80.0")
    shuffled = list(values)
    random.Random(len(values)).shuffle(shuffled)
    assert pareto.pareto(shuffled) == result


def test_pyramid_top_rule_by_hand():
    values = [40, 100, 0, 60, 10, 40, 20]
    assert pyramid.layers(values, rule="top", cutoffs=[10, 30, 60]) == [
        "medium", "vip", None, "large", "small", "medium", "small",
    ]  # fmt: skip


def test_pyramid_share_rule_by_hand():
    # total 270; worth more than each: 100→0, 60→100, 40→160, 20→240, 10→260; lines at 135, 216, 256.5
    values = [40, 100, 0, 60, 10, 40, 20]
    assert pyramid.layers(values, rule="share", cutoffs=[50, 80, 95]) == [
        "large", "vip", None, "vip", "small", "large", "medium",
    ]  # fmt: skip
    codes = pyramid.layer_codes(values, rule="share", cutoffs=[50, 80, 95])
    assert [(row.layer, row.accounts, row.value) for row in pyramid.summarise(values, codes)] == [
        ("vip", 2, 160), ("large", 2, 80), ("medium", 1, 20), ("small", 1, 10),
    ]  # fmt: skip


@pytest.mark.parametrize("cutoffs", [[5, 5, 20], [1, 5], [0, 5, 20], [1, 5, 101], [1.5, 5, 20]])
def test_pyramid_refuses_bad_cutoffs(cutoffs):
    with pytest.raises(ValueError):
        pyramid.layers([1, 2], rule="top", cutoffs=cutoffs)


@given(VALUES, st.sampled_from(["top", "share"]))
def test_pyramid_layers_are_monotone_and_ignore_order(values, rule):
    layers = pyramid.layer_codes(values, rule=rule, cutoffs=[5, 30, 60])
    for a, layer_a in zip(values, layers, strict=True):
        for b, layer_b in zip(values, layers, strict=True):
            if a >= b > 0:
                assert layer_a <= layer_b  # 0 = VIP: a larger value is never in a lower layer
        assert (layer_a == -1) == (a <= 0)
    order = list(range(len(values)))
    random.Random(7).shuffle(order)
    shuffled = pyramid.layer_codes([values[i] for i in order], rule=rule, cutoffs=[5, 30, 60])
    assert [int(code) for code in shuffled] == [int(layers[i]) for i in order]
