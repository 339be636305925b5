"""Method rules → actions (M4.2–M4.4, M3.6), gate warnings and counterpart gaps (M4.7): exact on M4.3."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from kam.buyingcenter import rules
from kam.buyingcenter.rules import Action, Facts, Gap
from kam.pipeline.choices import Attitude

TODAY = datetime.date(2026, 3, 2)


def _days(n):
    return TODAY - datetime.timedelta(days=n)


M43 = [
    Facts(1, "张华", frozenset({"technical"}), "C", 60, _days(45), paired=True),
    Facts(2, "李建", frozenset({"coach"}), "B", 30, _days(10), paired=True),
    Facts(3, "王桑", frozenset({"financial", "influencer"}), "E", 10, None),
    Facts(4, "李阳", frozenset({"economic"}), "", 0, None),
]


def test_m43_actions_in_order():
    found = rules.actions(M43, today=TODAY, past_gate=False)
    assert [(a.rule, a.name, a.section) for a in found] == [
        ("find_out", "李阳", "M4.3"),
        ("neutralise", "王桑", "M4.4"),
        ("win_over", "张华", "M4.4"),
        ("follow_up", "张华", "M3.6"),
        ("follow_up", "王桑", "M3.6"),
        ("follow_up", "李阳", "M3.6"),
    ]
    assert [(a.text, a.why) for a in found] == [
        ("Find out where 李阳 stands", "Attitude unknown, weight 0 %."),
        ("Plan how to neutralise 王桑", "Attitude E, weight 10 %."),
        ("Win over 张华", "Attitude C, weight 60 %."),
        ("Follow up with 张华", "Last contact 45 days ago."),
        ("Follow up with 王桑", "No contact logged yet."),
        ("Follow up with 李阳", "No contact logged yet."),
    ]
    assert [a.rule_label for a in found[:3]] == [
        "Find the key decision maker",
        "Eliminate the opponents",
        "Win over the neutrals",
    ]


def test_thresholds():
    def fired(person):
        return [a.rule for a in rules.actions([person], today=TODAY, past_gate=False) if a.rule != "identify"]

    recent = _days(30)  # 30 days: not yet a follow-up
    assert fired(Facts(1, "a", frozenset(), "C", 19, recent)) == []
    assert fired(Facts(1, "a", frozenset(), "C+", 20, recent)) == ["win_over"]
    assert fired(Facts(1, "a", frozenset(), "E", 9, recent)) == []
    assert fired(Facts(1, "a", frozenset(), "D-", 10, recent)) == ["neutralise"]
    assert fired(Facts(1, "a", frozenset(), "", 9, recent)) == []
    assert fired(Facts(1, "a", frozenset(), "", 10, recent)) == ["find_out"]
    assert fired(Facts(1, "a", frozenset({"technical"}), "B", 0, recent)) == ["find_out"]
    assert fired(Facts(1, "a", frozenset({"technical"}), "B", 1, recent)) == []
    assert fired(Facts(1, "a", frozenset({"economic"}), "", 40, _days(31))) == ["find_out", "follow_up"]
    why = rules.actions(
        [Facts(1, "a", frozenset({"technical"}), "B", 0, recent)], today=TODAY, past_gate=False
    )
    assert [a.why for a in why if a.rule == "find_out"] == [
        "A decision maker whose weight is 0: is that right?"
    ]


def test_missing_buyers_are_asked_for_once_the_buying_center_is_started_or_at_the_gate():
    assert rules.actions([], today=TODAY, past_gate=False) == []
    assert rules.actions([], today=TODAY, past_gate=True) == [
        Action("identify", "economic"),
        Action("identify", "technical"),
    ]
    only_user = [Facts(1, "a", frozenset({"user"}), "B", 100, _days(1))]
    first = rules.actions(only_user, today=TODAY, past_gate=False)
    assert [(a.rule, a.name, a.text) for a in first] == [
        ("identify", "economic", "Identify the economic buyer"),
        ("identify", "technical", "Identify the technical buyer"),
    ]
    assert rules.missing_roles(M43) == []


def test_gate_warns_on_forward_moves_reaching_stage_c():
    people = [Facts(1, "a", frozenset({"technical"}), "B", 100)]
    assert rules.gate_missing_roles(people, from_order=4, to_order=5, gate_order=5) == ["economic"]
    assert rules.gate_missing_roles(people, from_order=1, to_order=7, gate_order=5) == ["economic"]
    assert rules.gate_missing_roles([], from_order=6, to_order=7, gate_order=5) == ["economic", "technical"]
    assert rules.gate_missing_roles(people, from_order=3, to_order=4, gate_order=5) == []  # not there yet
    assert rules.gate_missing_roles(people, from_order=6, to_order=5, gate_order=5) == []  # backwards
    assert rules.gate_missing_roles(people, from_order=4, to_order=5, gate_order=None) == []  # no stage C
    assert rules.gate_missing_roles(M43, from_order=4, to_order=5, gate_order=5) == []


def test_m43_counterpart_gaps():
    """张华 and 李建 have counterparts; 王桑 (10 %) and the economic buyer 李阳 have none."""
    assert rules.counterpart_gaps(M43) == [
        Gap(3, "王桑", ("financial", "influencer"), "finance"),
        Gap(4, "李阳", ("economic",), "executive"),
    ]
    assert [g.level_label for g in rules.counterpart_gaps(M43)] == [
        "Finance ↔ finance",
        "General manager ↔ general manager",
    ]
    light = Facts(5, "秘书", frozenset({"influencer"}), "B", 5)
    assert rules.counterpart_gaps([light]) == []  # no decision role, no material weight


facts = st.builds(
    Facts,
    id=st.integers(1, 50),
    name=st.sampled_from(["张华", "李建", "王桑", "李阳", "Anna"]),
    roles=st.frozensets(
        st.sampled_from(["economic", "technical", "user", "financial", "coach", "influencer"])
    ),
    attitude=st.sampled_from(["", *Attitude.values]),
    weight=st.integers(0, 100),
    last_contact=st.one_of(st.none(), st.dates(TODAY - datetime.timedelta(days=90), TODAY)),
    paired=st.booleans(),
)


@given(st.lists(facts, max_size=10, unique_by=lambda f: f.id), st.booleans(), st.randoms())
def test_rules_are_deterministic(people, past_gate, random):
    first = rules.actions(people, today=TODAY, past_gate=past_gate)
    shuffled = list(people)
    random.shuffle(shuffled)
    assert rules.actions(shuffled, today=TODAY, past_gate=past_gate) == first
    assert rules.counterpart_gaps(shuffled) == rules.counterpart_gaps(people)
    assert [a.sort_key for a in first] == sorted(a.sort_key for a in first)
    assert all(a.section in {"M4.2", "M4.3", "M4.4", "M3.6"} and a.text and a.why for a in first)
