"""M4.4's arithmetic, pure: exact on the seed's table, and its properties for any input."""

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kam.competition import evaluation
from kam.competition.evaluation import Line, WeightsError, check_weights, format_weight
from kam.competition.tests.factories import M44

US, A, B = "us", "A", "B"
M44_LINES = [Line(name, weight, {US: us, A: a, B: b}) for name, _en, weight, us, a, b in M44]


def test_m44_weighted_totals_ranking_and_unweighted_sums():
    """0.20×4 + 0.15×5 + 0.10×3 + 0.10×4 + 0.10×5 + 0.15×4 + 0.05×5 + 0.15×5 = 4.35 …"""
    result = evaluation.evaluate(M44_LINES, [US, A, B], us=US)
    assert [(s.bidder, s.total, s.rank, s.unweighted, s.missing) for s in result.standings] == [
        (US, Decimal("4.35"), 1, Decimal("35"), 0),
        (A, Decimal("3.85"), 2, Decimal("31"), 0),
        (B, Decimal("3.80"), 3, Decimal("31"), 0),  # the slide printed 30; its column adds up to 31
    ]
    assert (result.margin, result.best_rival.bidder, result.complete) == (Decimal("0.50"), A, True)


def test_m44_gaps_per_criterion():
    result = evaluation.evaluate(M44_LINES, [US, A, B], us=US)
    assert [(g.criterion, g.gap, g.weighted, g.best_rivals) for g in result.gaps] == [
        ("客户关系", Decimal("0"), Decimal("0.00"), (A, B)),
        ("售后服务", Decimal("1"), Decimal("0.15"), (A, B)),
        ("行业标准", Decimal("-1"), Decimal("-0.10"), (A,)),
        ("品牌", Decimal("-1"), Decimal("-0.10"), (A, B)),
        ("产品性能", Decimal("0"), Decimal("0.00"), (A, B)),
        ("价格", Decimal("1"), Decimal("0.15"), (A, B)),
        ("供货能力", Decimal("1"), Decimal("0.05"), (B,)),
        ("快速解决方案", Decimal("2"), Decimal("0.30"), (A, B)),
    ]
    assert result.gaps[6].against == {A: Decimal("2"), B: Decimal("1")}


def test_the_weights_total_exactly_one():
    assert check_weights([w for _n, _e, w, *_s in M44]) == Decimal("1.00")
    assert check_weights([Decimal("0.125"), Decimal("0.875")]) == 1
    with pytest.raises(WeightsError) as over:
        check_weights([Decimal("0.20"), Decimal("0.15"), Decimal("0.80")])
    assert over.value.total == Decimal("1.15")
    with pytest.raises(WeightsError) as empty:
        check_weights([])
    assert empty.value.total == 0
    for bad in (0.5, Decimal("-0.1"), Decimal("1.01"), True, "0.5"):
        with pytest.raises(ValueError, match="a weight is a Decimal from 0 to 1"):
            check_weights([bad, Decimal("0.5")])


def test_format_weight_keeps_two_decimals_or_what_is_needed():
    assert [format_weight(Decimal(v)) for v in ("1", "1.1", "0.950", "0.125", "4.350")] == [
        "1.00",
        "1.10",
        "0.95",
        "0.125",
        "4.35",
    ]


def test_missing_scores_leave_a_bidder_unranked_and_ties_share_a_rank():
    lines = [
        Line("a", Decimal("0.5"), {US: 4, A: 4, B: None}),
        Line("b", Decimal("0.5"), {US: 2, A: 2, B: 5}),
    ]
    result = evaluation.evaluate(lines, [US, A, B], us=US)
    assert [(s.bidder, s.total, s.rank, s.missing) for s in result.standings] == [
        (US, Decimal("3.0"), 1, 0),
        (A, Decimal("3.0"), 1, 0),
        (B, None, None, 1),
    ]
    assert (result.complete, result.margin) == (False, Decimal("0.0"))
    assert result.gaps[0].against == {A: Decimal(0), B: None}
    assert evaluation.ranks({"x": Decimal(2), "y": Decimal(3), "z": Decimal(2), "w": Decimal(1)}) == {
        "y": 1,
        "x": 2,
        "z": 2,
        "w": 4,
    }


def test_us_must_be_a_bidder():
    with pytest.raises(ValueError, match="`us` must be one of the bidders"):
        evaluation.evaluate(M44_LINES, [A, B], us=US)


# --- properties ---------------------------------------------------------------------------------------------

thousandths = st.integers(min_value=0, max_value=1000).map(lambda n: Decimal(n) / 1000)
scores = st.integers(min_value=1, max_value=5)


@st.composite
def grids(draw):
    """A grid whose weights total exactly 1: thousandths split at random cut points."""
    count = draw(st.integers(min_value=1, max_value=8))
    cuts = sorted(draw(st.lists(st.integers(0, 1000), min_size=count - 1, max_size=count - 1)))
    weights = [Decimal(b - a) / 1000 for a, b in zip([0, *cuts], [*cuts, 1000], strict=True)]
    bidders = [US, *[f"R{i}" for i in range(draw(st.integers(min_value=1, max_value=5)))]]
    return [Line(i, w, {b: draw(scores) for b in bidders}) for i, w in enumerate(weights)], bidders


@given(st.lists(thousandths, min_size=0, max_size=10))
def test_weights_that_do_not_total_one_are_always_refused(weights):
    assume(sum(weights, Decimal(0)) != 1)
    with pytest.raises(WeightsError) as refused:
        check_weights(weights)
    assert refused.value.total == sum(weights, Decimal(0))


@given(grids())
def test_weights_that_total_one_are_accepted(grid):
    lines, _bidders = grid
    assert check_weights([line.weight for line in lines]) == 1


@given(grids(), st.data())
def test_a_constant_added_to_one_criterion_for_every_bidder_never_changes_the_ranking(grid, data):
    lines, bidders = grid
    index = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
    constant = data.draw(st.integers(min_value=-20, max_value=20))
    shifted = list(lines)
    shifted[index] = Line(
        lines[index].key, lines[index].weight, {b: s + constant for b, s in lines[index].scores.items()}
    )
    before = evaluation.evaluate(lines, bidders, us=US)
    after = evaluation.evaluate(shifted, bidders, us=US)
    assert [(s.bidder, s.rank) for s in after.standings] == [(s.bidder, s.rank) for s in before.standings]
    assert [s.total - before.of(s.bidder).total for s in after.standings] == [
        lines[index].weight * constant
    ] * len(bidders)


@given(grids())
def test_the_weighted_gaps_add_up_to_the_difference_in_totals(grid):
    lines, bidders = grid
    result = evaluation.evaluate(lines, bidders, us=US)
    for rival in bidders[1:]:
        assert sum(
            line.weight * gap.against[rival] for line, gap in zip(lines, result.gaps, strict=True)
        ) == (result.ours.total - result.of(rival).total)


@given(grids())
def test_totals_stay_on_the_score_scale_and_ranks_follow_totals(grid):
    lines, bidders = grid
    result = evaluation.evaluate(lines, bidders, us=US)
    totals = [s.total for s in result.standings]
    assert all(1 <= t <= 5 for t in totals) and totals == sorted(totals, reverse=True)
    assert [s.rank for s in result.standings] == [1 + sum(o > t for o in totals) for t in totals]
