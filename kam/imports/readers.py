"""Reading an uploaded CSV or XLSX file into a header and numbered rows, as the user sees them.

Row numbers are 1-based spreadsheet rows: the header is the first non-blank row (row 1 in a normal
file) and blank rows are skipped but still counted, so "row 7" is row 7 in Excel.
"""

import codecs
import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

#: A cell as the parsers receive it: text from CSV; text, numbers, dates or booleans from XLSX.
Cell = str | int | float | bool | datetime.date
Row = tuple[int, list[Cell]]


class ReadError(Exception):
    """The file as a whole cannot be read (not a spreadsheet, unknown encoding, no header)."""

    def __init__(self, message, row: int | None = None):
        super().__init__(str(message))
        self.message = message
        self.row = row


@dataclass
class Table:
    header: list[str]
    header_row: int
    rows: Iterator[Row]
    #: An estimate of the number of data rows, for progress bars (exact for ordinary CSV files).
    size_hint: int
    #: A CSV file's decoded text, for the ledger's column-wise reader (kam.imports.columnar).
    text: str | None = None


def read_table(data: bytes, file_name: str = "") -> Table:
    """Read CSV or XLSX (chosen by the file's content, falling back to its extension)."""
    if data.startswith(b"PK\x03\x04") or file_name.lower().endswith(".xlsx"):
        return read_xlsx(data)
    if file_name.lower().endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(_("Old Excel .xls files cannot be read; save the file as .xlsx or .csv."))
    return read_csv(data)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 — a superset of GBK/GB2312 that Chinese Excel writes."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as error:
            raise ReadError(_("The file is neither UTF-8 nor GBK text; save it as CSV UTF-8.")) from error
    return text.removeprefix("\ufeff")


def _is_blank(cells) -> bool:
    return all(cell == "" or cell is None for cell in cells)


def read_csv(data: bytes) -> Table:
    text = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):  # noqa: B007 (number is read after the loop)
            if not _is_blank(cells):
                break
        else:
            raise ReadError(_("The file is empty."))
    except csv.Error as error:
        raise ReadError(
            _("Row %(row)s cannot be read as CSV.") % {"row": number + 1}, row=number + 1
        ) from error
    header = [cell.strip() for cell in cells]

    def rows() -> Iterator[Row]:
        row_number = number
        try:
            for row_number, row in enumerate(reader, start=number + 1):
                if any(row):  # = not _is_blank(row) for text cells, at a fraction of the cost (ledger files)
                    yield row_number, row
        except csv.Error as error:
            message = _("Row %(row)s cannot be read as CSV.") % {"row": row_number + 1}
            raise ReadError(message, row=row_number + 1) from error

    return Table(
        header=header,
        header_row=number,
        rows=rows(),
        size_hint=max(text.count("\n") - number, 0),
        text=text,
    )


def _xlsx_cell(value) -> Cell:
    """Plain values: dates without their midnight time, whole floats as ints (so 110.0 stays code 110)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.time | datetime.timedelta):
        return str(value)
    return value


def read_xlsx(data: bytes) -> Table:
    """The first worksheet, read in streaming mode (openpyxl read_only, values not formulas)."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as error:
        raise ReadError(_("This is not a readable .xlsx file.")) from error
    sheet = workbook.worksheets[0]
    size = sheet.max_row or 0
    values = sheet.iter_rows(values_only=True)
    for number, cells in enumerate(values, start=1):  # noqa: B007 (number is read after the loop)
        if not _is_blank(cells):
            break
    else:
        workbook.close()
        raise ReadError(_("The file is empty."))
    header = [str(cell).strip() if cell is not None else "" for cell in cells]

    def rows() -> Iterator[Row]:
        try:
            for row_number, row in enumerate(values, start=number + 1):
                if not _is_blank(row):
                    yield row_number, [_xlsx_cell(cell) for cell in row]
        finally:
            workbook.close()

    return Table(header=header, header_row=number, rows=rows(), size_hint=max(size - number, 0))
