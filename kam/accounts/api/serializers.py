from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kam.accounts import selectors
from kam.accounts.choices import Currency
from kam.accounts.models import Account, AccountTeamMember, Contact, Industry, Interaction
from kam.api.serializers import PlainListSerializer
from kam.users.models import Team, User


class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["id", "code", "name", "name_en"]


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "kind", "parent"]


class UserSerializer(serializers.ModelSerializer):
    display_name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "role", "team", "title", "is_active"]

    @extend_schema_field(serializers.CharField())
    def get_display_name(self, user) -> str:
        return str(user)


class RestrictedRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key whose choices are what the requesting user may see (no probing by id)."""

    def __init__(self, *, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].user)


def _visible_users(user):
    return User.objects.restrict(user, "view")


def _visible_accounts(user):
    return Account.objects.restrict(user, "view")


def _changeable_accounts(user):
    return Account.objects.restrict(user, "change")


def _visible_contacts(user):
    return Contact.objects.restrict(user, "view")


class AccountTeamMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccountTeamMember
        fields = ["user", "role"]


class AccountSerializer(serializers.ModelSerializer):
    """An account; `version` must be sent back on update (optimistic locking, 409 when stale)."""

    owner = RestrictedRelatedField(scope=_visible_users, required=False)
    parent = RestrictedRelatedField(scope=_visible_accounts, required=False, allow_null=True)
    industry = serializers.PrimaryKeyRelatedField(
        queryset=Industry.objects.all(), required=False, allow_null=True
    )
    version = serializers.IntegerField(required=False)
    team_members = AccountTeamMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Account
        fields = [
            "id",
            "name",
            "code",
            "industry",
            "ownership",
            "region",
            "company_size",
            "currency",
            "registered_capital",
            "annual_revenue",
            "is_listed",
            "founded_on",
            "lead_source",
            "address",
            "post_code",
            "phone",
            "fax",
            "email",
            "website",
            "parent",
            "owner",
            "status",
            "relationship_quality",
            "tier",
            "notes",
            "team_members",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at", "tier"]


class AccountListSerializer(AccountSerializer):
    """The list leaves out the account team (one query less per page); the detail has it."""

    class Meta(AccountSerializer.Meta):
        fields = [f for f in AccountSerializer.Meta.fields if f != "team_members"]
        list_serializer_class = PlainListSerializer


class ContactSerializer(serializers.ModelSerializer):
    account = RestrictedRelatedField(scope=_changeable_accounts)
    reports_to = RestrictedRelatedField(scope=_visible_contacts, required=False, allow_null=True)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Contact
        fields = [
            "id",
            "account",
            "name",
            "code",
            "title",
            "department",
            "reports_to",
            "phone",
            "mobile",
            "email",
            "wechat",
            "hobbies",
            "notes",
            "is_active",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        list_serializer_class = PlainListSerializer


class InteractionPeopleField(RestrictedRelatedField):
    """Our people on a contact-log entry: those the user sees, and the entry's account's owner and account
    team (selectors.interaction_people), as on the form."""

    def __init__(self, **kwargs):
        super().__init__(scope=None, **kwargs)

    def get_queryset(self):
        return self.root.people()


class InteractionSerializer(serializers.ModelSerializer):
    account = RestrictedRelatedField(scope=_changeable_accounts)
    owner = InteractionPeopleField(required=False)
    our_people = InteractionPeopleField(many=True, required=False)
    their_people = RestrictedRelatedField(scope=_visible_contacts, many=True, required=False)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Interaction
        fields = [
            "id",
            "account",
            "code",
            "kind",
            "occurred_on",
            "owner",
            "our_people",
            "their_people",
            "content",
            "next_step",
            "next_step_due",
            "next_step_done",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def people(self):
        """Who may be named (selectors.interaction_people), worked out once per request: an entry keeps its
        account (an update ignores a new one), a new entry's account is the one sent if the user may change
        it."""
        if getattr(self, "_people", None) is None:
            user = self.context["request"].user
            self._people = selectors.interaction_people(
                user=user, account=self._entry_account(user), entry=self.instance
            )
        return self._people

    def _entry_account(self, user) -> Account | None:
        if self.instance is not None:
            return self.instance.account
        sent = getattr(self, "initial_data", {}).get("account")
        try:
            return _changeable_accounts(user).filter(pk=int(sent)).first()
        except (TypeError, ValueError):
            return None

    def validate(self, attrs):
        account = getattr(self.instance, "account", None) or attrs.get("account")
        for contact in attrs.get("their_people", []):
            if account and contact.account_id != account.pk:
                message = _("%(contact)s does not work at %(account)s.") % {
                    "contact": contact,
                    "account": account,
                }
                raise serializers.ValidationError(
                    {"their_people": [serializers.ErrorDetail(message, code="invalid")]}
                )
        return attrs


class ExchangeRateSerializer(serializers.Serializer):
    """A currency and what one unit of it is worth in the reporting currency (null: no rate set)."""

    currency = serializers.ChoiceField(choices=Currency.choices, read_only=True)
    rate = serializers.DecimalField(max_digits=14, decimal_places=6, allow_null=True, read_only=True)
    reporting = serializers.BooleanField(read_only=True, help_text="The reporting currency itself (rate 1).")
    version = serializers.IntegerField(allow_null=True, read_only=True)
    updated_at = serializers.DateTimeField(allow_null=True, read_only=True)

    def to_representation(self, row):
        record = row["record"]
        return super().to_representation(
            {
                "currency": row["currency"],
                "rate": row["rate"],
                "reporting": row["reporting"],
                "version": record.version if record else None,
                "updated_at": record.updated_at if record else None,
            }
        )


class ExchangeRateWriteSerializer(serializers.Serializer):
    rate = serializers.DecimalField(max_digits=14, decimal_places=6)
    version = serializers.IntegerField(
        required=False, allow_null=True, help_text="The version you loaded; a stale one is refused (409)."
    )
