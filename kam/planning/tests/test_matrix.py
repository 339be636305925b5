"""M2.1's arithmetic on the seed's IMSC table, exactly, and its properties (hypothesis)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kam.planning import matrix
from kam.planning.imsc import CRITERIA, INDUSTRIES

COMPUTED = [42, 44, 32, 28, 28, 24, 22, 16, 24]


def _imsc():
    criteria = [matrix.Criterion(name_en, direction) for _name, name_en, direction, _scores in CRITERIA]
    scores = {
        code: {name_en: scores[i] for _name, name_en, _d, scores in CRITERIA}
        for i, (code, _printed) in enumerate(INDUSTRIES)
    }
    return criteria, scores, dict(INDUSTRIES)


def test_imsc_totals_average_stars_and_printed_check():
    criteria, scores, printed = _imsc()
    found = matrix.assess(criteria, scores, printed=printed)
    assert [a.total for a in found] == [Decimal(t) for t in COMPUTED]
    mean = matrix.average([a.total for a in found])
    assert mean.quantize(Decimal("0.1")) == Decimal("28.9")
    assert [a.key for a in found if a.starred] == ["government", "telecom", "education"]
    assert [(a.key, a.printed_total, a.total) for a in found if a.mismatch] == [
        ("telecom", Decimal(46), Decimal(44))
    ]
    assert [a.rank for a in found] == [2, 1, 3, 4, 4, 6, 8, 9, 6]


def test_imsc_suggested_classes_with_the_default_rule():
    criteria, scores, printed = _imsc()
    found = {a.key: a.suggested for a in matrix.assess(criteria, scores, printed=printed)}
    assert found == {
        "government": "key",
        "telecom": "key",
        "education": "key",
        "finance": "potential",
        "retail": "potential",
        "energy": "potential",
        "logistics": "watch",
        "healthcare": "watch",
        "transport": "potential",
    }


def test_the_rule_is_configurable():
    criteria, scores, _printed = _imsc()
    rule = matrix.ClassRule(key_percent=Decimal(150), potential_percent=Decimal(100))
    found = {a.key: a.suggested for a in matrix.assess(criteria, scores, rule=rule)}
    assert [k for k, v in found.items() if v == "key"] == ["telecom"]  # 44 ≥ 1.5 × 28.9 = 43.3
    assert [k for k, v in found.items() if v == "potential"] == ["government", "education"]


def test_weights_and_missing_scores():
    criteria = [matrix.Criterion("a", 1, Decimal("1.5")), matrix.Criterion("b", -1, Decimal(2))]
    assert matrix.total(criteria, {"a": 4, "b": 3}) == Decimal(0)
    assert matrix.total(criteria, {"a": 4}) == Decimal(6)
    assert matrix.average([]) is None
    assert matrix.suggest(Decimal(5), None) == "watch"


def test_heat_reads_a_negative_criterion_downwards():
    assert [matrix.heat(v, 9) for v in (0, 1, 5, 9)] == [0, 0, 2, 4]
    assert [matrix.heat(v, 9, -1) for v in (1, 9)] == [4, 0]
    assert matrix.heat(None, 9) is None


def test_win_rate():
    assert (matrix.win_rate(0, 0), matrix.win_rate(1, 2), matrix.win_rate(3, 0)) == (
        None,
        Decimal("33.3"),
        Decimal("100.0"),
    )


scores_st = st.integers(min_value=0, max_value=9)
table_st = st.lists(
    st.tuples(st.sampled_from([1, -1]), st.lists(scores_st, min_size=4, max_size=4)), min_size=1, max_size=6
)


@given(table_st, st.integers(min_value=0, max_value=5))
def test_flipping_a_direction_flips_its_contribution(table, which):
    which %= len(table)
    criteria = [matrix.Criterion(i, d) for i, (d, _s) in enumerate(table)]
    flipped = [matrix.Criterion(c.key, -c.direction if c.key == which else c.direction) for c in criteria]
    for industry in range(4):
        row = {i: scores[industry] for i, (_d, scores) in enumerate(table)}
        before = matrix.contribution(criteria[which], row[which])
        assert matrix.contribution(flipped[which], row[which]) == -before
        assert matrix.total(flipped, row) == matrix.total(criteria, row) - 2 * before


@given(table_st, scores_st, st.sampled_from([1, -1]), st.decimals(min_value=0, max_value=5, places=2))
def test_an_all_equal_criterion_changes_no_ranking(table, value, direction, weight):
    criteria = [matrix.Criterion(i, d) for i, (d, _s) in enumerate(table)]
    scores = {industry: {i: s[industry] for i, (_d, s) in enumerate(table)} for industry in range(4)}
    before = {a.key: a.rank for a in matrix.assess(criteria, scores)}
    extra = [*criteria, matrix.Criterion("equal", direction, weight)]
    after = {
        a.key: a.rank for a in matrix.assess(extra, {k: {**row, "equal": value} for k, row in scores.items()})
    }
    assert after == before
