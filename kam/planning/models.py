"""Strategic planning (M2): the company's industry attractiveness matrix (criteria, industries and their
scores, the class rule), industry profiles, the business lines with their value-chain class and USP, and the
six-step plan of a key account with its solution measures and committed resources.

The matrix and the profiles are shared reference data (everyone reads, managers and admins keep them); a plan
follows its account. A plan is versioned: starting a new version copies the current one and marks the old
one superseded, which keeps it readable but no longer editable.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kam.core.i18n import bilingual
from kam.core.models import RestrictedQuerySet, TimeStampedModel
from kam.planning import roadmap
from kam.planning.choices import (
    RATING_MAX,
    RATING_MIN,
    Direction,
    Horizon,
    IndustryClass,
    PlanStatus,
    ValueChainClass,
)
from kam.planning.segments import SegmentError, parse_segments

_RATING = [MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
_NOT_NEGATIVE = [MinValueValidator(Decimal(0))]


class Criterion(TimeStampedModel):
    """A row of the attractiveness matrix (M2.1): what makes an industry attractive (+) or not (−)."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("criterion"), max_length=120, unique=True)
    name_en = models.CharField(_("criterion (English)"), max_length=120, blank=True)
    direction = models.SmallIntegerField(
        _("direction"), choices=Direction.choices, default=Direction.POSITIVE
    )
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, default=Decimal(1), validators=_NOT_NEGATIVE
    )
    scale_max = models.PositiveSmallIntegerField(
        _("highest score"),
        default=9,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Scores run from 0 to this number (the seed scores 1–9)."),
    )

    class Meta:
        verbose_name = _("attractiveness criterion")
        verbose_name_plural = _("attractiveness criteria")
        ordering = ["position", "id"]

    def __str__(self):
        return bilingual(self.name, self.name_en)

    @property
    def sign(self) -> str:
        return "−" if self.direction < 0 else "+"


class IndustryRow(TimeStampedModel):
    """An industry on the attractiveness matrix: its printed total (if copied from an old sheet, only to be
    checked) and the class a person decided on when it differs from the suggestion, with the reason."""

    industry = models.OneToOneField(
        "accounts.Industry",
        on_delete=models.PROTECT,
        related_name="attractiveness",
        verbose_name=_("industry"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    printed_total = models.DecimalField(
        _("total as printed"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Only checked against the computed total, never used."),
    )
    override_class = models.CharField(
        _("class decided"), max_length=10, choices=IndustryClass.choices, blank=True
    )
    override_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("industry on the matrix")
        verbose_name_plural = _("industries on the matrix")
        ordering = ["position", "id"]

    def __str__(self):
        return str(self.industry)

    def clean(self):
        super().clean()
        if self.override_class and not self.override_reason.strip():
            raise ValidationError({"override_reason": _("Say why you decide otherwise than the score.")})


class Score(models.Model):
    """One industry's score on one criterion, from 0 to the criterion's highest score (sign not included)."""

    row = models.ForeignKey(
        IndustryRow, on_delete=models.CASCADE, related_name="scores", verbose_name=_("industry")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("criterion")
    )
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=2, validators=_NOT_NEGATIVE)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attractiveness score")
        verbose_name_plural = _("attractiveness scores")
        constraints = [
            models.UniqueConstraint(fields=["row", "criterion"], name="planning_score_unique_cell")
        ]

    def __str__(self):
        return f"{self.row_id} · {self.criterion_id}: {self.value}"

    def clean(self):
        super().clean()
        if self.criterion_id and self.value is not None and self.value > self.criterion.scale_max:
            raise ValidationError(
                {
                    "value": _("A score on “%(criterion)s” runs from 0 to %(max)d.")
                    % {"criterion": self.criterion, "max": self.criterion.scale_max}
                }
            )


class ClassRule(TimeStampedModel):
    """How the matrix suggests a class: key from `key_percent` % of the average total, potential from
    `potential_percent` %, watch below. One row, kept by managers and admins."""

    key_percent = models.DecimalField(
        _("key industry from (percent of the average)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(100),
        validators=_NOT_NEGATIVE,
    )
    potential_percent = models.DecimalField(
        _("potential industry from (percent of the average)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(80),
        validators=_NOT_NEGATIVE,
    )

    class Meta:
        verbose_name = _("class rule")
        verbose_name_plural = _("class rules")

    def __str__(self):
        return str(_("Class rule"))

    def clean(self):
        super().clean()
        if self.potential_percent is not None and self.key_percent is not None:
            if self.potential_percent > self.key_percent:
                raise ValidationError(
                    {"potential_percent": _("The potential threshold cannot be above the key threshold.")}
                )


class IndustryProfile(TimeStampedModel):
    """What we know about an industry (M2.1, slide 19): market size, growth, segment split, key businesses and
    key buying factors (关键购买因素)."""

    industry = models.OneToOneField(
        "accounts.Industry", on_delete=models.PROTECT, related_name="profile", verbose_name=_("industry")
    )
    market_size = models.DecimalField(
        _("market size"), max_digits=14, decimal_places=2, null=True, blank=True, validators=_NOT_NEGATIVE
    )
    market_size_unit = models.CharField(
        _("unit"), max_length=30, blank=True, help_text=_("E.g. 亿元 (100 million yuan).")
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    growth_percent = models.DecimalField(
        _("growth (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    segments = models.TextField(
        _("segment split"),
        blank=True,
        help_text=_("One segment a line with its share in %, e.g. “Hardware: 60.26”."),
    )
    key_businesses = models.TextField(_("key businesses"), blank=True)
    key_buying_factors = models.TextField(_("key buying factors"), blank=True)
    notes = models.TextField(_("strategy notes"), blank=True)

    class Meta:
        verbose_name = _("industry profile")
        verbose_name_plural = _("industry profiles")
        ordering = ["industry__code"]

    def __str__(self):
        return str(self.industry)

    def clean(self):
        super().clean()
        try:
            parse_segments(self.segments)
        except SegmentError as error:
            raise ValidationError({"segments": str(error)}) from error


class BusinessLine(TimeStampedModel):
    """One of our business lines: which class of company we are in its value chain (M2.1, slide 16) and our
    unique selling point there."""

    name = models.CharField(_("business line"), max_length=120, unique=True)
    name_en = models.CharField(_("business line (English)"), max_length=120, blank=True)
    value_chain_class = models.PositiveSmallIntegerField(
        _("which class of company we are"), choices=ValueChainClass.choices
    )
    usp = models.TextField(_("our unique selling point"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("business line")
        verbose_name_plural = _("business lines")
        ordering = ["value_chain_class", "name"]

    def __str__(self):
        return bilingual(self.name, self.name_en)


class AccountPlan(TimeStampedModel):
    """The six-step plan of one key account (M2), one version of it: the later analyses are text the team
    writes, next to what KAM already knows (industry, competition, org chart, pipeline)."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="plans", verbose_name=_("account")
    )
    revision = models.PositiveSmallIntegerField(_("plan version"), default=1)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    review_date = models.DateField(_("review date"), null=True, blank=True)
    industry_notes = models.TextField(_("industry analysis"), blank=True)
    competition_notes = models.TextField(_("competition analysis"), blank=True)
    business = models.TextField(_("the customer's business"), blank=True)
    development_goals = models.TextField(_("development goals"), blank=True)
    decision_process = models.TextField(_("decision process"), blank=True)
    latent_needs = models.TextField(_("latent needs"), blank=True)
    solution_notes = models.TextField(_("solution principles"), blank=True)
    service_notes = models.TextField(_("service-support notes"), blank=True)
    communication_plan = models.TextField(_("communication plan"), blank=True)
    solution_milestones = models.TextField(_("solution-design milestones"), blank=True)

    class Meta:
        verbose_name = _("account plan")
        verbose_name_plural = _("account plans")
        ordering = ["account", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["account", "revision"], name="planning_plan_unique_revision")
        ]

    def __str__(self):
        return f"{self.account.name} · v{self.revision}"

    def get_absolute_url(self):
        return reverse("planning:plan", kwargs={"pk": self.pk})

    @property
    def is_superseded(self) -> bool:
        return self.status == PlanStatus.SUPERSEDED


class Measure(TimeStampedModel):
    """A measure of the customised solution (M2.4), rated on profitability, competitive situation and
    feasibility, and phased: act now, in 6–12 months, or over a year."""

    plan = models.ForeignKey(
        AccountPlan, on_delete=models.CASCADE, related_name="measures", verbose_name=_("plan")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("measure"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    horizon = models.CharField(_("when"), max_length=6, choices=Horizon.choices, default=Horizon.NOW)
    profitability = models.PositiveSmallIntegerField(_("profitability"), default=3, validators=_RATING)
    competitive_situation = models.PositiveSmallIntegerField(
        _("competitive situation"), default=3, validators=_RATING
    )
    feasibility = models.PositiveSmallIntegerField(_("feasibility"), default=3, validators=_RATING)

    class Meta:
        verbose_name = _("solution measure")
        verbose_name_plural = _("solution measures")
        ordering = ["plan", "position", "id"]

    def __str__(self):
        return self.title

    @property
    def audit_account_id(self):
        return self.plan.account_id

    @property
    def score(self) -> int:
        return self.profitability + self.competitive_situation + self.feasibility

    @property
    def suggested_horizon(self) -> str:
        """When the three ratings say to launch it (the planner decides, M2.4)."""
        return roadmap.suggested_horizon(self.score)

    @property
    def suggested_horizon_label(self) -> str:
        return Horizon(self.suggested_horizon).label


class Resource(TimeStampedModel):
    """Service support for the account (M2.5): people of one role, hours and budget committed against what
    we promised the customer."""

    plan = models.ForeignKey(
        AccountPlan, on_delete=models.CASCADE, related_name="resources", verbose_name=_("plan")
    )
    role = models.CharField(_("role"), max_length=120)
    people_committed = models.PositiveSmallIntegerField(_("people committed"), default=0)
    people_promised = models.PositiveSmallIntegerField(_("people promised"), default=0)
    hours_committed = models.DecimalField(
        _("hours committed"), max_digits=9, decimal_places=1, default=Decimal(0), validators=_NOT_NEGATIVE
    )
    hours_promised = models.DecimalField(
        _("hours promised"), max_digits=9, decimal_places=1, default=Decimal(0), validators=_NOT_NEGATIVE
    )
    budget_committed = models.DecimalField(
        _("budget committed"), max_digits=14, decimal_places=2, default=Decimal(0), validators=_NOT_NEGATIVE
    )
    budget_promised = models.DecimalField(
        _("budget promised"), max_digits=14, decimal_places=2, default=Decimal(0), validators=_NOT_NEGATIVE
    )

    class Meta:
        verbose_name = _("service resource")
        verbose_name_plural = _("service resources")
        ordering = ["plan", "id"]

    def __str__(self):
        return self.role

    @property
    def audit_account_id(self):
        return self.plan.account_id
