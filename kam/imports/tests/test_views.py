import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kam.accounts.models import Account
from kam.audit.models import ObjectChange
from kam.imports.models import ImportJob
from kam.imports.tests.utils import ACCOUNT_HEADER, account_rows, csv_bytes, read_csv_text

INDEX = reverse("imports:index")


def upload(client, rows, *, dry_run=True, name="accounts.csv", kind="accounts"):
    data = {"kind": kind, "file": SimpleUploadedFile(name, csv_bytes(rows), content_type="text/csv")}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(INDEX, data)


def test_index_offers_templates_exports_and_the_upload_form(client, world):
    client.force_login(world.owner)
    response = client.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="import-form"' in html
    assert reverse("imports:template", args=["contacts", "xlsx"]) in html
    assert reverse("imports:export", args=["interactions"]) + "?format=csv" in html
    assert 'id="id_dry_run" checked' in html


def test_upload_dry_run_then_commit(client, world):
    client.force_login(world.owner)
    accounts, entries = Account.objects.count(), ObjectChange.objects.count()
    response = upload(client, [ACCOUNT_HEADER, *account_rows(3), ["110", "SPD Bank", "", "", "", "", ""]])
    preview = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == preview.get_absolute_url()
    assert (preview.status, preview.dry_run, preview.created_count, preview.updated_count) == (
        "done",
        True,
        3,
        1,
    )
    assert (Account.objects.count(), ObjectChange.objects.count()) == (accounts, entries)
    page = client.get(preview.get_absolute_url()).content.decode()
    assert "Commit this import" in page
    assert "Dry run: every row is valid" in page

    response = client.post(reverse("imports:commit", args=[preview.pk]))
    commit = ImportJob.objects.exclude(pk=preview.pk).get()
    assert response["Location"] == commit.get_absolute_url()
    assert (commit.status, commit.dry_run, commit.preview, commit.created_count) == (
        "done",
        False,
        preview,
        3,
    )
    assert commit.request_id and commit.request_id != preview.request_id
    assert Account.objects.count() == accounts + 3
    assert ObjectChange.objects.count() == entries + 4
    assert set(ObjectChange.objects.order_by("-id")[:4].values_list("request_id", flat=True)) == {
        commit.request_id
    }
    saved = client.get(commit.get_absolute_url()).content.decode()
    assert "The import is saved." in saved
    assert f'href="{reverse("accounts:list")}" data-testid="import-data"' in saved

    again = client.post(reverse("imports:commit", args=[preview.pk]))
    assert again["Location"] == commit.get_absolute_url()
    assert ImportJob.objects.count() == 2
    assert "See the committed import" in client.get(preview.get_absolute_url()).content.decode()


def test_a_failed_upload_lists_located_errors(client, world):
    client.force_login(world.owner)
    upload(client, [ACCOUNT_HEADER, ["X1", "One", "xyz", "", "", "", ""]], dry_run=False)
    job = ImportJob.objects.get()
    page = client.get(job.get_absolute_url()).content.decode()
    assert job.status == "failed"
    assert "Nothing was saved: 1 problem was found." in page
    assert '<td>industry</td><td class="kam-wrap">unknown industry “xyz”.</td>' in page
    assert "Commit this import" not in page
    response = client.post(reverse("imports:commit", args=[job.pk]))
    assert response.status_code == 403


def test_a_bad_upload_form_is_shown_again(client, world):
    client.force_login(world.owner)
    response = client.post(INDEX, {"kind": "accounts", "file": SimpleUploadedFile("notes.txt", b"x")})
    assert response.status_code == 200
    assert "File extension “txt” is not allowed." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_auditors_may_export_but_not_import(client, world):
    client.force_login(world.auditor)
    assert 'data-testid="import-form"' not in client.get(INDEX).content.decode()
    assert upload(client, [ACCOUNT_HEADER, *account_rows(1)]).status_code == 403
    assert not ImportJob.objects.exists()
    response = client.get(reverse("imports:export", args=["accounts"]), {"format": "csv"})
    assert response.status_code == 200
    assert [row[0] for row in read_csv_text(b"".join(response.streaming_content))[1:]] == ["110", "W1"]


def test_jobs_are_private_to_their_uploader(client, world):
    client.force_login(world.owner)
    upload(client, [ACCOUNT_HEADER, *account_rows(1)])
    job = ImportJob.objects.get()
    client.force_login(world.outsider)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.post(reverse("imports:commit", args=[job.pk])).status_code == 404
    client.force_login(world.admin)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Commit this import" not in page


def test_a_running_job_is_polled_by_htmx(client, world):
    job = ImportJob.objects.create(
        kind="accounts", file_name="big.csv", created_by=world.owner, status="validating", total_rows=4000,
        processed_rows=1000,
    )  # fmt: skip
    client.force_login(world.owner)
    page = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert page.startswith('<div id="job-status"')
    assert 'hx-trigger="every 1s"' in page
    assert 'aria-valuenow="25"' in page
    assert "1,000 of about 4,000 rows checked" in page
    job.status = "done"
    job.save()
    page = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in page


def test_a_job_queued_too_long_says_to_start_the_worker(client, world):
    job = ImportJob.objects.create(
        kind="accounts", file_name="a.csv", created_by=world.owner, status="queued"
    )
    client.force_login(world.owner)
    page = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "Waiting for the background worker" in page and 'data-testid="worker-missing"' not in page
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(seconds=16))
    page = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="worker-missing"' in page and "kam db_worker" in page
    assert 'hx-trigger="every 1s"' in page  # still polling: the import starts once a worker runs
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(  # a worker busy with a long task: this job waits its turn, no warning
        status="RUNNING", args_kwargs={}, task_path="kam.tiering.tasks.run_tiering", backend_name="default",
        run_after=timezone.now(), exception_class_path="", traceback="",
    )  # fmt: skip
    page = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "Waiting for the background worker" in page and 'data-testid="worker-missing"' not in page


def test_jobs_stuck_without_progress_are_failed(client, world):
    stuck = ImportJob.objects.create(
        kind="accounts", file_name="a.csv", created_by=world.owner, status="committing"
    )
    ImportJob.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(world.owner)
    client.get(INDEX)
    stuck.refresh_from_db()
    assert (stuck.status, stuck.error_count) == ("failed", 1)
    assert (
        stuck.errors[0]["message"]
        == "The import stopped before it finished; nothing was saved. Upload the file again."
    )


def test_templates_download(client, world):
    client.force_login(world.owner)
    response = client.get(reverse("imports:template", args=["contacts", "csv"]))
    assert response["Content-Disposition"] == 'attachment; filename="kam-contacts-template.csv"'
    assert read_csv_text(response.content) == [
        ["code", "account_code", "name", "title", "department", "reports_to_code", "phone", "mobile", "email",
         "wechat", "hobbies", "notes"],
    ]  # fmt: skip
    response = client.get(reverse("imports:template", args=["accounts", "xlsx"]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["accounts", "Help"]
    assert next(workbook["accounts"].iter_rows(values_only=True))[:3] == ("code", "name", "industry")
    help_rows = {row[0]: row for row in workbook["Help"].iter_rows(values_only=True)}
    assert help_rows["name"][1] == "yes"
    assert help_rows["industry"][3] == "finance = 金融 / Finance"
    assert "state_owned = State-owned" in help_rows["ownership"][3]
    assert client.get(reverse("imports:template", args=["deals", "csv"])).status_code == 404
    assert client.get(reverse("imports:template", args=["accounts", "pdf"])).status_code == 404


def test_export_view_follows_the_list_page_filters(client, world):
    Account.objects.filter(code="110").update(status="active")
    client.force_login(world.admin)
    url = reverse("imports:export", args=["accounts"])
    response = client.get(url + "?q=&status=active&ordering=name&format=xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="kam-accounts-')
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0].values)
    assert [row[0] for row in rows[1:]] == ["110"]
    assert client.get(url, {"format": "pdf"}).status_code == 404
    assert client.get(reverse("imports:export", args=["deals"])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("kind", ["accounts", "contacts", "interactions", "opportunities"])
def test_exports_of_every_kind_render(client, world, kind):
    client.force_login(world.owner)
    response = client.get(reverse("imports:export", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_the_form_preselects_what_the_user_was_importing_and_the_list_says_what_a_dry_run_would_do(
    client, world
):
    client.force_login(world.owner)
    assert (
        " selected>" not in client.get(INDEX).content.decode().split('id="id_kind"')[1].split("</select>")[0]
    )
    assert (
        '<option value="transactions" selected>' in client.get(INDEX + "?kind=transactions").content.decode()
    )
    rows = [["account_code", "order_no", "ordered_on", "amount"], ["110", "S1", "2025-01-02", "1234567"]]
    upload(client, rows, kind="transactions", name="ledger.csv")
    html = client.get(INDEX).content.decode()
    assert '<option value="transactions" selected>' in html
    muted = '<td class="text-end text-muted">'
    assert f"{muted}1 to create</td>{muted}0 to update</td>" in html
    job = ImportJob.objects.get()
    assert client.get(job.get_absolute_url()).content.decode().count("Commit this import") == 1


def test_a_dry_run_with_nothing_to_save_offers_no_commit(client, world):
    client.force_login(world.owner)
    rows = [["account_code", "order_no", "ordered_on", "amount"], ["110", "S1", "2025-01-02", "12"]]
    upload(client, rows, kind="transactions", name="ledger.csv", dry_run=False)
    upload(client, rows, kind="transactions", name="ledger.csv")
    preview = ImportJob.objects.get(dry_run=True)
    assert (preview.status, preview.created_count, preview.updated_count, preview.unchanged_count) == (
        "done",
        0,
        0,
        1,
    )
    assert "Commit this import" not in client.get(preview.get_absolute_url()).content.decode()
    assert client.post(reverse("imports:commit", args=[preview.pk])).status_code == 403
    assert ImportJob.objects.count() == 2


def test_big_uploads_are_refused_with_the_limit_named(world):
    from kam.imports.forms import MAX_UPLOAD_BYTES, ImportForm

    upload_file = SimpleUploadedFile("ledger.csv", b"account_code\n", content_type="text/csv")
    upload_file.size = MAX_UPLOAD_BYTES + 1
    form = ImportForm({"kind": "transactions"}, {"file": upload_file})
    assert not form.is_valid()
    assert [error.replace("\xa0", " ") for error in form.errors["file"]] == [
        "The file is larger than 200.0 MB."
    ]
    upload_file.size = MAX_UPLOAD_BYTES
    assert ImportForm({"kind": "transactions"}, {"file": upload_file}).is_valid()


@pytest.mark.parametrize(
    ("kind", "page"),
    [
        ("accounts", "/accounts/"),
        ("contacts", "/accounts/contacts/"),
        ("interactions", "/accounts/log/"),
        ("opportunities", "/pipeline/"),
        ("transactions", "/tiering/transactions/"),
        ("payments", "/tiering/payments/"),
        ("feedback", "/tiering/feedback/"),
    ],
)
def test_a_saved_import_links_to_the_list_of_what_it_wrote(client, world, kind, page):
    job = ImportJob.objects.create(kind=kind, file_name="x.csv", dry_run=False, created_by=world.owner)
    assert job.data_url() == page
    client.force_login(world.owner)
    assert client.get(page).status_code == 200
