"""The ledger API (same selectors and services as the pages) and the per-account indicators endpoint."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from kam.audit.models import ObjectChange
from kam.tiering.models import Payment, Transaction, TransactionMonth
from kam.tiering.tests.factories import FeedbackFactory, PaymentFactory, TransactionFactory

D = datetime.date


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_list_is_scoped_and_filtered_by_account(world):
    TransactionFactory(account=world.account, order_no="EAST-1", amount=Decimal("12.50"))
    TransactionFactory(account=world.other_account, order_no="WEST-1")
    response = api_for(world.owner).get("/api/transactions/")
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert {k: item[k] for k in ("order_no", "amount", "margin", "is_return", "version")} == {
        "order_no": "EAST-1", "amount": "12.50", "margin": None, "is_return": False, "version": 1,
    }  # fmt: skip
    response = api_for(world.admin).get("/api/transactions/", {"account": world.other_account.pk})
    assert [item["order_no"] for item in response.json()["results"]] == ["WEST-1"]


def test_create_update_delete_through_the_services(world):
    api = api_for(world.owner)
    start = ObjectChange.objects.count()
    response = api.post("/api/payments/", {
        "account": world.account.pk, "invoice_no": "I-1", "invoiced_on": "2025-01-10", "amount": "300.00",
    }, format="json")  # fmt: skip
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    response = api.patch(f"/api/payments/{pk}/", {"paid_on": "2025-02-09", "version": 1}, format="json")
    assert (response.status_code, response.json()["version"]) == (200, 2)
    stale = api.patch(f"/api/payments/{pk}/", {"amount": "1.00", "version": 1}, format="json")
    assert stale.status_code == 409
    assert Payment.objects.get().amount == Decimal("300.00")
    assert api.delete(f"/api/payments/{pk}/").status_code == 204
    assert [c.action for c in ObjectChange.objects.order_by("id")[start:]] == ["create", "update", "delete"]


def test_writes_outside_scope_and_bad_input_are_refused(world):
    TransactionFactory(account=world.account, order_no="SO-1")
    record = TransactionFactory(account=world.other_account, order_no="W-1")
    api = api_for(world.owner)
    response = api.post("/api/transactions/", {
        "account": world.other_account.pk, "order_no": "X", "ordered_on": "2025-01-01", "amount": "1",
    }, format="json")  # fmt: skip
    assert response.status_code == 400 and "account" in response.json()
    response = api.post("/api/transactions/", {
        "account": world.account.pk, "order_no": "SO-1", "ordered_on": "2025-01-01", "amount": "1",
    }, format="json")  # fmt: skip
    assert response.json() == {"order_no": ["This account already has a transaction with this order no."]}
    assert api.delete(f"/api/transactions/{record.pk}/").status_code == 404
    assert api_for(world.auditor).delete(f"/api/transactions/{record.pk}/").status_code == 403
    assert Transaction.objects.count() == 2


def test_feedback_api_numbers_feedback_without_one(world):
    response = api_for(world.owner).post("/api/feedback/", {
        "account": world.account.pk, "kind": "praise", "received_on": "2025-03-01", "text": "Thanks",
    }, format="json")  # fmt: skip
    assert response.status_code == 201
    assert response.json()["number"].startswith("FB-")


def test_indicators_endpoint(world):
    a = world.account
    TransactionFactory(
        account=a, order_no="S1", ordered_on=D(2025, 1, 10), amount=Decimal("1000"), margin=Decimal("250")
    )
    TransactionFactory(account=a, order_no="S2", ordered_on=D(2025, 2, 9), amount=Decimal("3000"))
    PaymentFactory(account=a, invoiced_on=D(2025, 1, 10), paid_on=D(2025, 1, 30), amount=Decimal("1000"))
    FeedbackFactory(account=a, kind="suggestion", received_on=D(2025, 2, 1))
    response = api_for(world.teammate).get(
        f"/api/accounts/{a.pk}/indicators/", {"since": "2025-01", "until": "2025-02-14"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"since": "2025-01-01", "until": "2025-02-01", "as_of": "2025-02-28"}
    keys = ("transactions", "revenue", "profit", "average_deal", "purchase_cycle_days")
    assert {k: body["transactions"][k] for k in keys} == {
        "transactions": 2, "revenue": "4000.00", "profit": "250.00", "average_deal": "2000.00",
        "purchase_cycle_days": "30.0",
    }  # fmt: skip
    assert (body["payments"]["average_collection_days"], body["payments"]["debt_ratio_pct"]) == (
        "20.0",
        "0.0",
    )
    assert body["feedback"]["suggestion_pct"] == "100.0"
    assert body["characteristics"]["industry"] == "finance"
    assert (body["expected_sales"], body["open_opportunities"], body["open_tasks"]) == ("0.00", 0, 0)
    bad = api_for(world.owner).get(f"/api/accounts/{a.pk}/indicators/", {"since": "2025-13"})
    assert (bad.status_code, bad.json()) == (400, {"since": ["Write a month as 2025-01."]})
    assert api_for(world.outsider).get(f"/api/accounts/{a.pk}/indicators/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/api/transactions/", "/api/payments/", "/api/feedback/", "/api/accounts/{id}/indicators/"]
)
def test_schema_documents_the_endpoints(world, path):
    response = api_for(world.owner).get("/api/schema/", {"format": "json"})
    assert path in response.json()["paths"]


def test_rollups_follow_api_writes(world):
    api = api_for(world.owner)
    api.post("/api/transactions/", {
        "account": world.account.pk, "order_no": "S1", "ordered_on": "2025-05-05", "amount": "10.00",
        "is_return": True,
    }, format="json")  # fmt: skip
    cell = TransactionMonth.objects.get()
    assert (cell.orders, cell.returns, cell.returned) == (0, 1, 1000)
