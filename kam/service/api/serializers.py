"""Service records over the API. Histories (stage changes, grid placements, surveys, gap assessments, loyalty
reviews) are appended by POST and never edited; spend is set per account and year (POST again corrects it)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kam.accounts.api.serializers import RestrictedRelatedField
from kam.accounts.models import Account, Contact
from kam.service.choices import CompanyLevel, Depth, RequestKind, RequestPriority, Stage
from kam.service.models import (
    CategorySpend,
    GapAssessment,
    GridPlacement,
    LoyaltyReview,
    RelationshipStage,
    SatisfactionSurvey,
    ServiceRequest,
    StageChange,
)


def _changeable_account():
    return RestrictedRelatedField(scope=lambda user: Account.objects.restrict(user, "change"))


def _visible_contact(**kwargs):
    return RestrictedRelatedField(scope=lambda user: Contact.objects.restrict(user, "view"), **kwargs)


class RelationshipStageSerializer(serializers.ModelSerializer):
    """An account's current stage (M5.3). Change it by POSTing a stage change."""

    class Meta:
        model = RelationshipStage
        fields = ["id", "account", "stage", "since", "version", "updated_at"]
        read_only_fields = fields


class StageChangeSerializer(serializers.ModelSerializer):
    """One move of the relationship stage. POST moves the account (a reason is required)."""

    account = _changeable_account()
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    changed_on = serializers.DateField(required=False, default=timezone.localdate)

    class Meta:
        model = StageChange
        fields = [
            "id",
            "account",
            "from_stage",
            "to_stage",
            "changed_on",
            "reason",
            "changed_by",
            "created_at",
        ]
        read_only_fields = ["from_stage", "changed_by", "created_at"]


class CategorySpendSerializer(serializers.ModelSerializer):
    """The customer's estimated spend in our category in a year; POST for a known year corrects it."""

    account = _changeable_account()

    class Meta:
        model = CategorySpend
        fields = ["id", "account", "year", "amount", "currency", "source", "version", "updated_at"]
        read_only_fields = ["version", "updated_at"]
        validators = []  # one row per account and year: the service updates the existing one


class GridPlacementSerializer(serializers.ModelSerializer):
    """A contact's cell on the 25-cell grid on a date (M5.2); the contact's earlier cells are its movement."""

    account = _changeable_account()
    contact = _visible_contact()
    depth = serializers.ChoiceField(choices=Depth.choices)
    level = serializers.ChoiceField(choices=CompanyLevel.choices)
    placed_on = serializers.DateField(required=False, default=timezone.localdate)
    cell = serializers.SerializerMethodField()

    class Meta:
        model = GridPlacement
        fields = [
            "id",
            "account",
            "contact",
            "placed_on",
            "depth",
            "level",
            "cell",
            "note",
            "placed_by",
            "created_at",
        ]
        read_only_fields = ["placed_by", "created_at"]

    @extend_schema_field(serializers.CharField())
    def get_cell(self, placement) -> str:
        return f"{placement.depth}{placement.level}"


class LoyaltyReviewSerializer(serializers.ModelSerializer):
    """A dated competition rating; the loyalty score it gave is computed and kept."""

    account = _changeable_account()
    reviewed_on = serializers.DateField(required=False, default=timezone.localdate)

    class Meta:
        model = LoyaltyReview
        fields = [
            "id",
            "account",
            "reviewed_on",
            "competitor_availability",
            "competitor_attractiveness",
            "score",
            "note",
            "reviewed_by",
            "created_at",
        ]
        read_only_fields = ["score", "reviewed_by", "created_at"]


class SatisfactionSurveySerializer(serializers.ModelSerializer):
    """A survey answer on the four elements, each 1 (poor) – 5 (excellent)."""

    account = _changeable_account()
    respondent = _visible_contact(required=False, allow_null=True)
    surveyed_on = serializers.DateField(required=False, default=timezone.localdate)
    average = serializers.DecimalField(max_digits=4, decimal_places=2, read_only=True)

    class Meta:
        model = SatisfactionSurvey
        fields = [
            "id",
            "account",
            "surveyed_on",
            "respondent",
            "product_quality",
            "responsiveness",
            "relationship",
            "value_for_money",
            "average",
            "comment",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["recorded_by", "created_at"]


class GapAssessmentSerializer(serializers.ModelSerializer):
    """The five service gaps, each 1 (no gap) – 5 (wide)."""

    account = _changeable_account()
    assessed_on = serializers.DateField(required=False, default=timezone.localdate)

    class Meta:
        model = GapAssessment
        fields = [
            "id",
            "account",
            "assessed_on",
            "knowledge",
            "standards",
            "delivery",
            "communication",
            "perception",
            "note",
            "assessed_by",
            "created_at",
        ]
        read_only_fields = ["assessed_by", "created_at"]


class ServiceRequestSerializer(serializers.ModelSerializer):
    """A request or complaint; `due_at` follows from the priority's SLA, `breached` from the clock. A
    complaint is also recorded as tiering feedback (`feedback`)."""

    account = _changeable_account()
    kind = serializers.ChoiceField(choices=RequestKind.choices, default=RequestKind.REQUEST)
    priority = serializers.ChoiceField(choices=RequestPriority.choices, default=RequestPriority.NORMAL)
    number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    breached = serializers.SerializerMethodField()

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "account",
            "number",
            "kind",
            "priority",
            "title",
            "description",
            "opened_at",
            "due_at",
            "resolved_at",
            "resolution",
            "breached",
            "owner",
            "feedback",
            "version",
        ]
        read_only_fields = ["due_at", "resolved_at", "resolution", "owner", "feedback", "version"]
        validators = []  # the number's uniqueness per account is checked by the model on save

    @extend_schema_field(serializers.BooleanField())
    def get_breached(self, request) -> bool:
        return request.breached()


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField()
    version = serializers.IntegerField(required=False)
