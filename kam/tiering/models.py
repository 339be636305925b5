"""The sales ledger of M1 (transactions, payments, customer feedback) and its per-account monthly rollups.

The three ledger tables hold facts that usually come from the ERP by import, millions of rows at a time;
a few are entered by hand. Each record is identified at its account by an external number (order no.,
invoice no., feedback no.), so a re-import updates it instead of adding it twice.

The rollups hold, per account and calendar month, everything the M1.1 indicators need (counts, sums,
maxima, the days with orders …), so that indicators for 100k accounts never read the 10M raw rows. They
are kept current by every write — the import in its transaction, the services after each change — and
`kam.tiering.rollups` is the only code that writes them.

Why the ledger tables are lean (one timestamp, no foreign-key constraint in the database): a row costs
index and trigger work on every import; the account is checked by the import in one join and by the
services with `full_clean()`, deletion still cascades through Django's collector, and the audit log plus
the import jobs say who wrote what and when. Their only index besides the primary key is the unique
(account, number) one: an account's list is found through it and sorted (an account has hundreds of rows,
a few have tens of thousands), where a date index would slow every import. They have no default ordering:
lists order explicitly (keyset pagination), and an export of millions of rows must not sort them.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.core.models import RestrictedQuerySet, TimeStampedModel
from kam.tiering.choices import FeedbackKind
from kam.tiering.fields import CentsField

NON_NEGATIVE = [MinValueValidator(0)]


def _account(related_name: str):
    return models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        db_constraint=False,  # see the module docstring
        db_index=False,  # every table's unique key or primary key starts with the account
        related_name=related_name,
        verbose_name=_("account"),
    )


class LedgerRecord(models.Model):
    """What the three ledger tables share: the account, when the row was last saved (by hand or by an
    import), and a version for optimistic locking."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    #: The field that identifies the record at its account (the import matches on it).
    number_field: str

    class Meta:
        abstract = True

    def get_absolute_url(self):
        return reverse(f"tiering:{self._meta.model_name}_edit", kwargs={"pk": self.pk})

    def validate_constraints(self, exclude=None):
        """The only constraint is "one number per account": name the field it is about."""
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            raise ValidationError({self.number_field: error.messages}) from None


class Transaction(LedgerRecord):
    """One order (sale) or one return of goods, as the ERP's sales ledger lists it.

    Amounts are stored as magnitudes: a return is a row with `is_return` set, whose amount and margin are
    what went back (they lower revenue and profit). `margin` is the gross margin (amount − cost); it is
    empty when the ERP does not say what the goods cost.
    """

    account = _account("transactions")
    order_no = models.CharField(_("order no."), max_length=40)
    ordered_on = models.DateField(_("date"))
    product = models.CharField(_("product"), max_length=100, blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=3, null=True, blank=True, validators=NON_NEGATIVE
    )
    amount = CentsField(_("amount"), validators=NON_NEGATIVE)
    margin = CentsField(
        _("gross margin"),
        null=True,
        blank=True,
        help_text=_("Amount minus cost; empty if the cost is unknown."),
    )
    is_return = models.BooleanField(
        _("return"), default=False, help_text=_("Goods that came back: the amount is what was credited.")
    )

    number_field = "order_no"

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "order_no"],
                name="transaction_account_order_uniq",
                violation_error_message=_("This account already has a transaction with this order no."),
            )
        ]

    def __str__(self):
        return f"{self.order_no} · {self.ordered_on}"

    def clean(self):
        super().clean()
        if self.margin is not None and self.amount is not None and self.margin > self.amount:
            raise ValidationError(
                {"margin": _("The gross margin cannot exceed the amount (the cost is not negative).")}
            )


class Payment(LedgerRecord):
    """An invoice to the account and its payment, open while `paid_on` is empty (M1.1 financial)."""

    account = _account("payments")
    invoice_no = models.CharField(_("invoice no."), max_length=40)
    invoiced_on = models.DateField(_("invoice date"))
    due_on = models.DateField(_("due date"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True, help_text=_("Empty while unpaid."))
    amount = CentsField(_("amount"), validators=[MinValueValidator(0)])

    number_field = "invoice_no"

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "invoice_no"],
                name="payment_account_invoice_uniq",
                violation_error_message=_("This account already has a payment with this invoice no."),
            )
        ]

    def __str__(self):
        return f"{self.invoice_no} · {self.invoiced_on}"

    def clean(self):
        super().clean()
        if self.due_on and self.invoiced_on and self.due_on < self.invoiced_on:
            raise ValidationError({"due_on": _("The due date is before the invoice date.")})


class Feedback(LedgerRecord):
    """Praise, a complaint or a suggestion the customer gave us, with its date (M1.1 contact indicators)."""

    account = _account("feedback")
    number = models.CharField(
        _("number"),
        max_length=40,
        help_text=_("Your reference, e.g. the service ticket. Empty: one is given."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=FeedbackKind.choices)
    received_on = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("what the customer said"))

    number_field = "number"

    class Meta:
        verbose_name = _("customer feedback")
        verbose_name_plural = _("customer feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "number"],
                name="feedback_account_number_uniq",
                violation_error_message=_("This account already has feedback with this number."),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.received_on}"


# Rollups: one row per account and calendar month (payments: per invoice month and paid month). ------------
# Money in whole cents. Written only by kam.tiering.rollups; read through restrict() like the ledger.


class TransactionMonth(models.Model):
    """An account's orders and returns in one month: what M1.1's transaction indicators are made of.

    `day_mask` has bit d−1 set when there was an order on day d, so merging two rollups is a bitwise OR and
    `order_days` (its bit count) gives the distinct order days — the average purchase cycle without the raw
    rows.
    """

    pk = models.CompositePrimaryKey("account", "month")
    account = _account("+")
    month = models.DateField(_("month"))
    orders = models.IntegerField(_("orders"), default=0)
    sales = models.BigIntegerField(_("sales (cents)"), default=0)
    max_sale = models.BigIntegerField(_("largest order (cents)"), null=True)
    returns = models.IntegerField(_("returns"), default=0)
    returned = models.BigIntegerField(_("returned (cents)"), default=0)
    margin = models.BigIntegerField(_("gross margin (cents)"), default=0)
    margin_base = models.BigIntegerField(_("revenue with a known margin (cents)"), default=0)
    costed = models.IntegerField(_("rows with a known margin"), default=0)
    day_mask = models.IntegerField(_("order days (bits)"), default=0)
    order_days = models.SmallIntegerField(_("order days"), default=0)
    first_day = models.SmallIntegerField(_("first order day"), null=True)
    last_day = models.SmallIntegerField(_("last order day"), null=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly transaction rollup")
        verbose_name_plural = _("monthly transaction rollups")

    def __str__(self):
        return f"{self.account_id} · {self.month:%Y-%m}"


#: The paid month of an invoice not paid yet: after every period, so it counts as outstanding at any end.
UNPAID_MONTH = datetime.date(9999, 12, 1)


class PaymentMonth(models.Model):
    """An account's invoices of one month, by the month they were paid (UNPAID_MONTH while open).

    Invoiced and paid amounts per month, the balance outstanding at each month end and the unpaid share of
    a period's invoices all follow from these cells.
    """

    pk = models.CompositePrimaryKey("account", "invoice_month", "paid_month")
    account = _account("+")
    invoice_month = models.DateField(_("invoice month"))
    paid_month = models.DateField(_("paid month"))
    payments = models.IntegerField(_("invoices"), default=0)
    amount = models.BigIntegerField(_("amount (cents)"), default=0)
    max_amount = models.BigIntegerField(_("largest (cents)"), default=0)
    days = models.BigIntegerField(_("days to pay, summed"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly payment rollup")
        verbose_name_plural = _("monthly payment rollups")

    def __str__(self):
        return f"{self.account_id} · {self.invoice_month:%Y-%m} → {self.paid_month:%Y-%m}"


class FeedbackMonth(models.Model):
    """An account's praise, complaints and suggestions in one month."""

    pk = models.CompositePrimaryKey("account", "month")
    account = _account("+")
    month = models.DateField(_("month"))
    praise = models.IntegerField(_("praise"), default=0)
    complaints = models.IntegerField(_("complaints"), default=0)
    suggestions = models.IntegerField(_("suggestions"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly feedback rollup")
        verbose_name_plural = _("monthly feedback rollups")

    def __str__(self):
        return f"{self.account_id} · {self.month:%Y-%m}"


class AccountPeriodSums(models.Model):
    """An account's rollup sums over one scoring period, kept between tiering runs (kam.tiering.period_sums).

    Derived data, never shown: `changes` counts the rollup writes that touched the account; `sums` (the
    period_sums.LEDGER_COLUMNS as little-endian int64) are current when `computed` equals it and the period
    is the run's. A rollup rebuild deletes every row.
    """

    account = models.OneToOneField(
        "accounts.Account",
        on_delete=models.CASCADE,
        primary_key=True,
        db_constraint=False,  # as the rollups: see the module docstring
        related_name="+",
        verbose_name=_("account"),
    )
    changes = models.BigIntegerField(_("ledger changes"), default=0)
    computed = models.BigIntegerField(_("computed at change"), null=True)
    period_since = models.DateField(_("period from"), null=True)
    period_until = models.DateField(_("period to"), null=True)
    previous_since = models.DateField(_("previous period from"), null=True)
    sums = models.BinaryField(_("sums"), null=True)

    class Meta:
        verbose_name = _("account period sums")
        verbose_name_plural = _("account period sums")

    def __str__(self):
        return f"{self.account_id} · {self.period_since} – {self.period_until}"


# The scorecard (M1.2, M1.3): models, runs and their results. -------------------------------------------


class TieringModel(TimeStampedModel):
    """A tiering model: the scorecard's indicators and weights, the pyramid's and the tiers' cut-offs, the
    policy per tier (`config`, checked by kam.tiering.scorecard.check_config). One model is active: the one
    `kam tiering recompute` and the Recompute button run. `version` (bumped on every saved change) is the
    model version a run records, with a copy of the configuration it used."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    config = models.JSONField(_("configuration"), default=dict)
    is_active = models.BooleanField(_("active"), default=False)

    class Meta:
        verbose_name = _("tiering model")
        verbose_name_plural = _("tiering models")
        ordering = ["-is_active", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="tiering_one_active_model",
                violation_error_message=_("Another model is already active."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("tiering:model_edit", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        from kam.tiering.forms import config_errors

        errors = config_errors(self.config)
        if errors:
            raise ValidationError(
                {"config": [message for messages in errors.values() for message in messages]}
            )


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class TieringRun(models.Model):
    """One recompute: which model (and version) ran on which data (as-of date, period), who ran it, its
    progress, and a summary of what it found (Pareto, pyramid, tier counts, changes) for the whole company.

    A run is written by its service only; its results and tier changes are immutable once it is done."""

    model = models.ForeignKey(
        TieringModel, on_delete=models.PROTECT, related_name="runs", verbose_name=_("tiering model")
    )
    model_version = models.PositiveIntegerField(_("model version"))
    config = models.JSONField(_("configuration used"))
    as_of = models.DateField(_("data as of"))
    period_since = models.DateField(_("period from"))
    period_until = models.DateField(_("period to"))
    status = models.CharField(_("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress %"), default=0)
    step = models.CharField(_("step"), max_length=40, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("run by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    accounts = models.PositiveIntegerField(_("accounts"), default=0)
    #: The indicator order of the results' `values` and `points`.
    indicator_keys = models.JSONField(_("indicators"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("tiering run")
        verbose_name_plural = _("tiering runs")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "-id"], name="tiering_run_status_idx")]

    def __str__(self):
        return f"#{self.pk} · {self.model} v{self.model_version} · {self.as_of}"

    def get_absolute_url(self):
        return reverse("tiering:run", kwargs={"pk": self.pk})

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class TierResult(models.Model):
    """One account's result in one run: its value and pyramid layer, its tier and scores, and per indicator
    its value and points, from which its explanation (and its perspective scores) are rebuilt exactly.
    Scores are in tenths of a point (0–1000); money in cents. Every column has a fixed width, so that
    PostgreSQL takes a run's 100,000 rows as one binary COPY built by NumPy (kam.tiering.recompute).

    `values` and `points` are packed arrays in the run's `indicator_keys` order (little-endian int64 with
    MISSING for "no value", and int16): a recompute writes 100,000 of these rows, and formatting 36 numbers
    per row as text or JSON would cost more than the whole scoring. kam.tiering.recompute packs and unpacks.
    """

    pk = models.CompositePrimaryKey("run", "account")
    run = models.ForeignKey(
        TieringRun,
        on_delete=models.CASCADE,
        related_name="results",
        db_index=False,
        # a deferred check per row cost 0.6 s at each run's commit; only write_results inserts, for its run
        db_constraint=False,
    )
    account = _account("tier_results")
    revenue = models.BigIntegerField(_("revenue (cents)"))
    profit = models.BigIntegerField(_("profit (cents)"), help_text=_("0 where no cost is known."))
    layer = models.SmallIntegerField(_("pyramid layer"))  # pyramid.LAYERS index; -1: none
    tier = models.SmallIntegerField(_("tier"))  # scorecard.TIER_RANK: 3 Platinum … 0 none
    score = models.SmallIntegerField(_("score"))
    current = models.SmallIntegerField(_("current value"))
    potential = models.SmallIntegerField(_("potential value"), null=True)
    values = models.BinaryField(_("indicator values"))
    points = models.BinaryField(_("indicator points"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("tiering result")
        verbose_name_plural = _("tiering results")
        indexes = [models.Index(fields=["run", "-score", "account"], name="tier_result_score_idx")]

    def __str__(self):
        return f"{self.run_id} · {self.account_id}"

    @property
    def tier_name(self) -> str:
        from kam.tiering.scorecard import CODE_TIER

        return CODE_TIER[self.tier]


class TierChange(models.Model):
    """An account whose tier a run changed: from, to, up or down, the scores and the reasons (the indicators
    whose points moved the total most, as [indicator, change in points]; on a first tiering, the indicators
    that placed it). Shown on the run and in the account's tier history; audited as the account's update."""

    run = models.ForeignKey(
        TieringRun, on_delete=models.CASCADE, related_name="changes", verbose_name=_("run")
    )
    account = _account("tier_changes")
    before = models.CharField(_("tier before"), max_length=8, blank=True)
    after = models.CharField(_("tier after"), max_length=8, blank=True)
    is_up = models.BooleanField(_("up"))
    score_before = models.SmallIntegerField(_("score before"), null=True)
    score_after = models.SmallIntegerField(_("score after"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        indexes = [
            models.Index(fields=["run", "account"], name="tier_change_run_idx"),
            models.Index(fields=["account", "-run"], name="tier_change_account_idx"),
        ]

    def __str__(self):
        return f"{self.account_id}: {self.before or '—'} → {self.after or '—'}"
