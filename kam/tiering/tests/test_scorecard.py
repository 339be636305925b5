"""The value scorecard (pure): normalisation, scores, tiers, explanations and the five-mistakes guards."""

import copy
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kam.tiering import scorecard
from kam.tiering.scorecard import DEFAULT_CONFIG, Problem


def _config(**changes):
    config = copy.deepcopy(DEFAULT_CONFIG)
    config["perspectives"] = {
        "financial": {"weight": 60, "value": "current", "indicators": {"revenue": 50, "profit": 50}},
        "service": {"weight": 0, "value": "current", "indicators": {}},
        "customer": {"weight": 0, "value": "potential", "indicators": {}},
        "sales": {"weight": 40, "value": "current", "indicators": {"transactions": 100}},
    }
    config.update(changes)
    return config


def _arrays(values, present=None):
    return np.array(values, dtype=np.int64), np.array(present or [True] * len(values))


def test_percentile_points_by_hand():
    values, present = _arrays([10, 20, 20, 40])
    assert scorecard.normalise(values, present, higher_is_better=True).tolist() == [0, 333, 333, 1000]
    assert scorecard.normalise(values, present, higher_is_better=False).tolist() == [1000, 333, 333, 0]


def test_missing_values_get_no_points_and_a_lone_value_full_points():
    values, present = _arrays([5, 7, 9], [False, True, False])
    assert scorecard.normalise(values, present, higher_is_better=True).tolist() == [0, 1000, 0]


def test_minmax_with_winsorising_by_hand():
    values, present = _arrays([0, 10, 20, 30, 1000])
    plain = scorecard.normalise(values, present, higher_is_better=True, method="minmax", winsor_pct=0)
    assert plain.tolist() == [0, 10, 20, 30, 1000]
    # 25 %: one value at each end is capped: lo = 10, hi = 30
    capped = scorecard.normalise(values, present, higher_is_better=True, method="minmax", winsor_pct=25)
    assert capped.tolist() == [0, 0, 500, 1000, 1000]
    # lo = hi = 0 after capping: above it full points, at it none
    same, all_present = _arrays([0, 0, 0, 0, 4])
    flat = scorecard.normalise(same, all_present, higher_is_better=True, method="minmax", winsor_pct=25)
    assert flat.tolist() == [0, 0, 0, 0, 1000]


def _three_accounts():
    return {
        "revenue": _arrays([300, 200, 100]),
        "profit": _arrays([30, 60, 0], [True, True, False]),
        "transactions": _arrays([1, 5, 3]),
    }


def test_scores_by_hand():
    scores = scorecard.score(_config(), _three_accounts())
    assert scores.points["revenue"].tolist() == [1000, 500, 0]
    assert scores.points["profit"].tolist() == [0, 1000, 0]
    assert scores.points["transactions"].tolist() == [0, 1000, 500]
    assert scores.perspectives["financial"].tolist() == [500, 750, 0]
    assert scores.perspectives["sales"].tolist() == [0, 1000, 500]
    assert scores.total.tolist() == [300, 850, 200]  # 30.0, 85.0, 20.0 points
    assert scores.current.tolist() == [300, 850, 200]
    assert scores.potential is None


def test_tiers_by_score_and_by_rank():
    total = [300, 850, 200, 0]
    assert scorecard.tiers(total, rule="score", cutoffs=[80, 50, 25]) == ["silver", "platinum", "", ""]
    # scored accounts (total > 0): 3; platinum if 100 × above < 10 × 3, gold < 40 × 3, silver < 70 × 3
    assert scorecard.tiers(total, rule="top", cutoffs=[10, 40, 70]) == ["gold", "platinum", "silver", ""]


def test_explanation_adds_up_to_the_score():
    scores = scorecard.score(_config(), _three_accounts())
    points = {key: int(array[1]) for key, array in scores.points.items()}
    rows = scorecard.explain(_config(), {"revenue": 200, "profit": 60, "transactions": 5}, points)
    assert [(r.indicator, r.perspective, r.weight, r.contribution) for r in rows] == [
        ("transactions", "sales", 40.0, 40.0),
        ("profit", "financial", 30.0, 30.0),
        ("revenue", "financial", 30.0, 15.0),
    ]
    assert sum(r.contribution for r in rows) == 85.0


def test_change_reasons_and_placing_reasons():
    before = {"revenue": 500, "profit": 1000, "transactions": 0}
    after = {"revenue": 1000, "profit": 0, "transactions": 500}
    assert scorecard.change_reasons(_config(), before, after) == [
        ("profit", -30.0), ("transactions", 20.0), ("revenue", 15.0),
    ]  # fmt: skip
    assert scorecard.placing_reasons(["revenue", "profit"], [3000, 3000], [500, 1000]) == [
        ("profit", 30.0), ("revenue", 15.0),
    ]  # fmt: skip


def test_the_default_model_is_valid_and_unflagged():
    assert scorecard.check_config(DEFAULT_CONFIG) == []
    assert scorecard.model_warnings(DEFAULT_CONFIG) == []
    assert sum(scorecard.effective_weights(DEFAULT_CONFIG).values()) == 100


def test_single_indicator_and_volume_without_margin_are_flagged():
    config = _config()
    config["perspectives"]["financial"] = {"weight": 80, "value": "current", "indicators": {"revenue": 100}}
    config["perspectives"]["sales"]["weight"] = 20
    assert [(w.code, w.indicator, w.weight) for w in scorecard.model_warnings(config)] == [
        ("single_indicator", "revenue", 80.0),
        ("volume_only", "", 100.0),
    ]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"period_months": 0}, Problem("period_months", "range", (1, 36))),
        ({"tier_cutoffs": [5, 50, 20]}, Problem("tier_cutoffs", "rising")),
        ({"tier_rule": "score", "tier_cutoffs": [50, 70, 20]}, Problem("tier_cutoffs", "falling")),
        ({"pyramid_cutoffs": [1, 5]}, Problem("pyramid_cutoffs", "three")),
        ({"normalisation": "zscore"}, Problem("normalisation", "choice")),
    ],
)
def test_config_problems_name_their_field(change, problem):
    assert scorecard.check_config(_config(**change)) == [problem]


def test_weights_must_add_up():
    config = _config()
    config["perspectives"]["financial"]["indicators"]["profit"] = 40
    config["perspectives"]["sales"]["weight"] = 30
    assert scorecard.check_config(config) == [
        Problem("perspectives.financial.indicators", "sum", (90,)),
        Problem("perspectives", "sum", (90,)),
    ]
    config = _config()
    config["perspectives"]["sales"]["indicators"] = {"revenue": 100}
    assert scorecard.check_config(config) == [Problem("perspectives", "twice", ("revenue",))]


TOTALS = st.lists(st.integers(min_value=0, max_value=1000), max_size=50)


@given(TOTALS, st.sampled_from([("score", [75, 55, 35]), ("top", [5, 20, 50])]))
def test_tiers_are_monotone_in_score(total, rule):
    codes = scorecard.tier_codes(total, rule=rule[0], cutoffs=rule[1]).tolist()
    pairs = sorted(zip(total, codes, strict=True))
    assert [code for _score, code in pairs] == sorted(code for _score, code in pairs)
    assert all(code == 0 for score, code in pairs if score == 0)


@given(st.lists(st.integers(-5, 5), min_size=1, max_size=40))
def test_percentile_ranks_count_the_smaller_values(values):
    """How many values are smaller than each, ties included: the definition, one value at a time."""
    below = scorecard._below(np.array(values, dtype=np.int64))
    assert below.tolist() == [sum(other < value for other in values) for value in values]


ROW = st.tuples(st.integers(0, 10**9), st.integers(-(10**6), 10**6), st.booleans(), st.integers(0, 50))


@given(st.lists(ROW, min_size=1, max_size=30), st.sampled_from(["percentile", "minmax"]))
def test_a_permutation_of_the_accounts_changes_nothing(rows, method):
    def scored(ordered):
        revenue, profit, known, orders = (list(column) for column in zip(*ordered, strict=True))
        indicators = {
            "revenue": _arrays(revenue),
            "profit": _arrays(profit, known),
            "transactions": _arrays(orders),
        }
        scores = scorecard.score(_config(normalisation=method), indicators)
        return [(tuple(row), int(total)) for row, total in zip(ordered, scores.total, strict=True)]

    shuffled = list(rows)
    random.Random(len(rows)).shuffle(shuffled)
    assert sorted(scored(rows)) == sorted(scored(shuffled))
    assert all(0 <= total <= 1000 for _row, total in scored(rows))
