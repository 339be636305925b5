"""M2.2's competitiveness matrix, pure: comparisons, candidate selling points, averages, heatmap points."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kam.competition import matrix
from kam.competition.matrix import Row

US = "us"
COLUMNS = [US, "电信", "网通", "移动"]
#: the demo's SPD Bank matrix: product line → us, China Telecom, Netcom, Mobile
ROWS = [
    Row("本地语音", {US: 4, "电信": 5, "网通": 3, "移动": 2}),
    Row("长途语音", {US: 4, "电信": 4, "网通": 4, "移动": 3}),
    Row("本地2M电路", {US: 5, "电信": 4, "网通": 3, "移动": 1}),
    Row("长途2M电路", {US: 3, "电信": 4, "网通": 5, "移动": 1}),
    Row("上网", {US: 5, "电信": 4, "网通": 3, "移动": None}),
]


def test_each_row_compared_with_the_best_competitor():
    compared = matrix.compare(ROWS, COLUMNS, us=US)
    assert [(c.key, c.ours, c.best_rival, c.best_rivals, c.edge, c.ahead) for c in compared] == [
        ("本地语音", 4, 5, ("电信",), -1, False),
        ("长途语音", 4, 4, ("电信", "网通"), 0, False),
        ("本地2M电路", 5, 4, ("电信",), 1, True),
        ("长途2M电路", 3, 5, ("网通",), -2, False),
        ("上网", 5, 4, ("电信",), 1, True),
    ]


def test_a_row_nobody_else_is_rated_on_is_no_edge():
    [alone] = matrix.compare([Row("x", {US: 5})], COLUMNS, us=US)
    assert (alone.best_rival, alone.edge, alone.ahead) == (None, None, False)
    [unrated] = matrix.compare([Row("y", {"电信": 2})], COLUMNS, us=US)
    assert (unrated.ours, unrated.edge, unrated.ahead) == (None, None, False)


def test_averages_and_heatmap_points():
    assert matrix.averages(ROWS, COLUMNS) == {
        US: Decimal("4.20"),
        "电信": Decimal("4.20"),
        "网通": Decimal("3.60"),
        "移动": Decimal("1.75"),
    }
    assert matrix.averages([], COLUMNS) == dict.fromkeys(COLUMNS)
    assert matrix.heatmap(ROWS[3:], COLUMNS) == [
        [0, 0, 3],
        [1, 0, 4],
        [2, 0, 5],
        [3, 0, 1],
        [0, 1, 5],
        [1, 1, 4],
        [2, 1, 3],
    ]


ratings = st.one_of(st.none(), st.integers(min_value=1, max_value=5))


@given(st.lists(st.fixed_dictionaries({c: ratings for c in COLUMNS}), min_size=1, max_size=6))
def test_ahead_means_above_every_rated_competitor(rows):
    rows = [Row(i, r) for i, r in enumerate(rows)]
    for row, comparison in zip(rows, matrix.compare(rows, COLUMNS, us=US), strict=True):
        rivals = [v for c, v in row.ratings.items() if c != US and v is not None]
        expected = row.ratings[US] is not None and bool(rivals) and all(row.ratings[US] > v for v in rivals)
        assert comparison.ahead == expected
