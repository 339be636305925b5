"""The ledger's column-wise path (Polars) gives what the cell parsers give: cells, row numbers, imports."""

import csv
import datetime
import io
import random
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kam.imports import columnar, importers, ledger
from kam.imports.ledger import LedgerImporter
from kam.imports.readers import read_table
from kam.imports.services import import_file
from kam.imports.specs import COLUMNS, OMIT, CellError
from kam.imports.tests.test_ledger_parsers import CELLS
from kam.tiering.models import Feedback, FeedbackMonth, Payment, PaymentMonth, Transaction, TransactionMonth

FRAMED = [column for kind in ("transactions", "payments", "feedback") for column in COLUMNS[kind]]
ODD_SPACE = st.sampled_from(["", " ", "\t", "\x1c", "\x1f", "\u3000", "\xa0", "\u2028", "\x85", "\u200b"])
FRAME_CELLS = st.one_of(
    CELLS,
    st.tuples(ODD_SPACE, CELLS, ODD_SPACE).map("".join),
    st.sampled_from(
        ["0000-01-01", "2025-1-05", "'ERP", "Yes", "FALSE", "K", "ＹＥＳ", "-0", "017.50", "0.1234"]
    ),
)


@pytest.mark.parametrize("column", FRAMED, ids=lambda column: column.key)
@settings(max_examples=60, deadline=None)
@given(cells=st.lists(FRAME_CELLS, min_size=1, max_size=10))
def test_a_certain_cell_has_the_cell_parsers_value(column, cells):
    value, sure = column.parse.frame(pl.col("cell"))
    frame = pl.DataFrame({"cell": cells}, schema={"cell": pl.String}).select(
        value.alias("v"), sure.alias("s")
    )
    for cell, parsed, certain in zip(cells, frame["v"].to_list(), frame["s"].to_list(), strict=True):
        if not certain:
            continue
        try:
            expected = column.parse(cell)
        except CellError as error:
            raise AssertionError(f"{column.key}: {cell!r} is certain but the parser says {error}") from None
        if expected is OMIT:
            expected = None
        if isinstance(parsed, str) and column.key == "quantity":
            parsed = Decimal(parsed)
        assert parsed == expected, (column.key, cell)


def test_plain_cells_are_certain():
    """The cells of an ordinary ledger take the fast path (else it would be no faster)."""
    columns = {column.key: column for column in COLUMNS["transactions"]}
    cases = {
        "account_code": ["110", "GEN-000001"],
        "order_no": ["SO-1"],
        "ordered_on": ["2025-01-05", ""],
        "product": ["ERP", ""],
        "quantity": ["2", "0.125", ""],
        "amount": ["1000.50", "7", "-3.25"],
        "returned": ["", "no", "yes", "否"],
    }
    for key, cells in cases.items():
        value, sure = columns[key].parse.frame(pl.col("cell"))
        frame = pl.DataFrame({"cell": cells}).select(value.alias("v"), sure.alias("s"))
        assert frame["s"].to_list() == [True] * len(cells), key
    value, _sure = columns["amount"].parse.frame(pl.col("cell"))
    assert pl.DataFrame({"cell": ["1000.50", "7", "-3.25", ""]}).select(value.alias("v"))["v"].to_list() == [
        100050,
        700,
        -325,
        None,
    ]


def _frame_rows(data: bytes):
    frame = columnar.read_frame(read_table(data, "ledger.csv"))
    assert frame is not None
    return [(row[-1], list(row[:-1])) for row in frame.select(pl.exclude("line"), "line").iter_rows()]


def _reader_rows(data: bytes, width: int):
    return [
        (number, [*cells, *[""] * (width - len(cells))]) for number, cells in read_table(data, "x.csv").rows
    ]


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(
        st.one_of(
            st.just(""),
            st.just(",,"),
            st.lists(st.sampled_from(["a", "", " b ", "中文", "1.5", "\\N"]), min_size=1, max_size=3).map(
                ",".join
            ),
        ),
        max_size=12,
    ),
    newline=st.sampled_from(["\n", "\r\n"]),
    final=st.booleans(),
)
def test_rows_are_numbered_as_the_csv_reader_numbers_them(lines, newline, final):
    text = newline.join(["h1,h2,h3", *lines]) + (newline if final else "")
    data = text.encode()
    assert _frame_rows(data) == _reader_rows(data, 3)


ODD_FILES = {
    "quotes where the csv module reads them its own way": 'h1,h2\n"a"b,c"d\n',
    "a quoted blank": 'h1,h2\n"",x\n',
    "a carriage return alone": "h1,h2\na\rb,c\n",
    "a NUL": "h1,h2\na\0,b\n",
    "the header below a blank row": "\nh1,h2\n\na,b\n",
    "a cell beyond the header": "h1,h2\na,b,c\n",
    "a cell longer than the csv module takes": "h1,h2\na," + "b" * (csv.field_size_limit() + 1) + "\n",
}
WRITTEN_FILES = {
    "quotes where needed": 'h1,h2\n"a, b",c\n"x\ny",""""\n',
    "every cell quoted": '"h1","h2"\r\n"a, b","c"\r\n"","x"\r\n',
    "no quotes, a blank row, a row of separators, a short row": "h1,h2\na,b\n\n,\nc\n",
    "no data": "h1,h2\n",
}


@pytest.mark.parametrize("text", WRITTEN_FILES.values(), ids=WRITTEN_FILES)
def test_polars_reads_the_files_a_csv_writer_writes_as_the_csv_module_does(text):
    data = text.encode()
    assert _frame_rows(data) == _reader_rows(data, 2)


@pytest.mark.parametrize("text", ODD_FILES.values(), ids=ODD_FILES)
def test_other_files_are_left_to_the_cell_path(text):
    assert columnar.read_frame(read_table(text.encode(), "x.csv")) is None


HEADER = [
    "account_code", "order_no", "ordered_on", "product", "quantity", "amount", "cost", "gross_margin",
    "returned", "returned_amount",
]  # fmt: skip


def _ledger_file(seed: int, rows: int, *, with_errors: bool) -> bytes:
    """Mostly plain sales, with returns, unusual forms and (if asked) bad cells and unknown accounts."""
    rng = random.Random(seed)
    unusual = {
        "amount": ["¥1234.50", " 12 ", "1e3", "0012.5"],
        "ordered_on": ["2025/1/6", "2025年1月7日", "45665", " 2025-03-04"],
        "quantity": ["1 000", "", "3.000"],
        "returned": ["yes", "是", "no", ""],
        "product": ["'=1+1", "\x1cERP", "C:\\path", "\\N", "NULL"],
    }
    bad = {
        "amount": ["abc", "12.345", "-40"],
        "ordered_on": ["2025-02-30", "2025-1-5"],
        "account_code": ["NOPE"],
        "quantity": ["-2"],
        "order_no": [""],
    }
    lines = [",".join(HEADER)]
    for n in range(rows):
        cents = rng.randint(0, 10**6)
        cells = {
            "account_code": rng.choice(["110", "W1"]),
            "order_no": f"O-{n}",
            "ordered_on": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "product": rng.choice(["ERP", "", "CRM"]),
            "quantity": rng.choice(["", "1", "2.5"]),
            "amount": f"{cents / 100:.2f}",
        }
        if rng.random() < 0.1:  # a return, written negative or not, flagged or given a returned amount
            if rng.random() < 0.5:
                cells["amount"], cells["quantity"] = f"-{cells['amount']}", "-1"
            if rng.random() < 0.5:
                cells["returned"] = "yes"
            else:
                cells["returned_amount"] = cells["amount"]
        elif rng.random() < 0.3:
            cells["cost" if rng.random() < 0.5 else "gross_margin"] = f"{rng.randint(0, cents) / 100:.2f}"
        else:
            for key, options in unusual.items():
                if rng.random() < 0.05:
                    cells[key] = rng.choice(options)
        if with_errors:
            for key, options in bad.items():
                if rng.random() < 0.02:
                    cells[key] = rng.choice(options)
        if rng.random() < 0.02:
            lines.append("")
        lines.append(",".join(cells.get(key, "") for key in HEADER))
    return ("\n".join(lines) + "\n").encode()


def _import_both_ways(monkeypatch, actor, data: bytes, kind="transactions", **kwargs):
    """Import `data` column-wise, then (after deleting what that saved) cell by cell: both jobs and what
    each saved. Checks that the column-wise import staged some rows from the frame."""
    model, rollup = {
        "transactions": (Transaction, TransactionMonth),
        "payments": (Payment, PaymentMonth),
        "feedback": (Feedback, FeedbackMonth),
    }[kind]

    def saved():
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in ("id", "updated_at")]
        rows = sorted(model.objects.values_list(*fields))
        cells = sorted(rollup.objects.values_list(*[f.attname for f in rollup._meta.concrete_fields]))
        return rows, cells

    def outcome(job):
        return (job.status, job.created_count, job.updated_count, job.error_count, job.errors), saved()

    framed_rows = []
    write_staging_frame = LedgerImporter.write_staging_frame
    monkeypatch.setattr(
        LedgerImporter,
        "write_staging_frame",
        lambda self, rows: framed_rows.append(rows.height) or write_staging_frame(self, rows),
    )
    framed = outcome(import_file(kind=kind, actor=actor, data=data, file_name="ledger.csv", **kwargs))
    assert sum(framed_rows) > 0
    model.objects.all().delete()
    rollup.objects.all().delete()
    monkeypatch.setattr(LedgerImporter, "read_frame", lambda self, table: None)
    by_cell = outcome(import_file(kind=kind, actor=actor, data=data, file_name="ledger.csv", **kwargs))
    return framed, by_cell


@pytest.mark.parametrize("seed", [1, 2])
def test_an_import_saves_the_same_either_way(world, monkeypatch, seed):
    data = _ledger_file(seed, 400, with_errors=False)
    assert columnar.read_frame(read_table(data, "ledger.csv")) is not None
    framed, by_cell = _import_both_ways(monkeypatch, world.admin, data)
    assert framed[0][0] == "done", framed[0][4][:5]
    assert framed[0][1] > 300
    assert framed == by_cell


def test_a_quoted_file_saves_the_same_either_way(world, monkeypatch):
    """Files that quote every cell, as many ERPs write them, with commas and quotes inside cells."""
    rows = [row for row in csv.reader(io.StringIO(_ledger_file(6, 300, with_errors=False).decode())) if row]
    for row in rows[1::7]:
        row[3] = 'Pump, 3 kW "Eco"'
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL).writerows(rows)
    framed, by_cell = _import_both_ways(monkeypatch, world.admin, buffer.getvalue().encode())
    assert framed[0][:2] == ("done", 300)
    assert framed == by_cell
    assert Transaction.objects.filter(product='Pump, 3 kW "Eco"').count() == len(rows[1::7])


def test_files_without_the_optional_columns_are_the_same_either_way(world, monkeypatch):
    sales = "account_code,order_no,ordered_on,amount\n110,S1,2025-01-10,10\nW1,S2,2025-02-11,-3\n"
    framed, by_cell = _import_both_ways(monkeypatch, world.admin, sales.encode())
    assert framed[0][0] == "failed"  # the negative amount, on a row that is not a return
    assert framed == by_cell
    monkeypatch.undo()
    payments = "account_code,invoice_no,invoiced_on,amount\n110,I1,2025-01-10,10\nW1,I2,2025-02-11,7.5\n"
    framed, by_cell = _import_both_ways(monkeypatch, world.admin, payments.encode(), kind="payments")
    assert framed[0][:2] == ("done", 2)
    assert framed == by_cell


def test_errors_are_kept_in_the_cell_paths_order_past_a_block(world, monkeypatch):
    """The cell path checks STAGE_ROWS rows at a time, column by column, and keeps the first errors."""
    monkeypatch.setattr(ledger, "STAGE_ROWS", 4)
    monkeypatch.setattr(importers, "MAX_STORED_ERRORS", 3)
    lines = ["account_code,order_no,ordered_on,amount"]
    lines += [f"110,A{n},2025-01-02,{'bad' if n < 3 else '1'}" for n in range(6)]
    lines += [f"110,{'' if n < 3 else f'B{n}'},2025-01-02,1" for n in range(6)]
    framed, by_cell = _import_both_ways(monkeypatch, world.admin, ("\n".join(lines) + "\n").encode())
    assert [(error["row"], error["column"]) for error in framed[0][4]] == [
        (2, "amount"),
        (3, "amount"),
        (4, "amount"),
    ]
    assert framed[0][3] == 6
    assert framed == by_cell


@pytest.mark.parametrize("seed", [3, 4])
def test_an_import_reports_the_same_errors_either_way(world, monkeypatch, seed):
    data = _ledger_file(seed, 400, with_errors=True)
    framed, by_cell = _import_both_ways(monkeypatch, world.admin, data)
    assert framed[0][0] == "failed"
    assert framed[0][3] > 5
    assert framed[1] == ([], [])
    assert framed == by_cell


def test_payments_are_the_same_either_way(world, monkeypatch):
    rng = random.Random(5)
    lines = ["account_code,invoice_no,invoiced_on,due_on,paid_on,amount"]
    for n in range(200):
        invoiced = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 300))
        due = invoiced + datetime.timedelta(days=rng.choice([0, 30]))
        paid = "" if rng.random() < 0.3 else str(invoiced + datetime.timedelta(days=rng.randint(0, 90)))
        amount = rng.choice([f"{rng.randint(0, 10**6) / 100:.2f}", "¥1000.00", " 12 "])
        due = due if rng.random() < 0.9 else ""
        lines.append(f"{rng.choice(['110', 'W1'])},INV-{n},{invoiced},{due},{paid},{amount}")
    data = ("\n".join(lines) + "\n").encode()
    framed, by_cell = _import_both_ways(monkeypatch, world.admin, data, kind="payments")
    assert framed[0][:2] == ("done", 200)
    assert framed == by_cell


def test_feedback_is_the_same_either_way(world, monkeypatch):
    rng = random.Random(7)
    lines = ["account_code,number,kind,received_on,text"]
    for n in range(200):
        number = "" if rng.random() < 0.2 else f"F-{n}"
        kind = rng.choice(["praise", "Complaint", "投诉", "建议", " suggestion "])
        lines.append(f"{rng.choice(['110', 'W1'])},{number},{kind},2025-{rng.randint(1, 12):02d}-05,note {n}")
    framed, by_cell = _import_both_ways(
        monkeypatch, world.admin, ("\n".join(lines) + "\n").encode(), "feedback"
    )
    assert framed[0][:2] == ("done", 200)
    assert framed == by_cell
