"""Files the pages exchange: downloads of export rows (CSV or XLSX, cells formula-escaped by
kam.imports.writers) and uploads read into a table — for the data page and the pages with their own
import and export (buying center, SPIN plans, evaluations, matrices)."""

import tempfile

from django.http import FileResponse, Http404, HttpResponse

from kam.imports import writers
from kam.imports.readers import ReadError, read_table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def xlsx_response(rows, *, title: str, file_name: str, extra_sheets=None) -> FileResponse:
    """XLSX is a zip, so it is written to a temporary file first (openpyxl write-only: low memory)."""
    spool = tempfile.SpooledTemporaryFile(max_size=5 * 1024 * 1024)
    writers.write_xlsx(rows, spool, title=title, extra_sheets=extra_sheets)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=file_name, content_type=XLSX_TYPE)


def download_response(rows, *, fmt: str, name: str, title: str, extra_sheets=None):
    """`name`.csv or `name`.xlsx as an attachment (404 for another format); only XLSX has extra sheets."""
    if fmt == "csv":
        response = HttpResponse("".join(writers.csv_lines(rows)), content_type=CSV_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if fmt != "xlsx":
        raise Http404
    return xlsx_response(rows, title=title, file_name=f"{name}.xlsx", extra_sheets=extra_sheets)


def read_upload(form, run):
    """Read the form's uploaded `file` into a table and `run(table)`; None (with the error on the form's
    `file` field) when the form is invalid or the file cannot be read."""
    if not form.is_valid():
        return None
    upload = form.cleaned_data["file"]
    try:
        return run(read_table(upload.read(), upload.name))
    except ReadError as error:
        form.add_error("file", error.message)
        return None
