"""Serializers of the planning API. Matrix rows answer with their computed total, star and classes; plans,
measures and resources are written through the services like the pages."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kam.accounts.api.serializers import RestrictedRelatedField
from kam.accounts.models import Account, Industry
from kam.planning.choices import IndustryClass
from kam.planning.models import (
    AccountPlan,
    BusinessLine,
    Criterion,
    IndustryProfile,
    IndustryRow,
    Measure,
    Resource,
    Score,
)
from kam.users.models import User


def _industries(user):
    return Industry.objects.restrict(user, "view")


class CriterionSerializer(serializers.ModelSerializer):
    """A criterion of the attractiveness matrix (M2.1): direction +1 or −1, weight, highest score."""

    version = serializers.IntegerField(required=False)

    class Meta:
        model = Criterion
        fields = ["id", "position", "name", "name_en", "direction", "weight", "scale_max", "version"]


class IndustryRowSerializer(serializers.ModelSerializer):
    """An industry on the matrix with what is computed from its scores (never typed)."""

    industry = RestrictedRelatedField(scope=_industries)
    total = serializers.SerializerMethodField()
    starred = serializers.SerializerMethodField()
    suggested_class = serializers.SerializerMethodField()
    decided_class = serializers.SerializerMethodField()
    printed_total_mismatch = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False)

    class Meta:
        model = IndustryRow
        fields = [
            "id",
            "industry",
            "position",
            "total",
            "starred",
            "suggested_class",
            "decided_class",
            "printed_total",
            "printed_total_mismatch",
            "override_class",
            "override_reason",
            "version",
        ]

    def _line(self, row):
        view = self.context.get("matrix_view")
        return view.for_industry(row.industry_id) if view is not None else None

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True))
    def get_total(self, row):
        line = self._line(row)
        return None if line is None else str(line.assessment.total)

    def get_starred(self, row) -> bool:
        line = self._line(row)
        return bool(line and line.assessment.starred)

    @extend_schema_field(serializers.ChoiceField(choices=IndustryClass.choices, allow_null=True))
    def get_suggested_class(self, row):
        line = self._line(row)
        return None if line is None else line.assessment.suggested

    @extend_schema_field(serializers.ChoiceField(choices=IndustryClass.choices, allow_null=True))
    def get_decided_class(self, row):
        line = self._line(row)
        return None if line is None else line.decided_class

    def get_printed_total_mismatch(self, row) -> bool:
        line = self._line(row)
        return bool(line and line.assessment.mismatch)


class ScoreSerializer(serializers.ModelSerializer):
    """One cell of the matrix: the score without its sign (writing it again replaces it)."""

    row = RestrictedRelatedField(scope=lambda user: IndustryRow.objects.restrict(user, "change"))
    criterion = RestrictedRelatedField(scope=lambda user: Criterion.objects.restrict(user, "change"))

    class Meta:
        model = Score
        fields = ["id", "row", "criterion", "value"]
        validators = []  # writing a cell that exists replaces its score (services.score_set)


class ProfileSerializer(serializers.ModelSerializer):
    industry = RestrictedRelatedField(scope=_industries)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = IndustryProfile
        fields = [
            "id",
            "industry",
            "market_size",
            "market_size_unit",
            "year",
            "growth_percent",
            "segments",
            "key_businesses",
            "key_buying_factors",
            "notes",
            "version",
        ]


class BusinessLineSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(required=False)

    class Meta:
        model = BusinessLine
        fields = ["id", "name", "name_en", "value_chain_class", "usp", "notes", "version"]


class PlanSerializer(serializers.ModelSerializer):
    """One version of an account's six-step plan (M2); a superseded version is read-only."""

    account = RestrictedRelatedField(scope=lambda user: Account.objects.restrict(user, "change"))
    owner = RestrictedRelatedField(scope=lambda user: User.objects.restrict(user, "view"), required=False)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = AccountPlan
        fields = [
            "id",
            "account",
            "revision",
            "owner",
            "status",
            "review_date",
            "industry_notes",
            "competition_notes",
            "business",
            "development_goals",
            "decision_process",
            "latent_needs",
            "solution_notes",
            "service_notes",
            "communication_plan",
            "solution_milestones",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["revision", "created_at", "updated_at"]


def _open_plans(user):
    return AccountPlan.objects.restrict(user, "change").exclude(status="superseded")


class MeasureSerializer(serializers.ModelSerializer):
    """A measure of the customised solution (M2.4), rated 1–5 three ways and phased."""

    plan = RestrictedRelatedField(scope=_open_plans)
    score = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Measure
        fields = [
            "id",
            "plan",
            "position",
            "title",
            "description",
            "horizon",
            "profitability",
            "competitive_situation",
            "feasibility",
            "score",
            "version",
        ]


class ResourceSerializer(serializers.ModelSerializer):
    """Service support committed against promised (M2.5)."""

    plan = RestrictedRelatedField(scope=_open_plans)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Resource
        fields = [
            "id",
            "plan",
            "role",
            "people_committed",
            "people_promised",
            "hours_committed",
            "hours_promised",
            "budget_committed",
            "budget_promised",
            "version",
        ]
