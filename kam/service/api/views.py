"""Service endpoints: reads restricted like the pages, writes through the same services (audited)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kam.service import selectors, services
from kam.service.api.serializers import (
    CategorySpendSerializer,
    GapAssessmentSerializer,
    GridPlacementSerializer,
    LoyaltyReviewSerializer,
    RelationshipStageSerializer,
    ResolveSerializer,
    SatisfactionSurveySerializer,
    ServiceRequestSerializer,
    StageChangeSerializer,
)
from kam.service.filtersets import (
    AccountRecordFilterSet,
    GapFilterSet,
    GridPlacementFilterSet,
    RequestFilterSet,
    SpendFilterSet,
    StageChangeFilterSet,
    SurveyFilterSet,
)
from kam.service.models import LoyaltyReview, RelationshipStage


def _drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


class AppendOnlyViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """List, read and append: a history entry is never edited or deleted."""

    keyset_orderings = {"-id": ("-id",)}
    keyset_default = "-id"

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        try:
            serializer.instance = self.append(data)
        except DjangoValidationError as error:
            raise _drf_error(error) from error


class RelationshipStageViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RelationshipStageSerializer
    filterset_class = AccountRecordFilterSet
    keyset_orderings = {"id": ("id",)}
    keyset_default = "id"

    def get_queryset(self):
        return RelationshipStage.objects.restrict(self.request.user)


class StageChangeViewSet(AppendOnlyViewSet):
    serializer_class = StageChangeSerializer
    filterset_class = StageChangeFilterSet

    def get_queryset(self):
        return selectors.stage_change_list(user=self.request.user)

    def append(self, data):
        return services.stage_change(actor=self.request.user, **data)


class GridPlacementViewSet(AppendOnlyViewSet):
    serializer_class = GridPlacementSerializer
    filterset_class = GridPlacementFilterSet

    def get_queryset(self):
        return selectors.placement_list(user=self.request.user)

    def append(self, data):
        return services.grid_place(actor=self.request.user, **data)


class LoyaltyReviewViewSet(AppendOnlyViewSet):
    serializer_class = LoyaltyReviewSerializer
    filterset_class = AccountRecordFilterSet

    def get_queryset(self):
        return LoyaltyReview.objects.restrict(self.request.user)

    def append(self, data):
        return services.loyalty_review(actor=self.request.user, **data)


class SatisfactionSurveyViewSet(AppendOnlyViewSet):
    serializer_class = SatisfactionSurveySerializer
    filterset_class = SurveyFilterSet

    def get_queryset(self):
        return selectors.survey_list(user=self.request.user)

    def append(self, data):
        return services.survey_record(account=data.pop("account"), actor=self.request.user, data=data)


class GapAssessmentViewSet(AppendOnlyViewSet):
    serializer_class = GapAssessmentSerializer
    filterset_class = GapFilterSet

    def get_queryset(self):
        return selectors.gap_list(user=self.request.user)

    def append(self, data):
        return services.gap_assess(account=data.pop("account"), actor=self.request.user, data=data)


class CategorySpendViewSet(AppendOnlyViewSet):
    """POST sets the year's estimate: a new year is added, a known one corrected (both audited)."""

    serializer_class = CategorySpendSerializer
    filterset_class = SpendFilterSet

    def get_queryset(self):
        return selectors.spend_list(user=self.request.user)

    def append(self, data):
        return services.spend_set(actor=self.request.user, **data)


class ServiceRequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ServiceRequestSerializer
    filterset_class = RequestFilterSet
    keyset_orderings = {"-opened_at": ("-opened_at", "-id"), "due_at": ("due_at", "id")}
    keyset_default = "-opened_at"

    def get_queryset(self):
        action_name = "change" if self.action == "resolve" else "view"
        return selectors.request_list(user=self.request.user, action=action_name)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        account = data.pop("account")
        try:
            serializer.instance = services.request_open(
                account=account, actor=self.request.user, data={**data, "owner": self.request.user}
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error

    @extend_schema(request=ResolveSerializer, responses=ServiceRequestSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Resolve the request (once); whether the SLA was met follows from `resolved_at` and `due_at`."""
        service_request = self.get_object()
        payload = ResolveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.request_resolve(
                request=service_request,
                actor=request.user,
                resolution=payload.validated_data["resolution"],
                expected_version=payload.validated_data.get("version"),
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        return Response(ServiceRequestSerializer(service_request, context=self.get_serializer_context()).data)
