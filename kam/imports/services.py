"""Import jobs (check every row, then commit all or nothing) and exports limited to what a user may see.

Import jobs are bookkeeping, not business records: the audit log records the accounts, contacts,
contact-log entries, opportunities and stage transitions an import creates or changes, one entry each,
all with the job's request id. The sales ledger (transactions, payments, feedback: kam.imports.ledger) is
audited per changed record and, for the records it creates — up to millions — by one entry for the job.
"""

import datetime
from collections.abc import Callable, Iterator
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kam.accounts import selectors as account_selectors
from kam.accounts.choices import AccountStatus, CompanySize, InteractionKind, LeadSource, Ownership, Tier
from kam.accounts.filtersets import AccountFilterSet, ContactFilterSet, InteractionFilterSet
from kam.accounts.models import Interaction
from kam.core.request_context import current_request_id
from kam.imports.importers import IMPORTERS, StaleImportError, chunked
from kam.imports.ledger import LEDGER_IMPORTERS
from kam.imports.models import ImportJob, ImportKind, ImportStatus
from kam.imports.readers import ReadError, read_table
from kam.imports.specs import COLUMNS, EXPORT_ONLY
from kam.pipeline import selectors as pipeline_selectors
from kam.pipeline.choices import OpportunityStatus
from kam.pipeline.filtersets import OpportunityFilterSet
from kam.tiering import selectors as tiering_selectors
from kam.tiering.choices import FeedbackKind
from kam.tiering.filtersets import FeedbackFilterSet, PaymentFilterSet, TransactionFilterSet
from kam.users.services import ensure_can_write

EXPORT_CHUNK = 2000
STALE_MESSAGE = _(
    "Someone changed some of these records while the file was being checked. "
    "Nothing was saved; run the import again."
)
CONFLICT_MESSAGE = _(
    "Someone else saved records with some of these codes meanwhile. Nothing was saved; run the import again."
)


def _file_error(message) -> dict:
    return {"row": None, "column": "", "message": str(message)}


# Import jobs ---------------------------------------------------------------------------------------


def import_job_create(
    *, actor, kind: str, file_name: str, dry_run: bool, upload: File | None = None
) -> ImportJob:
    """Record an import; the uploaded file goes to storage (MEDIA_ROOT/imports/) for the worker."""
    ensure_can_write(actor)
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Unknown kind of import.")})
    job = ImportJob(
        kind=kind,
        file_name=PurePath(file_name).name[:255],
        dry_run=dry_run,
        created_by=actor,
        request_id=current_request_id(),
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    if upload is not None:
        job.file.save(job.file_name, upload, save=False)
    job.save()
    return job


def import_job_enqueue(*, job: ImportJob) -> ImportJob:
    """Hand the job to the background worker (`kam db_worker`; tests run it immediately)."""
    from kam.imports.tasks import run_import_job

    run_import_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def import_job_commit(*, job: ImportJob, actor) -> ImportJob:
    """Commit a clean dry run: a new job re-checks the same file, then saves it in one transaction."""
    ensure_can_write(actor)
    if not job.can_be_committed:
        raise PermissionDenied(_("Only a dry run without errors can be committed."))
    existing = job.commits.order_by("-id").first()
    if existing is not None:
        return existing
    commit = ImportJob.objects.create(
        kind=job.kind,
        file=job.file.name,
        file_name=job.file_name,
        dry_run=False,
        preview=job,
        created_by=actor,
        request_id=current_request_id(),
        language=translation.get_language() or job.language,
    )
    return import_job_enqueue(job=commit)


def import_jobs_reap(*, now: datetime.datetime | None = None) -> int:
    """Fail jobs whose worker died mid-run (no progress for KAM_STUCK_JOB_MINUTES); nothing was saved."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.KAM_STUCK_JOB_MINUTES)
    stuck = ImportJob.objects.filter(
        status__in=[ImportStatus.VALIDATING, ImportStatus.COMMITTING], updated_at__lt=cutoff
    )
    message = _("The import stopped before it finished; nothing was saved. Upload the file again.")
    return stuck.update(
        status=ImportStatus.FAILED,
        finished_at=now,
        updated_at=now,
        error_count=1,
        errors=[_file_error(message)],
    )


def import_run(
    *, job: ImportJob, actor, data: bytes, on_progress: Callable[[int, int], None] | None = None
) -> ImportJob:
    """Check every row of `data`; then, unless it is a dry run or a row is wrong, save all in one transaction.

    Progress goes to the job row every 1,000 rows, outside any transaction, so that a page can poll it;
    `on_progress(processed, total)` lets a caller (the CLI) show it too.
    """
    ensure_can_write(actor)
    importer = {**IMPORTERS, **LEDGER_IMPORTERS}[job.kind](actor=actor)
    importer.job = job
    job.status, job.started_at, job.processed_rows = ImportStatus.VALIDATING, timezone.now(), 0
    job.save(update_fields=["status", "started_at", "processed_rows", "updated_at"])

    def progress(done: int) -> None:
        job.processed_rows = done
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, updated_at=timezone.now())
        if on_progress is not None:
            on_progress(done, job.total_rows)

    try:
        table = read_table(data, job.file_name)
        job.total_rows = table.size_hint
        job.save(update_fields=["total_rows", "updated_at"])
        rows = importer.parse(table, progress)
        job.total_rows = len(rows)
        importer.plan(rows)
        if not importer.errors and not job.dry_run:
            job.status = ImportStatus.COMMITTING
            job.save(update_fields=["status", "total_rows", "updated_at"])
            with transaction.atomic():
                importer.write()
    except ReadError as error:
        importer.errors.add(error.row, "", error.message)
    except StaleImportError:
        importer.errors.add(None, "", STALE_MESSAGE)
    except IntegrityError:
        importer.errors.add(None, "", CONFLICT_MESSAGE)
    except Exception:
        _finish(job, errors=[_file_error(_("The import stopped on an unexpected error; nothing was saved."))])
        raise
    finally:
        importer.close()
    if importer.errors:
        return _finish(job, errors=importer.errors.sorted(), error_count=importer.errors.count)
    job.created_count = importer.created_count
    job.updated_count = importer.updated_count
    job.unchanged_count = importer.unchanged
    return _finish(job)


def error_text(error: dict) -> str:
    """One located error as a sentence: "Row 7, column “industry”: unknown industry “xyz”."."""
    if error["row"] is None or not error["column"]:
        return error["message"]
    return _("Row %(row)s, column “%(column)s”: %(message)s") % error


def _finish(job: ImportJob, *, errors: list[dict] | None = None, error_count: int | None = None) -> ImportJob:
    job.status = ImportStatus.FAILED if errors else ImportStatus.DONE
    job.errors = errors or []
    job.error_count = error_count if error_count is not None else len(job.errors)
    if errors:
        job.created_count = job.updated_count = job.unchanged_count = 0
    job.finished_at = timezone.now()
    job.save()
    return job


def import_file(
    *,
    kind: str,
    actor,
    data: bytes,
    file_name: str,
    dry_run: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportJob:
    """Import `data` now, in this process (the CLI and benchmarks); the UI goes through the worker."""
    job = import_job_create(actor=actor, kind=kind, file_name=file_name, dry_run=dry_run)
    return import_run(job=job, actor=actor, data=data, on_progress=on_progress)


# Templates and exports ----------------------------------------------------------------------------


def template_header(kind: str) -> list[str]:
    return [column.key for column in COLUMNS[kind]]


def template_help(kind: str, *, user) -> list[list[str]]:
    """The template's second sheet: what each column means and which values it accepts."""
    rows = [[str(_("Column")), str(_("Required")), str(_("Meaning")), str(_("Accepted values"))]]
    for column in COLUMNS[kind]:
        accepted = ""
        if column.choices is not None:
            accepted = "; ".join(f"{value} = {label}" for value, label in column.choices.choices)
        elif column.key == "industry":
            industries = account_selectors.industry_list(user=user)[:200]
            accepted = "; ".join(
                f"{i.code} = {i.name}" + (f" / {i.name_en}" if i.name_en else "") for i in industries
            )
        elif column.key in ("process", "stage"):
            accepted = _process_help(column.key, user=user)
        description = f"{column.label}. {column.help}" if column.help else str(column.label)
        rows.append([column.key, str(_("yes")) if column.required else "", description, accepted])
    return rows


def _process_help(key: str, *, user) -> str:
    """The sales processes by name; for the stage column, each process's stage codes in order."""
    processes = pipeline_selectors.process_list(user=user).prefetch_related("stages")
    if key == "process":
        return "; ".join(process.name for process in processes)
    return "; ".join(
        f"{process.name}: " + " ".join(stage.code for stage in process.stages.all()) for process in processes
    )


def _labels(choices) -> Callable[[str], str]:
    """Stored value → label in the current language."""
    labels = {value: str(label) for value, label in choices.choices}
    return lambda value: labels.get(value, value)


#: kind → (values_list fields in the template's column order, {field: its choices}). An interaction's
#: "pk" stands in for its contact_codes column, filled in per chunk of rows.
EXPORT_FIELDS = {
    "accounts": (
        [
            "code", "name", "industry__code", "ownership", "status", "region", "company_size",
            "registered_capital", "annual_revenue", "currency", "is_listed", "founded_on", "lead_source",
            "address", "post_code", "phone", "fax", "email", "website", "parent__code", "owner__username",
            "notes", "tier",
        ],
        {
            "ownership": Ownership,
            "status": AccountStatus,
            "company_size": CompanySize,
            "lead_source": LeadSource,
            "tier": Tier,
        },
    ),
    "contacts": (
        [
            "code", "account__code", "name", "title", "department", "reports_to__code", "phone", "mobile",
            "email", "wechat", "hobbies", "notes",
        ],
        {},
    ),
    "interactions": (
        [
            "code", "account__code", "kind", "occurred_on", "owner__username", "pk", "content", "next_step",
            "next_step_due", "next_step_done",
        ],
        {"kind": InteractionKind},
    ),
    "opportunities": (
        [
            "number", "account__code", "name", "goal", "amount", "currency", "expected_close",
            "owner__username", "process__name", "stage__code", "status", "close_reason", "winning_competitor",
            "closed_on", "competitors", "product_lines", "lead_source", "next_step", "next_step_due",
        ],
        {"status": OpportunityStatus, "lead_source": LeadSource},
    ),
    # the template's cost and returned_amount columns are filled in by _transaction_row
    "transactions": (
        ["account__code", "order_no", "ordered_on", "product", "quantity", "amount", "margin", "is_return"],
        {},
    ),
    "payments": (["account__code", "invoice_no", "invoiced_on", "due_on", "paid_on", "amount"], {}),
    "feedback": (["account__code", "number", "kind", "received_on", "text"], {"kind": FeedbackKind}),
}  # fmt: skip


def _transaction_row(row: list) -> list:
    """A stored transaction in the template's columns: the cost beside the margin, a return's amount twice."""
    code, number, day, product, quantity, amount, margin, is_return = row
    cost = None if margin is None else amount - margin
    return [
        code,
        number,
        day,
        product,
        quantity,
        amount,
        cost,
        margin,
        is_return,
        amount if is_return else None,
    ]


#: Kinds whose stored fields are not the template's columns one to one.
EXPORT_ROWS = {"transactions": _transaction_row}
#: Kinds exported in the order they were saved (a ledger of millions: the primary key's index, no sort).
LEDGER_KINDS = ("transactions", "payments", "feedback")


def export_queryset(*, kind: str, user, filters=None, request=None):
    """What `user` may see of `kind`, narrowed by the list page's filters (the same FilterSet)."""
    selector, filterset_class = {
        "accounts": (account_selectors.account_list, AccountFilterSet),
        "contacts": (account_selectors.contact_list, ContactFilterSet),
        "interactions": (account_selectors.interaction_list, InteractionFilterSet),
        "opportunities": (pipeline_selectors.opportunity_list, OpportunityFilterSet),
        "transactions": (tiering_selectors.transaction_list, TransactionFilterSet),
        "payments": (tiering_selectors.payment_list, PaymentFilterSet),
        "feedback": (tiering_selectors.feedback_list, FeedbackFilterSet),
    }[kind]
    records = filterset_class(filters or None, queryset=selector(user=user), request=request).qs
    return records.order_by("id") if kind in LEDGER_KINDS else records


def export_rows(*, kind: str, user, filters=None, request=None) -> Iterator[list]:
    """The header, then one row per record, streamed in chunks: a million rows never sit in memory.

    Choice columns carry their label in the current language (the import reads labels and values).
    """
    fields, choice_fields = EXPORT_FIELDS[kind]
    convert = {fields.index(name): _labels(choices) for name, choices in choice_fields.items()}
    people = fields.index("pk") if kind == "interactions" else None
    yield [*template_header(kind), *EXPORT_ONLY.get(kind, ())]
    values = export_queryset(kind=kind, user=user, filters=filters, request=request).values_list(*fields)
    arrange = EXPORT_ROWS.get(kind)
    for chunk in chunked(values.iterator(chunk_size=EXPORT_CHUNK), EXPORT_CHUNK):
        codes = _contact_codes([row[people] for row in chunk]) if people is not None else {}
        for row in chunk:
            row = list(row)
            for index, function in convert.items():
                row[index] = function(row[index])
            if people is not None:
                row[people] = "; ".join(sorted(codes.get(row[people], ())))
            yield arrange(row) if arrange is not None else row


def _contact_codes(interaction_ids: list[int]) -> dict[int, list[str]]:
    through = Interaction.their_people.through
    codes: dict[int, list[str]] = {}
    for chunk in chunked(interaction_ids):
        links = through.objects.filter(interaction_id__in=chunk, contact__code__isnull=False)
        for interaction_id, code in links.values_list("interaction_id", "contact__code"):
            codes.setdefault(interaction_id, []).append(code)
    return codes
