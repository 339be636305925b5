"""REST endpoints: the same selectors (restrict) for reads and the same services for writes."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from kam.accounts import selectors, services
from kam.accounts.api.serializers import (
    AccountListSerializer,
    AccountSerializer,
    ContactSerializer,
    ExchangeRateSerializer,
    ExchangeRateWriteSerializer,
    IndustrySerializer,
    InteractionSerializer,
    TeamSerializer,
    UserSerializer,
)
from kam.accounts.filtersets import AccountFilterSet, ContactFilterSet, InteractionFilterSet
from kam.accounts.views import ACCOUNT_ORDERINGS, CONTACT_ORDERINGS, INTERACTION_ORDERINGS
from kam.users.access import account_scope_parts


class ServiceModelViewSet(viewsets.ModelViewSet):
    """Reads through `get_queryset` (restricted), writes through the app's services.

    Updates and deletes look the object up in the user's *change* scope, so a visible but
    read-only record answers 404 for writes just as an invisible one does.
    """

    def get_object(self):
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            action = "delete" if self.request.method == "DELETE" and self.basename == "account" else "change"
            self.queryset_action = action
        return super().get_object()

    @property
    def scope_action(self) -> str:
        """The restrict() action for this request: "view" for reads, "change"/"delete" for writes."""
        return getattr(self, "queryset_action", "view")

    def split_version(self, serializer) -> tuple[dict, int | None]:
        """The validated data without `version`, and the version the client loaded.

        A full update (PUT) must send it: without it the write could overwrite someone else's change
        unseen (ARCHITECTURE §3, optimistic locking). A partial update (PATCH) may leave it out.
        """
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if version is None and self.request.method == "PUT":
            raise serializers.ValidationError(
                {"version": [_("Include the version you received when you loaded the record.")]}
            )
        return data, version


class IndustryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IndustrySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.industry_list(user=self.request.user)


class ExchangeRateViewSet(viewsets.ViewSet):
    """The exchange rates totals are converted with: every currency KAM knows, the reporting currency first
    (rate 1). Everyone reads them; administrators set one with PUT /api/exchange-rates/<currency>/
    ({"rate": "7.1", "version": …}); the reporting currency cannot be set."""

    lookup_field = "currency"
    lookup_value_regex = "[A-Za-z]{3}"

    def _row(self, currency: str) -> dict:
        for row in selectors.exchange_rate_table(user=self.request.user):
            if row["currency"] == currency.upper():
                return row
        raise Http404

    @extend_schema(responses=ExchangeRateSerializer(many=True))
    def list(self, request):
        rows = selectors.exchange_rate_table(user=request.user)
        return Response(ExchangeRateSerializer(rows, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("currency", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses=ExchangeRateSerializer,
    )
    def retrieve(self, request, currency=None):
        return Response(ExchangeRateSerializer(self._row(currency)).data)

    @extend_schema(
        parameters=[OpenApiParameter("currency", OpenApiTypes.STR, OpenApiParameter.PATH)],
        request=ExchangeRateWriteSerializer,
        responses=ExchangeRateSerializer,
    )
    def update(self, request, currency=None):
        row = self._row(currency)
        data = ExchangeRateWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if row["record"] is not None and data.validated_data.get("version") is None:  # as any PUT
            raise serializers.ValidationError(
                {"version": [_("Include the version you received when you loaded the record.")]}
            )
        services.exchange_rate_set(
            actor=request.user,
            currency=row["currency"],
            rate=data.validated_data["rate"],
            expected_version=data.validated_data.get("version"),
        )
        return Response(ExchangeRateSerializer(self._row(currency)).data)


class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TeamSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.team_list(user=self.request.user)


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UserSerializer
    keyset_orderings = {"username": ("username", "id")}
    keyset_default = "username"

    def get_queryset(self):
        return selectors.user_list(user=self.request.user, active_only=False)


class AccountViewSet(ServiceModelViewSet):
    serializer_class = AccountSerializer
    filterset_class = AccountFilterSet
    keyset_orderings = ACCOUNT_ORDERINGS
    keyset_default = "name"

    def get_queryset(self):
        # the API shows owner and industry as ids: no joins
        accounts = selectors.account_list(user=self.request.user, action=self.scope_action)
        accounts = accounts.select_related(None)
        return accounts if self.action == "list" else accounts.prefetch_related("team_members")

    def get_serializer_class(self):
        return AccountListSerializer if self.action == "list" else AccountSerializer

    @property
    def keyset_parts(self):
        return account_scope_parts(self.request.user)

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        serializer.instance = services.account_create(actor=self.request.user, data=data)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        serializer.instance = services.account_update(
            account=serializer.instance, actor=self.request.user, data=data, expected_version=version
        )

    def perform_destroy(self, instance):
        services.account_delete(account=instance, actor=self.request.user)


class ContactViewSet(ServiceModelViewSet):
    serializer_class = ContactSerializer
    filterset_class = ContactFilterSet
    keyset_orderings = CONTACT_ORDERINGS
    keyset_default = "name"

    def get_queryset(self):
        return selectors.contact_list(user=self.request.user, action=self.scope_action)

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        account = data.pop("account")
        serializer.instance = services.contact_create(actor=self.request.user, account=account, data=data)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        data.pop("account", None)
        serializer.instance = services.contact_update(
            contact=serializer.instance, actor=self.request.user, data=data, expected_version=version
        )

    def perform_destroy(self, instance):
        services.contact_delete(contact=instance, actor=self.request.user)


class InteractionViewSet(ServiceModelViewSet):
    serializer_class = InteractionSerializer
    filterset_class = InteractionFilterSet
    keyset_orderings = INTERACTION_ORDERINGS
    keyset_default = "-occurred_on"

    def get_queryset(self):
        return selectors.interaction_list(user=self.request.user, action=self.scope_action).prefetch_related(
            "our_people", "their_people"
        )

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        account = data.pop("account")
        serializer.instance = services.interaction_create(actor=self.request.user, account=account, data=data)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        data.pop("account", None)
        serializer.instance = services.interaction_update(
            interaction=serializer.instance, actor=self.request.user, data=data, expected_version=version
        )

    def perform_destroy(self, instance):
        services.interaction_delete(interaction=instance, actor=self.request.user)
