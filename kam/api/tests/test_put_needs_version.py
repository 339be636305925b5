"""Every versioned record refuses a full update (PUT) that does not say which version it replaces.

Optimistic locking (ARCHITECTURE §3): without the version a PUT would overwrite someone else's change
unseen. A PATCH may leave it out (it sets only the fields it names).
"""

import pytest
from rest_framework.test import APIClient

from kam.accounts.tests.factories import ContactFactory, InteractionFactory
from kam.buyingcenter.tests.factories import make_opportunity, make_stakeholder

REFUSAL = {"version": ["Include the version you received when you loaded the record."]}


def _contact(world):
    contact = ContactFactory(account=world.account, name="Li Ming")
    return contact, f"/api/contacts/{contact.pk}/", {"account": world.account.pk, "name": "Li Ming 2"}, "name"


def _interaction(world):
    entry = InteractionFactory(account=world.account, owner=world.owner, content="first")
    payload = {"account": world.account.pk, "kind": "visit", "occurred_on": "2026-11-20", "content": "second"}
    return entry, f"/api/interactions/{entry.pk}/", payload, "content"


def _opportunity(world):
    opportunity = make_opportunity(account=world.account, actor=world.owner, name="Call centre")
    payload = {"account": world.account.pk, "name": "Call centre 2", "amount": "1000.00", "currency": "CNY"}
    return opportunity, f"/api/opportunities/{opportunity.pk}/", payload, "name"


def _stakeholder(world):
    opportunity = make_opportunity(account=world.account, actor=world.owner)
    person = make_stakeholder(opportunity=opportunity, actor=world.owner, name="Zhang")
    payload = {"opportunity": opportunity.pk, "contact": person.contact_id, "concerns": "delivery dates"}
    return person, f"/api/stakeholders/{person.pk}/", payload, "concerns"


@pytest.mark.parametrize("make", [_contact, _interaction, _opportunity, _stakeholder])
def test_a_put_without_the_version_is_refused_and_changes_nothing(world, make):
    record, url, payload, field = make(world)
    before = (getattr(record, field), record.version)
    api = APIClient()
    api.force_authenticate(world.owner)

    refused = api.put(url, payload, format="json")

    assert (refused.status_code, refused.json()) == (400, REFUSAL)
    record.refresh_from_db()
    assert (getattr(record, field), record.version) == before

    accepted = api.put(url, {**payload, "version": record.version}, format="json")

    assert accepted.status_code == 200, accepted.json()
    record.refresh_from_db()
    assert (getattr(record, field), record.version) == (payload[field], before[1] + 1)
