"""The buying center's arithmetic (M4.3): exact on the seed's table, and its properties for any input."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kam.buyingcenter import scoring
from kam.buyingcenter.scoring import Split, Weighed, WeightsError
from kam.buyingcenter.tests.factories import M43
from kam.pipeline.choices import Attitude

ATTITUDES = ["", *Attitude.values]
M43_PEOPLE = [Weighed(attitude, weight) for *_facts, attitude, weight in M43]


def test_m43_support_score_and_split():
    """张华 C 60 %, 李建 B 30 %, 王桑 E 10 %, 李阳 unknown 0: (0 + 30 − 20 + 0) / 100 = +0.10."""
    assert scoring.support_score(M43_PEOPLE) == Decimal("0.10")
    split = scoring.weight_split(M43_PEOPLE)
    assert split == Split(supporters=30, neutrals=60, opponents=10, unknown=0)
    assert (split.undecided, split.against, split.at_risk) == (60, 70, True)


def test_m43_stances_are_the_tables_current_relationships():
    assert [scoring.stance(a) for *_f, a, _w in M43] == ["neutral", "supporter", "opponent", "unknown"]


def test_the_scale_a_plus_two_to_e_minus_two():
    one_each = [Weighed(a, 20) for a in ("A+", "B-", "C", "D+", "E-")]
    assert scoring.support_score(one_each) == Decimal("0.00")  # 40 + 20 + 0 − 20 − 40
    assert scoring.support_score([Weighed("A-", 100)]) == Decimal("2.00")
    assert scoring.support_score([Weighed("E+", 100)]) == Decimal("-2.00")
    assert scoring.support_score([Weighed("D", 35), Weighed("B+", 65)]) == Decimal("0.30")
    assert scoring.support_score([Weighed("", 100)]) == Decimal("0.00")
    assert scoring.weight_split([Weighed("", 100)]) == Split(0, 0, 0, 100)


def test_risk_needs_opponents_and_undecided_to_outweigh_supporters():
    assert not Split(supporters=50, neutrals=20, opponents=20, unknown=10).at_risk  # 50 vs 50: not more
    assert Split(supporters=49, neutrals=21, opponents=20, unknown=10).at_risk
    assert not Split(0, 0, 0, 0).at_risk  # no weights set: nothing to weigh


def test_phase_weights_total_exactly_100():
    assert scoring.check_phase_weights({1: 60, 2: 30, 3: 10, 4: 0}) == 100
    assert scoring.check_phase_weights({1: 100, 2: None}) == 100  # a blank is no weight
    assert scoring.check_phase_weights({1: None, 2: None}) is None  # all blank: the phase is cleared
    assert scoring.check_phase_weights({}) is None
    with pytest.raises(WeightsError) as short:
        scoring.check_phase_weights({1: 60, 2: 30})
    assert short.value.total == 90
    with pytest.raises(WeightsError) as zero:
        scoring.check_phase_weights({1: 0, 2: 0})
    assert zero.value.total == 0
    for bad in (-1, 101, 33.5, "40", True):
        with pytest.raises(ValueError, match="whole percent"):
            scoring.check_phase_weights({1: bad, 2: 100})


def test_step_of_and_the_phase_to_show():
    assert [scoring.step_of(t) for t in ("5 对外进行招标", " 12 x", "招标", "")] == [5, 12, None, None]
    order = ["discover", "establish", "selection", "evaluation", "contract"]
    assert scoring.effective_phase("selection", {"selection", "discover"}, order) == "selection"
    assert scoring.effective_phase("establish", {"evaluation", "selection"}, order) == "selection"
    assert scoring.effective_phase("establish", set(), order) == "establish"
    assert scoring.effective_phase(None, set(), order) == "discover"


def test_arrows_of_a_history():
    assert scoring.arrows(["D", "C", "C", "B+", "B"]) == ["", "↑", "→", "↑", "↓"]
    assert scoring.arrows([]) == []


weights = st.lists(st.one_of(st.none(), st.integers(0, 100)), min_size=1, max_size=12)


@given(weights)
def test_weights_that_do_not_total_100_are_always_refused(values):
    mapping = dict(enumerate(values))
    given_values = [v for v in values if v is not None]
    if not given_values:
        assert scoring.check_phase_weights(mapping) is None
    elif sum(given_values) != 100:
        with pytest.raises(WeightsError) as refused:
            scoring.check_phase_weights(mapping)
        assert refused.value.total == sum(given_values)
    else:
        assert scoring.check_phase_weights(mapping) == 100


people = st.lists(st.builds(Weighed, st.sampled_from(ATTITUDES), st.integers(0, 100)), max_size=12)


@given(people)
def test_split_and_score_agree_with_the_weights(group):
    split = scoring.weight_split(group)
    total = sum(p.weight for p in group)
    assert split.supporters + split.neutrals + split.opponents + split.unknown == total
    score = scoring.support_score(group)
    assert -2 * total <= score * 100 <= 2 * total
    assert split.at_risk == (split.opponents + split.neutrals + split.unknown > split.supporters)
    assert scoring.support_score(list(reversed(group))) == score
