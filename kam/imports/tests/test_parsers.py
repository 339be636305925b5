import codecs
import datetime
from decimal import Decimal

import pytest

from kam.accounts.choices import InteractionKind, Ownership
from kam.imports import specs
from kam.imports.readers import ReadError, read_table
from kam.imports.specs import OMIT, CellError
from kam.imports.tests.utils import csv_bytes, xlsx_bytes

ROWS = [["code", "name"], ["A1", "上海烟草集团"], ["A2", "浦发银行"]]


def _read(data: bytes, name: str = "f.csv"):
    table = read_table(data, name)
    return table.header, list(table.rows)


@pytest.mark.parametrize(
    "data",
    [
        csv_bytes(ROWS),
        csv_bytes(ROWS, bom=codecs.BOM_UTF8),
        csv_bytes(ROWS, encoding="gbk"),
        csv_bytes(ROWS, encoding="gbk", bom=codecs.BOM_UTF8),
        csv_bytes([["\ufeffcode", "name"], *ROWS[1:]], encoding="gb18030"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gbk-with-bom", "gb18030-bom"],
)
def test_csv_encodings_read_the_same(data):
    assert _read(data) == (["code", "name"], [(2, ["A1", "上海烟草集团"]), (3, ["A2", "浦发银行"])])


def test_csv_rows_are_numbered_as_in_the_spreadsheet():
    data = b'\n\ncode,name\nA1,One\n,\nA2,"Two\nlines"\nA3,Three\n'
    header, rows = _read(data)
    assert header == ["code", "name"]
    assert rows == [(4, ["A1", "One"]), (6, ["A2", "Two\nlines"]), (7, ["A3", "Three"])]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "f.csv", "The file is empty."),
        (b"\n,,\n", "f.csv", "The file is empty."),
        (b"code\n\x80\x80", "f.csv", "The file is neither UTF-8 nor GBK text; save it as CSV UTF-8."),
        (
            b"\xd0\xcf\x11\xe0old",
            "f.xls",
            "Old Excel .xls files cannot be read; save the file as .xlsx or .csv.",
        ),
        (b"PK\x03\x04broken", "f.xlsx", "This is not a readable .xlsx file."),
    ],
)
def test_unreadable_files_say_why(data, name, message):
    with pytest.raises(ReadError) as error:
        _read(data, name)
    assert str(error.value.message) == message


def test_xlsx_cells_become_plain_values():
    data = xlsx_bytes(
        [
            [None],
            ["code", "founded_on", "annual_revenue", "is_listed"],
            [110, datetime.datetime(2024, 1, 31), 1234.5, True],
            [None, None, None, None],
            ["A2", 45322, 7.0, "no"],
        ]
    )
    header, rows = _read(data, "upload.xlsx")
    assert header == ["code", "founded_on", "annual_revenue", "is_listed"]
    assert rows == [(3, [110, datetime.date(2024, 1, 31), 1234.5, True]), (5, ["A2", 45322, 7, "no"])]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1,234.5", Decimal("1234.50")), ("¥ 1 000", Decimal("1000.00")), (1234.56, Decimal("1234.56")),
     (0.1 + 0.2, Decimal("0.30")), (42, Decimal("42.00")), ("", None)],
)  # fmt: skip
def test_decimal_parser_accepts_what_spreadsheets_write(raw, expected):
    assert specs.decimal(18, 2)(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("abc", "“abc” is not a number."),
        ("NaN", "“NaN” is not a number."),
        ("-5", "the amount cannot be negative."),
        ("1.234", "use at most 2 decimal places."),
        ("1e20", "the number is too large."),
        ("10000000000000000", "the number is too large."),
    ],
)
def test_decimal_parser_errors(raw, message):
    with pytest.raises(CellError) as error:
        specs.decimal(18, 2)(raw)
    assert error.value.message == message


@pytest.mark.parametrize(
    "raw",
    ["2024-01-31", "2024/1/31", "2024.01.31", "2024年1月31日", "20240131", "2024-01-31 00:00:00",
     "2024-01-31T09:30", 45322, "45322", 45322.75, datetime.date(2024, 1, 31)],
)  # fmt: skip
def test_date_parser_reads_the_usual_ways_and_excel_serials(raw):
    assert specs.date()(raw) == datetime.date(2024, 1, 31)


def test_date_parser_errors_and_blanks():
    with pytest.raises(CellError) as error:
        specs.date()("31/01/2024")
    assert error.value.message == "“31/01/2024” is not a date; write it as 2024-01-31."
    for raw in (-3, "2024-01-31abc", "2024-02-30"):
        with pytest.raises(CellError):
            specs.date()(raw)
    assert specs.date()("") is None
    assert specs.date(blank=OMIT)(" ") is OMIT


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("TRUE", True), ("yes", True), ("是", True), ("1", True), (1, True), (True, True), ("FALSE", False),
     ("否", False), ("n", False), (0, False), ("", OMIT)],
)  # fmt: skip
def test_boolean_parser(raw, expected):
    assert specs.boolean(raw) is expected


def test_boolean_parser_error():
    with pytest.raises(CellError) as error:
        specs.boolean("maybe")
    assert error.value.message == "“maybe” is not yes or no."


@pytest.mark.parametrize("raw", ["state_owned", "State-owned", "STATE-OWNED", "国有", "国企", " 国有企业 "])
def test_choices_accept_value_labels_and_chinese_words(raw):
    assert specs.choice(Ownership)(raw) == "state_owned"


def test_choice_errors_list_the_values():
    with pytest.raises(CellError) as error:
        specs.choice(InteractionKind, required=True)("dinner")
    assert error.value.message == (
        "“dinner” is not one of: Phone call, Visit, Technical exchange, Proposal, Negotiation, "
        "Event / hospitality, E-mail, Other."
    )
    with pytest.raises(CellError):
        specs.choice(InteractionKind, required=True)("")
    assert specs.choice(Ownership)("") is OMIT
    assert specs.optional_choice(Ownership)("") == ""


def test_email_and_url_parsers():
    assert specs.email(254)(" li@spdb.com.cn ") == "li@spdb.com.cn"
    assert specs.email(254)("zhang.wei+kam@例子.中国") == "zhang.wei+kam@例子.中国"
    with pytest.raises(CellError) as error:
        specs.email(254)("li@")
    assert error.value.message == "“li@” is not an e-mail address."
    assert specs.url(200)("www.spdb.com.cn") == "https://www.spdb.com.cn"
    assert specs.url(200)("http://example.com/a?b=1") == "http://example.com/a?b=1"
    with pytest.raises(CellError) as error:
        specs.url(200)("not a site")
    assert error.value.message == "“not a site” is not a web address."


def test_text_parser_limits_length_and_undoes_export_escaping():
    parse = specs.text(5, required=True)
    assert parse("  abc ") == "abc"
    assert parse("'=1+1") == "=1+1"
    assert parse("'abc") == "'abc"
    assert parse(110) == "110"
    with pytest.raises(CellError) as error:
        parse("abcdef")
    assert error.value.message == "the text is longer than 5 characters."
    with pytest.raises(CellError) as error:
        parse(" ")
    assert error.value.message == "a value is required."


def test_contact_codes_split_on_either_semicolon():
    assert specs.code_list("C1; C2；C3;;") == ["C1", "C2", "C3"]


def test_headers_match_in_any_spelling_and_in_chinese():
    lookup = specs.header_lookup(specs.ACCOUNT_COLUMNS)
    for header, key in [("Company size", "company_size"), ("company-size*", "company_size"), ("名称", "name"),
                        ("行业", "industry"), ("CODE", "code")]:  # fmt: skip
        assert lookup[specs.normalize_header(header)].key == key
