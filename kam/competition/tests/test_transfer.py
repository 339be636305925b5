"""CSV / XLSX files of competition: exports that import back unchanged, imports whose errors name the row
and column and save nothing, all through the services (audited) and the pages' access rules."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kam.audit.models import ObjectChange
from kam.competition import services, transfer
from kam.competition.models import Competitor, Criterion, Matrix, MatrixCell, Score
from kam.competition.selectors import evaluation_view, matrix_view
from kam.competition.tests.factories import make_competitor, make_m44, make_opportunity
from kam.imports.readers import read_table

NOT_A_COLUMN = "“%s” is not a column of this grid; add the competitor in the settings first."


def _table(text: str):
    return read_table(text.encode("utf-8"), "file.csv")


def _state():
    return (
        list(Competitor.objects.order_by("id").values_list("id", "name", "origin", "version")),
        list(Criterion.objects.order_by("id").values_list("id", "name", "weight")),
        list(Score.objects.order_by("id").values_list("id", "value")),
        list(MatrixCell.objects.order_by("id").values_list("id", "rating")),
        ObjectChange.objects.count(),
    )


@pytest.fixture
def m44(world):
    return make_m44(opportunity=make_opportunity(account=world.account, actor=world.owner), actor=world.owner)


def test_the_catalogue_round_trips_and_reads_labels_in_both_languages(world):
    make_competitor("外资品牌A", "foreign", name_en="Foreign brand A", strengths="=cmd|'/c calc'!A1")
    rows = list(transfer.competitor_rows(Competitor.objects.order_by("name")))
    assert rows == [
        ["name", "name_en", "origin", "strengths", "weaknesses", "is_active"],
        ["外资品牌A", "Foreign brand A", "foreign", "=cmd|'/c calc'!A1", "", True],
    ]
    result = transfer.import_competitors(
        actor=world.manager,
        table=_table(
            "name,origin,is_active\n外资品牌A,Foreign,yes\n国内品牌B,国内,\n中外合资C,joint_venture,no\n"
        ),
    )
    assert (result.errors, result.added, result.updated) == ([], 2, 1)
    assert list(Competitor.objects.order_by("name").values_list("name", "origin", "is_active")) == [
        ("中外合资C", "joint_venture", False),
        ("国内品牌B", "domestic", True),
        ("外资品牌A", "foreign", True),
    ]


def test_a_bad_catalogue_file_names_row_and_column_and_saves_nothing(world):
    make_competitor("外资品牌A", "foreign")
    before = _state()
    result = transfer.import_competitors(
        actor=world.admin,
        table=_table("name,origin,is_active\n外资品牌A,somewhere,yes\n,domestic,\nB,domestic,maybe\nb,,\n"),
    )
    assert result.errors == [
        {"row": 2, "column": "origin", "message": "“somewhere” is not one of the choices."},
        {"row": 3, "column": "name", "message": "Name the competitor."},
        {"row": 4, "column": "is_active", "message": "Write yes or no."},
        {"row": 5, "column": "name", "message": "b is already on row 4."},
    ]
    with pytest.raises(PermissionDenied):
        transfer.import_competitors(actor=world.owner, table=_table("name\n新公司\n"))
    assert _state() == before


def test_an_evaluation_round_trips(world, m44):
    view = evaluation_view(m44)
    rows = list(transfer.evaluation_rows(view))
    assert rows[:3] == [
        ["criterion", "criterion_en", "weight", "us", "外资品牌A", "国内品牌B"],
        ["客户关系", "Customer relationship", Decimal("0.200"), 4, 4, 4],
        ["售后服务", "After-sales service", Decimal("0.150"), 5, 4, 4],
    ]
    before = _state()
    text = "\n".join(",".join("" if c is None else str(c) for c in row) for row in rows)
    result = transfer.import_evaluation(view=view, actor=world.owner, table=_table(text))
    assert result.errors == []
    assert _state()[:3] == before[:3]  # nothing changed, and nothing was written
    assert ObjectChange.objects.count() == before[4]


def test_an_evaluation_file_with_wrong_weights_is_refused_whole(world, m44):
    view = evaluation_view(m44)
    before = _state()
    text = (
        "criterion,criterion_en,weight,us,外资品牌A,Domestic brand B,Siemens\n"
        "价格,Price,60%,4,3,x,\n"
        "品牌,,0.3,9,5,5,\n"
    )
    result = transfer.import_evaluation(view=view, actor=world.owner, table=_table(text))
    assert result.errors == [
        {
            "row": 1,
            "column": "Domestic brand B",
            "message": NOT_A_COLUMN % "Domestic brand B",
        },
        {
            "row": 1,
            "column": "Siemens",
            "message": NOT_A_COLUMN % "Siemens",
        },
        {"row": 3, "column": "us", "message": "A score is a whole number from 1 to 5."},
    ]
    fixed = "criterion,criterion_en,weight,us,外资品牌A\n价格,Price,60%,4,3\n品牌,,0.3,4,5\n"
    refused = transfer.import_evaluation(view=view, actor=world.owner, table=_table(fixed))
    assert refused.errors == [
        {"row": None, "column": "weight", "message": "The weights total 0.90; they must total 1."}
    ]
    assert _state() == before


def test_a_matrix_round_trips_and_imports_through_its_page(client, world):
    telecom = make_competitor("中国电信", name_en="China Telecom")
    matrix = services.matrix_create(
        actor=world.owner,
        account=world.account,
        title="通信",
        competitors=[telecom],
        product_lines=["本地语音"],
    )
    client.force_login(world.teammate)
    upload = SimpleUploadedFile(
        "matrix.csv",
        "row,factor,us,China Telecom\n本地语音,,5 Strong,3\n上网,,4,2\n,service,强,一般\n".encode(),
    )
    response = client.post(reverse("competition:matrix_import", args=[matrix.pk]), {"file": upload})
    assert response.status_code == 400
    assert "“强” is not" not in response.content.decode()
    assert "Rate from 5 (strong) to 1 (weak)." in response.content.decode()
    upload = SimpleUploadedFile(
        "matrix.csv", "row,factor,us,China Telecom\n本地语音,,5 Strong,3\n上网,,4,2\n,service,5,3\n".encode()
    )
    response = client.post(reverse("competition:matrix_import", args=[matrix.pk]), {"file": upload})
    assert response.headers["Location"] == matrix.get_absolute_url()
    view = matrix_view(Matrix.objects.get())
    assert [(str(line["row"]), line["cells"]) for line in view.product_lines] == [
        ("本地语音", [5, 3]),
        ("上网", [4, 2]),
    ]
    assert [line["cells"] for line in view.factors if line["row"].factor == "service"] == [[5, 3]]
    exported = client.get(reverse("competition:matrix_export", args=[matrix.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(exported.streaming_content))).active
    assert [[c.value for c in row] for row in sheet.iter_rows(max_row=3)] == [
        ["row", "factor", "us", "中国电信"],
        ["本地语音", None, 5, 3],
        ["上网", None, 4, 2],
    ]
    client.force_login(world.outsider)
    assert (
        client.post(reverse("competition:matrix_import", args=[matrix.pk]), {"file": upload}).status_code
        == 404
    )


def test_the_catalogue_export_is_formula_safe_and_members_cannot_import(client, world):
    make_competitor("=HYPERLINK(1)", strengths="@SUM(A1)")
    client.force_login(world.owner)
    body = client.get(reverse("competition:competitors_export", args=["csv"])).content.decode("utf-8-sig")
    assert body.splitlines() == [
        "name,name_en,origin,strengths,weaknesses,is_active",
        "'=HYPERLINK(1),,,'@SUM(A1),,TRUE",
    ]
    before = _state()
    upload = SimpleUploadedFile("c.csv", "name\n新公司\n".encode())
    assert client.post(reverse("competition:competitors_import"), {"file": upload}).status_code == 403
    assert _state() == before
