"""Import jobs: one row per uploaded (or CLI) import, carrying its progress and its located errors."""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.core.models import RestrictedQuerySet


class ImportKind(models.TextChoices):
    ACCOUNTS = "accounts", _("Accounts")
    CONTACTS = "contacts", _("Contacts")
    INTERACTIONS = "interactions", _("Contact log")
    OPPORTUNITIES = "opportunities", _("Opportunities")
    TRANSACTIONS = "transactions", _("Sales transactions")
    PAYMENTS = "payments", _("Payments")
    FEEDBACK = "feedback", _("Customer feedback")


#: The list page of each kind's records.
DATA_PAGES = {
    ImportKind.ACCOUNTS: "accounts:list",
    ImportKind.CONTACTS: "accounts:contact_list",
    ImportKind.INTERACTIONS: "accounts:interaction_list",
    ImportKind.OPPORTUNITIES: "pipeline:list",
    ImportKind.TRANSACTIONS: "tiering:transactions",
    ImportKind.PAYMENTS: "tiering:payments",
    ImportKind.FEEDBACK: "tiering:feedback",
}


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    VALIDATING = "validating", _("Checking rows")
    COMMITTING = "committing", _("Saving")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


RUNNING_STATUSES = {ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.COMMITTING}
#: A worker polls every second; a job still queued after this long has no worker to run it.
WORKER_PATIENCE = datetime.timedelta(seconds=15)


class ImportJob(models.Model):
    """One import of a file. Progress is written to this row while it runs, so a page can poll it.

    `errors` holds at most `MAX_STORED_ERRORS` entries {row, column, message}; `error_count` has the total.
    """

    MAX_STORED_ERRORS = 1000

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    dry_run = models.BooleanField(_("dry run"), default=True)
    preview = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commits",
        verbose_name=_("dry run committed"),
    )
    language = models.CharField(_("language"), max_length=10, default="en")
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="import_jobs",
        verbose_name=_("imported by"),
    )
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="importjob_user_created_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.file_name}"

    def get_absolute_url(self):
        return reverse("imports:job", kwargs={"pk": self.pk})

    def data_url(self) -> str:
        """The list page of what this kind of import writes (the result page links to it)."""
        return reverse(DATA_PAGES[self.kind])

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def worker_missing(self) -> bool:
        """Queued for longer than a worker takes to pick a job up while no background task is running (a busy
        worker runs one task at a time): most likely no `kam db_worker` runs."""
        from django_tasks_db.models import DBTaskResult

        if self.status != ImportStatus.QUEUED or timezone.now() - self.created_at <= WORKER_PATIENCE:
            return False
        return not DBTaskResult.objects.running().exists()

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def can_be_committed(self) -> bool:
        """A dry run that found no problem, and something to create or update, can be committed (once)."""
        changes = self.created_count or self.updated_count
        return self.dry_run and self.status == ImportStatus.DONE and bool(self.file) and bool(changes)
