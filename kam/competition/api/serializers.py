"""Serializers of the competition API. Evaluations and matrices are written through their services (the grid
as a whole) and read as computed views: totals, ranking and gaps, or ratings, edges and averages."""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kam.accounts.api.serializers import RestrictedRelatedField
from kam.accounts.models import Account, Industry
from kam.competition.choices import SCORE_MAX, SCORE_MIN, TEMPLATES, BidKind, Factor, Rating
from kam.competition.models import Competitor, SellingPoint
from kam.pipeline.models import Opportunity


@extend_schema_field(OpenApiTypes.INT)
class IdField(RestrictedRelatedField):
    """A restricted foreign key written as an id, in serializers that have no model to describe it."""


class CompetitorSerializer(serializers.ModelSerializer):
    """A company we meet in tenders (everyone reads the catalogue; managers and admins write it)."""

    version = serializers.IntegerField(required=False)

    class Meta:
        model = Competitor
        fields = [
            "id",
            "name",
            "name_en",
            "origin",
            "strengths",
            "weaknesses",
            "is_active",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"name": {"validators": []}}  # the service checks the name (any case) and says which


def _active_competitors(user):
    return Competitor.objects.restrict(user, "view")


class EvaluationWriteSerializer(serializers.Serializer):
    """Create: opportunity, bid, competitors and a criteria template. Update: bid, note, competitors."""

    opportunity = IdField(
        scope=lambda user: Opportunity.objects.restrict(user, "change"),
        required=False,
        help_text="On create.",
    )
    bid = serializers.ChoiceField(source="kind", choices=BidKind.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    competitors = serializers.ListField(
        child=IdField(scope=_active_competitors), required=False, help_text="Competitor ids, in order."
    )
    template = serializers.ChoiceField(
        choices=[("", "empty"), *[(key, key) for key in TEMPLATES]],
        required=False,
        default="",
        write_only=True,
        help_text="Criteria to start from: m44 (the method's example), technical, commercial, or empty.",
    )
    version = serializers.IntegerField(required=False)


class BidderSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    competitor = serializers.IntegerField(source="competitor_id", allow_null=True)
    name = serializers.CharField(source="__str__")
    is_us = serializers.BooleanField()


class StandingSerializer(serializers.Serializer):
    bidder = serializers.IntegerField()
    total = serializers.DecimalField(
        max_digits=6,
        decimal_places=3,
        allow_null=True,
        help_text="Σ weight × score; null while a score is missing.",
    )
    unweighted = serializers.DecimalField(
        max_digits=6, decimal_places=0, allow_null=True, help_text="Σ score, for reference only."
    )
    rank = serializers.IntegerField(allow_null=True)
    missing = serializers.IntegerField()


class CriterionGapSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    weight = serializers.DecimalField(max_digits=4, decimal_places=3)
    ours = serializers.DecimalField(max_digits=3, decimal_places=0, allow_null=True)
    best_rival = serializers.DecimalField(max_digits=3, decimal_places=0, allow_null=True)
    best_rivals = serializers.ListField(child=serializers.IntegerField(), help_text="Bidder ids.")
    gap = serializers.DecimalField(
        max_digits=3, decimal_places=0, allow_null=True, help_text="Our score − the best competitor's."
    )
    weighted = serializers.DecimalField(max_digits=6, decimal_places=3, allow_null=True)


class CriterionRowSerializer(serializers.Serializer):
    """A row of the grid: on write, `id` null adds a criterion; `scores` maps bidder ids to 1–5 or null."""

    id = serializers.IntegerField(allow_null=True, required=False)
    name = serializers.CharField(max_length=120)
    name_en = serializers.CharField(max_length=120, allow_blank=True, required=False, default="")
    weight = serializers.DecimalField(
        max_digits=4, decimal_places=3, min_value=Decimal(0), max_value=Decimal(1)
    )
    scores = serializers.DictField(
        child=serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX, allow_null=True),
        required=False,
    )


class EvaluationSerializer(serializers.Serializer):
    """An evaluation with its grid and result (read from selectors.EvaluationView)."""

    id = serializers.IntegerField(source="evaluation.pk")
    opportunity = serializers.IntegerField(source="evaluation.opportunity_id")
    bid = serializers.ChoiceField(source="evaluation.kind", choices=BidKind.choices)
    note = serializers.CharField(source="evaluation.note")
    version = serializers.IntegerField(source="evaluation.version")
    bidders = BidderSerializer(many=True)
    criteria = serializers.SerializerMethodField()
    weight_total = serializers.DecimalField(max_digits=6, decimal_places=3)
    standings = serializers.SerializerMethodField()
    gaps = serializers.SerializerMethodField()
    margin = serializers.DecimalField(
        source="result.margin",
        max_digits=6,
        decimal_places=3,
        allow_null=True,
        help_text="Our total − the best competitor's.",
    )

    @extend_schema_field(CriterionRowSerializer(many=True))
    def get_criteria(self, view) -> list:
        return [
            {
                "id": c.pk,
                "name": c.name,
                "name_en": c.name_en,
                "weight": c.weight,
                "scores": {str(b.pk): view.scores.get((c.pk, b.pk)) for b in view.bidders},
            }
            for c in view.criteria
        ]

    @extend_schema_field(StandingSerializer(many=True))
    def get_standings(self, view) -> list:
        return StandingSerializer(view.result.standings, many=True).data

    @extend_schema_field(CriterionGapSerializer(many=True))
    def get_gaps(self, view) -> list:
        return CriterionGapSerializer(view.result.gaps, many=True).data


class GridInputSerializer(serializers.Serializer):
    rows = CriterionRowSerializer(
        many=True, help_text="The whole grid: saved criteria not listed are removed."
    )
    version = serializers.IntegerField(
        required=False, help_text="The version you read; a change since is 409."
    )


class MatrixWriteSerializer(serializers.Serializer):
    account = IdField(
        scope=lambda user: Account.objects.restrict(user, "change"), required=False, allow_null=True
    )
    industry = serializers.PrimaryKeyRelatedField(
        queryset=Industry.objects.all(), required=False, allow_null=True
    )
    title = serializers.CharField(max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    competitors = serializers.ListField(child=IdField(scope=_active_competitors), required=False)
    product_lines = serializers.ListField(
        child=serializers.CharField(max_length=120),
        required=False,
        write_only=True,
        help_text="On create: the rows' product lines.",
    )
    version = serializers.IntegerField(required=False)

    def validate(self, attrs):
        if self.instance is None and bool(attrs.get("account")) == bool(attrs.get("industry")):
            raise serializers.ValidationError({"account": ["Give an account or an industry, not both."]})
        return attrs


class MatrixColumnSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    competitor = serializers.IntegerField(source="competitor_id", allow_null=True)
    name = serializers.CharField(source="__str__")
    is_us = serializers.BooleanField()


class MatrixRowSerializer(serializers.Serializer):
    """A row: `factor` is one of M2.2's six factors, or empty for a product line; `ratings` maps column ids
    to 5 (strong) … 1 (weak) or null. On write, `id` null adds a product line."""

    id = serializers.IntegerField(allow_null=True, required=False)
    name = serializers.CharField(max_length=120, allow_blank=True, required=False, default="")
    factor = serializers.ChoiceField(choices=Factor.choices, allow_blank=True, required=False, read_only=True)
    ratings = serializers.DictField(
        child=serializers.ChoiceField(choices=Rating.choices, allow_null=True), required=False
    )
    edge = serializers.IntegerField(
        allow_null=True, read_only=True, help_text="Our rating − the best competitor's."
    )


class MatrixSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="matrix.pk")
    account = serializers.IntegerField(source="matrix.account_id", allow_null=True)
    industry = serializers.IntegerField(source="matrix.industry_id", allow_null=True)
    title = serializers.CharField(source="matrix.title")
    note = serializers.CharField(source="matrix.note")
    version = serializers.IntegerField(source="matrix.version")
    columns = MatrixColumnSerializer(many=True)
    rows = serializers.SerializerMethodField()

    @extend_schema_field(MatrixRowSerializer(many=True))
    def get_rows(self, view) -> list:
        return [
            {
                "id": line["row"].pk,
                "name": line["row"].name,
                "factor": line["row"].factor,
                "ratings": {str(c.pk): rating for c, rating in zip(view.columns, line["cells"], strict=True)},
                "edge": line["comparison"].edge,
            }
            for line in view.product_lines + view.factors
        ]


class RatingGridInputSerializer(serializers.Serializer):
    rows = MatrixRowSerializer(
        many=True, help_text="The whole grid: saved product lines not listed are removed."
    )
    version = serializers.IntegerField(required=False)


class CompetitorIdsField(serializers.ListField):
    """Competitor ids: written as a list, read from a many-to-many relation."""

    def to_representation(self, data):
        return sorted(c.pk for c in (data.all() if hasattr(data, "all") else data))


class SellingPointSerializer(serializers.ModelSerializer):
    """A need the customer has that competitors cannot meet, or meet worse (M2.2)."""

    account = RestrictedRelatedField(scope=lambda user: Account.objects.restrict(user, "change"))
    competitors = CompetitorIdsField(child=IdField(scope=_active_competitors), required=False)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = SellingPoint
        fields = [
            "id",
            "account",
            "need",
            "edge",
            "standing",
            "competitors",
            "evidence",
            "product_line",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
