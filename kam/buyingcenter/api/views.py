"""Buying-center endpoints: reads restricted like the pages, writes through the same services."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.accounts.api.views import ServiceModelViewSet
from kam.api.pagination import list_page
from kam.buyingcenter import action_store, rules, selectors, services, value
from kam.buyingcenter.api.serializers import (
    AttitudeInputSerializer,
    BuyingCenterSerializer,
    CounterpartPairSerializer,
    MyActionsPageSerializer,
    OpportunityActionsSerializer,
    SpinPlanSerializer,
    SpinQuestionSerializer,
    SpinStepSerializer,
    StakeholderSerializer,
    ValueInputSerializer,
    ValueResultSerializer,
    ValueSerializer,
    WeightsInputSerializer,
)
from kam.buyingcenter.filtersets import (
    CounterpartPairFilterSet,
    SpinPlanFilterSet,
    SpinStepFilterSet,
    StakeholderFilterSet,
)
from kam.buyingcenter.models import AttitudeReport, SpinStep
from kam.buyingcenter.views import ACTIONS_PER_PAGE
from kam.pipeline import selectors as pipeline_selectors


class StakeholderViewSet(ServiceModelViewSet):
    serializer_class = StakeholderSerializer
    filterset_class = StakeholderFilterSet
    keyset_orderings = {"id": ("id",)}
    keyset_default = "id"

    def get_queryset(self):
        if self.action == "attitude":
            self.queryset_action = "change"
        history = AttitudeReport.objects.order_by("observed_on", "id")
        return selectors.stakeholder_list(user=self.request.user, action=self.scope_action).prefetch_related(
            Prefetch("attitude_history", queryset=history), "weights"
        )

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        opportunity, contact = data.pop("opportunity"), data.pop("contact")
        serializer.instance = services.stakeholder_add(
            actor=self.request.user, opportunity=opportunity, contact=contact, data=data
        )

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        if "attitude" not in data:
            data["attitude"] = serializer.instance.attitude
        serializer.instance = services.stakeholder_update(
            stakeholder=serializer.instance, actor=self.request.user, data=data, expected_version=version
        )

    def perform_destroy(self, instance):
        services.stakeholder_remove(stakeholder=instance, actor=self.request.user)

    @extend_schema(request=AttitudeInputSerializer, responses=StakeholderSerializer)
    @action(detail=True, methods=["post"])
    def attitude(self, request, pk=None):
        """Append a dated attitude observation (the same attitude again confirms it)."""
        stakeholder = self.get_object()
        payload = AttitudeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.stakeholder_record_attitude(
            stakeholder=stakeholder, actor=request.user, **payload.validated_data
        )
        fresh = self.get_queryset().get(pk=stakeholder.pk)
        return Response(StakeholderSerializer(fresh, context=self.get_serializer_context()).data)


class BuyingCenterViewSet(viewsets.GenericViewSet):
    """GET /api/buying-centers/{opportunity id}/ — the buying center; POST …/weights/ — a phase's weights."""

    serializer_class = BuyingCenterSerializer
    pagination_class = None

    def get_queryset(self):
        action_ = "change" if self.action == "weights" else "view"
        return pipeline_selectors.opportunity_list(user=self.request.user, action=action_).select_related(
            "process"
        )

    @extend_schema(parameters=[OpenApiParameter("phase", str, description="A phase; default: the stage's")])
    def retrieve(self, request, pk=None):
        center = selectors.buying_center(
            opportunity=self.get_object(), phase=request.query_params.get("phase")
        )
        return Response(BuyingCenterSerializer(center).data)

    @extend_schema(request=WeightsInputSerializer, responses=BuyingCenterSerializer)
    @action(detail=True, methods=["post"])
    def weights(self, request, pk=None):
        """Set one phase's weights for the whole buying center; they must total 100 (or all be null)."""
        opportunity = self.get_object()
        payload = WeightsInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.phase_weights_set(opportunity=opportunity, actor=request.user, **payload.validated_data)
        center = selectors.buying_center(opportunity=opportunity, phase=payload.validated_data["phase"])
        return Response(BuyingCenterSerializer(center).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("rule", str, enum=list(rules.PRIORITY), description="Only this rule's deals."),
            OpenApiParameter("page", int, description="Page number (25 deals a page)."),
        ],
        responses=MyActionsPageSerializer,
    )
    @action(detail=False, methods=["get"], url_path="my-actions")
    def my_actions(self, request):
        """The rules' actions and the planned next actions on my open opportunities, most urgent first, 25
        deals a page — as on the "my actions" page."""
        rule = request.query_params.get("rule", "")
        if rule and rule not in rules.PRIORITY:
            raise serializers.ValidationError({"rule": [_("Unknown rule “%(rule)s”.") % {"rule": rule}]})
        mine = action_store.my_actions(user=request.user)
        shown = action_store.Listed(mine.ids(rule), mine.count(rule), today=mine.today)
        page = list_page(request, shown, page_size=ACTIONS_PER_PAGE)
        return Response(
            {
                "count": page.total,
                "counts": mine.counts,
                "next": request.build_absolute_uri(page.next_url) if page.next_url else None,
                "previous": request.build_absolute_uri(page.previous_url) if page.previous_url else None,
                "results": OpportunityActionsSerializer(page.rows, many=True).data,
            }
        )


class CounterpartPairViewSet(ServiceModelViewSet):
    serializer_class = CounterpartPairSerializer
    filterset_class = CounterpartPairFilterSet
    keyset_orderings = {"id": ("id",)}
    keyset_default = "id"

    def get_queryset(self):
        return selectors.pair_list(user=self.request.user, action=self.scope_action).select_related("account")

    def _check_candidate(self, account, our_person):
        if (
            our_person is not None
            and not selectors.pair_candidates(user=self.request.user, account=account)
            .filter(pk=our_person.pk)
            .exists()
        ):
            raise serializers.ValidationError(
                {"our_person": [_("Pick one of our people in your reach or on the account team.")]}
            )

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        account = data.pop("account")
        self._check_candidate(account, data.get("our_person"))
        serializer.instance = services.pair_create(actor=self.request.user, account=account, data=data)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        data.pop("account", None)
        self._check_candidate(serializer.instance.account, data.get("our_person"))
        serializer.instance = services.pair_update(
            pair=serializer.instance, actor=self.request.user, data=data, expected_version=version
        )

    def perform_destroy(self, instance):
        services.pair_delete(pair=instance, actor=self.request.user)


# --- SPIN planner and value calculator (M4.5, M4.6) ---------------------------------------------------------


class SpinQuestionViewSet(ServiceModelViewSet):
    serializer_class = SpinQuestionSerializer
    keyset_orderings = {"id": ("id",)}
    keyset_default = "id"

    def get_queryset(self):
        return selectors.spin_question_list(user=self.request.user, action=self.scope_action)

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        serializer.instance = services.spin_question_create(actor=self.request.user, data=data)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        serializer.instance = services.spin_question_update(
            question=serializer.instance, actor=self.request.user, data=data, expected_version=version
        )

    def perform_destroy(self, instance):
        services.spin_question_delete(question=instance, actor=self.request.user)


class SpinPlanViewSet(ServiceModelViewSet):
    serializer_class = SpinPlanSerializer
    filterset_class = SpinPlanFilterSet
    keyset_orderings = {"id": ("id",)}
    keyset_default = "id"

    def get_queryset(self):
        return selectors.spin_plan_list(user=self.request.user, action=self.scope_action).prefetch_related(
            "steps"
        )

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        stakeholder = data.pop("stakeholder")
        serializer.instance = services.spin_plan_create(
            actor=self.request.user, stakeholder=stakeholder, data=data
        )

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        data.pop("stakeholder", None)
        serializer.instance = services.spin_plan_update(
            plan=serializer.instance, actor=self.request.user, data=data, expected_version=version
        )

    def perform_destroy(self, instance):
        services.spin_plan_delete(plan=instance, actor=self.request.user)


class SpinStepViewSet(ServiceModelViewSet):
    serializer_class = SpinStepSerializer
    filterset_class = SpinStepFilterSet
    keyset_orderings = {"id": ("id",)}
    keyset_default = "id"

    def get_queryset(self):
        return SpinStep.objects.restrict(self.request.user, self.scope_action).select_related(
            "plan__stakeholder__opportunity"
        )

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        serializer.instance = services.spin_step_add(
            actor=self.request.user,
            plan=data["plan"],
            kind=data.get("kind", ""),
            question=data.get("question"),
            text=data.get("text", ""),
            text_en=data.get("text_en", ""),
            answer=data.get("answer", ""),
            answered_on=data.get("answered_on"),
        )

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        serializer.instance = services.spin_step_update(
            step=serializer.instance, actor=self.request.user, data=data, expected_version=version
        )

    def perform_destroy(self, instance):
        services.spin_step_delete(step=instance, actor=self.request.user)


class ValueCalculatorView(APIView):
    """POST the calculator's inputs → the value per month, per year and over the horizon, and the statement
    (in the request's language). Nothing is saved."""

    @extend_schema(request=ValueInputSerializer, responses=ValueResultSerializer)
    def post(self, request):
        payload = ValueInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        inputs = value.Inputs(
            volume=data["volume"],
            improvement=data["improvement"],
            unit_price=data["unit_price"],
            horizon=data["horizon"],
            per=data["per"],
            baseline=data.get("baseline"),
        )
        try:
            result = value.compute(inputs)
        except value.InputError as error:
            raise serializers.ValidationError({error.field: [str(error.message)]}) from error
        body = ValueSerializer(result).data | {
            "statement": value.statement(
                inputs,
                result,
                volume_unit=data["volume_unit"],
                quantity_unit=data["quantity_unit"],
                currency=data["currency"],
            )
        }
        return Response(body)
