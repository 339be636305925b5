"""The vector parsers (a whole column at once) agree with the cell parsers on any input."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kam.imports.specs import COLUMNS, CellError

CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "12",
            "-12",
            "12.5",
            "12.345",
            "1,234.50",
            "¥1 234.5",
            "'-5",
            "1e5",
            "1_000",
            "NaN",
            "Infinity",
            "１２",
            "2025-01-05",
            "2025/1/6",
            "2025年1月7日",
            "45665",
            "2025-02-30",
            "next week",
            "yes",
            "no",
            "是",
            "否",
            "TRUE",
            "x",
            "praise",
            "表扬",
            "投诉",
            "Complaint",
            "state_owned",
            "国有",
            "active",
            "Active",
            "活跃客户",
            "'=cmd",
            "=1+1",
            "a\tb",
            "9" * 20,
            "0.001",
            "-0.00",
        ]
    ),
    st.text(max_size=8),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
)


def _cell_by_cell(parse, cells):
    try:
        return [parse(cell) for cell in cells]
    except CellError:
        return None


LEDGER_KINDS = ("transactions", "payments", "feedback")


def test_every_ledger_column_has_a_vector_parser():
    assert [c.key for kind in LEDGER_KINDS for c in COLUMNS[kind] if not hasattr(c.parse, "many")] == []


@pytest.mark.parametrize(
    "column",
    [column for columns in COLUMNS.values() for column in columns if hasattr(column.parse, "many")],
    ids=lambda column: column.key,
)
@settings(max_examples=80, deadline=None)
@given(cells=st.lists(CELLS, min_size=1, max_size=12))
def test_vector_parser_agrees_with_the_cell_parser(column, cells):
    many = column.parse.many
    expected = _cell_by_cell(column.parse, cells)
    result = many(tuple(cells))
    if expected is None:
        assert result is None
    elif result is not None:
        assert result == expected
        assert [type(value) for value in result] == [type(value) for value in expected]


def test_vector_parsers_take_the_common_cells_in_one_pass():
    columns = {column.key: column for column in COLUMNS["transactions"]}
    assert columns["amount"].parse.many(("1000.50", "7", "-3.25")) == [100050, 700, -325]
    assert columns["cost"].parse.many(("", "1.5")) == [None, 150]
    assert columns["quantity"].parse.many(("2", "0.125")) == [2, columns["quantity"].parse("0.125")]
    assert columns["ordered_on"].parse.many(("2025-01-05", "2025/1/6")) == [
        datetime.date(2025, 1, 5),
        datetime.date(2025, 1, 6),
    ]
    assert columns["returned"].parse.many(("", "yes", "否"))[1:] == [True, False]
    assert columns["amount"].parse.many(("1,000.50",)) is None  # the cell parser reads this one
