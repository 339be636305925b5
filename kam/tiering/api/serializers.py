from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kam.accounts.api.serializers import RestrictedRelatedField
from kam.accounts.models import Account
from kam.tiering import pyramid, scorecard
from kam.tiering.fields import from_cents
from kam.tiering.models import (
    Feedback,
    Payment,
    TierChange,
    TieringModel,
    TieringRun,
    TierResult,
    Transaction,
)


def _changeable_accounts(user):
    return Account.objects.restrict(user, "change")


class LedgerSerializer(serializers.ModelSerializer):
    """A ledger record; `account` is one the user may change; send `version` back on update (409 if stale).

    "One number per account" is left to the service (full_clean), which names the number field in its error;
    DRF's own unique-together check would report it without a field and make the number required.
    """

    account = RestrictedRelatedField(scope=_changeable_accounts)
    version = serializers.IntegerField(required=False)


class TransactionSerializer(LedgerSerializer):
    class Meta:
        model = Transaction
        validators = []
        fields = [
            "id", "account", "order_no", "ordered_on", "product", "quantity", "amount", "margin", "is_return",
            "version",
        ]  # fmt: skip


class PaymentSerializer(LedgerSerializer):
    class Meta:
        model = Payment
        validators = []
        fields = ["id", "account", "invoice_no", "invoiced_on", "due_on", "paid_on", "amount", "version"]


class FeedbackSerializer(LedgerSerializer):
    number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="Blank: made from the date, kind and text."
    )

    class Meta:
        model = Feedback
        validators = []
        fields = ["id", "account", "number", "kind", "received_on", "text", "version"]


def _money(**kwargs):
    return serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True, **kwargs)


def _one_place(**kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True, **kwargs)


class PeriodSerializer(serializers.Serializer):
    since = serializers.DateField(source="period.since", help_text="First day of the first month.")
    until = serializers.DateField(source="period.until", help_text="First day of the last month (inclusive).")
    as_of = serializers.DateField(help_text="The period's last day, or today if sooner.")


class TransactionIndicatorsSerializer(serializers.Serializer):
    transactions = serializers.IntegerField()
    sales = _money()
    revenue = _money(help_text="Sales minus returns.")
    profit = _money(help_text="Gross margin of the rows whose cost is known; null if none is.")
    gross_margin_pct = _one_place()
    average_deal = _money()
    largest_deal = _money()
    returns_count = serializers.IntegerField()
    returns_amount = _money()
    first_order_on = serializers.DateField(allow_null=True)
    last_order_on = serializers.DateField(allow_null=True)
    tenure_days = serializers.IntegerField(allow_null=True)
    order_days = serializers.IntegerField()
    purchase_cycle_days = _one_place()


class PaymentIndicatorsSerializer(serializers.Serializer):
    payments = serializers.IntegerField()
    paid_amount = _money()
    largest_payment = _money()
    average_payment = _money()
    average_collection_days = _one_place()
    invoiced_amount = _money()
    unpaid_amount = _money()
    average_outstanding = _money()
    debt_ratio_pct = _one_place()


class FeedbackIndicatorsSerializer(serializers.Serializer):
    feedback = serializers.IntegerField()
    praise = serializers.IntegerField()
    complaints = serializers.IntegerField()
    suggestions = serializers.IntegerField()
    praise_pct = _one_place()
    complaint_pct = _one_place()
    suggestion_pct = _one_place()


class CharacteristicsSerializer(serializers.Serializer):
    company_size = serializers.CharField()
    registered_capital = _money()
    region = serializers.CharField()
    industry = serializers.CharField(allow_null=True, source="industry.code", default=None)
    annual_revenue = _money()
    currency = serializers.CharField()
    is_listed = serializers.BooleanField()


class AccountIndicatorsSerializer(serializers.Serializer):
    """Every M1.1 indicator of one account over whole months (amounts in CNY)."""

    account = serializers.IntegerField(source="account.pk")
    period = PeriodSerializer(source="*")
    transactions = TransactionIndicatorsSerializer()
    payments = PaymentIndicatorsSerializer()
    feedback = FeedbackIndicatorsSerializer()
    expected_sales = _money(help_text="Σ open opportunity amount × its stage's win probability.")
    open_opportunities = serializers.IntegerField()
    open_tasks = serializers.IntegerField(help_text="Open next steps of the contact log.")
    characteristics = CharacteristicsSerializer(source="account")


# Models, runs, results, changes ------------------------------------------------------------------------


class TieringModelSerializer(serializers.ModelSerializer):
    """A tiering model; `config` as in kam.tiering.scorecard.DEFAULT_CONFIG (checked: errors name the part).
    `warnings`: the five-mistakes guards (single-indicator risk, volume without margin)."""

    version = serializers.IntegerField(required=False)
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = TieringModel
        fields = ["id", "name", "description", "config", "is_active", "version", "warnings", "updated_at"]
        read_only_fields = ["is_active", "updated_at"]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_warnings(self, model) -> list[dict]:
        return [w.__dict__ for w in scorecard.model_warnings(model.config)] if model.config else []


class TieringRunSerializer(serializers.ModelSerializer):
    """A run: model and version, data as-of date and period, who ran it, status and progress; `summary`
    (company-wide Pareto, pyramid, tier counts, changes) only for users who see every account."""

    summary = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)

    class Meta:
        model = TieringRun
        fields = [
            "id", "model", "model_version", "config", "as_of", "period_since", "period_until", "status",
            "progress", "step", "error", "created_by", "created_at", "started_at", "finished_at", "seconds",
            "accounts", "indicator_keys", "summary",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_summary(self, run) -> dict | None:
        from kam.tiering.selectors import sees_all

        return run.summary if sees_all(self.context["request"].user) else None


class RecomputeSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="Data as of this day (default today).")


class TierResultSerializer(serializers.ModelSerializer):
    """One account's result in a run: scores in points (0–100, one decimal), money in CNY, the tier and
    pyramid layer, and per indicator its value (in its unit) and points."""

    tier = serializers.SerializerMethodField()
    layer = serializers.SerializerMethodField()
    score = serializers.SerializerMethodField()
    current = serializers.SerializerMethodField()
    potential = serializers.SerializerMethodField()
    revenue = serializers.SerializerMethodField()
    profit = serializers.SerializerMethodField()
    indicators = serializers.SerializerMethodField()

    class Meta:
        model = TierResult
        fields = [
            "run",
            "account",
            "tier",
            "layer",
            "score",
            "current",
            "potential",
            "revenue",
            "profit",
            "indicators",
        ]

    @extend_schema_field(serializers.CharField())
    def get_tier(self, result) -> str:
        return scorecard.CODE_TIER[result.tier]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_layer(self, result) -> str | None:
        return pyramid.LAYERS[result.layer] if result.layer >= 0 else None

    @staticmethod
    def _points(value):
        return None if value is None else Decimal(value).scaleb(-1)

    @extend_schema_field(serializers.DecimalField(max_digits=4, decimal_places=1))
    def get_score(self, result) -> Decimal:
        return self._points(result.score)

    @extend_schema_field(serializers.DecimalField(max_digits=4, decimal_places=1))
    def get_current(self, result) -> Decimal:
        return self._points(result.current)

    @extend_schema_field(serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True))
    def get_potential(self, result) -> Decimal | None:
        return self._points(result.potential)

    @extend_schema_field(serializers.DecimalField(max_digits=20, decimal_places=2))
    def get_revenue(self, result) -> Decimal:
        return from_cents(result.revenue)

    @extend_schema_field(serializers.DecimalField(max_digits=20, decimal_places=2))
    def get_profit(self, result) -> Decimal:
        return from_cents(result.profit)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_indicators(self, result) -> list[dict]:
        from kam.tiering.selectors import unpack_result

        run = self.context["runs"][result.run_id]
        values, points = unpack_result(run, result)
        return [
            {"indicator": key, "value": values[key], "points": self._points(points[key])}
            for key in run.indicator_keys
        ]


class TierChangeSerializer(serializers.ModelSerializer):
    score_before = serializers.SerializerMethodField()
    score_after = serializers.SerializerMethodField()

    class Meta:
        model = TierChange
        fields = [
            "id",
            "run",
            "account",
            "before",
            "after",
            "is_up",
            "score_before",
            "score_after",
            "reasons",
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True))
    def get_score_before(self, change) -> Decimal | None:
        return None if change.score_before is None else Decimal(change.score_before).scaleb(-1)

    @extend_schema_field(serializers.DecimalField(max_digits=4, decimal_places=1))
    def get_score_after(self, change) -> Decimal:
        return Decimal(change.score_after).scaleb(-1)
