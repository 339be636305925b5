"""Writing rows to CSV and XLSX, inert against formula injection, streaming so big exports fit in memory."""

import csv
import datetime
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import BinaryIO, TextIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from kam.imports.specs import FORMULA_PREFIXES

CSV_BOM = "\ufeff"


def escape_text(value: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would run as a formula (=cmd|'/c calc'!A1 and kin)."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal | int | float):
        return str(value)
    return escape_text(str(value))


def xlsx_cell(value):
    """Numbers, dates and booleans stay typed; text is escaped and always written as text."""
    if value is None or isinstance(value, bool | int | float | Decimal | datetime.date):
        return value
    return escape_text(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


class _Echo:
    """A file-like object whose write() returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence]) -> Iterator[str]:
    """UTF-8 CSV text, line by line, starting with a BOM so that Excel reads Chinese correctly."""
    writer = csv.writer(_Echo())
    yield CSV_BOM
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def write_csv(rows: Iterable[Sequence], out: TextIO) -> None:
    for line in csv_lines(rows):
        out.write(line)


def write_xlsx(
    rows: Iterable[Sequence],
    out: BinaryIO | str,
    *,
    title: str,
    extra_sheets: dict[str, Iterable[Sequence]] | None = None,
) -> None:
    """One sheet of `rows` (first row bold: the header), then any extra sheets; write-only mode."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet_title, sheet_rows in {title: rows, **(extra_sheets or {})}.items():
        sheet = workbook.create_sheet(title=sheet_title[:31])
        for index, row in enumerate(sheet_rows):
            cells = [xlsx_cell(value) for value in row]
            if index == 0:
                cells = [_styled(sheet, value, bold) for value in cells]
            sheet.append(cells)
    workbook.save(out)


def _styled(sheet, value, font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell
