"""REST endpoints: the same selectors (restrict) for reads and the same services for writes."""

from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets

from kam.accounts import selectors, services
from kam.accounts.api.serializers import (
    AccountListSerializer,
    AccountSerializer,
    ContactSerializer,
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

    @staticmethod
    def split_version(validated: dict) -> tuple[dict, int | None]:
        data = dict(validated)
        return data, data.pop("version", None)


class IndustryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IndustrySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.industry_list(user=self.request.user)


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
        data, _version = self.split_version(serializer.validated_data)
        serializer.instance = services.account_create(actor=self.request.user, data=data)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer.validated_data)
        if version is None and not serializer.partial:
            raise serializers.ValidationError(
                {"version": [_("Include the version you received when you loaded the record.")]}
            )
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
        data, _version = self.split_version(serializer.validated_data)
        account = data.pop("account")
        serializer.instance = services.contact_create(actor=self.request.user, account=account, data=data)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer.validated_data)
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
        data, _version = self.split_version(serializer.validated_data)
        account = data.pop("account")
        serializer.instance = services.interaction_create(actor=self.request.user, account=account, data=data)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer.validated_data)
        data.pop("account", None)
        serializer.instance = services.interaction_update(
            interaction=serializer.instance, actor=self.request.user, data=data, expected_version=version
        )

    def perform_destroy(self, instance):
        services.interaction_delete(interaction=instance, actor=self.request.user)
