"""The ledger and its rollups follow their account's scope; deleting an account takes its ledger along."""

import datetime
from decimal import Decimal

import pytest

from kam.accounts import services as account_services
from kam.accounts.demo import load_demo
from kam.accounts.models import Account
from kam.pipeline.demo import load_pipeline_demo
from kam.tiering import selectors
from kam.tiering.demo import load_tiering_demo
from kam.tiering.models import (
    Feedback,
    FeedbackMonth,
    Payment,
    PaymentMonth,
    Transaction,
    TransactionMonth,
)
from kam.tiering.tests.factories import FeedbackFactory, PaymentFactory, TransactionFactory

MODELS = [Transaction, Payment, Feedback, TransactionMonth, PaymentMonth, FeedbackMonth]


@pytest.fixture
def ledger(world):
    for account in (world.account, world.other_account):
        TransactionFactory(account=account)
        PaymentFactory(account=account)
        FeedbackFactory(account=account)


@pytest.mark.parametrize(
    ("who", "view", "change"),
    [("admin", 2, 2), ("auditor", 2, 0), ("manager", 2, 2), ("east_manager", 1, 1), ("owner", 1, 1),
     ("teammate", 1, 1), ("outsider", 1, 1)],
)  # fmt: skip
def test_every_ledger_model_is_scoped_like_its_account(world, ledger, who, view, change):
    user = getattr(world, who)
    for model in MODELS:
        assert model.objects.restrict(user, "view").count() == view, model
        assert model.objects.restrict(user, "change").count() == change, model


def test_deleting_an_account_deletes_its_ledger_and_rollups(world, ledger):
    account_services.account_delete(account=world.other_account, actor=world.admin)
    for model in MODELS:
        assert set(model.objects.values_list("account_id", flat=True)) == {world.account.pk}, model


def test_the_demo_ledger_is_imported_once(db):
    load_demo()
    load_pipeline_demo()
    added = load_tiering_demo(today=datetime.date(2025, 6, 30))
    assert added == Transaction.objects.count() + Payment.objects.count() + Feedback.objects.count() > 300
    assert load_tiering_demo(today=datetime.date(2025, 6, 30)) == 0
    spd = Account.objects.get(code="110")
    indicators = selectors.account_indicators(user=spd.owner, account=spd, today=datetime.date(2025, 6, 30))
    assert indicators.transactions.transactions > 20
    assert indicators.transactions.revenue > Decimal("1000000")
    assert indicators.feedback.complaints == 1
