from rest_framework import serializers

from kam.accounts.api.serializers import RestrictedRelatedField
from kam.accounts.models import Account
from kam.api.serializers import PlainListSerializer
from kam.pipeline.models import (
    Opportunity,
    ProgressReport,
    ReportInfluencer,
    SalesProcess,
    Stage,
    StageCriterion,
    StageTransition,
)
from kam.users.models import User


class StageCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageCriterion
        fields = ["id", "order", "text", "text_en"]


class StageSerializer(serializers.ModelSerializer):
    criteria = StageCriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Stage
        fields = [
            "id",
            "order",
            "code",
            "name",
            "name_en",
            "probability",
            "milestone",
            "procurement_step",
            "customer_role",
            "lead_role",
            "is_won",
            "criteria",
        ]


class SalesProcessSerializer(serializers.ModelSerializer):
    stages = StageSerializer(many=True, read_only=True)

    class Meta:
        model = SalesProcess
        fields = ["id", "name", "name_en", "description", "is_default", "strict", "stages"]


class OpportunitySerializer(serializers.ModelSerializer):
    """An opportunity; stage and status change only through POST …/move/ and …/close/."""

    account = RestrictedRelatedField(scope=lambda user: Account.objects.restrict(user, "change"))
    owner = RestrictedRelatedField(scope=lambda user: User.objects.restrict(user, "view"), required=False)
    stage_code = serializers.CharField(source="stage.code", read_only=True)
    probability = serializers.DecimalField(
        source="stage.probability", max_digits=5, decimal_places=2, read_only=True
    )
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "number",
            "account",
            "name",
            "goal",
            "amount",
            "currency",
            "expected_close",
            "owner",
            "process",
            "stage",
            "stage_code",
            "probability",
            "status",
            "competitors",
            "product_lines",
            "lead_source",
            "next_step",
            "next_step_due",
            "closed_on",
            "close_reason",
            "winning_competitor",
            "version",
            "created_at",
            "updated_at",
        ]
        list_serializer_class = PlainListSerializer
        read_only_fields = [
            "number",
            "process",
            "stage",
            "status",
            "closed_on",
            "close_reason",
            "winning_competitor",
            "created_at",
            "updated_at",
        ]


class MoveSerializer(serializers.Serializer):
    stage = serializers.CharField(help_text='Stage id or code (e.g. "C") of the opportunity\'s process.')
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CloseSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["lost", "abandoned"])
    reason = serializers.CharField()
    winning_competitor = serializers.CharField(required=False, allow_blank=True, default="")


class StageTransitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageTransition
        fields = [
            "id",
            "opportunity",
            "from_stage",
            "to_stage",
            "to_status",
            "moved_at",
            "moved_by",
            "reason",
            "unmet_criteria",
        ]


class ReportInfluencerSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportInfluencer
        fields = ["department", "name", "title", "attitude", "contact"]


class ProgressReportSerializer(serializers.ModelSerializer):
    influencers = ReportInfluencerSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "opportunity",
            "report_date",
            "author",
            "goal",
            "breakthroughs",
            "next_steps",
            "competitor",
            "progress",
            "manager_assessment",
            "influencers",
        ]
