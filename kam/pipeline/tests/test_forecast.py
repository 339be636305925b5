from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kam.pipeline.forecast import (
    ClosedDeal,
    OpenDeal,
    backtest,
    calibrate,
    forecast_views,
    weighted_pipeline,
)

CONFIGURED = [Decimal(p) / 100 for p in (10, 20, 25, 30, 50, 75, 90, 100)]


def deal(amount, probability, **keys):
    return OpenDeal(Decimal(amount), Decimal(probability), keys)


def test_weighted_pipeline_by_month_and_stage():
    deals = [
        deal("1200000", "0.30", month="2027-01", stage="D"),
        deal("640000", "0.75", month="2027-01", stage="B"),
        deal("2100000", "0.90", month="2027-01", stage="A"),
        deal("950000", "0.10", month="2027-07", stage="G"),
    ]
    by_month = weighted_pipeline(deals, by=["month"])
    assert by_month == {
        ("2027-01",): {"count": 3, "amount": Decimal("3940000"), "weighted": Decimal("2730000.00")},
        ("2027-07",): {"count": 1, "amount": Decimal("950000"), "weighted": Decimal("95000.00")},
    }
    assert forecast_views(deals) == {
        "pipeline": Decimal("4890000"),
        "best_case": Decimal("2740000"),
        "commit": Decimal("2740000"),
        "weighted": Decimal("2825000.00"),
    }


def test_calibration_with_sample_sizes_and_fallback():
    # 20 deals reached G; 10 of them reached C; 4 were won.
    closed = [ClosedDeal(7, True)] * 4 + [ClosedDeal(4, False)] * 6 + [ClosedDeal(1, False)] * 10
    result = calibrate(closed, CONFIGURED, min_sample=10)
    assert [(c.probability, c.sample, c.calibrated) for c in result] == [
        (Decimal("0.2000"), 20, True),
        (Decimal("0.2000"), 20, True),
        (Decimal("0.4000"), 10, True),
        (Decimal("0.4000"), 10, True),
        (Decimal("0.4000"), 10, True),
        (Decimal("0.75"), 4, False),
        (Decimal("0.9"), 4, False),
        (Decimal("1"), 4, False),
    ]


def test_calibration_of_counted_deals_equals_one_by_one():
    """The summary hands calibrate() one ClosedDeal per (outcome, furthest stage) with a count."""
    counted = [ClosedDeal(7, True, 4), ClosedDeal(4, False, 6), ClosedDeal(1, False, 10)]
    one_by_one = [ClosedDeal(7, True)] * 4 + [ClosedDeal(4, False)] * 6 + [ClosedDeal(1, False)] * 10
    assert calibrate(counted, CONFIGURED, min_sample=10) == calibrate(one_by_one, CONFIGURED, min_sample=10)
    assert [c.sample for c in calibrate(counted, CONFIGURED, min_sample=10)] == [20, 20, 10, 10, 10, 4, 4, 4]


@given(st.lists(st.tuples(st.integers(0, 7), st.booleans(), st.integers(1, 5)), max_size=40))
def test_counted_calibration_matches_expanded(raw):
    counted = [ClosedDeal(r, w, n) for r, w, n in raw]
    expanded = [ClosedDeal(r, w) for r, w, n in raw for _ in range(n)]
    assert calibrate(counted, CONFIGURED) == calibrate(expanded, CONFIGURED)


def test_backtest_errors():
    calibrated = [Decimal("0.2")] * 8
    rows = backtest(
        [("2026Q1", [(Decimal("1000"), 0), (Decimal("2000"), 4)], Decimal("500"))], CONFIGURED, calibrated
    )
    assert [(r.configured, r.calibrated, r.configured_error, r.calibrated_error) for r in rows] == [
        (Decimal("1100.00"), Decimal("600.00"), Decimal("600.00"), Decimal("100.00"))
    ]


amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
probabilities = st.sampled_from(CONFIGURED)


@given(st.lists(st.tuples(amounts, probabilities), max_size=40))
def test_weighted_never_exceeds_unweighted(raw):
    views = forecast_views([OpenDeal(a, p, {}) for a, p in raw])
    assert views["weighted"] <= views["pipeline"]
    assert views["commit"] <= views["best_case"] <= views["pipeline"]


@given(st.lists(st.tuples(st.integers(0, 7), st.booleans()), max_size=80), st.integers(1, 30))
def test_calibrated_probabilities_are_probabilities(raw, min_sample):
    for calibration in calibrate([ClosedDeal(r, w) for r, w in raw], CONFIGURED, min_sample=min_sample):
        assert Decimal("0") <= calibration.probability <= Decimal("1")
