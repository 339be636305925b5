"""Ledger records made through the services, so that the rollups stay exact in every test."""

import datetime
from decimal import Decimal

import factory

from kam.accounts.tests.factories import AccountFactory
from kam.tiering import services
from kam.tiering.models import Feedback, Payment, Transaction

CREATE = {
    Transaction: services.transaction_create,
    Payment: services.payment_create,
    Feedback: services.feedback_create,
}


class _ThroughService(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, account, **kwargs):
        return CREATE[model_class](actor=None, account=account, data=kwargs)


class TransactionFactory(_ThroughService):
    class Meta:
        model = Transaction

    account = factory.SubFactory(AccountFactory)
    order_no = factory.Sequence(lambda n: f"SO-{n:05d}")
    ordered_on = datetime.date(2025, 1, 15)
    amount = Decimal("1000.00")


class PaymentFactory(_ThroughService):
    class Meta:
        model = Payment

    account = factory.SubFactory(AccountFactory)
    invoice_no = factory.Sequence(lambda n: f"INV-{n:05d}")
    invoiced_on = datetime.date(2025, 1, 15)
    amount = Decimal("1000.00")


class FeedbackFactory(_ThroughService):
    class Meta:
        model = Feedback

    account = factory.SubFactory(AccountFactory)
    kind = "praise"
    received_on = datetime.date(2025, 1, 15)
    text = factory.Sequence(lambda n: f"Well done {n}.")
