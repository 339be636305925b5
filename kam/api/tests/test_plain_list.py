"""PlainListSerializer gives the JSON DRF gives, field by field, and falls back when it cannot."""

import datetime
import json
from decimal import Decimal

import pytest
from django.test import RequestFactory, override_settings
from django.utils import timezone
from rest_framework import serializers

from kam.accounts.api.serializers import AccountListSerializer, ContactSerializer
from kam.accounts.models import Account, Contact
from kam.accounts.tests.factories import AccountFactory, ContactFactory, IndustryFactory, UserFactory
from kam.api.serializers import PlainListSerializer, _readers
from kam.pipeline import services as pipeline_services
from kam.pipeline.api.serializers import OpportunitySerializer
from kam.pipeline.models import Opportunity


class DrfAccountList(AccountListSerializer):
    class Meta(AccountListSerializer.Meta):
        list_serializer_class = serializers.ListSerializer


class DrfContactList(ContactSerializer):
    class Meta(ContactSerializer.Meta):
        list_serializer_class = serializers.ListSerializer


class WithComputedField(AccountListSerializer):
    display = serializers.SerializerMethodField()

    class Meta(AccountListSerializer.Meta):
        fields = [*AccountListSerializer.Meta.fields, "display"]

    def get_display(self, account) -> str:
        return f"{account.name} ({self.context['request'].user.username})"


def _render(serializer_class, accounts, user):
    request = RequestFactory().get("/api/accounts/")
    request.user = user
    return json.dumps(serializer_class(accounts, many=True, context={"request": request}).data)


@pytest.fixture
def accounts(db):
    parent = AccountFactory(name="集团总部", code="HQ-1")
    AccountFactory(
        name='Quote " & <tag>',
        code=None,
        parent=parent,
        industry=IndustryFactory(code="finance"),
        registered_capital=Decimal("25670000.5"),
        annual_revenue=None,
        founded_on=datetime.date(1995, 11, 24),
        is_listed=True,
        tier="gold",
        email="a@example.com",
        website="https://example.com",
    )
    return list(Account.objects.order_by("id"))


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
def test_same_json_as_drf(accounts, zone):
    user = UserFactory(role="admin")
    with override_settings(TIME_ZONE=zone), timezone.override(zone):
        plain = _render(AccountListSerializer, accounts, user)
        drf = _render(DrfAccountList, accounts, user)
    assert plain == drf
    rows = json.loads(plain)
    assert rows[1]["code"] is None
    assert rows[1]["registered_capital"] == "25670000.50"
    assert rows[1]["annual_revenue"] is None
    assert rows[1]["parent"] == accounts[0].pk
    assert rows[1]["founded_on"] == "1995-11-24"
    if zone == "UTC":
        assert rows[0]["created_at"].endswith("Z")
    else:
        assert rows[0]["created_at"].endswith("+08:00")


def test_every_account_field_has_a_plain_reading():
    assert [name for name, _read in _readers(AccountListSerializer)] == AccountListSerializer.Meta.fields


def test_a_computed_field_falls_back_to_drf(accounts):
    user = UserFactory(role="admin", username="reader")

    class PlainWithComputedField(WithComputedField):
        class Meta(WithComputedField.Meta):
            list_serializer_class = PlainListSerializer

    assert _readers(PlainWithComputedField) is None
    rows = json.loads(_render(PlainWithComputedField, accounts, user))
    assert rows[0]["display"] == "集团总部 (reader)"
    assert json.dumps(rows) == _render(WithComputedField, accounts, user)


def test_contacts_same_json_as_drf(accounts):
    boss = ContactFactory(account=accounts[0], name="王总", code="C-1", email="boss@example.com")
    ContactFactory(account=accounts[0], name='Quote " <b>', reports_to=boss, code=None, is_active=False)
    user = UserFactory(role="admin")
    contacts = list(Contact.objects.order_by("id"))
    plain = _render(ContactSerializer, contacts, user)
    assert plain == _render(DrfContactList, contacts, user)
    assert [(row["name"], row["reports_to"], row["code"]) for row in json.loads(plain)] == [
        ("王总", None, "C-1"),
        ('Quote " <b>', boss.pk, None),
    ]


def test_opportunities_same_json_as_drf_through_the_stage(world):
    class DrfOpportunityList(OpportunitySerializer):
        class Meta(OpportunitySerializer.Meta):
            list_serializer_class = serializers.ListSerializer

    for name, amount, currency in (("Call centre", "1200000.5", "CNY"), ("<b>", "0", "USD")):
        data = {"account": world.account, "name": name, "amount": Decimal(amount), "currency": currency}
        pipeline_services.opportunity_create(actor=world.owner, data=data)
    deals = list(Opportunity.objects.select_related("stage").order_by("id"))
    plain = _render(OpportunitySerializer, deals, world.owner)
    assert plain == _render(DrfOpportunityList, deals, world.owner)
    assert [(d["name"], d["stage_code"], d["probability"], d["amount"]) for d in json.loads(plain)] == [
        ("Call centre", "G", "10.00", "1200000.50"),
        ("<b>", "G", "10.00", "0.00"),
    ]


def test_a_missing_link_in_a_dotted_source_sends_the_page_to_drf(accounts):
    class IndustryCode(AccountListSerializer):
        industry_code = serializers.CharField(source="industry.code", read_only=True)

        class Meta(AccountListSerializer.Meta):
            fields = [*AccountListSerializer.Meta.fields, "industry_code"]
            list_serializer_class = PlainListSerializer

    class DrfIndustryCode(IndustryCode):
        class Meta(IndustryCode.Meta):
            list_serializer_class = serializers.ListSerializer

    user = UserFactory(role="admin")
    rows = json.loads(_render(IndustryCode, accounts, user))
    assert json.dumps(rows) == _render(DrfIndustryCode, accounts, user)
    assert "industry_code" not in rows[0] and rows[1]["industry_code"] == "finance"
    assert json.loads(_render(IndustryCode, accounts[1:], user))[0]["industry_code"] == "finance"


def test_a_class_that_renders_its_rows_itself_keeps_drf():
    class Shouting(AccountListSerializer):
        class Meta(AccountListSerializer.Meta):
            list_serializer_class = PlainListSerializer

        def to_representation(self, instance):
            return {"name": instance.name.upper()}

    assert _readers(Shouting) is None
