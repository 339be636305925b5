"""Where the buying-center map puts each person (a tidy tree), and how a big org chart is cut down."""

from kam.buyingcenter.orgmap import Placed, layout


def test_a_manager_sits_above_the_middle_of_their_reports():
    # 李阳 (1) with 张华 (2), 李建 (3), 王桑 (4); 张华 has one report (5)
    placed = layout([(1, None), (2, 1), (3, 1), (4, 1), (5, 2)])
    assert sorted(placed, key=lambda p: p.id) == [
        Placed(1, None, 1.0, 0),
        Placed(2, 1, 0.0, 1),
        Placed(3, 1, 1.0, 1),
        Placed(4, 1, 2.0, 1),
        Placed(5, 2, 0.0, 2),
    ]


def test_two_top_people_and_a_manager_outside_the_account():
    placed = {p.id: p for p in layout([(1, None), (2, None), (3, 2), (4, 99)])}
    assert [(p.column, p.row, p.parent_id) for _id, p in sorted(placed.items())] == [
        (0.0, 0, None),
        (1.0, 0, None),
        (1.0, 1, 2),
        (2.0, 0, None),
    ]


def test_big_charts_keep_the_stakeholders_and_the_managers_above_them():
    people = [(1, None), (2, 1), (3, 1), (4, 2), (5, 3), (6, 3)]
    placed = layout(people, highlighted={4, 6}, limit=5)
    assert sorted(p.id for p in placed) == [1, 2, 3, 4, 6]  # 5 is neither a stakeholder nor above one
    assert sorted(p.id for p in layout(people, highlighted={4}, limit=6)) == [1, 2, 3, 4, 5, 6]


def test_a_reporting_loop_is_still_drawn():
    placed = layout([(1, 2), (2, 1)])
    assert sorted((p.id, p.parent_id, p.row) for p in placed) == [(1, None, 0), (2, 1, 1)]
