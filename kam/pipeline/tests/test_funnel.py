from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kam.pipeline.funnel import (
    DEFAULT_BENCHMARK,
    OpportunityPath,
    activity_funnel,
    leakiest_step,
    median_days,
    stage_conversion,
    stage_funnel,
)

SEED_COUNTS = {"phone": 71, "visit": 34, "technical_exchange": 11, "proposal": 1, "negotiation": 1}


def test_seed_funnel_against_the_benchmark():
    """M3.7's observed counts 71, 34, 11, 1, 1 against 250 : 125 : 25 : 5 : 1."""
    steps = activity_funnel(SEED_COUNTS)
    assert [(s.step, s.count, s.ratio, s.benchmark_ratio, s.performance) for s in steps] == [
        ("phone", 71, None, None, None),
        ("visit", 34, Decimal("0.4789"), Decimal("0.5000"), Decimal("0.9578")),
        ("technical_exchange", 11, Decimal("0.3235"), Decimal("0.2000"), Decimal("1.6175")),
        ("proposal", 1, Decimal("0.0909"), Decimal("0.2000"), Decimal("0.4545")),
        ("negotiation", 1, Decimal("1.0000"), Decimal("0.2000"), Decimal("5.0000")),
    ]
    assert leakiest_step(steps).step == "proposal"


def test_no_leak_when_every_step_meets_the_benchmark():
    steps = activity_funnel(
        {"phone": 250, "visit": 125, "technical_exchange": 25, "proposal": 5, "negotiation": 1}
    )
    assert {s.performance for s in steps[1:]} == {Decimal("1.0000")}
    assert leakiest_step(steps) is None


def test_empty_previous_step_gives_no_ratio():
    steps = activity_funnel({"phone": 0, "visit": 3})
    assert (steps[1].ratio, steps[1].performance) == (None, None)
    assert (steps[2].ratio, steps[2].performance) == (Decimal("0.0000"), Decimal("0.0000"))
    assert leakiest_step(steps).step == "technical_exchange"  # 3 visits, no technical exchange


def test_stage_funnel_counts_won_at_every_stage_and_lost_up_to_their_stage():
    paths = [OpportunityPath(7, won=True), OpportunityPath(2), OpportunityPath(4), OpportunityPath(0)]
    reached = stage_funnel(paths, 8)
    assert reached == [4, 3, 3, 2, 2, 1, 1, 1]
    assert stage_conversion(reached) == [
        Decimal("0.7500"),
        Decimal("1.0000"),
        Decimal("0.6667"),
        Decimal("1.0000"),
        Decimal("0.5000"),
        Decimal("1.0000"),
        Decimal("1.0000"),
        None,
    ]


def test_median_days():
    assert median_days({"G": [1, 3, 10], "F": [], "E": [2, 4]}) == {"G": 3, "F": None, "E": 3.0}


@given(st.lists(st.tuples(st.integers(0, 7), st.booleans()), max_size=60))
def test_stage_funnel_never_grows_and_won_deals_reach_the_end(raw):
    paths = [OpportunityPath(r, w) for r, w in raw]
    reached = stage_funnel(paths, 8)
    assert reached[0] == len(paths)
    assert all(a >= b for a, b in zip(reached, reached[1:], strict=False))
    assert reached[-1] >= sum(1 for p in paths if p.won)


@given(st.dictionaries(st.sampled_from([s for s, _ in DEFAULT_BENCHMARK]), st.integers(0, 10_000)))
def test_ratios_are_never_negative(counts):
    for step in activity_funnel(counts):
        assert step.ratio is None or step.ratio >= 0
