"""Test data for service: the ledger through kam.tiering's factories (rollups stay exact), service records
through this app's services (audited like real ones)."""

import datetime
from decimal import Decimal

from kam.accounts.tests.factories import ContactFactory, InteractionFactory
from kam.tiering.tests.factories import TransactionFactory


def sell(account, *, on: datetime.date, amount: str) -> None:
    TransactionFactory(account=account, ordered_on=on, amount=Decimal(amount))


def meet(account, *, on: datetime.date, ours, theirs) -> None:
    """A contact-log entry where `ours` (users) met `theirs` (contacts)."""
    interaction = InteractionFactory(account=account, occurred_on=on)
    interaction.our_people.set(ours)
    interaction.their_people.set(theirs)


def contacts(account, *names, department: str = ""):
    return [ContactFactory(account=account, name=name, department=department) for name in names]
