import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from kam.accounts.models import Account
from kam.accounts.tests.factories import AccountFactory, ContactFactory, InteractionFactory
from kam.audit.models import ObjectChange
from kam.imports.services import export_rows, import_file
from kam.imports.tests.utils import read_csv_text
from kam.imports.writers import csv_lines, write_xlsx

PAYLOADS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]


def csv_export(**kwargs) -> bytes:
    return "".join(csv_lines(export_rows(**kwargs))).encode("utf-8")


def xlsx_export(**kwargs) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(export_rows(**kwargs), buffer, title="export")
    return buffer.getvalue()


def test_formula_injection_is_inert_in_csv(world):
    for index, payload in enumerate(PAYLOADS):
        AccountFactory(name=payload, code=f"F{index}", owner=world.admin, notes=payload)
    rows = read_csv_text(csv_export(kind="accounts", user=world.admin))
    exported = {row[0]: row for row in rows[1:]}
    for index, payload in enumerate(PAYLOADS):
        assert exported[f"F{index}"][1] == "'" + payload
        assert exported[f"F{index}"][-2:] == ["'" + payload, ""]  # notes, then the (empty) tier


def test_formula_injection_is_inert_in_xlsx(world):
    for index, payload in enumerate(PAYLOADS):
        AccountFactory(name=payload, code=f"F{index}", owner=world.admin)
    sheet = load_workbook(io.BytesIO(xlsx_export(kind="accounts", user=world.admin))).worksheets[0]
    names = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    for index, payload in enumerate(PAYLOADS):
        cell = names[f"F{index}"]
        assert cell.data_type == "s"
        assert cell.value == "'" + payload.replace("\r", "\n")  # XML turns a carriage return into \n


def test_escaped_exports_reimport_unchanged(world):
    AccountFactory(name='=HYPERLINK("http://evil")', code="F1", owner=world.admin, phone="+86 21 5888 0000")
    for data, name in ((csv_export(kind="accounts", user=world.admin), "a.csv"),
                       (xlsx_export(kind="accounts", user=world.admin), "a.xlsx")):  # fmt: skip
        job = import_file(kind="accounts", actor=world.admin, data=data, file_name=name)
        assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == ("done", 0, 0, 3)
    assert Account.objects.get(code="F1").phone == "+86 21 5888 0000"


def test_exports_hold_only_what_the_user_may_see(world):
    codes = {
        user: [row[0] for row in read_csv_text(csv_export(kind="accounts", user=getattr(world, user)))[1:]]
        for user in ("owner", "teammate", "outsider", "east_manager", "auditor")
    }
    assert codes == {
        "owner": ["110"],
        "teammate": ["110"],
        "outsider": ["W1"],
        "east_manager": ["110"],
        "auditor": ["110", "W1"],
    }
    ContactFactory(account=world.other_account, code="WC")
    InteractionFactory(account=world.other_account, code="WI")
    assert len(read_csv_text(csv_export(kind="contacts", user=world.owner))) == 1
    assert len(read_csv_text(csv_export(kind="interactions", user=world.owner))) == 1


def test_exports_use_the_list_pages_filters(world):
    AccountFactory(name="Active one", code="ACT", owner=world.admin, status="active")
    rows = read_csv_text(csv_export(kind="accounts", user=world.admin, filters={"status": "active"}))
    assert [row[0] for row in rows[1:]] == ["ACT"]
    rows = read_csv_text(csv_export(kind="accounts", user=world.admin, filters={"q": "spd"}))
    assert [row[0] for row in rows[1:]] == ["110"]


def test_every_field_round_trips_through_csv_and_xlsx(world):
    parent = AccountFactory(name="集团总部", code="HQ", owner=world.owner)
    AccountFactory(
        name="浦发银行上海分行", code="SPD-SH", owner=world.owner, industry=world.industry,
        ownership="listed", status="active", region="上海", company_size="enterprise",
        registered_capital=Decimal("2935208.04"), annual_revenue=Decimal("1000000000.00"), currency="USD",
        is_listed=True, founded_on=datetime.date(1993, 1, 9), lead_source="customer_referral",
        address="中山东一路12号", post_code="200002", phone="+86 21 6161 6188", fax="021-63232036",
        email="it@spdb.com.cn", website="https://www.spdb.com.cn", parent=parent,
        notes="Line one\nLine two, with a comma",
    )  # fmt: skip
    entries = ObjectChange.objects.count()
    for data, name in ((csv_export(kind="accounts", user=world.owner), "a.csv"),
                       (xlsx_export(kind="accounts", user=world.owner), "a.xlsx")):  # fmt: skip
        job = import_file(kind="accounts", actor=world.owner, data=data, file_name=name)
        assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == ("done", 0, 0, 3), (
            job.errors
        )
    assert ObjectChange.objects.count() == entries
    rows = read_csv_text(csv_export(kind="accounts", user=world.owner))
    assert rows[0][:6] == ["code", "name", "industry", "ownership", "status", "region"]
    spd = next(row for row in rows if row[0] == "SPD-SH")
    assert spd[2:5] == ["finance", "Listed company", "Active customer"]
    assert rows[0][-1] == "tier"  # export-only: set by tiering runs, skipped by the import above
    assert spd[-4:] == ["HQ", "owner", "Line one\nLine two, with a comma", ""]


def test_contacts_and_interactions_round_trip(world):
    boss = ContactFactory(account=world.account, code="ZH", name="张华", reports_to=None, wechat="zh")
    ContactFactory(account=world.account, code="LJ", name="李建", reports_to=boss)
    interaction = InteractionFactory(
        account=world.account, code="I1", kind="visit", next_step="Send the proposal",
        next_step_due=datetime.date(2025, 3, 8), occurred_on=datetime.date(2025, 3, 1),
    )  # fmt: skip
    interaction.their_people.set(world.account.contacts.all())
    contacts = read_csv_text(csv_export(kind="contacts", user=world.owner))
    interactions = read_csv_text(csv_export(kind="interactions", user=world.owner))
    assert interactions[1] == [
        "I1", "110", "Visit", "2025-03-01", "owner", "LJ; ZH", "Met the customer.", "Send the proposal",
        "2025-03-08", "FALSE",
    ]  # fmt: skip
    for kind, rows in (("contacts", contacts), ("interactions", interactions)):
        data = "".join(csv_lines(rows)).encode()
        job = import_file(kind=kind, actor=world.owner, data=data, file_name=f"{kind}.csv")
        assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == ("done", 0, 0, 2 if
               kind == "contacts" else 1), job.errors  # fmt: skip
