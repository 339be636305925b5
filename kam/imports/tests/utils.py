"""Building import files in tests: CSV in any encoding, real XLSX files written with openpyxl."""

import csv
import io

from openpyxl import Workbook, load_workbook

ACCOUNT_HEADER = ["code", "name", "industry", "status", "annual_revenue", "founded_on", "owner"]


def csv_bytes(rows, *, encoding: str = "utf-8", bom: bytes = b"") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return bom + buffer.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_csv_text(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def account_rows(count: int, *, start: int = 1, industry: str = "finance") -> list[list]:
    return [
        [f"A{n:05d}", f"Account {n}", industry, "prospect", f"{n}.50", "2020-01-31", ""]
        for n in range(start, start + count)
    ]
