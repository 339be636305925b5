"""Writes of the tiering app: single ledger records (forms and the API; each audited, keeping the rollups
exact — imports write in bulk through kam.imports.ledger), tiering models and runs.

Runs: `tiering_run_create` queues one (admins only), `tiering_run_execute` computes it (the background task,
the CLI) through kam.tiering.recompute, writes its results and tier changes, updates the tier of the
accounts whose tier changed and audits each of those as an update of the account (so the change shows in
the account's history), all in one transaction.
"""

import copy
import datetime
import hashlib

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from kam.accounts.models import Account
from kam.audit.services import audit_update, snapshot
from kam.core.request_context import current_request_id
from kam.core.services import create_instance, delete_instance, update_instance
from kam.tiering import recompute, rollups, scorecard
from kam.tiering.models import (
    Feedback,
    LedgerRecord,
    Payment,
    RunStatus,
    TieringModel,
    TieringRun,
    Transaction,
)
from kam.users.services import ensure_admin, ensure_can_write

KINDS = {Transaction: "transactions", Payment: "payments", Feedback: "feedback"}


def feedback_number(received_on: datetime.date, kind: str, text: str) -> str:
    """The number of feedback given without one: the same date, kind and text give the same number, so a
    re-import of the same row finds it again."""
    digest = hashlib.sha1(f"{received_on.isoformat()}|{kind}|{text}".encode()).hexdigest()[:12]
    return f"FB-{digest.upper()}"


def _saved_cell(record: LedgerRecord) -> tuple:
    """The rollup cell of the record as saved (a form has already written its input into `record`)."""
    saved = type(record)._base_manager.get(pk=record.pk)
    return rollups.cell_of(KINDS[type(record)], saved)


def _create(record: LedgerRecord, actor) -> LedgerRecord:
    ensure_can_write(actor)
    create_instance(instance=record, actor=actor)
    kind = KINDS[type(record)]
    rollups.refresh(kind, [rollups.cell_of(kind, record)])
    return record


def _update(record: LedgerRecord, actor, data: dict, expected_version: int | None) -> LedgerRecord:
    ensure_can_write(actor)
    before = _saved_cell(record)
    update_instance(instance=record, actor=actor, data=data, expected_version=expected_version)
    kind = KINDS[type(record)]
    rollups.refresh(kind, [before, rollups.cell_of(kind, record)])
    return record


def _delete(record: LedgerRecord, actor) -> None:
    ensure_can_write(actor)
    cell = _saved_cell(record)
    delete_instance(instance=record, actor=actor)
    rollups.refresh(KINDS[type(record)], [cell])


@transaction.atomic
def transaction_create(*, actor, account: Account, data: dict) -> Transaction:
    return _create(Transaction(account=account, **data), actor)


@transaction.atomic
def transaction_update(
    *, transaction: Transaction, actor, data: dict, expected_version: int | None = None
) -> Transaction:
    return _update(transaction, actor, data, expected_version)


@transaction.atomic
def transaction_delete(*, transaction: Transaction, actor) -> None:
    _delete(transaction, actor)


@transaction.atomic
def payment_create(*, actor, account: Account, data: dict) -> Payment:
    return _create(Payment(account=account, **data), actor)


@transaction.atomic
def payment_update(*, payment: Payment, actor, data: dict, expected_version: int | None = None) -> Payment:
    return _update(payment, actor, data, expected_version)


@transaction.atomic
def payment_delete(*, payment: Payment, actor) -> None:
    _delete(payment, actor)


def _numbered(data: dict) -> dict:
    if data.get("number") or not (data.get("received_on") and data.get("kind") and data.get("text")):
        return data
    return {**data, "number": feedback_number(data["received_on"], data["kind"], data["text"])}


@transaction.atomic
def feedback_create(*, actor, account: Account, data: dict) -> Feedback:
    """Record feedback; without a number it gets one made from its date, kind and text."""
    return _create(Feedback(account=account, **_numbered(data)), actor)


@transaction.atomic
def feedback_update(
    *, feedback: Feedback, actor, data: dict, expected_version: int | None = None
) -> Feedback:
    if "number" in data and not data["number"]:
        data = {key: value for key, value in data.items() if key != "number"}  # a number, once given, stays
    return _update(feedback, actor, data, expected_version)


@transaction.atomic
def feedback_delete(*, feedback: Feedback, actor) -> None:
    _delete(feedback, actor)


# Tiering models and runs (M1.2, M1.3) -------------------------------------------------------------------


#: The default model's name: data, like the demo's industries, so in both languages whoever created it.
DEFAULT_MODEL_NAME = "客户价值记分卡 Customer value scorecard"


@transaction.atomic
def tiering_model_create(*, actor, data: dict) -> TieringModel:
    """A new model; the first one is active at once (so Recompute has something to run)."""
    ensure_admin(actor)
    model = TieringModel(**data)
    model.is_active = not TieringModel.objects.filter(is_active=True).exists()
    return create_instance(instance=model, actor=actor)


@transaction.atomic
def tiering_model_update(
    *, model: TieringModel, actor, data: dict, expected_version: int | None = None
) -> TieringModel:
    """Save a change; the bumped `version` is the model version the next run records."""
    ensure_admin(actor)
    data = {key: value for key, value in data.items() if key != "is_active"}
    return update_instance(instance=model, actor=actor, data=data, expected_version=expected_version)


@transaction.atomic
def tiering_model_activate(*, model: TieringModel, actor) -> TieringModel:
    """Make `model` the one recomputes run (the previously active one is deactivated, both audited)."""
    ensure_admin(actor)
    for other in TieringModel.objects.select_for_update().filter(is_active=True).exclude(pk=model.pk):
        update_instance(instance=other, actor=actor, data={"is_active": False})
    if not model.is_active:
        update_instance(instance=model, actor=actor, data={"is_active": True})
    return model


@transaction.atomic
def tiering_model_ensure(*, actor=None) -> TieringModel:
    """The active model, or the method's default scorecard (DEFAULT_CONFIG) created and activated."""
    model = TieringModel.objects.select_for_update().filter(is_active=True).first()
    if model is not None:
        return model
    existing = TieringModel.objects.filter(name=DEFAULT_MODEL_NAME).first()
    if existing is not None:
        return tiering_model_activate(model=existing, actor=actor)
    return tiering_model_create(
        actor=actor, data={"name": DEFAULT_MODEL_NAME, "config": copy.deepcopy(scorecard.DEFAULT_CONFIG)}
    )


def tiering_runs_reap(*, now: datetime.datetime | None = None) -> int:
    """Fail runs whose worker died (no progress for KAM_STUCK_JOB_MINUTES): nothing of them was saved."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.KAM_STUCK_JOB_MINUTES)
    stuck = TieringRun.objects.filter(
        Q(status=RunStatus.RUNNING, started_at__lt=cutoff) | Q(status=RunStatus.QUEUED, created_at__lt=cutoff)
    )
    return stuck.update(
        status=RunStatus.FAILED, finished_at=now, error=gettext("The run stopped before it finished.")
    )


def tiering_run_current() -> TieringRun | None:
    """The run whose tiers the accounts carry: the latest finished one."""
    return TieringRun.objects.filter(status=RunStatus.DONE).order_by("-id").first()


@transaction.atomic
def tiering_run_create(*, actor, as_of: datetime.date | None = None) -> TieringRun:
    """Queue a recompute of the active model on the data as of `as_of` (default today). Only one run goes
    at a time: while one is queued or running, that one is returned instead of a second."""
    ensure_can_write(actor)
    ensure_admin(actor)
    tiering_runs_reap()
    model = tiering_model_ensure(actor=actor)
    TieringModel.objects.select_for_update().filter(pk=model.pk).get()  # one queuer at a time
    pending = TieringRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).first()
    if pending is not None:
        return pending
    as_of = as_of or timezone.localdate()
    period, _previous = recompute.periods(as_of, model.config["period_months"])
    run = TieringRun(
        model=model,
        model_version=model.version,
        config=model.config,
        as_of=as_of,
        period_since=period.since,
        period_until=period.until,
        created_by=actor,
        request_id=current_request_id(),
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    return create_instance(instance=run, actor=actor)


def tiering_run_enqueue(*, run: TieringRun) -> TieringRun:
    """Hand the run to the background worker (`kam db_worker`; tests run it immediately)."""
    from kam.tiering.tasks import run_tiering

    transaction.on_commit(lambda: run_tiering.enqueue(run.pk))
    return run


def _progress(run: TieringRun):
    def report(percent: int, step: str) -> None:
        run.progress, run.step = percent, step
        TieringRun.objects.filter(pk=run.pk).update(progress=percent, step=step)

    return report


#: What a finished run saves on its row.
RUN_RESULT_FIELDS = (
    "status",
    "progress",
    "step",
    "finished_at",
    "seconds",
    "summary",
    "accounts",
    "indicator_keys",
)


def tiering_run_execute(*, run: TieringRun) -> TieringRun:
    """Compute a queued run and write its results, tier changes, account tiers and audit in one transaction.

    The reading half runs outside the transaction, reporting progress on the run row as it goes; a failure
    leaves the run "failed" with its error and changes nothing else.
    """
    with transaction.atomic():
        locked = TieringRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != RunStatus.QUEUED:
            return locked
        locked.status, locked.started_at = RunStatus.RUNNING, timezone.now()
        locked.save(update_fields=["status", "started_at"])
    run = locked
    actor = run.created_by
    try:
        outcome, timings = recompute.compute_run(run, progress=_progress(run))
        _progress(run)(60, "results")
        with transaction.atomic():
            previous = TieringRun.objects.filter(status=RunStatus.DONE, pk__lt=run.pk).order_by("-id").first()
            before = snapshot(run)
            summary = recompute.write_run(run, outcome, previous=previous, actor=actor)
            run.summary = {**summary, "timings": {**timings, **summary["timings"]}}
            run.status, run.progress, run.step = RunStatus.DONE, 100, ""
            run.finished_at = timezone.now()
            run.seconds = (run.finished_at - run.started_at).total_seconds()
            run.save(update_fields=[*RUN_RESULT_FIELDS])
            audit_update(instance=run, actor=actor, before=before)
    except Exception as error:  # the run records why it failed; nothing of it was written
        TieringRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        run.refresh_from_db()
        raise
    return run


def tiering_recompute(*, actor, as_of: datetime.date | None = None) -> TieringRun:
    """Queue and run at once (the CLI, the demo and the bench)."""
    run = tiering_run_create(actor=actor, as_of=as_of)
    return tiering_run_execute(run=run)
