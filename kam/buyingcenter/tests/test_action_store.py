"""The stored rules' outcomes behind "my actions": reused while right, recomputed after any write that
changes them — whichever path the write takes (services, admin saves, imports) — and on the day a
"keep in touch" action newly fires."""

import datetime

import pytest
from django.utils import timezone

from kam.accounts import services as account_services
from kam.accounts.tests.factories import InteractionFactory
from kam.buyingcenter import action_store, services
from kam.buyingcenter.models import DealActions
from kam.buyingcenter.tests.factories import make_m43, make_opportunity
from kam.imports.services import import_file
from kam.pipeline import services as pipeline_services


@pytest.fixture
def opportunity(world):
    return make_opportunity(account=world.account, actor=world.owner)


@pytest.fixture
def m43(world, opportunity):
    return make_m43(opportunity=opportunity, actor=world.owner)


def _shown(user, today=None):
    found = action_store.entries(user=user, today=today)
    return [
        (group.number, [(a.rule, a.name, a.days) for a in group.actions], [p.name for p in group.planned])
        for group in action_store.groups(found, today=today)
    ]


def _recomputed(user, today=None):
    DealActions.objects.all().delete()
    return _shown(user, today)


def test_a_fresh_outcome_is_read_not_recomputed(world, opportunity, m43):
    first = _shown(world.owner)
    assert [(rule, name) for rule, name, _days in first[0][1]] == [
        ("find_out", "李阳"),
        ("neutralise", "王桑"),
        ("win_over", "张华"),
        ("follow_up", "张华"),
        ("follow_up", "李建"),
        ("follow_up", "王桑"),
        ("follow_up", "李阳"),
    ]
    DealActions.objects.filter(opportunity=opportunity).update(fires=1)  # a marker: "identify" only
    assert [entry.fires for entry in action_store.entries(user=world.owner)] == [1]


WRITES = {
    "attitude": lambda w, o, m: services.stakeholder_record_attitude(
        stakeholder=m["张华"], actor=w.owner, attitude="A"
    ),
    "weights": lambda w, o, m: services.phase_weights_set(
        opportunity=o,
        phase="selection",
        actor=w.owner,
        weights={m["张华"].pk: 10, m["李建"].pk: 30, m["王桑"].pk: 60, m["李阳"].pk: 0},
    ),
    "removal": lambda w, o, m: services.stakeholder_remove(stakeholder=m["李阳"], actor=w.owner),
    "contact renamed": lambda w, o, m: account_services.contact_update(
        contact=m["张华"].contact, actor=w.owner, data={"name": "张华华"}
    ),
    "contact logged": lambda w, o, m: account_services.interaction_create(
        actor=w.owner,
        account=o.account,
        data={"kind": "visit", "content": "Lunch", "their_people": [m["李建"].contact]},
    ),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_to_an_input_shows_at_once(world, opportunity, m43, write):
    before = _shown(world.owner)
    WRITES[write](world, opportunity, m43)
    after = _shown(world.owner)
    assert after != before
    assert after == _recomputed(world.owner)


def test_the_gate_asks_for_the_buyers_once_a_deal_without_people_reaches_it(world, opportunity):
    assert _shown(world.owner) == []
    pipeline_services.opportunity_move(
        opportunity=opportunity,
        to_stage=opportunity.process.stages.get(code="C"),
        actor=world.owner,
        reason="t",
    )
    identify = [("identify", "economic", None), ("identify", "technical", None)]
    assert _shown(world.owner) == [(opportunity.number, identify, [])]
    gate = opportunity.process.stages.get(code="C")  # an admin recodes the gate stage: no gate any more
    gate.code = "C1"
    gate.save()
    assert _shown(world.owner) == [] == _recomputed(world.owner)


def test_an_interaction_import_refreshes_the_last_contacts(world, opportunity, m43):
    contact = m43["李建"].contact
    account_services.contact_update(contact=contact, actor=world.owner, data={"code": "LJ"})
    before = _shown(world.owner)
    rows = f"account_code,kind,occurred_on,contact_codes,content\n{world.account.code},visit,,LJ,Tea\n"
    job = import_file(kind="interactions", actor=world.owner, data=rows.encode(), file_name="log.csv")
    assert job.status == "done", job.errors
    after = _shown(world.owner)
    assert ("follow_up", "李建", None) in before[0][1] and ("follow_up", "李建", None) not in after[0][1]
    assert after == _recomputed(world.owner)


def test_keep_in_touch_fires_on_its_day_without_any_write(world, opportunity, m43):
    today = timezone.localdate()
    visit = InteractionFactory(account=world.account, owner=world.owner, occurred_on=today)
    visit.their_people.set([m43["张华"].contact])
    visit.occurred_on = today - datetime.timedelta(days=25)
    visit.save()
    assert ("follow_up", "张华", 25) not in _shown(world.owner, today)[0][1]
    row = DealActions.objects.get(opportunity=opportunity)
    assert row.valid_until == today + datetime.timedelta(days=6)
    later = today + datetime.timedelta(days=6)
    assert ("follow_up", "张华", 31) in _shown(world.owner, later)[0][1]
    assert DealActions.objects.get(opportunity=opportunity).computed_on == later


def test_only_the_owners_visible_open_deals_are_listed(world, opportunity, m43):
    assert [number for number, _a, _p in _shown(world.owner)] == [opportunity.number]
    assert _shown(world.teammate) == []  # sees the deal, does not own it
    pipeline_services.opportunity_close(
        opportunity=opportunity, actor=world.owner, status="lost", reason="Price"
    )
    assert _shown(world.owner) == []
