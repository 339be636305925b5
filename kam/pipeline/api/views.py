"""Pipeline endpoints: reads restricted like the pages, writes through the same services (and the gate)."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kam.accounts.api.views import ServiceModelViewSet
from kam.pipeline import selectors, services
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
        data, _version = self.split_version(serializer.validated_data)
        serializer.instance = services.opportunity_create(actor=self.request.user, data=data)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer.validated_data)
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
