"""Project sales (天龙八部, M3): the sales process as data, opportunities and their stage history."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.accounts.choices import Currency, InteractionKind, LeadSource
from kam.core.i18n import bilingual
from kam.core.models import RestrictedQuerySet, TimeStampedModel
from kam.pipeline.choices import AidSource, Attitude, LeadRole, OpportunityStatus

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class SalesProcess(TimeStampedModel):
    """A project-sales process (M3.2); the default ships as the method's G…S template."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(_("default for new opportunities"), default=False)
    strict = models.BooleanField(
        _("strict gate"),
        default=False,
        help_text=_(
            "Refuse forward moves while exit criteria are unmet (otherwise a written reason is enough)."
        ),
    )

    class Meta:
        verbose_name = _("sales process")
        verbose_name_plural = _("sales processes")
        ordering = ["-is_default", "name"]

    def __str__(self):
        return bilingual(self.name, self.name_en)


class Stage(TimeStampedModel):
    """A stage with its win probability, the customer's procurement step and who leads it (M3.1–M3.5)."""

    process = models.ForeignKey(
        SalesProcess, on_delete=models.CASCADE, related_name="stages", verbose_name=_("process")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=4)
    name = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    probability = models.DecimalField(
        _("win probability %"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    milestone = models.CharField(_("milestone"), max_length=200, blank=True)
    procurement_step = models.CharField(_("customer's procurement step"), max_length=200, blank=True)
    customer_role = models.CharField(_("customer-side lead role"), max_length=120, blank=True)
    lead_role = models.CharField(
        _("our lead role"), max_length=20, choices=LeadRole.choices, default=LeadRole.ACCOUNT_MANAGER
    )
    is_won = models.BooleanField(
        _("won stage"), default=False, help_text=_("Reaching it closes the deal as won.")
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["process", "order"]
        constraints = [
            models.UniqueConstraint(fields=["process", "order"], name="stage_unique_order"),
            models.UniqueConstraint(fields=["process", "code"], name="stage_unique_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.label} ({self.probability:.0f}%)"

    @property
    def label(self) -> str:
        return bilingual(self.name, self.name_en)


class StageCriterion(TimeStampedModel):
    """An exit criterion of a stage (M3.3): checked OK or "–" per opportunity."""

    stage = models.ForeignKey(
        Stage, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("stage")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    text = models.CharField(_("criterion (Chinese)"), max_length=300)
    text_en = models.CharField(_("criterion (English)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("stage criterion")
        verbose_name_plural = _("stage criteria")
        ordering = ["stage", "order", "id"]

    def __str__(self):
        return bilingual(self.text, self.text_en)


class SalesAid(TimeStampedModel):
    """A document or template that helps at a stage (M3.4), downloadable from the opportunity."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="aids", verbose_name=_("stage"))
    title = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    source = models.CharField(
        _("provided by"), max_length=12, choices=AidSource.choices, default=AidSource.COMPANY
    )
    file = models.FileField(_("file"), upload_to="sales-aids/", blank=True)
    url = models.URLField(_("link"), blank=True)

    class Meta:
        verbose_name = _("sales aid")
        verbose_name_plural = _("sales aids")
        ordering = ["stage", "source", "title"]

    def __str__(self):
        return bilingual(self.title, self.title_en)


class Opportunity(TimeStampedModel):
    """A project (专案) at an account, moving through the stages of the process it started on."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.PROTECT,
        related_name="opportunities",
        db_index=False,  # opp_account_stage_idx starts with it
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=200)
    goal = models.TextField(_("project goal"), blank=True)
    amount = models.DecimalField(
        _("amount"),
        max_digits=16,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    expected_close = models.DateField(_("expected close date"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="opportunities",
        db_index=False,
        verbose_name=_("owner"),
    )
    process = models.ForeignKey(
        SalesProcess, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("process")
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("stage")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OpportunityStatus.choices, default=OpportunityStatus.OPEN
    )
    stage_entered_at = models.DateTimeField(_("in this stage since"), default=timezone.now)
    competitors = models.CharField(_("competitors"), max_length=300, blank=True)
    product_lines = models.CharField(_("product lines"), max_length=300, blank=True)
    lead_source = models.CharField(_("lead source"), max_length=24, choices=LeadSource.choices, blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.TextField(_("reason lost / abandoned"), blank=True)
    winning_competitor = models.CharField(_("competitor who won"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "status", "expected_close"], name="opp_owner_status_close_idx"),
            # the board's columns: the open (or won) deals of one stage, biggest first, read in pages
            models.Index(fields=["stage", "status", "-amount", "id"], name="opp_stage_amount_idx"),
            # …and the same column for someone who sees few accounts: their deals of one stage, then sorted
            models.Index(fields=["account", "stage", "status"], name="opp_account_stage_idx"),
            models.Index(fields=["-updated_at", "-id"], name="opp_updated_idx"),
            models.Index(fields=["expected_close", "id"], name="opp_close_idx"),
            models.Index(fields=["-amount", "-id"], name="opp_amount_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"

    def get_absolute_url(self):
        return reverse("pipeline:detail", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        if self.stage_id and self.process_id and self.stage.process_id != self.process_id:
            raise ValidationError({"stage": _("The stage belongs to another sales process.")})

    @property
    def weighted_amount(self) -> Decimal:
        return (self.amount * self.stage.probability / 100).quantize(Decimal("0.01"))

    @property
    def is_open(self) -> bool:
        return self.status == OpportunityStatus.OPEN


class CriterionCheck(TimeStampedModel):
    """One exit criterion ticked OK for one opportunity, with who and when (M3.3 progress column)."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="criterion_checks", verbose_name=_("opportunity")
    )
    criterion = models.ForeignKey(
        StageCriterion, on_delete=models.CASCADE, related_name="checks", verbose_name=_("criterion")
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("checked by")
    )
    note = models.CharField(_("evidence"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("criterion check")
        verbose_name_plural = _("criterion checks")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "criterion"], name="criterion_check_unique")
        ]

    def __str__(self):
        return f"✓ {self.criterion}"

    @property
    def audit_account_id(self):
        return self.opportunity.account_id


class StageTransition(models.Model):
    """A move of an opportunity: from → to, when, who and why (also the won/lost/abandoned closes)."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("opportunity")
    )
    from_stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("from stage")
    )
    to_stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="+", verbose_name=_("to stage")
    )
    to_status = models.CharField(_("status after"), max_length=10, choices=OpportunityStatus.choices)
    moved_at = models.DateTimeField(_("moved at"), default=timezone.now, db_index=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moved by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    unmet_criteria = models.JSONField(_("unmet criteria"), default=list, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage transition")
        verbose_name_plural = _("stage transitions")
        ordering = ["opportunity", "moved_at", "id"]

    def __str__(self):
        origin = self.from_stage.code if self.from_stage else "—"
        return f"{self.opportunity.number}: {origin} → {self.to_stage.code}"

    @property
    def audit_account_id(self):
        return self.opportunity.account_id


class ProgressReport(TimeStampedModel):
    """The visit plan & sales-progress report of a project (M2.6), dated and printable."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="progress_reports", verbose_name=_("opportunity")
    )
    report_date = models.DateField(_("date"), default=timezone.localdate)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("account manager"),
    )
    goal = models.TextField(_("project goal"), blank=True)
    breakthroughs = models.TextField(_("current breakthroughs"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    competitor = models.CharField(_("competitor"), max_length=120, blank=True)
    progress = models.SmallIntegerField(
        _("progress (−5 … +5)"), default=0, validators=[MinValueValidator(-5), MaxValueValidator(5)]
    )
    manager_assessment = models.TextField(_("manager's assessment"), blank=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["opportunity", "-report_date", "-id"]

    def __str__(self):
        return f"{self.opportunity.number} · {self.report_date}"

    @property
    def audit_account_id(self):
        return self.opportunity.account_id


class ReportInfluencer(models.Model):
    """A key influencer on a progress report with their attitude now (M2.6 table)."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="influencers", verbose_name=_("report")
    )
    contact = models.ForeignKey(
        "accounts.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact"),
    )
    department = models.CharField(_("department"), max_length=100, blank=True)
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    attitude = models.CharField(_("attitude now"), max_length=2, choices=Attitude.choices)

    class Meta:
        verbose_name = _("key influencer")
        verbose_name_plural = _("key influencers")
        ordering = ["report", "id"]

    def __str__(self):
        return f"{self.name} {self.attitude}"

    @property
    def audit_account_id(self):
        return self.report.opportunity.account_id


class ForecastSummary(models.Model):
    """Opportunities counted and summed per process, stage, status, furthest stage reached, expected-close
    month, owner and account owner — kept exact by every write (kam.pipeline.summary), so that the forecast
    and the board's column sums read a few thousand rows instead of a million opportunities.

    Probabilities are applied when reading, so editing a stage's probability needs no rebuild. The
    account owner is part of the key because it decides who may see a deal (restrict: managers and
    members by the account's owner). Amounts are whole cents of the deals' own currency, which is part of
    the key: readers convert each currency's sum at the exchange rates when they read (kam.accounts.money),
    so editing a rate needs no rebuild either. Increments stay exact on SQLite too.
    """

    process = models.ForeignKey(
        SalesProcess, on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("process")
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("stage")
    )
    status = models.CharField(_("status"), max_length=10, choices=OpportunityStatus.choices)
    reached = models.PositiveSmallIntegerField(
        _("furthest stage reached"), help_text=_("Order of the furthest stage reached; 0 without any move.")
    )
    month = models.PositiveIntegerField(
        _("expected-close month"), help_text=_("Year × 100 + month of the expected close; 0 without a date.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=_("owner"),
    )
    account_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=_("account owner"),
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    count = models.IntegerField(_("opportunities"))
    amount_cents = models.BigIntegerField(_("amount (cents)"))

    class Meta:
        verbose_name = _("forecast summary row")
        verbose_name_plural = _("forecast summary")
        constraints = [
            # the key; its order serves the reads: one process, a status, then the account owners in scope
            models.UniqueConstraint(
                fields=[
                    "process",
                    "status",
                    "account_owner",
                    "stage",
                    "month",
                    "owner",
                    "reached",
                    "currency",
                ],
                name="forecast_summary_key",
            )
        ]

    def __str__(self):
        return f"{self.process_id}/{self.stage_id}/{self.status}/{self.month}: {self.count}"


class FunnelBenchmarkStep(TimeStampedModel):
    """One step of the company's activity-funnel benchmark (M3.7): a kind of contact-log entry and how many
    of them the benchmark expects. The method's 250 : 125 : 25 : 5 : 1 is the default
    (kam.pipeline.funnel.DEFAULT_BENCHMARK) until an administrator sets the company's own."""

    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("contact kind"), max_length=20, choices=InteractionKind.choices, unique=True)
    number = models.PositiveIntegerField(_("benchmark number"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("funnel benchmark step")
        verbose_name_plural = _("funnel benchmark steps")
        ordering = ["order"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.number}"
