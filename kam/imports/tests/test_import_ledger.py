"""The sales ledger as import/export kinds: the bad-file corpus, re-imports, scope, rollups, audit, export."""

import codecs
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from kam.audit.models import ObjectChange
from kam.core.request_context import request_id_scope
from kam.imports.importers import StaleImportError
from kam.imports.ledger import FeedbackImporter, TransactionImporter
from kam.imports.readers import read_table
from kam.imports.services import error_text, export_rows, import_file
from kam.imports.tests.utils import csv_bytes, read_csv_text, xlsx_bytes
from kam.imports.writers import csv_lines
from kam.tiering import services as tiering
from kam.tiering.models import Feedback, Payment, PaymentMonth, Transaction, TransactionMonth
from kam.tiering.services import feedback_number

D = datetime.date
HEADER = [
    "account_code", "order_no", "ordered_on", "product", "quantity", "amount", "cost", "gross_margin",
    "returned", "returned_amount",
]  # fmt: skip


def row(**values) -> list:
    assert set(values) <= set(HEADER)
    return [values.get(key, "") for key in HEADER]


def run(actor, rows=None, *, kind="transactions", data=None, name="ledger.csv", **kwargs):
    data = data if data is not None else csv_bytes(rows)
    return import_file(kind=kind, actor=actor, data=data, file_name=name, **kwargs)


def located(job):
    return [(e["row"], e["column"], e["message"]) for e in job.errors]


def counts():
    return (
        Transaction.objects.count(),
        TransactionMonth.objects.count(),
        Payment.objects.count(),
        Feedback.objects.count(),
        ObjectChange.objects.count(),
    )


@pytest.fixture
def baseline(world):
    """A ledger that a failed import must leave exactly as it is."""
    tiering.transaction_create(
        actor=world.admin,
        account=world.account,
        data={"order_no": "OLD-1", "ordered_on": D(2025, 1, 2), "amount": 10},
    )
    return counts(), list(TransactionMonth.objects.values_list("account_id", "month", "orders", "sales"))


def assert_nothing_saved(baseline):
    before, cells = baseline
    assert counts() == before
    assert list(TransactionMonth.objects.values_list("account_id", "month", "orders", "sales")) == cells


# The bad-file corpus: located errors, nothing saved ------------------------------------------------


def test_wrong_and_missing_columns(world, baseline):
    job = run(
        world.admin,
        [["account_code", "order", "ordered_on", "amount", "amount"], ["110", "1", "2025-01-01", "1", "1"]],
    )
    assert job.status == "failed"
    assert located(job) == [
        (1, "order", "unknown column."),
        (1, "amount", "this column appears twice."),
        (1, "order_no", "this required column is missing."),
    ]
    assert_nothing_saved(baseline)


def test_unknown_account_codes_and_accounts_out_of_scope(world, baseline):
    rows = [HEADER, row(account_code="110", order_no="S1", ordered_on="2025-01-01", amount="1"),
            row(account_code="NOPE", order_no="S2", ordered_on="2025-01-01", amount="1"),
            row(account_code="W1", order_no="S3", ordered_on="2025-01-01", amount="1")]  # fmt: skip
    job = run(world.owner, rows)
    assert located(job) == [
        (3, "account_code", "there is no account with code “NOPE” that you may change."),
        (4, "account_code", "there is no account with code “W1” that you may change."),
    ]
    assert_nothing_saved(baseline)


def test_negative_numbers_only_on_returns(world, baseline):
    rows = [
        HEADER,
        row(account_code="110", order_no="S1", ordered_on="2025-01-01", quantity="-2", amount="100"),
        row(account_code="110", order_no="S2", ordered_on="2025-01-01", quantity="2", amount="-100"),
        row(account_code="110", order_no="R1", ordered_on="2025-01-01", quantity="-2", amount="-100",
            returned="yes"),
        row(account_code="110", order_no="S3", ordered_on="2025-01-01", amount="100", cost="-5"),
        row(account_code="110", order_no="S4", ordered_on="2025-01-01", amount="100", returned_amount="100",
            returned="no"),
        row(account_code="110", order_no="R2", ordered_on="2025-01-01", quantity="-2", amount="100",
            returned="yes"),
    ]  # fmt: skip
    job = run(world.admin, rows)
    assert located(job) == [
        (2, "quantity", "a negative quantity is only allowed on a return: set “returned” to yes."),
        (3, "amount", "a negative amount is only allowed on a return: set “returned” to yes."),
        (5, "cost", "the cost cannot be negative."),
        (
            6,
            "returned_amount",
            "only a return has a returned amount: set “returned” to yes, or clear this cell.",
        ),
        (7, "amount", "write the numbers of a return all negative or all positive."),
    ]
    assert_nothing_saved(baseline)


def test_dates_in_three_formats_and_excel_serials_are_read(world):
    rows = [
        HEADER,
        row(account_code="110", order_no="S1", ordered_on="2025-01-05", amount="1"),
        row(account_code="110", order_no="S2", ordered_on="2025/1/6", amount="1"),
        row(account_code="110", order_no="S3", ordered_on="2025年1月7日", amount="1"),
    ]
    assert run(world.admin, rows).status == "done"
    xlsx = xlsx_bytes(
        [
            HEADER,
            [110, "S4", 45665, "", 3, 12.5, 10, "", "", ""],
            [110, "S5", D(2025, 1, 9), "", "", 7, "", "", "", ""],
        ]
    )
    job = run(world.admin, data=xlsx, name="ledger.xlsx")
    assert (job.status, job.created_count) == ("done", 2)
    stored = dict(Transaction.objects.filter(account=world.account).values_list("order_no", "ordered_on"))
    assert stored == {f"S{n}": D(2025, 1, 4 + n) for n in range(1, 6)}
    assert Transaction.objects.get(order_no="S4").margin == Decimal("2.50")


def test_bad_dates_are_located(world, baseline):
    rows = [HEADER, row(account_code="110", order_no="S1", ordered_on="next week", amount="1"),
            row(account_code="110", order_no="S2", ordered_on="", amount="1")]  # fmt: skip
    assert located(run(world.admin, rows)) == [
        (2, "ordered_on", "“next week” is not a date; write it as 2024-01-31."),
        (3, "ordered_on", "a value is required."),
    ]
    assert_nothing_saved(baseline)


def test_gbk_csv_with_bom_and_chinese_headers_locates_errors(world, baseline):
    rows = [["客户代码", "订单号", "日期", "产品", "金额", "退货"],
            ["110", "销-001", "2025年3月1日", "视频会议", "1,200.50", ""],
            ["110", "销-002", "2025年3月2日", "网络", "十二", ""]]  # fmt: skip
    job = run(world.admin, data=csv_bytes(rows, encoding="gbk", bom=codecs.BOM_UTF8))
    assert located(job) == [(3, "金额", "“十二” is not a number.")]
    assert error_text(job.errors[0]) == "Row 3, column “金额”: “十二” is not a number."
    assert_nothing_saved(baseline)
    good = run(world.admin, data=csv_bytes(rows[:2], encoding="gbk", bom=codecs.BOM_UTF8))
    assert good.status == "done"
    assert Transaction.objects.get(order_no="销-001").amount == Decimal("1200.50")


def test_an_order_number_used_twice_for_one_account(world, baseline):
    rows = [HEADER, row(account_code="110", order_no="S1", ordered_on="2025-01-01", amount="1"),
            row(account_code="W1", order_no="S1", ordered_on="2025-01-01", amount="1"),
            row(account_code="110", order_no="S1", ordered_on="2025-01-02", amount="2")]  # fmt: skip
    assert located(run(world.admin, rows)) == [
        (4, "order_no", "the order no. “S1” of this account is already used on row 2.")
    ]
    assert_nothing_saved(baseline)


def test_an_error_in_the_last_row_of_a_large_file(world, baseline):
    rows = [HEADER, *(row(account_code="110", order_no=f"S{n}", ordered_on="2025-02-03", amount=f"{n}.25")
                      for n in range(1, 5001))]  # fmt: skip
    rows.append(row(account_code="110", order_no="LAST", ordered_on="2025-02-03", amount="12.345"))
    job = run(world.admin, rows)
    assert (job.status, job.total_rows, job.error_count) == ("failed", 5001, 1)
    assert located(job) == [(5002, "amount", "use at most 2 decimal places.")]
    assert_nothing_saved(baseline)


# Saving ---------------------------------------------------------------------------------------------


def test_orders_and_returns_are_saved_rolled_up_and_audited_as_one_batch(world):
    rows = [
        HEADER,
        row(account_code="110", order_no="S1", ordered_on="2025-03-01", product="ERP", quantity="2",
            amount="1000", cost="600"),
        row(account_code="110", order_no="S2", ordered_on="2025-03-09", amount="500", gross_margin="100"),
        row(account_code="110", order_no="R1", ordered_on="2025-03-20", quantity="-1", amount="-200",
            cost="-120", returned="是"),
        row(account_code="110", order_no="R2", ordered_on="2025-03-21", returned_amount="50"),
    ]  # fmt: skip
    with request_id_scope("req-ledger-1"):
        job = run(world.owner, rows)
    assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == ("done", 4, 0, 0)
    stored = {
        t.order_no: (t.quantity, t.amount, t.margin, t.is_return)
        for t in Transaction.objects.filter(account=world.account)
    }
    assert stored == {
        "S1": (Decimal("2.000"), Decimal("1000.00"), Decimal("400.00"), False),
        "S2": (None, Decimal("500.00"), Decimal("100.00"), False),
        "R1": (Decimal("1.000"), Decimal("200.00"), Decimal("80.00"), True),
        "R2": (None, Decimal("50.00"), None, True),
    }
    cell = TransactionMonth.objects.get(account=world.account, month=D(2025, 3, 1))
    assert (cell.orders, cell.sales, cell.returns, cell.returned, cell.margin, cell.margin_base) == (
        2, 150000, 2, 25000, 42000, 130000
    )  # fmt: skip
    [entry] = ObjectChange.objects.filter(request_id="req-ledger-1")
    assert (entry.action, entry.content_type.model, entry.object_id, entry.actor_id) == (
        "create", "importjob", str(job.pk), world.owner.pk
    )  # fmt: skip
    assert entry.after == {
        "kind": "transactions", "file_name": "ledger.csv", "created": 4, "updated": 0, "unchanged": 0,
        "accounts": 1,
    }  # fmt: skip


def test_a_reimport_is_idempotent_and_changes_are_audited_one_by_one(world):
    rows = [HEADER, row(account_code="110", order_no="S1", ordered_on="2025-03-01", amount="1000"),
            row(account_code="110", order_no="S2", ordered_on="2025-03-09", amount="500")]  # fmt: skip
    assert run(world.admin, rows).created_count == 2
    entries, cells = ObjectChange.objects.count(), list(TransactionMonth.objects.values_list())
    again = run(world.admin, rows)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert (ObjectChange.objects.count(), list(TransactionMonth.objects.values_list())) == (entries, cells)
    rows[2] = row(account_code="110", order_no="S2", ordered_on="2025-04-09", amount="600")
    with request_id_scope("req-ledger-2"):
        changed = run(world.admin, rows)
    assert (changed.created_count, changed.updated_count, changed.unchanged_count) == (0, 1, 1)
    s2 = Transaction.objects.get(order_no="S2")
    assert (s2.ordered_on, s2.amount, s2.version) == (D(2025, 4, 9), Decimal("600.00"), 2)
    [entry] = ObjectChange.objects.filter(request_id="req-ledger-2")
    assert (entry.action, entry.object_id, entry.account_id, entry.changed_fields) == (
        "update", str(s2.pk), world.account.pk, ["amount", "ordered_on"]
    )  # fmt: skip
    assert (entry.before["amount"], entry.after["amount"]) == ("500.00", "600.00")
    cells = TransactionMonth.objects.filter(account=world.account).order_by("month")
    assert list(cells.values_list("month", "sales")) == [
        (D(2025, 3, 1), 100000), (D(2025, 4, 1), 60000)
    ]  # fmt: skip


def test_dry_run_counts_and_saves_nothing(world, baseline):
    rows = [HEADER, row(account_code="110", order_no="OLD-1", ordered_on="2025-01-02", amount="11"),
            row(account_code="110", order_no="N1", ordered_on="2025-01-02", amount="1")]  # fmt: skip
    progress = []
    job = run(world.admin, rows, dry_run=True, on_progress=lambda done, total: progress.append((done, total)))
    assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == ("done", 1, 1, 0)
    assert progress[-1] == (2, 2)
    assert_nothing_saved(baseline)


def test_rows_changed_by_someone_else_meanwhile_are_not_overwritten(world, baseline):
    importer = TransactionImporter(actor=world.admin)
    rows = [HEADER, row(account_code="110", order_no="OLD-1", ordered_on="2025-01-02", amount="99")]
    importer.plan(importer.parse(read_table(csv_bytes(rows)), lambda done: None))
    record = Transaction.objects.get(order_no="OLD-1")
    tiering.transaction_update(transaction=record, actor=world.admin, data={"product": "Theirs"})
    with pytest.raises(StaleImportError), transaction.atomic():
        importer.write()
    importer.close()
    saved = Transaction.objects.get(order_no="OLD-1")
    assert (saved.amount, saved.product) == (Decimal("10.00"), "Theirs")


def test_a_number_saved_by_someone_else_meanwhile_fails_the_whole_import(world):
    importer = TransactionImporter(actor=world.admin)
    rows = [HEADER, row(account_code="110", order_no="N1", ordered_on="2025-01-02", amount="1")]
    importer.plan(importer.parse(read_table(csv_bytes(rows)), lambda done: None))
    tiering.transaction_create(
        actor=world.admin,
        account=world.account,
        data={"order_no": "N1", "ordered_on": D(2025, 5, 5), "amount": 7},
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        importer.write()
    importer.close()
    assert list(Transaction.objects.filter(order_no="N1").values_list("amount", flat=True)) == [
        Decimal("7.00")
    ]


# Payments and feedback ---------------------------------------------------------------------------------

PAYMENT_HEADER = ["account_code", "invoice_no", "invoiced_on", "due_on", "paid_on", "amount"]


def test_payments_import_checks_dates_and_a_reimport_records_the_payment(world):
    bad = [PAYMENT_HEADER, ["110", "I-1", "2025-02-01", "2025-01-01", "", "10"],
           ["110", "I-2", "2025-02-01", "", "", "-5"],
           ["110", "", "2025-02-01", "", "", "5"], ["110", "I-3", "", "", "", "5"]]  # fmt: skip
    assert located(run(world.admin, bad, kind="payments")) == [
        (2, "due_on", "the due date is before the invoice date."),
        (3, "amount", "the amount cannot be negative."),
        (4, "invoice_no", "a value is required."),
        (5, "invoiced_on", "a value is required."),
    ]
    assert Payment.objects.count() == 0
    rows = [PAYMENT_HEADER, ["110", "I-1", "2025-02-01", "2025-03-03", "", "1,000.00"]]
    assert run(world.admin, rows, kind="payments").created_count == 1
    assert list(PaymentMonth.objects.values_list("paid_month", "amount")) == [(D(9999, 12, 1), 100000)]
    rows[1][4] = "2025-03-13"
    job = run(world.admin, rows, kind="payments")
    assert (job.created_count, job.updated_count) == (0, 1)
    assert list(PaymentMonth.objects.values_list("paid_month", "amount", "days")) == [
        (D(2025, 3, 1), 100000, 40)
    ]


def test_feedback_import_reads_chinese_kinds_and_numbers_rows_without_one(world):
    rows = [["客户代码", "类型", "日期", "内容", "编号"],
            ["110", "表扬", "2025-05-01", "交付及时", ""],
            ["110", "投诉", "2025-05-02", "发票错误", "T-9"],
            ["110", "抱怨吗", "2025-05-03", "?", ""]]  # fmt: skip
    job = run(world.admin, rows, kind="feedback")
    assert located(job) == [(4, "类型", "“抱怨吗” is not one of: Praise, Complaint, Suggestion.")]
    job = run(world.admin, rows[:3], kind="feedback")
    assert job.created_count == 2
    assert set(Feedback.objects.values_list("number", "kind")) == {
        (feedback_number(D(2025, 5, 1), "praise", "交付及时"), "praise"),
        ("T-9", "complaint"),
    }
    again = run(world.admin, rows[:3], kind="feedback")
    assert (again.created_count, again.unchanged_count) == (0, 2)


def test_feedback_numbers_are_unique_per_account(world):
    rows = [["account_code", "kind", "received_on", "text"], ["110", "praise", "2025-05-01", "Great"],
            ["110", "praise", "2025-05-01", "Great"]]  # fmt: skip
    number = feedback_number(D(2025, 5, 1), "praise", "Great")
    assert located(run(world.admin, rows, kind="feedback")) == [
        (3, "number", f"the number “{number}” of this account is already used on row 2.")
    ]
    assert FeedbackImporter.kind == "feedback"


# Export, templates, the CLI ------------------------------------------------------------------------------


def test_export_round_trip_is_formula_safe_and_changes_nothing(world):
    tiering.transaction_create(actor=world.admin, account=world.account, data={
        "order_no": "=1+1", "ordered_on": D(2025, 6, 1), "product": "=cmd|' /C calc'!A0",
        "quantity": Decimal("1.5"),
        "amount": Decimal("300.00"), "margin": Decimal("90.00"),
    })  # fmt: skip
    tiering.transaction_create(actor=world.admin, account=world.account, data={
        "order_no": "R-1", "ordered_on": D(2025, 6, 2), "amount": Decimal("30.00"), "is_return": True,
    })  # fmt: skip
    data = "".join(csv_lines(export_rows(kind="transactions", user=world.owner))).encode("utf-8")
    assert read_csv_text(data) == [
        HEADER,
        [
            "110",
            "'=1+1",
            "2025-06-01",
            "'=cmd|' /C calc'!A0",
            "1.500",
            "300.00",
            "210.00",
            "90.00",
            "FALSE",
            "",
        ],
        ["110", "R-1", "2025-06-02", "", "", "30.00", "", "", "TRUE", "30.00"],
    ]
    job = run(world.admin, data=data)
    assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == ("done", 0, 0, 2)
    assert [row for row in export_rows(kind="transactions", user=world.outsider)] == [HEADER]


def test_payment_and_feedback_exports_follow_the_template(world):
    tiering.payment_create(actor=world.admin, account=world.account, data={
        "invoice_no": "I-1", "invoiced_on": D(2025, 1, 1), "amount": Decimal("5.00"),
    })  # fmt: skip
    tiering.feedback_create(actor=world.admin, account=world.account, data={
        "kind": "suggestion", "received_on": D(2025, 1, 2), "text": "-- quarterly review", "number": "F-1",
    })  # fmt: skip
    assert list(export_rows(kind="payments", user=world.owner)) == [
        PAYMENT_HEADER,
        ["110", "I-1", D(2025, 1, 1), None, None, Decimal("5.00")],
    ]
    data = "".join(csv_lines(export_rows(kind="feedback", user=world.owner))).encode("utf-8")
    assert read_csv_text(data)[1] == ["110", "F-1", "Suggestion", "2025-01-02", "'-- quarterly review"]
    assert run(world.admin, data=data, kind="feedback").unchanged_count == 1


def test_templates_list_the_ledger_columns(client, world):
    client.force_login(world.owner)
    response = client.get(reverse("imports:template", args=["transactions", "xlsx"]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert list(next(workbook["transactions"].iter_rows(values_only=True))) == HEADER
    required = [r[0] for r in workbook["Help"].iter_rows(values_only=True) if r[1] == "yes"]
    assert required == ["account_code", "order_no", "ordered_on"]


def test_cli_imports_and_exports_the_ledger(world, tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_bytes(
        csv_bytes([HEADER, row(account_code="110", order_no="S1", ordered_on="2025-01-01", amount="5")])
    )
    out = io.StringIO()
    call_command("import", "transactions", str(path), stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip() == "Created 1, updated 0, 0 unchanged (1 rows)."
    path.write_bytes(
        csv_bytes([HEADER, row(account_code="110", order_no="S2", ordered_on="2025-01-01", amount="-5")])
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"^1 problem\(s\) found; nothing was saved\.$"):
        call_command("import", "transactions", str(path), stdout=io.StringIO(), stderr=err)
    assert "Row 2, column “amount”: a negative amount is only allowed on a return" in err.getvalue()
    call_command("export", "transactions", str(tmp_path / "out.csv"), stdout=io.StringIO())
    assert read_csv_text((tmp_path / "out.csv").read_bytes())[1][:3] == ["110", "S1", "2025-01-01"]


def test_upload_in_the_ui_runs_with_progress_and_commits(client, world):
    from kam.imports.models import ImportJob

    client.force_login(world.owner)
    upload = io.BytesIO(
        csv_bytes([HEADER, row(account_code="110", order_no="S1", ordered_on="2025-01-01", amount="5")])
    )
    upload.name = "ledger.csv"
    response = client.post(
        reverse("imports:index"), {"kind": "transactions", "file": upload, "dry_run": "on"}
    )
    preview = ImportJob.objects.get()
    assert response["Location"] == preview.get_absolute_url()
    assert (preview.status, preview.created_count, preview.processed_rows) == ("done", 1, 1)
    assert Transaction.objects.count() == 0
    client.post(reverse("imports:commit", args=[preview.pk]))
    assert list(Transaction.objects.values_list("order_no", flat=True)) == ["S1"]


def test_any_text_survives_staging(world):
    """Staging (COPY on PostgreSQL) keeps quotes, separators, line breaks, backslashes and blanks."""
    texts = [
        'He said "late", twice',
        "line one\nline two\r\n",
        "C:\\path\\.\n\\.\nend",
        "\t tab",
        "NULL",
        "\\N",
    ]
    rows = [["account_code", "kind", "received_on", "text", "number"]]
    rows += [["110", "complaint", "2025-05-01", text, f"T-{n}"] for n, text in enumerate(texts)]
    job = run(world.admin, rows, kind="feedback")
    assert (job.status, job.created_count) == ("done", len(texts))
    stored = dict(Feedback.objects.values_list("number", "text"))
    assert stored == {f"T-{n}": text.strip() for n, text in enumerate(texts)}
    orders = [
        HEADER,
        row(account_code="110", order_no='A,"1"', ordered_on="2025-01-01", product="", amount="1"),
    ]
    assert run(world.admin, orders).created_count == 1
    assert Transaction.objects.values_list("order_no", "product").get() == ('A,"1"', "")


def test_a_nul_character_in_a_text_cell_is_a_located_error(world, baseline):
    """PostgreSQL cannot store NUL: the row and column are named, nothing is saved (both databases alike)."""
    rows = [
        HEADER,
        row(account_code="110", order_no="N1", ordered_on="2025-01-01", product="ER\0P", amount="1"),
    ]
    job = run(world.admin, rows)
    assert located(job) == [
        (2, "product", "the text contains a NUL character, which cannot be saved; remove it.")
    ]
    assert_nothing_saved(baseline)
