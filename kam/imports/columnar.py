"""The column-wise fast path of the ledger import: a CSV file's plain rows read and checked by Polars.

A ledger file of a million rows is almost all plain rows — an ISO date, numbers without separators, no
return flag — and checking those a cell at a time in Python was most of an import's time. Here Polars
(Rust) reads the file and computes, column by column, what each cell parser of `specs` would give, together
with whether that value is *certainly* what the parser gives: a cell in an unusual form (“¥1,234”,
“2024/1/31”, a leading apostrophe, a stray control character) or a wrong one is not certain. A row whose
cells are all certain and that its kind calls plain (kam.imports.ledger: `LedgerImporter.plain_rule`) is
staged straight from the frame; every other row goes through the cell parsers and `finish` as before, which
keep the only word on errors and unusual forms. So the result of an import is the same either way; the
tests compare the two paths on generated files.

Polars reads a file only when it splits it as the csv module does: no carriage return outside a CRLF, no
NUL, the header on the first row, no row longer than the header or any cell longer than the csv module's
field limit, and quotes (if any) exactly where a CSV writer puts them — around every cell, or around those
that need them. Other CSV files, and XLSX files (whose cells come typed), take the cell-by-cell path.
"""

import csv
from collections.abc import Callable

import polars as pl

from kam.imports.readers import Table

#: A cell's value as a parser's frame form computes it, and whether that value is certainly right.
Parsed = tuple[pl.Expr, pl.Expr]
#: The line number column of a frame (the spreadsheet row, as the csv reader numbers it).
LINE = "line"

#: Characters that str.strip() removes but Rust's (Unicode White_Space) trim does not.
_PYTHON_ONLY_SPACE = r"[\x1c-\x1f]"


def read_frame(table: Table) -> pl.DataFrame | None:
    """A CSV file's data rows as text columns c0, c1, … plus their line numbers, without blank rows; None
    when Polars would not split the file as the csv module does (see the module's docstring)."""
    text = table.text
    if text is None or table.header_row != 1 or "\0" in text or text.count("\r") != text.count("\r\n"):
        return None
    quoted = '"' in text
    names = [f"c{index}" for index in range(len(table.header))]
    try:
        frame = pl.read_csv(
            text.encode(),
            has_header=False,
            skip_rows=0 if quoted else 1,
            schema=dict.fromkeys(names, pl.String),
            empty_string_is_null=False,
            row_index_name=LINE,
            row_index_offset=table.header_row + (0 if quoted else 1),
            quote_char='"' if quoted else None,
            missing_columns="insert",  # a short first row must not narrow the frame
        )
    except pl.exceptions.PolarsError:  # a row with more cells than the header, for one
        return None
    if quoted:
        if not _writes_back(frame.drop(LINE), text):
            return None
        frame = frame.slice(1)  # the header
    cells = [pl.col(name).fill_null("") for name in names]
    longest = frame.select(pl.max_horizontal(cell.str.len_chars().max() for cell in cells)).item()
    if longest is not None and longest > csv.field_size_limit():  # the csv module refuses such a file
        return None
    return frame.with_columns(cells).filter(pl.any_horizontal(cell != "" for cell in cells))


def _writes_back(frame: pl.DataFrame, text: str) -> bool:
    """Whether a CSV writer quoting every cell, or only where needed, writes exactly `text` from `frame`.

    Such a file is one that the csv module and Polars read alike (odd quoting such as `"a"b` is where they
    part ways, and no writer produces it). A blank cell written without quotes is read back as null.
    """
    terminator = "\r\n" if "\r\n" in text[: text.find("\n") + 1] else "\n"
    body = text if text.endswith("\n") else text + terminator
    for style, cells in (("always", frame), ("necessary", frame.with_columns(pl.all().replace("", None)))):
        written = cells.write_csv(include_header=False, quote_style=style, line_terminator=terminator)
        if written == body:
            return True
    return False


def stripped(cell: pl.Expr) -> Parsed:
    """The cell without surrounding white space, and whether str.strip() would give the same."""
    value = cell.str.strip_chars()
    edge = value.str.contains(f"^{_PYTHON_ONLY_SPACE}|{_PYTHON_ONLY_SPACE}$")
    return value, edge.not_()


def text(max_length: int | None, required: bool) -> Callable[[pl.Expr], Parsed]:
    """Text as it is, stripped; a leading apostrophe (which may hide a formula) and NUL are the parser's."""

    def frame(cell: pl.Expr) -> Parsed:
        value, sure = stripped(cell)
        sure = sure & value.str.starts_with("'").not_() & value.str.contains("\0", literal=True).not_()
        if max_length:
            sure = sure & (value.str.len_chars() <= max_length)
        if required:
            sure = sure & (value != "")
        return value, sure

    return frame


def iso_date() -> Callable[[pl.Expr], Parsed]:
    """ISO dates (2024-01-31) and blanks (None); every other form is the parser's."""

    def frame(cell: pl.Expr) -> Parsed:
        value, sure = stripped(cell)
        day = value.str.to_date("%Y-%m-%d", strict=False)
        iso = value.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$") & day.is_not_null() & (day.dt.year() >= 1)
        return pl.when(iso).then(day), sure & ((value == "") | iso)

    return frame


def signed_number(max_digits: int, decimal_places: int, as_decimal: bool) -> Callable[[pl.Expr], Parsed]:
    """Plain decimals (-1234.5) and blanks (None). As units of 10**-decimal_places (Int64), or with
    `as_decimal` as the text itself — which the database reads as the parser's Decimal."""
    integer_digits = min(max_digits, 18) - decimal_places  # within Int64 as units
    pattern = rf"^(-?)([0-9]{{1,{integer_digits}}})(?:\.([0-9]{{1,{decimal_places}}}))?$"

    def frame(cell: pl.Expr) -> Parsed:
        value, sure = stripped(cell)
        blank = value == ""
        sure = sure & (blank | value.str.contains(pattern))
        if as_decimal:
            return pl.when(blank).then(None).otherwise(value), sure
        whole = value.str.extract(pattern, 2).cast(pl.Int64, strict=False)
        fraction = value.str.extract(pattern, 3).fill_null("").str.pad_end(decimal_places, "0")
        units = whole * 10**decimal_places + fraction.cast(pl.Int64, strict=False).fill_null(0)
        negative = value.str.extract(pattern, 1) == "-"
        return pl.when(blank).then(None).when(negative).then(-units).otherwise(units), sure

    return frame


def _lookup_key(value: pl.Expr) -> pl.Expr:
    """The key a parser looks a word up by (its casefold()), where Polars can compute it: lower case on
    ASCII text, where the two agree; other text as it is, which finds only words without case."""
    return pl.when(value.str.contains(r"^[\x20-\x7e]*$")).then(value.str.to_lowercase()).otherwise(value)


def boolean(true: set[str], false: set[str]) -> Callable[[pl.Expr], Parsed]:
    """The yes/no words of the parser; blank is None (the parser's OMIT)."""
    words = {**dict.fromkeys(true, True), **dict.fromkeys(false, False)}

    def frame(cell: pl.Expr) -> Parsed:
        value, sure = stripped(cell)
        flag = _lookup_key(value).replace_strict(words, default=None, return_dtype=pl.Boolean)
        return flag, sure & ((value == "") | flag.is_not_null())

    return frame


def choice(lookup: dict[str, str], required: bool) -> Callable[[pl.Expr], Parsed]:
    """A stored value or label of the parser's lookup; blank is None (the parser's OMIT) unless required."""

    def frame(cell: pl.Expr) -> Parsed:
        value, sure = stripped(cell)
        picked = _lookup_key(value).replace_strict(lookup, default=None, return_dtype=pl.String)
        blank = pl.lit(False) if required else value == ""
        return picked, sure & (blank | picked.is_not_null())

    return frame
