"""The stored rules' outcomes behind "my actions": reused while right, recomputed after any write that
changes them — whichever path the write takes (services, admin saves, imports) — and on the day a
"keep in touch" action newly fires."""

import datetime
import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kam.accounts import services as account_services
from kam.accounts.models import Account
from kam.accounts.tests.factories import InteractionFactory
from kam.buyingcenter import action_store, rules, services
from kam.buyingcenter.models import DealActions
from kam.buyingcenter.tests.factories import make_m43, make_opportunity, make_stakeholder
from kam.imports.services import import_file
from kam.pipeline import services as pipeline_services
from kam.pipeline.models import Opportunity
from kam.users.handover import handover_execute


@pytest.fixture
def opportunity(world):
    return make_opportunity(account=world.account, actor=world.owner)


@pytest.fixture
def m43(world, opportunity):
    return make_m43(opportunity=opportunity, actor=world.owner)


def _shown(user, today=None):
    mine = action_store.my_actions(user=user, today=today)
    return [
        (group.number, [(a.rule, a.name, a.days) for a in group.actions], [p.name for p in group.planned])
        for group in action_store.groups(mine.ids(), today=mine.today)
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
    mine = action_store.my_actions(user=world.owner)
    assert (mine.total, mine.counts) == (
        1,
        {"identify": 1, "find_out": 0, "neutralise": 0, "win_over": 0, "follow_up": 0},
    )


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


# --- the owner filed with each outcome, and the list read from it in SQL ------------------------------------


def _filed(opportunity):
    row = DealActions.objects.filter(opportunity=opportunity).first()
    return row and row.owner_id


def test_the_stored_owner_follows_an_edit_of_the_owner(world, opportunity, m43):
    before = _shown(world.owner)
    assert _filed(opportunity) == world.owner.pk
    pipeline_services.opportunity_update(
        opportunity=opportunity, actor=world.owner, data={"owner": world.teammate}
    )
    assert _filed(opportunity) is None  # the save dropped the row: nothing stays filed under the former owner
    assert _shown(world.owner) == []
    assert _shown(world.teammate) == before  # the rules do not depend on the owner
    assert _filed(opportunity) == world.teammate.pk
    assert _shown(world.teammate) == _recomputed(world.teammate)


def test_the_stored_owner_follows_a_handover(world, opportunity, m43):
    before = _shown(world.owner)
    moved = handover_execute(from_user=world.owner, to_user=world.teammate, actor=world.admin)
    assert moved["opportunities"] == 1
    assert _filed(opportunity) is None
    assert _shown(world.owner) == []
    assert _shown(world.teammate) == before
    assert _filed(opportunity) == world.teammate.pk


def test_the_stored_owner_follows_an_opportunity_import(world, opportunity, m43):
    before = _shown(world.owner)
    rows = "number,account_code,name,owner\n"
    rows += f"{opportunity.number},{world.account.code},{opportunity.name},east_manager\n"
    job = import_file(kind="opportunities", actor=world.owner, data=rows.encode(), file_name="deals.csv")
    assert job.status == "done", job.errors
    assert _filed(opportunity) is None
    assert _shown(world.owner) == []
    assert _shown(world.east_manager) == before
    assert _filed(opportunity) == world.east_manager.pk


def test_a_row_filed_under_a_former_owner_is_never_listed_even_without_a_signal(world, opportunity, m43):
    before = _shown(world.owner)
    Opportunity.objects.filter(pk=opportunity.pk).update(owner=world.teammate)  # no signal, no new version
    assert _filed(opportunity) == world.owner.pk
    assert _shown(world.owner) == []
    assert _filed(opportunity) is None  # not theirs any more: dropped
    assert _shown(world.teammate) == before and _filed(opportunity) == world.teammate.pk


def test_deals_out_of_scope_are_dropped_from_the_owners_list(world, opportunity, m43):
    """The owner of a deal who no longer sees its account (the account changed hands) does not list it."""
    assert _shown(world.owner) != []
    Account.objects.filter(pk=world.account.pk).update(owner=world.outsider)  # no signal
    assert _shown(world.owner) == []
    assert not DealActions.objects.filter(owner=world.owner).exists()
    Account.objects.filter(pk=world.account.pk).update(owner=world.owner)
    assert _shown(world.owner) == _recomputed(world.owner) != []


NAMES = ["anna", "Anna", "Émile", "Zoë", "zed", "张华", "李建", "Ådne", "bob", "Bob"]


def _many_deals(world, count, seed=7):
    """`count` deals of the owner with varied people, stages and close dates: many ties in the sort key."""
    rng = random.Random(seed)
    deals = []
    for index in range(count):
        deal = make_opportunity(
            account=world.account, actor=world.owner, name=f"Deal {index:02d}", stage_code=rng.choice("GCC")
        )
        close = rng.choice([None, datetime.date(2027, 1, 1), datetime.date(2027, 3, 1)])
        deal = pipeline_services.opportunity_update(
            opportunity=deal, actor=world.owner, data={"expected_close": close}
        )
        for person in rng.sample(NAMES, rng.randint(0, 3)):
            make_stakeholder(
                opportunity=deal,
                actor=world.owner,
                name=person,
                attitude=rng.choice(["", "B", "C", "E"]),
                roles=rng.choice([["economic"], ["technical"], ["user"], []]),
                next_action=rng.choice(["", "", "Call"]),
            )
        deals.append(deal)
    return deals


def _expected(user, today):
    """What the list must be, worked out in Python from every stored outcome of the user's open deals: the
    former implementation (sort on the whole key, count bits)."""
    mine = Opportunity.objects.restrict(user).filter(owner=user, status="open")
    rows = DealActions.objects.filter(opportunity__in=mine).values_list(
        "opportunity_id", "priority", "first_weight", "first_name", "first_stakeholder", "expected_close",
        "fires", "planned_count",
    )  # fmt: skip
    shown = sorted(
        (
            (priority, -weight, name, stakeholder, close or datetime.date.max, pk), pk, fires
        )
        for pk, priority, weight, name, stakeholder, close, fires, planned in rows
        if fires or planned
    )  # fmt: skip
    counts = {
        rule: sum(1 for _k, _pk, fires in shown if fires & bit) for rule, bit in rules.RULE_BITS.items()
    }
    by_rule = {rule: [pk for _k, pk, fires in shown if fires & bit] for rule, bit in rules.RULE_BITS.items()}
    return [pk for _k, pk, _f in shown], counts, by_rule


def test_counts_and_order_equal_a_recomputation(world):
    _many_deals(world, 30)
    today = timezone.localdate()
    mine = action_store.my_actions(user=world.owner, today=today)
    listed = list(mine.ids())
    order, counts, by_rule = _expected(world.owner, today)
    assert (listed, mine.total, mine.counts) == (order, len(order), counts)
    assert {rule: list(mine.ids(rule)) for rule in rules.RULE_BITS} == by_rule
    assert len(listed) > 20 and len(set(mine.counts.values())) > 2  # the data has something to sort and count
    DealActions.objects.all().delete()
    again = action_store.my_actions(user=world.owner, today=today)
    assert (list(again.ids()), again.total, again.counts) == (listed, mine.total, mine.counts)
    pages = [mine.ids()[start : start + 25] for start in (0, 25)]
    assert [g.opportunity_id for page in pages for g in action_store.groups(page, today=today)] == order


def _without_tokens(page: str) -> str:
    return re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', "", page)


def test_the_page_reads_only_its_own_rows(client, world):
    _many_deals(world, 30)
    client.force_login(world.owner)
    url = reverse("buyingcenter:my_actions")
    first = client.get(url).content.decode()  # recomputes every outcome
    mine = action_store.my_actions(user=world.owner)
    assert 25 < mine.total < 50
    for query, count, offset in [
        ({}, 25, ""),
        ({"page": 2}, mine.total - 25, "25"),
        ({"rule": "follow_up"}, min(25, mine.counts["follow_up"]), ""),
    ]:
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url, query).content.decode()
        assert page.count('data-testid="action-group"') == count
        if not query:
            assert _without_tokens(page) == _without_tokens(first)
        outcomes = [q["sql"] for q in captured if '"buyingcenter_dealactions"' in q["sql"]]
        # the tally (grouped, no JSON), the count of rows filed under the user, the page's rows
        assert len(outcomes) == 3, outcomes
        tally = outcomes[0]
        assert "GROUP BY" in tally and '"actions"' not in tally and '"planned"' not in tally
        with_json = [sql for sql in outcomes if '"buyingcenter_dealactions"."actions"' in sql]
        assert len(with_json) == 1
        assert re.findall(r"LIMIT (\d+)(?: OFFSET (\d+))?", with_json[0]) == [(str(count), offset)]
