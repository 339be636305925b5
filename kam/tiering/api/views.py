"""Ledger endpoints (reads restricted like the pages, writes through the services), the indicators, and
the tiering models, runs, results and tier changes."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.accounts import selectors as account_selectors
from kam.accounts.api.views import ServiceModelViewSet
from kam.tiering import selectors, services
from kam.tiering.api.serializers import (
    AccountIndicatorsSerializer,
    FeedbackSerializer,
    PaymentSerializer,
    RecomputeSerializer,
    TierChangeSerializer,
    TieringModelSerializer,
    TieringRunSerializer,
    TierResultSerializer,
    TransactionSerializer,
)
from kam.tiering.filtersets import (
    FeedbackFilterSet,
    PaymentFilterSet,
    ResultFilterSet,
    TierChangeFilterSet,
    TransactionFilterSet,
)
from kam.tiering.forms import PeriodForm
from kam.tiering.models import RunStatus, TierChange, TieringModel, TierResult
from kam.users.services import ensure_admin


class LedgerViewSet(ServiceModelViewSet):
    """Newest first (the primary key's order answers it at any size); filter by `account` for one ledger."""

    keyset_orderings = {"-id": ("-id",), "id": ("id",)}
    keyset_default = "-id"
    #: Set per kind: the selector, the three services and the name of their record argument.
    selector = create_service = update_service = delete_service = None
    record = ""

    def get_queryset(self):
        return type(self).selector(user=self.request.user, action=self.scope_action).select_related(None)

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        account = data.pop("account")
        serializer.instance = type(self).create_service(actor=self.request.user, account=account, data=data)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        data.pop("account", None)
        serializer.instance = type(self).update_service(
            **{self.record: serializer.instance}, actor=self.request.user, data=data, expected_version=version
        )

    def perform_destroy(self, instance):
        type(self).delete_service(**{self.record: instance}, actor=self.request.user)


class TransactionViewSet(LedgerViewSet):
    serializer_class = TransactionSerializer
    filterset_class = TransactionFilterSet
    selector = staticmethod(selectors.transaction_list)
    create_service = staticmethod(services.transaction_create)
    update_service = staticmethod(services.transaction_update)
    delete_service = staticmethod(services.transaction_delete)
    record = "transaction"


class PaymentViewSet(LedgerViewSet):
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilterSet
    selector = staticmethod(selectors.payment_list)
    create_service = staticmethod(services.payment_create)
    update_service = staticmethod(services.payment_update)
    delete_service = staticmethod(services.payment_delete)
    record = "payment"


class FeedbackViewSet(LedgerViewSet):
    serializer_class = FeedbackSerializer
    filterset_class = FeedbackFilterSet
    selector = staticmethod(selectors.feedback_list)
    create_service = staticmethod(services.feedback_create)
    update_service = staticmethod(services.feedback_update)
    delete_service = staticmethod(services.feedback_delete)
    record = "feedback"


class AccountIndicatorsView(APIView):
    """The M1.1 indicators of one account. `since`/`until`: months (2025-01) or days naming their month;
    default the rolling 12 months up to this month."""

    @extend_schema(
        parameters=[
            OpenApiParameter("since", str, description="First month, e.g. 2025-01."),
            OpenApiParameter("until", str, description="Last month (inclusive), e.g. 2025-12."),
        ],
        responses=AccountIndicatorsSerializer,
    )
    def get(self, request, pk):
        account = account_selectors.account_get(user=request.user, pk=pk)
        today = timezone.localdate()
        form = PeriodForm(request.query_params, today=today)
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    "non_field_errors" if key == "__all__" else key: list(errors)
                    for key, errors in form.errors.items()
                }
            )
        indicators = selectors.account_indicators(
            user=request.user, account=account, period=form.cleaned_data["period"], today=today
        )
        return Response(AccountIndicatorsSerializer(indicators).data)


class TieringModelViewSet(ServiceModelViewSet):
    """Tiering models: everyone reads them; administrators create, change and activate them."""

    serializer_class = TieringModelSerializer
    keyset_orderings = {"name": ("name", "id")}
    keyset_default = "name"

    def get_queryset(self):
        return TieringModel.objects.restrict(self.request.user, self.scope_action)

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        serializer.instance = services.tiering_model_create(actor=self.request.user, data=data)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        serializer.instance = services.tiering_model_update(
            model=serializer.instance, actor=self.request.user, data=data, expected_version=version
        )

    def perform_destroy(self, instance):
        raise PermissionDenied(_("Models are kept: their runs refer to them. Make another model active."))

    @extend_schema(request=None, responses=TieringModelSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Make this the model Recompute runs."""
        model = self.get_object()
        services.tiering_model_activate(model=model, actor=request.user)
        model.refresh_from_db()
        return Response(TieringModelSerializer(model, context={"request": request}).data)


class TieringRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Runs, newest first. POST queues a recompute of the active model (administrators; 202 with the run,
    whose `status` and `progress` to poll); while one is queued or running, that one is returned."""

    serializer_class = TieringRunSerializer
    keyset_orderings = {"-id": ("-id",)}
    keyset_default = "-id"

    def get_queryset(self):
        return selectors.run_list(user=self.request.user)

    @extend_schema(request=RecomputeSerializer, responses={202: TieringRunSerializer})
    def create(self, request):
        ensure_admin(request.user)
        form = RecomputeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        run = services.tiering_run_create(actor=request.user, as_of=form.validated_data.get("as_of"))
        if run.status == RunStatus.QUEUED and run.created_by_id == request.user.pk:
            services.tiering_run_enqueue(run=run)
        run.refresh_from_db()
        return Response(TieringRunSerializer(run, context={"request": request}).data, status=202)


class TierResultViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Results of a run (`run`, default the current one) for the accounts the user may see, best first;
    filter by `tier`, `layer`, `account`."""

    serializer_class = TierResultSerializer
    filterset_class = ResultFilterSet
    keyset_orderings = {"-score": ("-score", "account_id"), "score": ("score", "account_id")}
    keyset_default = "-score"

    def _run(self):
        wanted = self.request.query_params.get("run")
        if wanted:
            if not wanted.isdigit():
                raise serializers.ValidationError({"run": [_("A run number.")]})
            return selectors.run_get(user=self.request.user, pk=int(wanted))
        return selectors.run_current(user=self.request.user)

    def get_queryset(self):
        run = self._run()
        self.runs = {run.pk: run} if run is not None else {}
        if run is None:
            return TierResult.objects.none()
        return selectors.result_list(user=self.request.user, run=run)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "runs": getattr(self, "runs", {})}

    @extend_schema(parameters=[OpenApiParameter("run", int, description="Run id; default the current run.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class TierChangeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Tier changes of the accounts the user may see: filter by `run`, `account`, `direction` (up | down)."""

    serializer_class = TierChangeSerializer
    filterset_class = TierChangeFilterSet
    keyset_orderings = {"-id": ("-id",), "id": ("id",)}
    keyset_default = "-id"

    def get_queryset(self):
        return TierChange.objects.restrict(self.request.user, "view")
