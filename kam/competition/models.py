"""Competition (M2.2, M4.4): the competitor catalogue, per-opportunity bid evaluations, competitiveness
matrices per account or per industry, and the account's unique selling points.

"Us" is a bidder (or a matrix column) without a competitor, so that we are scored and rated on the same rows
as the competitors and every comparison is one query away.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kam.competition.choices import SCORE_MAX, SCORE_MIN, BidKind, Factor, Origin, Rating, Standing
from kam.core.i18n import bilingual
from kam.core.models import RestrictedQuerySet, TimeStampedModel


class Competitor(TimeStampedModel):
    """A company we meet in tenders. Reference data: everyone reads it, managers and admins keep it."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices, blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    is_active = models.BooleanField(
        _("still competing"),
        default=True,
        help_text=_("Only active competitors are offered for new evaluations."),
    )

    class Meta:
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")
        ordering = ["name"]

    def __str__(self):
        return bilingual(self.name, self.name_en)

    def get_absolute_url(self):
        return reverse("competition:competitor", kwargs={"pk": self.pk})


class Evaluation(TimeStampedModel):
    """One opportunity's weighted evaluation of a bid (M4.4): criteria with weights totalling 1, and each
    bidder's score per criterion. One per bid kind."""

    opportunity = models.ForeignKey(
        "pipeline.Opportunity",
        on_delete=models.CASCADE,
        related_name="bid_evaluations",
        verbose_name=_("opportunity"),
    )
    kind = models.CharField(_("bid"), max_length=12, choices=BidKind.choices, default=BidKind.COMBINED)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("bid evaluation")
        verbose_name_plural = _("bid evaluations")
        ordering = ["opportunity", "kind", "id"]
        constraints = [models.UniqueConstraint(fields=["opportunity", "kind"], name="evaluation_unique_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.opportunity.number}"

    def get_absolute_url(self):
        return reverse("competition:evaluation", kwargs={"pk": self.pk})

    @property
    def audit_account_id(self):
        return self.opportunity.account_id


class Bidder(TimeStampedModel):
    """A column of an evaluation: us (no competitor) or one competitor from the catalogue."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="bidders", verbose_name=_("evaluation")
    )
    competitor = models.ForeignKey(
        Competitor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bids",
        verbose_name=_("competitor"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("bidder")
        verbose_name_plural = _("bidders")
        ordering = ["evaluation", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "competitor"], name="bidder_unique_competitor"),
            models.UniqueConstraint(
                fields=["evaluation"], condition=Q(competitor__isnull=True), name="bidder_unique_us"
            ),
        ]

    def __str__(self):
        return str(self.competitor) if self.competitor_id else str(_("Us"))

    @property
    def is_us(self) -> bool:
        return self.competitor_id is None

    @property
    def audit_account_id(self):
        return self.evaluation.opportunity.account_id


class Criterion(TimeStampedModel):
    """A row of an evaluation: what the customer weighs, and how much (the weights total 1)."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("evaluation")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("criterion"), max_length=120)
    name_en = models.CharField(_("criterion (English)"), max_length=120, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["evaluation", "position", "id"]

    def __str__(self):
        return bilingual(self.name, self.name_en)

    @property
    def audit_account_id(self):
        return self.evaluation.opportunity.account_id


class Score(models.Model):
    """One bidder's score on one criterion, from 1 to 5 (M4.4)."""

    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("criterion")
    )
    bidder = models.ForeignKey(
        Bidder, on_delete=models.CASCADE, related_name="scores", verbose_name=_("bidder")
    )
    value = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["criterion", "bidder"], name="score_unique_cell")]

    def __str__(self):
        return f"{self.criterion_id} · {self.bidder_id}: {self.value}"

    def clean(self):
        super().clean()
        if self.criterion_id and self.bidder_id and self.criterion.evaluation_id != self.bidder.evaluation_id:
            raise ValidationError({"bidder": _("The bidder belongs to another evaluation.")})

    @property
    def audit_account_id(self):
        return self.bidder.evaluation.opportunity.account_id


class Matrix(TimeStampedModel):
    """A competitiveness matrix (M2.2): product lines × competitors (and us), rated strong…weak, for one
    account or for a whole industry."""

    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="competitiveness_matrices",
        verbose_name=_("account"),
    )
    industry = models.ForeignKey(
        "accounts.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="competitiveness_matrices",
        verbose_name=_("industry"),
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("What it covers, e.g. “Fujian province, communication products”."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("competitiveness matrix")
        verbose_name_plural = _("competitiveness matrices")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(account__isnull=False, industry__isnull=True)
                | Q(account__isnull=True, industry__isnull=False),
                name="matrix_account_xor_industry",
                violation_error_message=_("A matrix is for one account or for one industry."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("competition:matrix", kwargs={"pk": self.pk})


class MatrixColumn(TimeStampedModel):
    """A column of a matrix: us (no competitor) or a competitor."""

    matrix = models.ForeignKey(
        Matrix, on_delete=models.CASCADE, related_name="columns", verbose_name=_("matrix")
    )
    competitor = models.ForeignKey(
        Competitor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matrix_columns",
        verbose_name=_("competitor"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("matrix column")
        verbose_name_plural = _("matrix columns")
        ordering = ["matrix", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["matrix", "competitor"], name="matrix_column_unique_competitor"),
            models.UniqueConstraint(
                fields=["matrix"], condition=Q(competitor__isnull=True), name="matrix_column_unique_us"
            ),
        ]

    def __str__(self):
        return str(self.competitor) if self.competitor_id else str(_("Us"))

    @property
    def is_us(self) -> bool:
        return self.competitor_id is None

    @property
    def audit_account_id(self):
        return self.matrix.account_id


class MatrixRow(TimeStampedModel):
    """A row of a matrix: a product line (named), or one of M2.2's competitive factors."""

    matrix = models.ForeignKey(
        Matrix, on_delete=models.CASCADE, related_name="rows", verbose_name=_("matrix")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("product line"), max_length=120, blank=True)
    factor = models.CharField(_("factor"), max_length=12, choices=Factor.choices, blank=True)

    class Meta:
        verbose_name = _("matrix row")
        verbose_name_plural = _("matrix rows")
        ordering = ["matrix", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["matrix", "factor"], condition=~Q(factor=""), name="matrix_row_unique_factor"
            ),
        ]

    def __str__(self):
        return self.get_factor_display() if self.factor else self.name

    def clean(self):
        super().clean()
        if not self.factor and not self.name.strip():
            raise ValidationError({"name": _("Name the product line.")})

    @property
    def is_factor(self) -> bool:
        return bool(self.factor)

    @property
    def audit_account_id(self):
        return self.matrix.account_id


class MatrixCell(models.Model):
    """How strong a column is on a row, from 5 strong to 1 weak (M2.2)."""

    row = models.ForeignKey(MatrixRow, on_delete=models.CASCADE, related_name="cells", verbose_name=_("row"))
    column = models.ForeignKey(
        MatrixColumn, on_delete=models.CASCADE, related_name="cells", verbose_name=_("column")
    )
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("matrix cell")
        verbose_name_plural = _("matrix cells")
        constraints = [models.UniqueConstraint(fields=["row", "column"], name="matrix_cell_unique")]

    def __str__(self):
        return f"{self.row_id} · {self.column_id}: {self.rating}"

    def clean(self):
        super().clean()
        if self.row_id and self.column_id and self.row.matrix_id != self.column.matrix_id:
            raise ValidationError({"column": _("The column belongs to another matrix.")})

    @property
    def audit_account_id(self):
        return self.row.matrix.account_id


class SellingPoint(TimeStampedModel):
    """A unique selling point (USP, 独特卖点) at an account: a need the customer has that competitors cannot
    meet, or meet worse (M2.2, slide 22)."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="selling_points", verbose_name=_("account")
    )
    need = models.CharField(
        _("the customer's need"), max_length=300, help_text=_("Condition 1: the customer needs it.")
    )
    edge = models.TextField(_("what we offer"), help_text=_("How we meet the need."))
    standing = models.CharField(
        _("competitors"),
        max_length=8,
        choices=Standing.choices,
        default=Standing.WORSE,
        help_text=_("Condition 2: competitors cannot do it, or do it worse."),
    )
    competitors = models.ManyToManyField(
        Competitor, blank=True, related_name="selling_points", verbose_name=_("compared with")
    )
    evidence = models.TextField(_("evidence"), blank=True, help_text=_("Why competitors fall short; proof."))
    product_line = models.CharField(_("product line"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("unique selling point")
        verbose_name_plural = _("unique selling points")
        ordering = ["account", "id"]

    def __str__(self):
        return self.need
