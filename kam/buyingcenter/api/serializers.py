from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kam.accounts.api.serializers import RestrictedRelatedField
from kam.accounts.choices import Currency
from kam.accounts.models import Account, Contact
from kam.buyingcenter import scoring
from kam.buyingcenter.choices import BuyingRole, PairLevel, ProcurementStep, ProjectPhase, SpinKind
from kam.buyingcenter.models import CounterpartPair, SpinPlan, SpinQuestion, SpinStep, Stakeholder
from kam.pipeline.choices import Attitude
from kam.pipeline.models import Opportunity
from kam.users.models import User


class AttitudeEntrySerializer(serializers.Serializer):
    observed_on = serializers.DateField()
    attitude = serializers.ChoiceField(choices=Attitude.choices)
    arrow = serializers.CharField(
        help_text="↑ warmer, ↓ cooler, → unchanged against the entry before; empty first."
    )
    note = serializers.CharField()
    recorded_by = serializers.IntegerField(allow_null=True)


class StakeholderSerializer(serializers.ModelSerializer):
    """A person in an opportunity's buying center. `attitude` is current; sending a different one appends
    a dated entry to `attitude_history` (never rewrites it). Weights are set per phase on the buying
    center (POST /api/buying-centers/{opportunity}/weights/)."""

    opportunity = RestrictedRelatedField(scope=lambda user: Opportunity.objects.restrict(user, "change"))
    contact = RestrictedRelatedField(scope=lambda user: Contact.objects.restrict(user, "view"))
    contact_name = serializers.CharField(source="contact.name", read_only=True)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=BuyingRole.choices), required=False)
    procurement_steps = serializers.ListField(
        child=serializers.ChoiceField(choices=ProcurementStep.choices), required=False
    )
    attitude = serializers.ChoiceField(choices=Attitude.choices, required=False, allow_blank=True)
    attitude_observed_on = serializers.DateField(write_only=True, required=False)
    attitude_note = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=300)
    arrow = serializers.SerializerMethodField()
    weights = serializers.SerializerMethodField()
    attitude_history = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Stakeholder
        fields = [
            "id",
            "opportunity",
            "contact",
            "contact_name",
            "roles",
            "procurement_steps",
            "project_role",
            "attitude",
            "attitude_observed_on",
            "attitude_note",
            "arrow",
            "relationship_type",
            "relationship_level",
            "concerns",
            "is_coach",
            "is_informant",
            "next_action",
            "next_action_due",
            "weights",
            "attitude_history",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def _history(self, stakeholder):
        reports = list(stakeholder.attitude_history.all())
        return list(zip(reports, scoring.arrows([r.attitude for r in reports]), strict=True))

    @extend_schema_field(serializers.CharField())
    def get_arrow(self, stakeholder) -> str:
        history = self._history(stakeholder)
        return history[-1][1] if history else ""

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_weights(self, stakeholder) -> dict:
        return {w.phase: w.percent for w in stakeholder.weights.all()}

    @extend_schema_field(AttitudeEntrySerializer(many=True))
    def get_attitude_history(self, stakeholder) -> list:
        return [
            {
                "observed_on": report.observed_on,
                "attitude": report.attitude,
                "arrow": arrow,
                "note": report.note,
                "recorded_by": report.recorded_by_id,
            }
            for report, arrow in self._history(stakeholder)
        ]


class AttitudeInputSerializer(serializers.Serializer):
    attitude = serializers.ChoiceField(choices=Attitude.choices)
    observed_on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class WeightsInputSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=ProjectPhase.choices)
    weights = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=100, allow_null=True),
        help_text='Stakeholder id → whole percent or null; they total 100, e.g. {"12": 60, "13": 40}.',
    )
    expected = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        required=False,
        help_text="The weights you last read for this phase; a change since is refused with 409.",
    )

    @staticmethod
    def _ids(mapping: dict, field: str) -> dict[int, int | None]:
        try:
            return {int(key): value for key, value in mapping.items()}
        except ValueError as error:
            raise serializers.ValidationError({field: ["Keys are stakeholder ids."]}) from error

    def validate(self, attrs):
        attrs["weights"] = self._ids(attrs["weights"], "weights")
        if "expected" in attrs:
            attrs["expected"] = self._ids(attrs["expected"], "expected")
        return attrs


class SplitSerializer(serializers.Serializer):
    supporters = serializers.IntegerField()
    neutrals = serializers.IntegerField()
    opponents = serializers.IntegerField()
    unknown = serializers.IntegerField()
    at_risk = serializers.BooleanField()


class CoverageRowSerializer(serializers.Serializer):
    """One line of M4.3's table."""

    stakeholder = serializers.IntegerField(source="stakeholder.pk")
    contact = serializers.IntegerField(source="contact.pk")
    name = serializers.CharField(source="contact.name")
    department = serializers.CharField(source="contact.department")
    project_role = serializers.CharField(source="stakeholder.project_role")
    roles = serializers.ListField(child=serializers.CharField(), source="stakeholder.roles")
    attitude = serializers.CharField(source="stakeholder.attitude")
    arrow = serializers.CharField()
    stance = serializers.CharField()
    weight = serializers.IntegerField()
    last_contact = serializers.DateField(allow_null=True)


class ActionSerializer(serializers.Serializer):
    rule = serializers.CharField()
    section = serializers.CharField()
    text = serializers.CharField()
    why = serializers.CharField()
    stakeholder = serializers.IntegerField(source="stakeholder_id", allow_null=True)


class GapSerializer(serializers.Serializer):
    stakeholder = serializers.IntegerField(source="stakeholder_id")
    name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    suggested_level = serializers.ChoiceField(source="level", choices=PairLevel.choices)


class BuyingCenterSerializer(serializers.Serializer):
    """An opportunity's buying center in one phase: M4.3's table, the support score, risk, actions, gaps."""

    opportunity = serializers.IntegerField(source="opportunity.pk")
    phase = serializers.ChoiceField(choices=ProjectPhase.choices)
    current_phase = serializers.ChoiceField(choices=ProjectPhase.choices, allow_null=True)
    phase_totals = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    score = serializers.DecimalField(
        max_digits=4, decimal_places=2, help_text="Σ weight % × value / 100, −2 … +2."
    )
    split = SplitSerializer()
    coverage = CoverageRowSerializer(many=True)
    actions = ActionSerializer(many=True)
    gaps = GapSerializer(many=True)
    missing_roles = serializers.ListField(child=serializers.ChoiceField(choices=BuyingRole.choices))


class PlannedSerializer(serializers.Serializer):
    stakeholder = serializers.IntegerField(source="stakeholder_id")
    name = serializers.CharField()
    next_action = serializers.CharField()
    next_action_due = serializers.DateField(allow_null=True)


class OpportunityActionsSerializer(serializers.Serializer):
    opportunity = serializers.IntegerField(source="opportunity_id")
    number = serializers.CharField()
    name = serializers.CharField()
    actions = ActionSerializer(many=True)
    planned = PlannedSerializer(many=True)


class MyActionsPageSerializer(serializers.Serializer):
    """One page of "my actions" (25 deals), with how many deals need something in all and per rule."""

    count = serializers.IntegerField(help_text="Deals shown on all pages (of the rule asked for, if any).")
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Rule → deals it asks something of."
    )
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = OpportunityActionsSerializer(many=True)


class CounterpartPairSerializer(serializers.ModelSerializer):
    """Our person ↔ their person at an account (M4.7)."""

    account = RestrictedRelatedField(scope=lambda user: Account.objects.restrict(user, "change"))
    our_person = RestrictedRelatedField(scope=lambda user: User.objects.filter(is_active=True))
    their_person = RestrictedRelatedField(scope=lambda user: Contact.objects.restrict(user, "view"))
    version = serializers.IntegerField(required=False)

    class Meta:
        model = CounterpartPair
        fields = [
            "id",
            "account",
            "our_person",
            "their_person",
            "level",
            "note",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


# --- SPIN planner and value calculator (M4.5, M4.6) ---------------------------------------------------------


class SpinQuestionSerializer(serializers.ModelSerializer):
    """A question of the SPIN library (everyone reads it; managers and admins write it)."""

    version = serializers.IntegerField(required=False)

    class Meta:
        model = SpinQuestion
        fields = [
            "id",
            "kind",
            "text",
            "text_en",
            "source",
            "is_active",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class SpinStepSerializer(serializers.ModelSerializer):
    """A question asked in a SPIN plan and its answer. Give `question` (a library id: its words are copied)
    or `text`; afterwards only the answer (and the words of your own questions) change."""

    plan = RestrictedRelatedField(scope=lambda user: SpinPlan.objects.restrict(user, "change"))
    question = RestrictedRelatedField(
        scope=lambda user: SpinQuestion.objects.restrict(user, "view"), required=False, allow_null=True
    )
    kind = serializers.ChoiceField(choices=SpinKind.choices, required=False)
    text = serializers.CharField(max_length=300, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = SpinStep
        fields = [
            "id",
            "plan",
            "kind",
            "question",
            "text",
            "text_en",
            "answer",
            "answered_on",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class ValueSerializer(serializers.Serializer):
    saved_per_month = serializers.DecimalField(max_digits=20, decimal_places=3)
    monthly = serializers.DecimalField(max_digits=20, decimal_places=2)
    yearly = serializers.DecimalField(max_digits=20, decimal_places=2)
    total = serializers.DecimalField(max_digits=22, decimal_places=2)
    baseline_per_month = serializers.DecimalField(max_digits=20, decimal_places=3, allow_null=True)
    baseline_cost_per_month = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    share_percent = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class SpinPlanSerializer(serializers.ModelSerializer):
    """One need of one stakeholder: stage (implied → explicit), FAB, value inputs; with its questions, the
    computed value and the value statement (in the request's language)."""

    stakeholder = RestrictedRelatedField(scope=lambda user: Stakeholder.objects.restrict(user, "change"))
    need_kind = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()
    value = serializers.SerializerMethodField()
    statement = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False)

    class Meta:
        model = SpinPlan
        fields = [
            "id",
            "stakeholder",
            "need",
            "need_stage",
            "need_kind",
            "edge",
            "feature",
            "advantage",
            "benefit",
            "value_volume",
            "value_volume_unit",
            "value_per",
            "value_baseline",
            "value_improvement",
            "value_quantity_unit",
            "value_unit_price",
            "value_currency",
            "value_horizon",
            "steps",
            "value",
            "statement",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def _view(self, plan):
        from kam.buyingcenter.selectors import PlanView

        return PlanView(plan, sorted(plan.steps.all(), key=lambda s: s.id))

    @extend_schema_field(serializers.ChoiceField(choices=["none", "implied", "explicit"]))
    def get_need_kind(self, plan) -> str:
        return self._view(plan).need_kind

    @extend_schema_field(SpinStepSerializer(many=True))
    def get_steps(self, plan) -> list:
        return [
            {
                "id": s.pk,
                "kind": s.kind,
                "question": s.question_id,
                "text": s.text,
                "text_en": s.text_en,
                "answer": s.answer,
                "answered_on": s.answered_on,
                "version": s.version,
            }
            for s in self._view(plan).steps
        ]

    @extend_schema_field(ValueSerializer(allow_null=True))
    def get_value(self, plan):
        result = self._view(plan).value
        return None if result is None else ValueSerializer(result).data

    @extend_schema_field(serializers.CharField())
    def get_statement(self, plan) -> str:
        return self._view(plan).statement


class ValueInputSerializer(serializers.Serializer):
    volume = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, help_text="Activity per month."
    )
    per = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        default=Decimal(1),
        help_text="The activity the improvement is stated for, e.g. 100 (km).",
    )
    baseline = serializers.DecimalField(
        max_digits=14,
        decimal_places=3,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="Used today per that activity (optional).",
    )
    improvement = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=4, min_value=0)
    horizon = serializers.IntegerField(min_value=1, max_value=50, help_text="Years.")
    volume_unit = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    quantity_unit = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    currency = serializers.ChoiceField(choices=Currency.choices, default=Currency.CNY)


class ValueResultSerializer(ValueSerializer):
    statement = serializers.CharField()
