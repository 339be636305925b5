"""Pipeline endpoints: reads restricted like the pages, writes through the same services (and the gate)."""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.accounts.api.views import ServiceModelViewSet
from kam.accounts.choices import InteractionKind
from kam.pipeline import analytics, selectors, services
from kam.pipeline import views as page_views
from kam.pipeline.api.serializers import (
    CloseSerializer,
    MoveSerializer,
    OpportunitySerializer,
    ProgressReportSerializer,
    SalesProcessSerializer,
    StageTransitionSerializer,
)
from kam.pipeline.filtersets import OpportunityFilterSet
from kam.pipeline.models import ProgressReport, StageTransition
from kam.pipeline.views import OPPORTUNITY_ORDERINGS


class SalesProcessViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SalesProcessSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.process_list(user=self.request.user).prefetch_related("stages__criteria")


class OpportunityViewSet(ServiceModelViewSet):
    serializer_class = OpportunitySerializer
    filterset_class = OpportunityFilterSet
    keyset_orderings = OPPORTUNITY_ORDERINGS
    keyset_default = "-updated_at"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.opportunity_list(user=self.request.user, action=self.scope_action)

    def get_object(self):
        if self.action in ("move", "close"):
            self.queryset_action = "change"
        return super().get_object()

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        serializer.instance = services.opportunity_create(actor=self.request.user, data=data)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        data.pop("account", None)
        serializer.instance = services.opportunity_update(
            opportunity=serializer.instance, actor=self.request.user, data=data, expected_version=version
        )

    @extend_schema(request=MoveSerializer, responses=OpportunitySerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move through the gate: unmet exit criteria need a reason (or are refused by a strict process)."""
        opportunity = self.get_object()
        payload = MoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        stage = selectors.stage_for(opportunity=opportunity, code_or_pk=payload.validated_data["stage"])
        moved = services.opportunity_move(
            opportunity=opportunity,
            to_stage=stage,
            actor=request.user,
            reason=payload.validated_data["reason"],
        )
        return Response(OpportunitySerializer(moved, context=self.get_serializer_context()).data)

    @extend_schema(request=CloseSerializer, responses=OpportunitySerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        opportunity = self.get_object()
        payload = CloseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        closed = services.opportunity_close(
            opportunity=opportunity, actor=request.user, **payload.validated_data
        )
        return Response(OpportunitySerializer(closed, context=self.get_serializer_context()).data)


class StageTransitionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StageTransitionSerializer
    keyset_orderings = {"-moved_at": ("-moved_at", "-id")}
    keyset_default = "-moved_at"

    def get_queryset(self):
        return StageTransition.objects.restrict(self.request.user, "view")


class ProgressReportViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProgressReportSerializer
    keyset_orderings = {"-report_date": ("-report_date", "-id")}
    keyset_default = "-report_date"

    def get_queryset(self):
        return ProgressReport.objects.restrict(self.request.user, "view").prefetch_related("influencers")


def _exact(values: dict) -> dict:
    """Decimals as strings, as the serializers give money and ratios: JSON numbers would round them."""
    return {key: str(value) if isinstance(value, Decimal) else value for key, value in values.items()}


class FunnelView(APIView):
    """Funnel diagnosis (M3.7) as data: the page's filters (since, until, owner, team), the same figures."""

    @extend_schema(
        parameters=[
            OpenApiParameter("since", OpenApiTypes.DATE),
            OpenApiParameter("until", OpenApiTypes.DATE),
            OpenApiParameter("owner", OpenApiTypes.INT),
            OpenApiParameter("team", OpenApiTypes.INT),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        since, until, owners, _filters = page_views.analysis_filters(request)
        process = page_views.default_process_for(request.user)
        activity = analytics.activity_funnel(user=request.user, since=since, until=until, owners=owners)
        stages = (
            analytics.stage_funnel(user=request.user, process=process, since=since, owners=owners)
            if process
            else []
        )
        leak = activity["leak"]
        return Response(
            {
                "since": since,
                "until": until,
                "activity": [
                    _exact(
                        {
                            "step": step.step,
                            "count": step.count,
                            "ratio": step.ratio,
                            "benchmark": step.benchmark,
                            "benchmark_ratio": step.benchmark_ratio,
                            "performance": step.performance,
                            "leakiest": step == leak,
                        }
                    )
                    for step in activity["steps"]
                ],
                "won": activity["won"],
                "stages": [
                    _exact(
                        {
                            "code": row["stage"].code,
                            "reached": row["reached"],
                            "conversion": row["conversion"],
                            "median_days": row["median_days"],
                        }
                    )
                    for row in stages
                ],
            }
        )


class ForecastView(APIView):
    """The forecast (M3.8) as data: weighted pipeline by expected-close month, stage and owner, the three
    views and the calibrated probabilities — from the summary kept on every write, like the page. Amounts
    are in the reporting currency (`currency`); `unconverted_currencies` lists currencies without an
    exchange rate, whose amounts are left out."""

    @extend_schema(
        parameters=[
            OpenApiParameter("owner", OpenApiTypes.INT),
            OpenApiParameter("team", OpenApiTypes.INT),
            OpenApiParameter("close_from", OpenApiTypes.STR, description="YYYY-MM"),
            OpenApiParameter("close_to", OpenApiTypes.STR, description="YYYY-MM"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        _since, _until, owners, _filters = page_views.analysis_filters(request)
        months = page_views.close_months(request)
        process = page_views.default_process_for(request.user)
        if process is None:
            return Response({"process": None, "views": {}, "months": [], "owners": [], "calibration": []})
        result = analytics.pipeline_forecast(user=request.user, process=process, owners=owners, months=months)
        return Response(
            {
                "process": process.pk,
                "currency": result["currency"],
                "unconverted_currencies": result["unconverted"],
                "views": _exact(result["views"]),
                "months": [
                    {
                        "month": month.strftime("%Y-%m") if month else None,
                        "stages": {
                            code: _exact(totals)
                            for (row_month, code), totals in result["by_month_stage"].items()
                            if row_month == month
                        },
                        **_exact(row),
                    }
                    for (month,), row in result["months"]
                ],
                "owners": [
                    {"owner": person.pk, "name": str(person), **_exact(row)}
                    for person, row in result["by_owner"]
                ],
                "calibration": [
                    _exact(
                        {
                            "stage": stage.code,
                            "configured": stage.probability,
                            "probability": calibration.probability,
                            "sample": calibration.sample,
                            "calibrated": calibration.calibrated,
                        }
                    )
                    for stage, calibration in result["calibration"]
                ],
            }
        )


class BenchmarkStepSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=InteractionKind.choices)
    number = serializers.IntegerField(min_value=1)


class FunnelBenchmarkView(APIView):
    """The activity-funnel benchmark (M3.7), top of the funnel first: everyone reads it; administrators
    replace it with PUT (the whole list; at least two steps, each kind once)."""

    @extend_schema(responses=BenchmarkStepSerializer(many=True))
    def get(self, request):
        return Response([{"kind": kind, "number": number} for kind, number in analytics.funnel_benchmark()])

    @extend_schema(request=BenchmarkStepSerializer(many=True), responses=BenchmarkStepSerializer(many=True))
    def put(self, request):
        steps = BenchmarkStepSerializer(data=request.data, many=True)
        steps.is_valid(raise_exception=True)
        services.funnel_benchmark_set(
            actor=request.user, steps=[(step["kind"], step["number"]) for step in steps.validated_data]
        )
        return self.get(request)
