from hypothesis import given
from hypothesis import strategies as st

from kam.pipeline.attitude import arrow, rank, support_value
from kam.pipeline.choices import Attitude

ALL = [a.value for a in Attitude]


def test_seed_influencers_all_warmed_up():
    """M2.6: 郑师超 C → B, 林智勇 B → B+, 黄艾香 D → C — each an ↑."""
    assert [arrow("C", "B"), arrow("B", "B+"), arrow("D", "C")] == ["↑", "↑", "↑"]


def test_ranks_follow_the_scale():
    assert [rank(a) for a in ALL] == list(range(14, -1, -1))
    assert (arrow("B", "B"), arrow("A-", "B+"), arrow(None, "C")) == ("→", "↓", "")
    assert [support_value(a) for a in ("A+", "B-", "C", "D+", "E")] == [2, 1, 0, -1, -2]


@given(st.sampled_from(ALL), st.sampled_from(ALL))
def test_arrow_is_antisymmetric(a, b):
    flipped = {"↑": "↓", "↓": "↑", "→": "→"}
    assert arrow(b, a) == flipped[arrow(a, b)]
