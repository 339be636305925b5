import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from kam.accounts.models import Account
from kam.audit.models import ObjectChange
from kam.imports.tests.utils import ACCOUNT_HEADER, account_rows, csv_bytes, read_csv_text


def test_import_command_creates_and_reports(world, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes(csv_bytes([ACCOUNT_HEADER, *account_rows(3)]))
    out = io.StringIO()
    call_command("import", "accounts", str(path), "--user", "owner", stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip() == "Created 3, updated 0, 0 unchanged (3 rows)."
    created = Account.objects.filter(code__startswith="A0")
    assert set(created.values_list("owner__username", flat=True)) == {"owner"}
    entries = ObjectChange.objects.filter(
        object_id__in=[str(pk) for pk in created.values_list("pk", flat=True)]
    )
    assert entries.count() == 3
    assert len(set(entries.values_list("request_id", flat=True))) == 1


def test_import_command_dry_run_and_default_user(world, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes(csv_bytes([ACCOUNT_HEADER, *account_rows(2)]))
    out = io.StringIO()
    call_command("import", "accounts", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip() == "Dry run, nothing saved: would create 2, update 0, 0 unchanged (2 rows)."
    assert not Account.objects.filter(code__startswith="A0").exists()
    call_command("import", "accounts", str(path), "-v0", stdout=io.StringIO())
    assert set(Account.objects.filter(code__startswith="A0").values_list("owner__username", flat=True)) == {
        "admin"
    }


def test_import_command_prints_located_errors_and_fails(world, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes(csv_bytes([ACCOUNT_HEADER, *account_rows(2), ["X", "Bad", "xyz", "", "", "", ""]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"^1 problem\(s\) found; nothing was saved\.$"):
        call_command("import", "accounts", str(path), stdout=io.StringIO(), stderr=err)
    assert "Row 4, column “industry”: unknown industry “xyz”." in err.getvalue()
    assert Account.objects.count() == 2


def test_import_command_refuses_unknown_users_and_files(world, tmp_path):
    with pytest.raises(CommandError, match="No such active user: ghost"):
        call_command("import", "accounts", str(tmp_path / "a.csv"), "--user", "ghost")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import", "accounts", str(tmp_path / "missing.csv"))


def test_export_command_writes_what_the_user_may_see(world, tmp_path):
    call_command(
        "export", "accounts", str(tmp_path / "west.xlsx"), "--user", "outsider", stdout=io.StringIO()
    )
    rows = list(load_workbook(tmp_path / "west.xlsx").worksheets[0].values)
    assert [row[0] for row in rows] == ["code", "W1"]
    out = io.StringIO()
    call_command("export", "accounts", str(tmp_path / "all.txt"), "--format", "csv", stdout=out)
    assert out.getvalue().strip() == f"Exported 2 accounts to {tmp_path / 'all.txt'}."
    assert [row[0] for row in read_csv_text((tmp_path / "all.txt").read_bytes())] == ["code", "110", "W1"]
