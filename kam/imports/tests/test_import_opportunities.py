"""Opportunities as the fourth import/export kind: numbers, stages and their history, scope, round trip."""

import codecs
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kam.audit.models import ObjectChange
from kam.core.request_context import request_id_scope
from kam.imports.services import error_text, export_rows, import_file
from kam.imports.tests.utils import csv_bytes, read_csv_text, read_xlsx, xlsx_bytes
from kam.imports.writers import csv_lines, write_xlsx
from kam.pipeline import services as pipeline
from kam.pipeline import summary
from kam.pipeline.models import Opportunity, SalesProcess, StageTransition

HEADER = [
    "number", "account_code", "name", "goal", "amount", "currency", "expected_close", "owner", "process",
    "stage", "status", "close_reason", "winning_competitor", "closed_on", "competitors", "product_lines",
    "lead_source", "next_step", "next_step_due",
]  # fmt: skip
DEFAULT_PROCESS = "项目性销售流程 (默认)"
PAYLOADS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]


def row(**values) -> list:
    """A data row in HEADER's order: the given cells, the others blank."""
    assert set(values) <= set(HEADER)
    return [values.get(key, "") for key in HEADER]


def run(actor, rows, *, name="opportunities.csv", data=None, **kwargs):
    data = data if data is not None else csv_bytes(rows)
    return import_file(kind="opportunities", actor=actor, data=data, file_name=name, **kwargs)


def located(job):
    return [(e["row"], e["column"], e["message"]) for e in job.errors]


def counts():
    return Opportunity.objects.count(), StageTransition.objects.count(), ObjectChange.objects.count()


def number(n: int) -> str:
    return f"P{timezone.localdate().year}-{n:05d}"


def history(opportunity):
    return [
        (
            t.from_stage.code if t.from_stage else None,
            t.to_stage.code,
            t.to_status,
            t.reason,
            t.moved_by.username,
        )
        for t in opportunity.transitions.select_related("from_stage", "to_stage", "moved_by").order_by("id")
    ]


def csv_export(**kwargs) -> bytes:
    return "".join(csv_lines(export_rows(kind="opportunities", **kwargs))).encode("utf-8")


def xlsx_export(**kwargs) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(export_rows(kind="opportunities", **kwargs), buffer, title="opportunities")
    return buffer.getvalue()


@pytest.fixture
def process(db):
    return SalesProcess.objects.get(is_default=True)


@pytest.fixture
def deal(world):
    """An open opportunity of `owner` at SPD Bank (110), at stage G, created through the service."""
    return pipeline.opportunity_create(
        actor=world.owner,
        data={
            "account": world.account,
            "name": "Call-back centre",
            "amount": Decimal("1200000"),
            "number": "OPP-1",
        },
    )


@pytest.fixture
def west_deal(world):
    """An open opportunity at West Corp (W1), outside the scope of `owner`."""
    return pipeline.opportunity_create(
        actor=world.outsider, data={"account": world.other_account, "name": "West network", "number": "W-1"}
    )


# Templates ----------------------------------------------------------------------------------------


def test_template_headers_and_help(client, world):
    client.force_login(world.owner)
    response = client.get(reverse("imports:template", args=["opportunities", "csv"]))
    assert response["Content-Disposition"] == 'attachment; filename="kam-opportunities-template.csv"'
    assert read_csv_text(response.content) == [HEADER]
    response = client.get(reverse("imports:template", args=["opportunities", "xlsx"]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["opportunities", "Help"]
    assert list(next(workbook["opportunities"].iter_rows(values_only=True))) == HEADER
    help_rows = {row[0]: row for row in workbook["Help"].iter_rows(values_only=True)}
    assert [key for key, (_c, required, _m, _a) in help_rows.items() if required == "yes"] == [
        "account_code",
        "name",
    ]
    assert help_rows["process"][3] == DEFAULT_PROCESS
    assert help_rows["stage"][3] == f"{DEFAULT_PROCESS}: G F E D C B A S"
    assert help_rows["status"][3] == "open = Open; won = Won; lost = Lost; abandoned = Abandoned"
    assert help_rows["number"][2] == (
        "number. A re-import updates the opportunity with this number. Blank: a new number, as on the form."
    )
    assert (
        'href="/data/template/opportunities/xlsx/"' in client.get(reverse("imports:index")).content.decode()
    )


# Valid imports ------------------------------------------------------------------------------------


def test_a_valid_file_creates_opportunities_with_their_transitions_and_audit_entries(world, process):
    before = ObjectChange.objects.count()
    today = timezone.localdate()
    rows = [
        HEADER,
        row(
            account_code="110",
            name="Call centre",
            goal="Win the tender",
            amount="1,200,000",
            expected_close="2026-06-30",
            next_step="Demo",
            next_step_due="2026-02-01",
        ),
        row(
            number="OPP-7",
            account_code="110",
            name="Video",
            amount="80000",
            currency="USD",
            owner="east_manager",
            process=DEFAULT_PROCESS,
            stage="d",
            lead_source="展会",
            competitors="华为",
            product_lines="视频会议",
        ),
        row(
            account_code="110",
            name="Network",
            stage="C",
            status="丢单",
            close_reason="价格 Price",
            winning_competitor="华为",
            closed_on="2025-12-01",
        ),
        row(account_code="110", name="Data centre", status="Won"),
    ]
    with request_id_scope("import-opportunities-1"):
        job = run(world.owner, rows)
    assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == ("done", 4, 0, 0), (
        job.errors
    )
    created = Opportunity.objects.filter(account=world.account).order_by("id")
    assert [
        (o.number, o.name, o.amount, o.currency, o.expected_close, o.owner.username, o.stage.code, o.status,
         o.closed_on, o.close_reason, o.winning_competitor, o.lead_source, o.version)
        for o in created
    ] == [
        (number(1), "Call centre", Decimal("1200000.00"), "CNY", datetime.date(2026, 6, 30), "owner", "G",
         "open", None, "", "", "", 1),
        ("OPP-7", "Video", Decimal("80000.00"), "USD", None, "east_manager", "D", "open", None, "", "",
         "trade_show", 1),
        (number(2), "Network", Decimal("0.00"), "CNY", None, "owner", "C", "lost", datetime.date(2025, 12, 1),
         "价格 Price", "华为", "", 1),
        (number(3), "Data centre", Decimal("0.00"), "CNY", None, "owner", "S", "won", today, "", "", "", 1),
    ]  # fmt: skip
    assert {o.process_id for o in created} == {process.pk}
    assert [history(o) for o in created] == [
        [(None, "G", "open", "", "owner")],
        [(None, "D", "open", "", "owner")],
        [(None, "C", "lost", "", "owner")],
        [(None, "S", "won", "", "owner")],
    ]
    entries = list(ObjectChange.objects.order_by("id")[before:])
    transitions = StageTransition.objects.filter(opportunity__in=created).order_by("id")
    assert [(e.action, e.content_type.model, e.object_id, e.account_id) for e in entries] == [
        *[("create", "opportunity", str(o.pk), world.account.pk) for o in created],
        *[("create", "stagetransition", str(t.pk), world.account.pk) for t in transitions],
    ]
    assert {e.request_id for e in entries} == {"import-opportunities-1"}
    assert summary.differences() == []
    assert (entries[0].after["number"], entries[0].after["stage"]) == (number(1), created[0].stage_id)


def test_new_numbers_continue_after_the_saved_ones_and_skip_the_files_own(world, process):
    pipeline.opportunity_create(actor=world.owner, data={"account": world.account, "name": "First"})
    rows = [
        HEADER,
        row(account_code="110", name="Blank"),
        row(number=number(2), account_code="110", name="Own"),
        row(account_code="110", name="Blank too"),
    ]
    job = run(world.owner, rows)
    assert job.status == "done", job.errors
    assert list(Opportunity.objects.order_by("number").values_list("number", "name")) == [
        (number(1), "First"),
        (number(2), "Own"),
        (number(3), "Blank"),
        (number(4), "Blank too"),
    ]


def test_a_gbk_csv_with_chinese_headers_and_labels(world):
    rows = [
        ["编号", "客户代码", "商机名称", "金额", "币种", "预计成交日期", "负责人", "阶段", "状态",
         "客户来源"],
        ["G-1", "110", "呼叫中心", "￥1,200,000.50", "人民币", "2026年6月30日", "owner", "E", "进行中",
         "老客户推荐"],
    ]  # fmt: skip
    job = run(world.owner, None, data=csv_bytes(rows, encoding="gbk", bom=codecs.BOM_UTF8))
    assert (job.status, job.created_count) == ("done", 1), job.errors
    deal = Opportunity.objects.get(number="G-1")
    assert (deal.name, deal.amount, deal.currency, deal.expected_close, deal.stage.code, deal.status) == (
        "呼叫中心", Decimal("1200000.50"), "CNY", datetime.date(2026, 6, 30), "E", "open")  # fmt: skip
    assert deal.lead_source == "customer_referral"


def test_xlsx_with_excel_serial_dates_and_date_cells(world):
    data = xlsx_bytes(
        [
            ["number", "account_code", "name", "amount", "expected_close", "next_step", "next_step_due"],
            ["X-1", 110, "Serial", 1234.5, 45322, "Call", datetime.datetime(2024, 2, 3)],
            ["X-2", "110", "Serial as text", 99, "45323", "", None],
        ]
    )
    job = run(world.owner, None, data=data, name="opportunities.xlsx")
    assert (job.status, job.created_count) == ("done", 2), job.errors
    assert list(
        Opportunity.objects.order_by("number").values_list(
            "number", "amount", "expected_close", "next_step_due"
        )
    ) == [
        ("X-1", Decimal("1234.50"), datetime.date(2024, 1, 31), datetime.date(2024, 2, 3)),
        ("X-2", Decimal("99.00"), datetime.date(2024, 2, 1), None),
    ]


def test_xlsx_and_gbk_files_with_errors_save_nothing(world):
    before = counts()
    data = xlsx_bytes([["number", "account_code", "name", "expected_close"], ["X-1", "110", "Fine", 45322],
                       ["X-2", "110", "Bad", -3], ["X-3", "110", "", "2024-02-30"]])  # fmt: skip
    job = run(world.owner, None, data=data, name="opportunities.xlsx")
    assert located(job) == [
        (3, "expected_close", "“-3” is not a date."),
        (4, "name", "a value is required."),
        (4, "expected_close", "“2024-02-30” is not a date; write it as 2024-01-31."),
    ]
    data = csv_bytes([["编号", "客户代码", "名称", "阶段"], ["G-1", "110", "呼叫中心", "Ｇ"]], encoding="gbk")
    job = run(world.owner, None, data=data)
    assert located(job) == [(2, "阶段", f"there is no stage “Ｇ” in the process “{DEFAULT_PROCESS}”.")]
    assert counts() == before


# Re-imports ---------------------------------------------------------------------------------------


def test_a_reimport_updates_by_number_and_records_the_stage_change(world, deal):
    rows = [
        HEADER,
        row(number="OPP-1", account_code="110", name="Call-back centre", amount="1500000", stage="E"),
    ]
    before, started = counts(), timezone.now()
    job = run(world.owner, rows)
    assert (job.status, job.created_count, job.updated_count) == ("done", 0, 1), job.errors
    deal.refresh_from_db()
    assert (deal.amount, deal.stage.code, deal.status, deal.version) == (
        Decimal("1500000.00"),
        "E",
        "open",
        2,
    )
    assert Opportunity.objects.count() == before[0]
    assert history(deal) == [(None, "G", "open", "", "owner"), ("G", "E", "open", "import", "owner")]
    move = deal.transitions.order_by("id").last()
    assert move.unmet_criteria[0] == "The customer meets the target-customer criteria"
    assert len(move.unmet_criteria) == 6
    assert started < deal.stage_entered_at <= move.moved_at
    update, created = ObjectChange.objects.order_by("-id")[:2][::-1]
    assert (update.action, update.object_id, update.changed_fields) == (
        "update",
        str(deal.pk),
        ["amount", "stage", "stage_entered_at"],
    )
    assert (update.before["amount"], update.after["amount"]) == ("1200000.00", "1500000.00")
    assert (created.action, created.object_id, created.account_id) == (
        "create",
        str(move.pk),
        world.account.pk,
    )
    assert counts() == (before[0], before[1] + 1, before[2] + 2)

    job = run(world.owner, rows)
    assert (job.status, job.updated_count, job.unchanged_count) == ("done", 0, 1)
    assert counts() == (before[0], before[1] + 1, before[2] + 2)
    assert summary.differences() == []


def test_ticked_exit_criteria_are_not_listed_as_unmet(world, deal, process):
    for criterion in process.stages.get(code="G").criteria.all():
        pipeline.criterion_check(opportunity=deal, criterion=criterion, actor=world.owner, done=True)
    job = run(
        world.owner, [HEADER, row(number="OPP-1", account_code="110", name="Call-back centre", stage="E")]
    )
    assert job.status == "done", job.errors
    assert deal.transitions.order_by("id").last().unmet_criteria == [
        "The right, qualified handler found",
        "The company's technical strengths presented",
        "Relationship with the handler built and developing",
    ]


def test_a_reimport_closes_and_wins_with_a_transition_each(world, deal):
    other = pipeline.opportunity_create(
        actor=world.owner, data={"account": world.account, "name": "Two", "number": "OPP-2"}
    )
    rows = [
        HEADER,
        row(
            number="OPP-1",
            account_code="110",
            name="Call-back centre",
            status="abandoned",
            close_reason="Budget cut",
        ),
        row(number="OPP-2", account_code="110", name="Two", stage="S"),
    ]
    job = run(world.owner, rows)
    assert (job.status, job.updated_count) == ("done", 2), job.errors
    deal.refresh_from_db()
    other.refresh_from_db()
    today = timezone.localdate()
    assert (deal.status, deal.stage.code, deal.close_reason, deal.closed_on) == (
        "abandoned",
        "G",
        "Budget cut",
        today,
    )
    assert (other.status, other.stage.code, other.closed_on) == ("won", "S", today)
    assert history(deal)[-1] == ("G", "G", "abandoned", "import", "owner")
    assert history(other)[-1] == ("G", "S", "won", "import", "owner")
    assert len(other.transitions.order_by("id").last().unmet_criteria) == 21
    assert summary.differences() == []


def test_absent_columns_and_blank_kept_cells_keep_the_stored_values(world, deal):
    pipeline.opportunity_update(
        opportunity=deal, actor=world.owner, data={"currency": "USD", "goal": "Keep me", "next_step": "Call"}
    )
    job = run(
        world.owner,
        [
            ["number", "account_code", "name", "amount", "currency", "owner", "stage", "status", "next_step"],
            ["OPP-1", "110", "Call-back centre", "", "", "", "", "", ""],
        ],
    )
    assert (job.status, job.updated_count) == ("done", 1), job.errors
    deal.refresh_from_db()
    assert (deal.amount, deal.currency, deal.owner, deal.stage.code, deal.goal, deal.next_step) == (
        Decimal("1200000.00"),
        "USD",
        world.owner,
        "G",
        "Keep me",
        "",
    )
    assert len(history(deal)) == 1


# The corpus of bad files: located errors; nothing saved, not even the good rows. -----------------


GOOD = row(account_code="110", name="A good row")


@pytest.mark.parametrize(
    ("actor", "rows", "errors"),
    [
        ("owner", [HEADER, GOOD, row(account_code="NOPE", name="X")],
         [(3, "account_code", "there is no account with code “NOPE” that you may change.")]),
        ("owner", [HEADER, GOOD, row(account_code="W1", name="Not mine")],
         [(3, "account_code", "there is no account with code “W1” that you may change.")]),
        ("owner", [HEADER, GOOD, row(number="W-1", account_code="110", name="West network")],
         [(3, "number", "there is no opportunity with number “W-1” that you may change.")]),
        ("owner", [HEADER, GOOD, row(account_code="110", name="X", stage="Z")],
         [(3, "stage", f"there is no stage “Z” in the process “{DEFAULT_PROCESS}”.")]),
        ("owner", [HEADER, GOOD, row(account_code="110", name="X", process="Retail")],
         [(3, "process", "unknown sales process “Retail”.")]),
        ("owner", [HEADER, GOOD, row(account_code="110", name="X", amount="12,3x")],
         [(3, "amount", "“12,3x” is not a number.")]),
        ("owner", [HEADER, GOOD, row(account_code="110", name="X", amount="-5")],
         [(3, "amount", "the amount cannot be negative.")]),
        ("owner", [HEADER, GOOD, row(account_code="110", name="X", expected_close="next week")],
         [(3, "expected_close", "“next week” is not a date; write it as 2024-01-31.")]),
        ("owner", [HEADER, row(number="N-1", account_code="110", name="X"),
                   row(number="N-1", account_code="110", name="Y")],
         [(3, "number", "the number “N-1” is already used on row 2.")]),
        ("owner", [["number", "account_code", "nmae"], ["N-1", "110", "X"]],
         [(1, "nmae", "unknown column."), (1, "name", "this required column is missing.")]),
        ("owner", [HEADER, GOOD, row(account_code="110", name="X", status="pending")],
         [(3, "status", "“pending” is not one of: Open, Won, Lost, Abandoned.")]),
        ("owner", [HEADER, GOOD, row(account_code="110", name="X", owner="outsider")],
         [(3, "owner", "there is no user “outsider” you may assign.")]),
        ("owner", [HEADER, GOOD, row(account_code="110", name="X", status="won", stage="A")],
         [(3, "status", "a won opportunity is at the won stage of its process.")]),
        ("owner", [HEADER, GOOD, row(account_code="110", name="X", status="open", stage="S")],
         [(3, "stage", "the stage “S” closes the opportunity as won.")]),
        ("owner", [HEADER, GOOD, row(account_code="110", name="X", status="lost")],
         [(3, "close_reason", "say why the opportunity was lost or abandoned.")]),
        ("owner", [HEADER, GOOD, row(account_code="110", name="X", close_reason="?", winning_competitor="Y",
                                     closed_on="2025-01-01")],
         [(3, "close_reason", "only a lost or abandoned opportunity has this."),
          (3, "winning_competitor", "only a lost or abandoned opportunity has this."),
          (3, "closed_on", "an open opportunity has no close date.")]),
        ("owner", [HEADER, GOOD, row(number="OPP-1", account_code="W1", name="Moved")],
         [(3, "account_code", "there is no account with code “W1” that you may change.")]),
        ("admin", [HEADER, GOOD, row(number="OPP-1", account_code="W1", name="Moved")],
         [(3, "account_code", "this record belongs to another account; it cannot move.")]),
        ("outsider", [HEADER, row(number="OPP-1", account_code="110", name="Call-back centre", stage="F")],
         [(2, "number", "there is no opportunity with number “OPP-1” that you may change."),
          (2, "account_code", "there is no account with code “110” that you may change.")]),
    ],
    ids=[
        "unknown-account", "account-out-of-scope", "opportunity-out-of-scope", "unknown-stage",
        "unknown-process", "bad-amount", "negative-amount", "bad-date", "duplicate-number", "wrong-header",
        "unknown-status", "owner-outside-team", "won-before-the-won-stage", "open-at-the-won-stage",
        "lost-without-reason", "close-fields-on-an-open-deal", "member-moves-to-an-account-out-of-scope",
        "admin-moves-to-another-account", "member-updates-out-of-scope",
    ],
)  # fmt: skip
def test_bad_files_give_located_errors_and_save_nothing(world, deal, west_deal, actor, rows, errors):
    before = counts()
    job = run(getattr(world, actor), rows)
    assert (job.status, job.created_count, job.updated_count) == ("failed", 0, 0)
    assert located(job) == errors
    assert counts() == before
    deal.refresh_from_db()
    assert (deal.name, deal.stage.code, deal.account, deal.version) == (
        "Call-back centre",
        "G",
        world.account,
        1,
    )


def test_errors_read_as_sentences_with_row_and_column(world):
    job = run(world.owner, [["编号", "客户代码", "名称"], ["", "NOPE", "X"]])
    assert (
        error_text(job.errors[0])
        == "Row 2, column “客户代码”: there is no account with code “NOPE” that you may change."
    )


def test_closed_opportunities_stay_closed(world, deal, process):
    pipeline.opportunity_close(opportunity=deal, actor=world.owner, status="lost", reason="Price")
    before = counts()
    for rows, errors in [
        (
            [HEADER, row(number="OPP-1", account_code="110", name="Call-back centre", status="open")],
            [(2, "status", "a closed opportunity cannot be reopened or closed again.")],
        ),
        (
            [
                HEADER,
                row(
                    number="OPP-1",
                    account_code="110",
                    name="Call-back centre",
                    stage="F",
                    close_reason="Price",
                ),
            ],
            [(2, "stage", "this opportunity is closed; its stage cannot change.")],
        ),
    ]:
        assert located(run(world.owner, rows)) == errors
    assert counts() == before
    job = run(
        world.owner, [HEADER, row(number="OPP-1", account_code="110", name="Renamed", close_reason="Price")]
    )
    assert (job.status, job.updated_count) == ("done", 1), job.errors
    deal.refresh_from_db()
    assert (deal.name, deal.status, deal.closed_on) == ("Renamed", "lost", timezone.localdate())
    assert counts() == (before[0], before[1], before[2] + 1)


def test_a_strict_process_refuses_a_move_past_unmet_criteria(world, deal, process):
    SalesProcess.objects.filter(pk=process.pk).update(strict=True)
    other = SalesProcess.objects.create(name="Retail")
    before = counts()
    rows = [
        HEADER,
        row(number="OPP-1", account_code="110", name="Call-back centre", stage="F"),
        row(number="OPP-1B", account_code="110", name="X", process="Retail"),
    ]
    job = run(world.owner, rows)
    assert located(job) == [
        (2, "stage", "the process is strict: meet the 3 open exit criteria first."),
        (3, "stage", "the process “Retail” has no stages."),
    ]
    assert counts() == before
    other.stages.create(order=1, code="G", name="起步", probability=Decimal("10"))
    job = run(
        world.owner,
        [HEADER, row(number="OPP-1", account_code="110", name="Call-back centre", process="retail")],
    )
    assert located(job) == [(2, "process", "an opportunity keeps the sales process it started on.")]
    job = run(
        world.owner, [HEADER, row(number="OPP-1", account_code="110", name="Call-back centre", stage="G")]
    )
    assert (job.status, job.unchanged_count) == ("done", 1)


def test_auditors_cannot_import(world):
    before = counts()
    with pytest.raises(PermissionDenied):
        run(world.auditor, [HEADER, GOOD])
    assert counts() == before


def test_dry_run_counts_but_saves_nothing(world, deal):
    before = counts()
    rows = [HEADER, GOOD, row(number="OPP-1", account_code="110", name="Call-back centre", stage="D")]
    job = run(world.owner, rows, dry_run=True)
    assert (job.status, job.dry_run, job.created_count, job.updated_count) == ("done", True, 1, 1)
    assert counts() == before


# Exports ------------------------------------------------------------------------------------------


def test_exports_hold_only_what_the_user_may_see(world, deal, west_deal):
    numbers = {
        user: [row[0] for row in read_csv_text(csv_export(user=getattr(world, user)))[1:]]
        for user in ("owner", "teammate", "outsider", "east_manager", "manager", "auditor")
    }
    assert numbers == {
        "owner": ["OPP-1"],
        "teammate": ["OPP-1"],
        "outsider": ["W-1"],
        "east_manager": ["OPP-1"],
        "manager": ["W-1", "OPP-1"],
        "auditor": ["W-1", "OPP-1"],
    }
    rows = read_csv_text(csv_export(user=world.admin, filters={"q": "west"}))
    assert [row[0] for row in rows] == ["number", "W-1"]


def test_formula_injection_is_inert_in_csv_and_xlsx(world):
    for index, payload in enumerate(PAYLOADS):
        pipeline.opportunity_create(
            actor=world.owner,
            data={"account": world.account, "name": payload, "number": f"F{index}", "next_step": payload},
        )
    exported = {row[0]: row for row in read_csv_text(csv_export(user=world.owner))[1:]}
    sheet = {row[0]: row for row in read_xlsx(xlsx_export(user=world.owner))[1:]}
    for index, payload in enumerate(PAYLOADS):
        assert exported[f"F{index}"][2] == exported[f"F{index}"][-2] == "'" + payload
        assert sheet[f"F{index}"][2] == "'" + payload.replace("\r", "\n")  # XML turns \r into \n
    job = import_file(
        kind="opportunities", actor=world.owner, data=csv_export(user=world.owner), file_name="o.csv"
    )
    assert (job.status, job.updated_count, job.unchanged_count) == ("done", 0, 6)
    # XML reads a carriage return back as a line feed, which is no formula character: that one cell
    # comes back with its apostrophe (so for every kind of XLSX export).
    job = import_file(
        kind="opportunities", actor=world.owner, data=xlsx_export(user=world.owner), file_name="o.xlsx"
    )
    assert (job.status, job.updated_count, job.unchanged_count) == ("done", 1, 5)
    assert list(Opportunity.objects.order_by("number").values_list("name", flat=True)) == [
        "=cmd|' /C calc'!A0",
        "+1+1",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1",
        "'\n=1",
    ]


def test_every_field_round_trips_through_csv_and_xlsx(world, deal, process):
    pipeline.opportunity_update(
        opportunity=deal,
        actor=world.owner,
        data={
            "goal": "Replace the call centre,\nthen the CRM", "currency": "USD",
            "expected_close": datetime.date(2026, 6, 30), "competitors": "华为; 中兴", "product_lines": "CRM",
            "lead_source": "trade_show", "next_step": "Demo", "next_step_due": datetime.date(2026, 2, 1),
            "owner": world.east_manager,
        },
    )  # fmt: skip
    pipeline.opportunity_move(
        opportunity=deal, to_stage=process.stages.get(code="D"), actor=world.owner, reason="Sponsor met"
    )
    lost = pipeline.opportunity_create(
        actor=world.owner,
        data={"account": world.account, "name": "Lost one", "number": "OPP-2", "amount": Decimal("5.5")},
    )
    pipeline.opportunity_close(
        opportunity=lost, actor=world.owner, status="lost", reason="Price", winning_competitor="华为"
    )
    won = pipeline.opportunity_create(
        actor=world.owner, data={"account": world.account, "name": "Won one", "number": "OPP-3"}
    )
    pipeline.opportunity_move(
        opportunity=won, to_stage=process.stages.get(code="S"), actor=world.owner, reason="Signed"
    )
    today = timezone.localdate().isoformat()
    rows = read_csv_text(csv_export(user=world.owner))
    assert rows[0] == HEADER
    assert sorted(rows[1:]) == [
        [
            "OPP-1",
            "110",
            "Call-back centre",
            "Replace the call centre,\nthen the CRM",
            "1200000.00",
            "USD",
            "2026-06-30",
            "east_manager",
            DEFAULT_PROCESS,
            "D",
            "Open",
            "",
            "",
            "",
            "华为; 中兴",
            "CRM",
            "Trade show",
            "Demo",
            "2026-02-01",
        ],
        [
            "OPP-2",
            "110",
            "Lost one",
            "",
            "5.50",
            "CNY",
            "",
            "owner",
            DEFAULT_PROCESS,
            "G",
            "Lost",
            "Price",
            "华为",
            today,
            "",
            "",
            "",
            "",
            "",
        ],
        [
            "OPP-3",
            "110",
            "Won one",
            "",
            "0.00",
            "CNY",
            "",
            "owner",
            DEFAULT_PROCESS,
            "S",
            "Won",
            "",
            "",
            today,
            "",
            "",
            "",
            "",
            "",
        ],
    ]
    before = counts()
    for data, name in ((csv_export(user=world.owner), "o.csv"), (xlsx_export(user=world.owner), "o.xlsx")):
        job = import_file(kind="opportunities", actor=world.owner, data=data, file_name=name)
        assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == ("done", 0, 0, 3), (
            job.errors
        )
    assert counts() == before


# The command line and the pages -------------------------------------------------------------------


def test_import_and_export_commands(world, deal, west_deal, tmp_path):
    path = tmp_path / "opportunities.csv"
    path.write_bytes(csv_bytes([HEADER, GOOD, row(number="OPP-1", account_code="110", name="Renamed")]))
    out = io.StringIO()
    call_command(
        "import", "opportunities", str(path), "--dry-run", "--user", "owner", stdout=out, stderr=io.StringIO()
    )
    assert out.getvalue().strip() == "Dry run, nothing saved: would create 1, update 1, 0 unchanged (2 rows)."
    out = io.StringIO()
    call_command("import", "opportunities", str(path), "--user", "owner", stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip() == "Created 1, updated 1, 0 unchanged (2 rows)."
    assert Opportunity.objects.get(number="OPP-1").name == "Renamed"
    out = io.StringIO()
    call_command("export", "opportunities", str(tmp_path / "mine.xlsx"), "--user", "owner", stdout=out)
    assert out.getvalue().strip() == f"Exported 2 opportunities to {tmp_path / 'mine.xlsx'}."
    exported = list(load_workbook(tmp_path / "mine.xlsx").worksheets[0].values)
    assert sorted(row[2] for row in exported[1:]) == ["A good row", "Renamed"]


def test_upload_dry_run_then_commit(client, world, deal):
    client.force_login(world.owner)
    before = counts()
    data = csv_bytes(
        [HEADER, GOOD, row(number="OPP-1", account_code="110", name="Call-back centre", stage="F")]
    )
    response = client.post(
        reverse("imports:index"),
        {
            "kind": "opportunities",
            "dry_run": "on",
            "file": SimpleUploadedFile("o.csv", data, content_type="text/csv"),
        },
    )
    assert response.status_code == 302
    assert counts() == before
    preview = client.get(response["Location"]).content.decode()
    assert "Dry run: every row is valid" in preview
    response = client.post(response["Location"] + "commit/")
    assert response.status_code == 302
    assert counts() == (before[0] + 1, before[1] + 2, before[2] + 4)
    assert history(Opportunity.objects.get(number="OPP-1"))[-1] == ("G", "F", "open", "import", "owner")


def test_the_process_reads_in_the_readers_language_and_imports_by_either_name(world, process):
    from django.utils import translation

    with translation.override("en"):
        assert str(process) == "Project sales process (default)"
    with translation.override("zh-hans"):
        assert str(process) == DEFAULT_PROCESS
    job = run(
        world.owner,
        [HEADER, row(account_code="110", name="Video", process="project SALES process (default)")],
    )
    assert (job.status, job.created_count, job.errors) == ("done", 1, [])
    assert Opportunity.objects.get(name="Video").process == process
    exported = read_csv_text(csv_export(user=world.owner))
    assert exported[1][HEADER.index("process")] == DEFAULT_PROCESS  # the export keeps the key


def test_a_process_name_wins_over_another_process_english_name(world, process):
    SalesProcess.objects.create(name="框架协议", name_en=DEFAULT_PROCESS)
    SalesProcess.objects.create(name="Twin A", name_en="Shared")
    SalesProcess.objects.create(name="Twin B", name_en="Shared")
    rows = [
        HEADER,
        row(account_code="110", name="By name", process=DEFAULT_PROCESS),
        row(account_code="110", name="Ambiguous", process="shared"),
    ]
    job = run(world.owner, rows)
    assert located(job) == [(3, "process", "unknown sales process “shared”.")]
    job = run(world.owner, rows[:2])
    assert job.status == "done" and Opportunity.objects.get(name="By name").process == process
