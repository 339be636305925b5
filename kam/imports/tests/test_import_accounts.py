import codecs
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from kam.accounts.models import Account, Contact, Interaction
from kam.accounts.tests.factories import AccountFactory, ContactFactory, InteractionFactory
from kam.audit.models import ObjectChange
from kam.audit.services import snapshot
from kam.core.request_context import request_id_scope
from kam.imports.importers import AccountImporter, StaleImportError
from kam.imports.readers import read_table
from kam.imports.services import error_text, import_file
from kam.imports.tests.utils import ACCOUNT_HEADER, account_rows, csv_bytes, xlsx_bytes


def run(actor, rows, *, name="accounts.csv", data=None, **kwargs):
    data = data if data is not None else csv_bytes(rows)
    return import_file(kind="accounts", actor=actor, data=data, file_name=name, **kwargs)


@pytest.fixture
def baseline(world):
    """Counts that a failed import must leave exactly as they were."""
    return Account.objects.count(), ObjectChange.objects.count()


def assert_nothing_saved(baseline):
    assert (Account.objects.count(), ObjectChange.objects.count()) == baseline


def located(job):
    return [(e["row"], e["column"], e["message"]) for e in job.errors]


# The corpus of bad files: each gives located errors, and nothing is saved. ----------------------


def test_wrong_and_missing_headers(world, baseline):
    job = run(world.admin, [["code", "nmae", "industry", "industry"], ["A1", "One", "finance", "finance"]])
    assert job.status == "failed"
    assert located(job) == [
        (1, "nmae", "unknown column."),
        (1, "industry", "this column appears twice."),
        (1, "name", "this required column is missing."),
    ]
    assert job.error_count == 3
    assert_nothing_saved(baseline)


def test_gbk_csv_with_bom_locates_errors(world, baseline):
    rows = [["代码", "名称", "行业"], ["G1", "上海烟草集团", "金融"], ["G2", "宝钢", "钢铁"]]
    job = run(world.admin, None, data=csv_bytes(rows, encoding="gbk", bom=codecs.BOM_UTF8))
    assert located(job) == [(3, "行业", "unknown industry “钢铁”.")]
    assert error_text(job.errors[0]) == "Row 3, column “行业”: unknown industry “钢铁”."
    assert_nothing_saved(baseline)


def test_excel_serial_dates_locate_errors(world, baseline):
    data = xlsx_bytes([["code", "name", "founded_on"], ["X1", "One", 45322], ["X2", "Two", "next week"]])
    job = run(world.admin, None, data=data, name="accounts.xlsx")
    assert located(job) == [(3, "founded_on", "“next week” is not a date; write it as 2024-01-31.")]
    assert_nothing_saved(baseline)


def test_unknown_industry(world, baseline):
    rows = [ACCOUNT_HEADER, *account_rows(5), ["A9", "Nine", "xyz", "", "", "", ""]]
    job = run(world.admin, rows)
    assert error_text(job.errors[0]) == "Row 7, column “industry”: unknown industry “xyz”."
    assert job.error_count == 1
    assert_nothing_saved(baseline)


def test_duplicate_codes_in_one_file_are_an_error_on_the_later_row(world, baseline):
    rows = [ACCOUNT_HEADER, *account_rows(3), ["A00002", "Again", "", "", "", "", ""]]
    job = run(world.admin, rows)
    assert located(job) == [(5, "code", "the code “A00002” is already used on row 3.")]
    assert_nothing_saved(baseline)


def test_bad_number(world, baseline):
    rows = [ACCOUNT_HEADER, *account_rows(2), ["B1", "Bad", "", "", "12,3x", "", ""]]
    job = run(world.admin, rows)
    assert located(job) == [(4, "annual_revenue", "“12,3x” is not a number.")]
    assert_nothing_saved(baseline)


def test_ten_thousand_rows_with_the_error_in_the_last(world, baseline):
    rows = [ACCOUNT_HEADER, *account_rows(9999), ["Z1", "Last", "finance", "prospect", "-1", "", ""]]
    job = run(world.admin, rows)
    assert located(job) == [(10001, "annual_revenue", "the amount cannot be negative.")]
    assert (job.total_rows, job.processed_rows) == (10000, 10000)
    assert_nothing_saved(baseline)


def test_every_bad_cell_of_a_row_is_reported(world, baseline):
    rows = [
        [
            "code",
            "name",
            "status",
            "email",
            "website",
            "is_listed",
            "owner",
            "parent_code",
            "registered_capital",
        ],
        ["E1", "", "bankrupt", "x@", "no such site", "perhaps", "nobody", "NOPE", "1.234"],
    ]
    job = run(world.admin, rows)
    assert located(job) == [
        (2, "name", "a value is required."),
        (2, "status", "“bankrupt” is not one of: Prospect, Active customer, Dormant, Closed."),
        (2, "email", "“x@” is not an e-mail address."),
        (2, "website", "“no such site” is not a web address."),
        (2, "is_listed", "“perhaps” is not yes or no."),
        (2, "registered_capital", "use at most 2 decimal places."),
        (2, "owner", "there is no user “nobody” you may assign."),
        (2, "parent_code", "there is no account with code “NOPE” that you may see."),
    ]
    assert_nothing_saved(baseline)


def test_cells_without_a_header_are_an_error(world, baseline):
    job = run(
        world.admin, [["code", "name", ""], ["A1", "One", ""], ["A2", "Two", "stray"], ["A3", "3", "", "x"]]
    )
    assert located(job) == [
        (3, "C", "this cell has no column header."),
        (4, "D", "this cell has no column header."),
    ]
    assert_nothing_saved(baseline)


# Scope and permissions ----------------------------------------------------------------------------


def test_a_member_cannot_update_an_account_outside_their_scope(world, baseline):
    job = run(world.owner, [["code", "name"], ["110", "SPD Bank (renamed)"], ["W1", "West Corp (mine now)"]])
    assert located(job) == [(3, "code", "there is no account with code “W1” that you may change.")]
    assert_nothing_saved(baseline)
    assert Account.objects.get(code="W1").name == "West Corp"


def test_a_member_cannot_give_an_account_to_someone_outside_their_team(world, baseline):
    job = run(world.owner, [["code", "name", "owner"], ["N1", "New", "outsider"], ["N2", "Mine", "owner"]])
    assert located(job) == [(2, "owner", "there is no user “outsider” you may assign.")]
    assert_nothing_saved(baseline)


def test_auditors_cannot_import(world, baseline):
    with pytest.raises(PermissionDenied):
        run(world.auditor, [ACCOUNT_HEADER, *account_rows(1)])
    assert_nothing_saved(baseline)


# Valid imports ------------------------------------------------------------------------------------


def test_a_valid_gbk_file_with_bom_imports(world):
    rows = [
        ["代码", "名称", "行业", "所有制", "状态", "注册资本", "成立日期", "是否上市"],
        ["G1", "上海烟草集团", "金融", "国有", "活跃客户", "1,000,000", "1993年5月1日", "否"],
    ]
    job = run(world.owner, None, data=csv_bytes(rows, encoding="gbk", bom=codecs.BOM_UTF8))
    assert (job.status, job.created_count) == ("done", 1)
    account = Account.objects.get(code="G1")
    assert (account.name, account.industry, account.ownership, account.status) == (
        "上海烟草集团", world.industry, "state_owned", "active")  # fmt: skip
    assert (account.registered_capital, account.founded_on, account.is_listed) == (
        Decimal("1000000.00"), datetime.date(1993, 5, 1), False)  # fmt: skip
    assert account.owner == world.owner


def test_excel_serial_dates_and_date_cells_import(world):
    data = xlsx_bytes([["code", "name", "founded_on", "annual_revenue"], ["X1", "Serial", 45322, 1234.5],
                       [2, "Date cell", datetime.datetime(2001, 12, 3), None]])  # fmt: skip
    job = run(world.admin, None, data=data, name="accounts.xlsx")
    assert job.status == "done", job.errors
    assert Account.objects.get(code="X1").founded_on == datetime.date(2024, 1, 31)
    assert Account.objects.get(code="X1").annual_revenue == Decimal("1234.50")
    assert Account.objects.get(code="2").founded_on == datetime.date(2001, 12, 3)


def test_import_creates_with_one_audit_entry_each_under_one_request_id(world):
    before = ObjectChange.objects.count()
    with request_id_scope("import-test-0001"):
        job = run(world.owner, [ACCOUNT_HEADER, *account_rows(3)])
    assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == ("done", 3, 0, 0)
    created = Account.objects.filter(code__startswith="A0").order_by("code")
    assert [(a.code, a.name, a.owner_id, a.version, a.annual_revenue) for a in created] == [
        ("A00001", "Account 1", world.owner.pk, 1, Decimal("1.50")),
        ("A00002", "Account 2", world.owner.pk, 1, Decimal("2.50")),
        ("A00003", "Account 3", world.owner.pk, 1, Decimal("3.50")),
    ]
    entries = ObjectChange.objects.filter(pk__gt=0).order_by("id")[before:]
    assert [(e.action, e.object_id, e.request_id, e.actor_id) for e in entries] == [
        ("create", str(a.pk), "import-test-0001", world.owner.pk) for a in created
    ]
    assert entries[0].after == snapshot(created[0])


def test_a_valid_reimport_changes_nothing(world):
    rows = [ACCOUNT_HEADER, *account_rows(20)]
    run(world.admin, rows)
    counts = Account.objects.count(), ObjectChange.objects.count()
    job = run(world.admin, rows)
    assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == ("done", 0, 0, 20)
    assert (Account.objects.count(), ObjectChange.objects.count()) == counts
    assert set(Account.objects.filter(code__startswith="A0").values_list("version", flat=True)) == {1}


def test_an_update_reimport_writes_one_update_entry_per_changed_account(world):
    run(world.admin, [ACCOUNT_HEADER, *account_rows(5)])
    entries = ObjectChange.objects.count()
    rows = [ACCOUNT_HEADER, *account_rows(5)]
    rows[2][1], rows[4][4], rows[5][3] = "Renamed", "99.00", "active"
    job = run(world.admin, rows)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 3, 2)
    updates = list(ObjectChange.objects.order_by("id")[entries:])
    assert [(u.action, u.object_repr, u.changed_fields) for u in updates] == [
        ("update", "Renamed", ["name"]),
        ("update", "Account 4", ["annual_revenue"]),
        ("update", "Account 5", ["status"]),
    ]
    assert (updates[0].before["name"], updates[0].after["name"]) == ("Account 2", "Renamed")
    assert (updates[1].before["annual_revenue"], updates[1].after["annual_revenue"]) == ("4.50", "99.00")
    versions = dict(Account.objects.filter(code__startswith="A0").values_list("code", "version"))
    assert versions == {"A00001": 1, "A00002": 2, "A00003": 1, "A00004": 2, "A00005": 2}


def test_absent_columns_and_blank_locked_cells_keep_the_stored_value(world):
    account = world.account
    account.status, account.region = "active", "上海"
    account.save()
    job = run(world.owner, [["code", "name", "status", "owner", "region"], ["110", "SPD Bank", "", "", ""]])
    assert (job.updated_count, job.unchanged_count) == (1, 0)
    account.refresh_from_db()
    assert (account.status, account.owner, account.industry, account.region) == (
        "active", world.owner, world.industry, "")  # fmt: skip


def test_keeping_the_current_owner_is_allowed_even_outside_ones_team(world):
    """`teammate` (team west) sits on the account team of SPD Bank, owned by `owner` (team east)."""
    job = run(world.teammate, [["code", "name", "owner"], ["110", "SPD Bank", "owner"]])
    assert (job.status, job.unchanged_count) == ("done", 1), job.errors


def test_parent_accounts_in_the_file_or_saved(world):
    rows = [["code", "name", "parent_code"], ["S1", "Subsidiary", "H1"], ["H1", "Holding", "110"],
            ["S2", "Second", "S1"]]  # fmt: skip
    job = run(world.owner, rows)
    assert job.status == "done", job.errors
    parents = dict(Account.objects.filter(code__in=["S1", "H1", "S2"]).values_list("code", "parent__code"))
    assert parents == {"S1": "H1", "H1": "110", "S2": "S1"}
    job = run(world.owner, [["code", "name", "parent_code"], ["110", "SPD Bank", "S2"]])
    assert located(job) == [(2, "parent_code", "an account cannot be its own parent or ancestor.")]
    job = run(world.owner, [["code", "name", "parent_code"], ["L1", "Loop", "L1"]])
    assert located(job) == [(2, "parent_code", "an account cannot be its own parent or ancestor.")]


def test_a_parent_the_user_cannot_see_is_refused(world, baseline):
    job = run(world.owner, [["code", "name", "parent_code"], ["S1", "Subsidiary", "W1"]])
    assert located(job) == [(2, "parent_code", "there is no account with code “W1” that you may see.")]
    assert_nothing_saved(baseline)


def test_dry_run_counts_but_saves_nothing(world, baseline):
    rows = [ACCOUNT_HEADER, *account_rows(4), ["110", "SPD Bank", "finance", "active", "", "", ""]]
    progress = []
    job = run(world.owner, rows, dry_run=True, on_progress=lambda done, total: progress.append((done, total)))
    assert (job.status, job.dry_run, job.created_count, job.updated_count) == ("done", True, 4, 1)
    assert progress[-1] == (5, 5)
    assert_nothing_saved(baseline)


def test_rows_changed_by_someone_else_meanwhile_are_not_overwritten(world):
    importer = AccountImporter(actor=world.owner)
    importer.plan(
        importer.parse(read_table(csv_bytes([["code", "name"], ["110", "Mine"]])), lambda done: None)
    )
    Account.objects.filter(code="110").update(name="Theirs", version=5)
    with pytest.raises(StaleImportError), transaction.atomic():
        importer.write()
    assert Account.objects.get(code="110").name == "Theirs"


def test_a_code_saved_by_someone_else_meanwhile_fails_the_whole_import(world):
    importer = AccountImporter(actor=world.owner)
    importer.plan(importer.parse(read_table(csv_bytes([["code", "name"], ["N1", "New"]])), lambda done: None))
    AccountFactory(code="N1", owner=world.admin)
    with pytest.raises(IntegrityError), transaction.atomic():
        importer.write()
    assert list(Account.objects.filter(code="N1").values_list("owner__username", flat=True)) == ["admin"]


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        (StaleImportError, "Someone changed some of these records while the file was being checked. "
                           "Nothing was saved; run the import again."),
        (IntegrityError, "Someone else saved records with some of these codes meanwhile. Nothing was saved; "
                         "run the import again."),
    ],
)  # fmt: skip
def test_conflicts_while_saving_fail_the_job_cleanly(world, baseline, monkeypatch, problem, message):
    def write(importer):
        Account.objects.create(name="Written before the conflict", owner=world.admin)
        raise problem

    monkeypatch.setattr(AccountImporter, "write", write)
    job = run(world.admin, [ACCOUNT_HEADER, *account_rows(2)])
    assert (job.status, job.errors, job.created_count) == (
        "failed",
        [{"row": None, "column": "", "message": message}],
        0,
    )
    assert_nothing_saved(baseline)


def test_snapshot_with_known_many_to_many_ids_matches_the_queried_one(world):
    contact = ContactFactory(
        account=world.account, code="C1", reports_to=ContactFactory(account=world.account)
    )
    interaction = InteractionFactory(
        account=world.account, next_step="Call", next_step_due=datetime.date(2025, 1, 2)
    )
    interaction.their_people.set([contact])
    interaction.our_people.set([world.owner, world.teammate])
    account = AccountFactory(
        owner=world.owner, annual_revenue=Decimal("12.30"), founded_on=datetime.date(2000, 1, 1)
    )
    for model, instance, m2m in [
        (Account, account, None),
        (Contact, contact, None),
        (Interaction, interaction, {"their_people": [contact.pk],
                                    "our_people": [world.owner.pk, world.teammate.pk]}),
    ]:  # fmt: skip
        fresh = model.objects.get(pk=instance.pk)
        assert snapshot(fresh, m2m=m2m or {}) == snapshot(fresh)
