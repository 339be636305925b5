"""The matrix's CSV / XLSX: a round trip changes nothing, a bad file names row and column and saves nothing,
the export is formula-safe."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kam.audit.models import ObjectChange
from kam.imports.readers import read_table
from kam.planning import selectors, transfer
from kam.planning.models import IndustryRow, Score
from kam.planning.tests.factories import make_imsc


def _table(text: str):
    return read_table(text.encode("utf-8"), "file.csv")


def _state():
    return (
        list(Score.objects.order_by("id").values_list("id", "value")),
        list(
            IndustryRow.objects.order_by("id").values_list("id", "printed_total", "override_class", "version")
        ),
        ObjectChange.objects.count(),
    )


def _csv(rows) -> str:
    return "\n".join(",".join("" if c is None else str(c) for c in row) for row in rows)


def test_the_matrix_round_trips(world):
    make_imsc(actor=world.manager)
    view = selectors.matrix_view(user=world.manager)
    rows = list(transfer.matrix_rows(view))
    assert rows[0] == [
        "industry",
        "name",
        "市场容量",
        "增长速度",
        "客户认知度",
        "竞争程度",
        "实施难易程度",
        "资金与信用",
        "客户关系",
        "政策支持",
        "total",
        "printed_total",
        "class_decided",
        "reason",
    ]
    assert rows[2][0] == "telecom" and rows[2][-4:] == [Decimal(44), Decimal(46), "", ""]
    before = _state()
    result = transfer.import_matrix(view=view, actor=world.manager, table=_table(_csv(rows)))
    assert (result.errors, result.updated, result.added) == ([], 9, 0)
    assert _state() == before


def test_an_import_sets_scores_and_decisions_by_english_names(world):
    rows, _criteria = make_imsc(actor=world.manager)
    view = selectors.matrix_view(user=world.manager)
    text = "industry,name,Market size,Competition,class_decided,reason\ntelecom,,5,9,watch,竞争太激烈\n"
    result = transfer.import_matrix(view=view, actor=world.manager, table=_table(text))
    assert result.errors == []
    line = selectors.matrix_view(user=world.owner).for_industry(rows["telecom"].industry_id)
    assert (line.assessment.total, line.decided_class, line.row.override_reason) == (
        Decimal(36),
        "watch",
        "竞争太激烈",
    )


def test_a_bad_file_names_row_and_column_and_saves_nothing(world):
    make_imsc(actor=world.manager)
    view = selectors.matrix_view(user=world.manager)
    before = _state()
    text = (
        "industry,name,市场容量,Weather,printed_total,class_decided,reason\n"
        "telecom,,10,,x,key,\n"
        "mars,,1,,,,\n"
        "government,,9,,,someday,why\n"
        "Telecom,,1,,,,\n"
    )
    result = transfer.import_matrix(view=view, actor=world.manager, table=_table(text))
    assert result.errors == [
        {"row": 1, "column": "Weather", "message": "No criterion is called “Weather”."},
        {"row": 2, "column": "市场容量", "message": "A score runs from 0 to 9."},
        {"row": 2, "column": "printed_total", "message": "“x” is not a number."},
        {"row": 2, "column": "reason", "message": "Say why you decide otherwise than the score."},
        {"row": 3, "column": "industry", "message": "“mars” is not a known industry."},
        {
            "row": 4,
            "column": "class_decided",
            "message": "Write key, potential or watch (or leave it empty).",
        },
        {"row": 5, "column": "industry", "message": "Telecom is already on row 2."},
    ]
    with pytest.raises(PermissionDenied):
        transfer.import_matrix(view=view, actor=world.owner, table=_table("industry,name\ntelecom,\n"))
    assert _state() == before


def test_the_pages_export_and_import(client, world):
    make_imsc(actor=world.manager)
    client.force_login(world.owner)
    csv = client.get(reverse("planning:matrix_export", args=["csv"]))
    assert csv.status_code == 200 and csv.content.decode().splitlines()[2].startswith(
        "telecom,Telecom,9,7,9,5,1,9,9,7,44,46,,"
    )
    xlsx = client.get(reverse("planning:matrix_export", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("planning:matrix_export", args=["pdf"])).status_code == 404
    before = _state()
    upload = {"file": _upload("industry,name,市场容量\ntelecom,,1\n")}
    assert client.post(reverse("planning:matrix_import"), upload).status_code == 403
    client.force_login(world.manager)
    bad = client.post(
        reverse("planning:matrix_import"), {"file": _upload("industry,name,市场容量\ntelecom,,11\n")}
    )
    assert bad.status_code == 400 and "A score runs from 0 to 9." in bad.content.decode()
    assert _state() == before
    good = client.post(
        reverse("planning:matrix_import"), {"file": _upload("industry,name,市场容量\ntelecom,,1\n")}
    )
    assert good.status_code == 302
    assert Score.objects.get(row__industry__code="telecom", criterion__name="市场容量").value == Decimal(1)


def test_exported_text_is_formula_safe(world):
    rows, _criteria = make_imsc(actor=world.manager)
    from kam.planning import services

    services.industry_row_update(
        row=rows["energy"],
        actor=world.manager,
        data={"override_class": "watch", "override_reason": "=HYPERLINK(1)"},
    )
    from kam.imports.writers import csv_lines

    text = "".join(csv_lines(transfer.matrix_rows(selectors.matrix_view(user=world.manager))))
    assert "'=HYPERLINK(1)" in text


def _upload(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("matrix.csv", text.encode("utf-8"), content_type="text/csv")
