"""Key-account service (METHODOLOGY M5): the relationship stage with its history, the customer's category
spend for share of wallet, the 25-cell grid placements, loyalty reviews, satisfaction surveys, service-gap
assessments, service requests with an SLA, and each year's contribution. Every record hangs off an account
and is scoped by it (kam.users.access); histories are append-only."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.accounts.choices import Currency
from kam.core.models import RestrictedQuerySet, TimeStampedModel
from kam.service.choices import CompanyLevel, Depth, RequestKind, RequestPriority, Stage

RATING = [MinValueValidator(1), MaxValueValidator(5)]
NON_NEGATIVE = [MinValueValidator(Decimal(0))]


def _account(related_name: str):
    return models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name=related_name, verbose_name=_("account")
    )


def _person(related_name: str, verbose_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
    )


class RelationshipStage(TimeStampedModel):
    """An account's current relationship stage (M5.3); set only by appending a StageChange."""

    account = models.OneToOneField(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="relationship_stage",
        verbose_name=_("account"),
    )
    stage = models.CharField(_("relationship stage"), max_length=12, choices=Stage.choices)
    since = models.DateField(_("since"))

    class Meta:
        verbose_name = _("relationship stage")
        verbose_name_plural = _("relationship stages")

    def __str__(self):
        return f"{self.account} · {self.get_stage_display()}"


class StageChange(models.Model):
    """One dated move of the relationship stage, with its reason and who made it. Never edited."""

    account = _account("stage_changes")
    from_stage = models.CharField(_("from"), max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=12, choices=Stage.choices)
    changed_on = models.DateField(_("date"), default=timezone.localdate)
    reason = models.TextField(_("reason"))
    changed_by = _person("+", _("changed by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["-changed_on", "-id"]
        indexes = [models.Index(fields=["account", "-changed_on", "-id"], name="service_stagechange_recent")]

    def __str__(self):
        before = self.get_from_stage_display() if self.from_stage else "—"
        return f"{self.account} · {before} → {self.get_to_stage_display()} · {self.changed_on}"

    def clean(self):
        super().clean()
        if not (self.reason or "").strip():
            raise ValidationError({"reason": _("Say why the stage changes.")})


class CategorySpend(TimeStampedModel):
    """The customer's estimated spend in our category in one year: the denominator of share of wallet."""

    account = _account("category_spend")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    amount = models.DecimalField(
        _("estimated spend"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    source = models.CharField(
        _("source of the estimate"),
        max_length=300,
        blank=True,
        help_text=_("E.g. “their purchasing plan”, “annual report”, “our estimate”."),
    )

    class Meta:
        verbose_name = _("category spend")
        verbose_name_plural = _("category spend")
        ordering = ["account", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "year"],
                name="service_spend_account_year",
                violation_error_message=_("This account already has an estimate for this year."),
            )
        ]

    def __str__(self):
        return f"{self.account} · {self.year}"


class GridPlacement(models.Model):
    """Where a key contact sits on the 25-cell grid on a date (M5.2). Each move is a new row: history kept."""

    account = _account("grid_placements")
    contact = models.ForeignKey(
        "accounts.Contact",
        on_delete=models.CASCADE,
        related_name="grid_placements",
        verbose_name=_("contact"),
    )
    placed_on = models.DateField(_("date"), default=timezone.localdate)
    depth = models.PositiveSmallIntegerField(_("personal depth"), choices=Depth.choices)
    level = models.CharField(_("company relationship"), max_length=1, choices=CompanyLevel.choices)
    note = models.CharField(_("evidence"), max_length=300, blank=True)
    placed_by = _person("+", _("placed by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid placement")
        verbose_name_plural = _("grid placements")
        ordering = ["contact", "placed_on", "id"]
        indexes = [models.Index(fields=["account", "contact", "placed_on"], name="service_grid_recent")]

    def __str__(self):
        return f"{self.contact} · {self.depth}{self.level} · {self.placed_on}"

    def clean(self):
        super().clean()
        if self.contact_id and self.account_id and self.contact.account_id != self.account_id:
            raise ValidationError({"contact": _("Pick a person of this account.")})


class LoyaltyReview(models.Model):
    """A dated rating of the competition's pull on the account (M5.4), and the loyalty score it gave."""

    account = _account("loyalty_reviews")
    reviewed_on = models.DateField(_("date"), default=timezone.localdate)
    competitor_availability = models.PositiveSmallIntegerField(
        _("competitors' availability"),
        validators=RATING,
        help_text=_("1: nobody else can supply them … 5: alternatives everywhere."),
    )
    competitor_attractiveness = models.PositiveSmallIntegerField(
        _("competitors' attractiveness"),
        validators=RATING,
        help_text=_("1: the alternatives do not tempt them … 5: very tempting offers."),
    )
    score = models.DecimalField(_("loyalty score"), max_digits=4, decimal_places=1)
    note = models.CharField(_("note"), max_length=300, blank=True)
    reviewed_by = _person("+", _("reviewed by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("loyalty review")
        verbose_name_plural = _("loyalty reviews")
        ordering = ["-reviewed_on", "-id"]

    def __str__(self):
        return f"{self.account} · {self.score} · {self.reviewed_on}"


class Contribution(TimeStampedModel):
    """What the account brings beyond revenue and profit in a year (M5.1 contribution measurement)."""

    account = _account("contributions")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    referrals = models.PositiveIntegerField(
        _("referrals"), default=0, help_text=_("Customers they referred.")
    )
    joint_projects = models.PositiveIntegerField(
        _("joint development projects"), default=0, help_text=_("Products or solutions developed together.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["account", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "year"],
                name="service_contribution_account_year",
                violation_error_message=_("This account already has a contribution for this year."),
            )
        ]

    def __str__(self):
        return f"{self.account} · {self.year}"


class SatisfactionSurvey(models.Model):
    """One survey answer on the four elements of satisfaction (M5.1), each 1 (poor) – 5 (excellent)."""

    account = _account("satisfaction_surveys")
    surveyed_on = models.DateField(_("date"), default=timezone.localdate)
    respondent = models.ForeignKey(
        "accounts.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="satisfaction_surveys",
        verbose_name=_("respondent"),
    )
    product_quality = models.PositiveSmallIntegerField(_("product quality"), validators=RATING)
    responsiveness = models.PositiveSmallIntegerField(_("service responsiveness"), validators=RATING)
    relationship = models.PositiveSmallIntegerField(_("relationship"), validators=RATING)
    value_for_money = models.PositiveSmallIntegerField(_("value for money"), validators=RATING)
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = _person("+", _("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    ELEMENTS = ("product_quality", "responsiveness", "relationship", "value_for_money")

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-surveyed_on", "-id"]

    def __str__(self):
        return f"{self.account} · {self.surveyed_on}"

    @property
    def average(self) -> Decimal:
        total = sum(getattr(self, name) for name in self.ELEMENTS)
        return (Decimal(total) / len(self.ELEMENTS)).quantize(Decimal("0.01"))


class GapAssessment(models.Model):
    """A periodic assessment of the five service gaps (M5.1), each 1 (no gap) – 5 (wide gap)."""

    account = _account("gap_assessments")
    assessed_on = models.DateField(_("date"), default=timezone.localdate)
    knowledge = models.PositiveSmallIntegerField(_("knowledge gap"), validators=RATING)
    standards = models.PositiveSmallIntegerField(_("standards gap"), validators=RATING)
    delivery = models.PositiveSmallIntegerField(_("delivery gap"), validators=RATING)
    communication = models.PositiveSmallIntegerField(_("communication gap"), validators=RATING)
    perception = models.PositiveSmallIntegerField(_("perception gap"), validators=RATING)
    note = models.TextField(_("note"), blank=True)
    assessed_by = _person("+", _("assessed by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    GAPS = ("knowledge", "standards", "delivery", "communication", "perception")

    class Meta:
        verbose_name = _("service-gap assessment")
        verbose_name_plural = _("service-gap assessments")
        ordering = ["-assessed_on", "-id"]

    def __str__(self):
        return f"{self.account} · {self.assessed_on}"

    @property
    def widest(self) -> str:
        return max(self.GAPS, key=lambda name: getattr(self, name))


class ServiceRequest(TimeStampedModel):
    """A service request or complaint with its SLA: due `SLA_HOURS[priority]` after it was opened.

    A complaint is also recorded as tiering feedback (kam.tiering), which counts it in the indicators.
    """

    account = _account("service_requests")
    number = models.CharField(_("number"), max_length=40)
    kind = models.CharField(
        _("kind"), max_length=10, choices=RequestKind.choices, default=RequestKind.REQUEST
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=RequestPriority.choices, default=RequestPriority.NORMAL
    )
    title = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    due_at = models.DateTimeField(_("due at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    owner = _person("service_requests", _("owner"))
    feedback = models.OneToOneField(
        "tiering.Feedback",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_request",
        verbose_name=_("customer feedback"),
    )

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "number"],
                name="service_request_account_number",
                violation_error_message=_("This account already has a request with this number."),
            )
        ]
        indexes = [models.Index(fields=["due_at"], name="service_request_due")]

    def __str__(self):
        return f"{self.number} · {self.title}"

    def breached(self, now=None) -> bool:
        """Resolved after its due time, or still open past it."""
        if self.resolved_at is not None:
            return self.resolved_at > self.due_at
        return (now or timezone.now()) > self.due_at
