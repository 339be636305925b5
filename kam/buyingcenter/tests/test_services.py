"""Writes of the buying center: every one audited, attitude history append-only, phase weights total 100 %."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kam.accounts import services as account_services
from kam.accounts.tests.factories import AccountFactory, ContactFactory
from kam.audit.models import ObjectChange
from kam.buyingcenter import services
from kam.buyingcenter.models import AttitudeReport, CounterpartPair, InfluenceWeight, Stakeholder
from kam.buyingcenter.tests.factories import make_m43, make_opportunity, make_stakeholder
from kam.core.exceptions import StaleEditError
from kam.core.request_context import request_id_scope


@pytest.fixture
def opportunity(world):
    return make_opportunity(account=world.account, actor=world.owner)


def _last_id():
    return ObjectChange.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _changes(since):
    return [
        (c.action, c.content_type.model, c.actor_repr)
        for c in ObjectChange.objects.filter(id__gt=since).select_related("content_type").order_by("id")
    ]


def _state():
    """Everything the buying center stores, to check that a refused write changed nothing."""
    return (
        list(Stakeholder.objects.order_by("id").values_list("id", "attitude", "version", "project_role")),
        list(AttitudeReport.objects.order_by("id").values_list("id", "attitude")),
        list(InfluenceWeight.objects.order_by("id").values_list("id", "phase", "percent", "version")),
        list(CounterpartPair.objects.order_by("id").values_list("id", "level", "version")),
        ObjectChange.objects.count(),
    )


def test_adding_a_stakeholder_with_an_attitude_is_audited(world, opportunity):
    start = _last_id()
    contact = ContactFactory(account=world.account, name="张华", department="技术部")
    with request_id_scope("req-add-stakeholder"):
        stakeholder = services.stakeholder_add(
            actor=world.owner,
            opportunity=opportunity,
            contact=contact,
            data={
                "roles": ["technical"],
                "procurement_steps": [4, 5],
                "attitude": "C",
                "attitude_note": "demo",
            },
        )
    assert (stakeholder.attitude, stakeholder.roles, stakeholder.procurement_steps) == (
        "C",
        ["technical"],
        [4, 5],
    )
    [report] = stakeholder.attitude_history.all()
    assert (report.attitude, report.observed_on, report.note, report.recorded_by) == (
        "C",
        timezone.localdate(),
        "demo",
        world.owner,
    )
    assert _changes(start) == [
        ("create", "stakeholder", "owner"),
        ("create", "attitudereport", "owner"),
        ("update", "stakeholder", "owner"),
    ]
    entries = ObjectChange.objects.filter(id__gt=start)
    assert {(e.account_id, e.request_id) for e in entries} == {(world.account.pk, "req-add-stakeholder")}
    assert entries.order_by("id").last().changed_fields == ["attitude"]


def test_a_person_of_another_account_or_twice_is_refused_and_nothing_changes(world, opportunity):
    make_stakeholder(opportunity=opportunity, actor=world.owner, name="张华")
    stranger = ContactFactory(account=world.other_account, name="Outsider")
    before = _state()
    with pytest.raises(ValidationError) as foreign:
        services.stakeholder_add(actor=world.owner, opportunity=opportunity, contact=stranger, data={})
    assert foreign.value.message_dict == {"contact": ["Pick a person of the opportunity's account."]}
    zhang = Stakeholder.objects.get().contact
    with pytest.raises(ValidationError) as twice:
        services.stakeholder_add(actor=world.owner, opportunity=opportunity, contact=zhang, data={})
    assert twice.value.message_dict == {"contact": ["张华 is already in this buying center."]}
    with pytest.raises(ValidationError) as roles:
        services.stakeholder_add(
            actor=world.owner,
            opportunity=opportunity,
            contact=ContactFactory(account=world.account),
            data={"roles": ["boss"]},
        )
    assert roles.value.message_dict == {"roles": ["Choose buying roles from the list, each once."]}
    assert _state() == before


def test_attitude_changes_append_to_the_history_with_computed_arrows(world, opportunity):
    stakeholder = make_stakeholder(opportunity=opportunity, actor=world.owner, name="张华", attitude="D")
    today = timezone.localdate()
    services.stakeholder_update(
        stakeholder=stakeholder,
        actor=world.owner,
        data={"attitude": "C", "attitude_observed_on": today, "project_role": "decides the technology"},
        expected_version=stakeholder.version,
    )
    services.stakeholder_update(
        stakeholder=stakeholder, actor=world.owner, data={"attitude": "C", "concerns": "cost"}
    )
    services.stakeholder_record_attitude(stakeholder=stakeholder, actor=world.owner, attitude="C")
    services.stakeholder_record_attitude(stakeholder=stakeholder, actor=world.owner, attitude="B+")
    services.stakeholder_record_attitude(
        stakeholder=stakeholder,
        actor=world.owner,
        attitude="E",
        observed_on=today - datetime.timedelta(days=400),
    )  # a late record of an old observation goes into the past, not on top
    stakeholder.refresh_from_db()
    from kam.buyingcenter.selectors import attitude_history

    assert [(r.attitude, arrow) for r, arrow in attitude_history(stakeholder=stakeholder)] == [
        ("B+", "↑"),
        ("C", "→"),
        ("C", "↑"),
        ("D", "↑"),
        ("E", ""),
    ]
    assert (stakeholder.attitude, stakeholder.project_role, stakeholder.concerns) == (
        "B+",
        "decides the technology",
        "cost",
    )


def test_attitude_history_is_append_only(world, opportunity):
    stakeholder = make_stakeholder(opportunity=opportunity, actor=world.owner, name="张华", attitude="D")
    report = stakeholder.attitude_history.get()
    report.attitude = "A"
    with pytest.raises(PermissionDenied):
        report.save()
    with pytest.raises(PermissionDenied):
        report.delete()
    with pytest.raises(PermissionDenied):
        AttitudeReport.objects.filter(pk=report.pk).update(attitude="A")
    with pytest.raises(PermissionDenied):
        AttitudeReport.objects.all().delete()
    assert AttitudeReport.objects.get().attitude == "D"


def test_refused_attitude_inputs_change_nothing(world, opportunity):
    stakeholder = make_stakeholder(opportunity=opportunity, actor=world.owner, name="张华", attitude="D")
    before = _state()
    with pytest.raises(ValidationError) as future:
        services.stakeholder_record_attitude(
            stakeholder=stakeholder,
            actor=world.owner,
            attitude="A",
            observed_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert future.value.message_dict == {
        "attitude_observed_on": ["An attitude is observed, not planned: the date cannot be in the future."]
    }
    with pytest.raises(ValidationError) as unknown:
        services.stakeholder_update(stakeholder=stakeholder, actor=world.owner, data={"attitude": ""})
    assert unknown.value.message_dict == {
        "attitude": ["A known attitude cannot become unknown again; record what you see now."]
    }
    with pytest.raises(ValidationError) as letter:
        services.stakeholder_record_attitude(stakeholder=stakeholder, actor=world.owner, attitude="F")
    assert list(letter.value.message_dict) == ["attitude"]
    with pytest.raises(StaleEditError):
        services.stakeholder_update(
            stakeholder=stakeholder,
            actor=world.owner,
            data={"attitude": "A"},
            expected_version=stakeholder.version - 1,
        )
    with pytest.raises(PermissionDenied):
        services.stakeholder_record_attitude(stakeholder=stakeholder, actor=world.auditor, attitude="A")
    assert _state() == before


def test_m43_weights_are_set_per_phase(world, opportunity):
    start = _last_id()
    people = make_m43(opportunity=opportunity, actor=world.owner)
    weights = {
        w.stakeholder.contact.name: (w.phase, w.percent)
        for w in InfluenceWeight.objects.select_related("stakeholder__contact")
    }
    assert weights == {
        "张华": ("selection", 60),
        "李建": ("selection", 30),
        "王桑": ("selection", 10),
        "李阳": ("selection", 0),
    }
    assert [c for c in _changes(start) if c[1] == "influenceweight"] == [
        ("create", "influenceweight", "owner")
    ] * 4

    # move 10 % from 张华 to 李建 and clear 李阳: two updates and one delete, nothing else
    start = _last_id()
    ids = {name: s.pk for name, s in people.items()}
    result = services.phase_weights_set(
        opportunity=opportunity,
        phase="selection",
        actor=world.owner,
        weights={ids["张华"]: 50, ids["李建"]: 40, ids["王桑"]: 10, ids["李阳"]: None},
        expected={ids["张华"]: 60, ids["李建"]: 30, ids["王桑"]: 10, ids["李阳"]: 0},
    )
    assert result == {ids["张华"]: 50, ids["李建"]: 40, ids["王桑"]: 10}
    assert _changes(start) == [
        ("update", "influenceweight", "owner"),
        ("update", "influenceweight", "owner"),
        ("delete", "influenceweight", "owner"),
    ]
    assert {e.account_id for e in ObjectChange.objects.filter(id__gt=start)} == {world.account.pk}


def test_weights_not_totalling_100_are_refused_with_the_sum(world, opportunity):
    people = make_m43(opportunity=opportunity, actor=world.owner)
    ids = [s.pk for s in people.values()]
    before = _state()
    with pytest.raises(ValidationError) as short:
        services.phase_weights_set(
            opportunity=opportunity, phase="selection", actor=world.owner, weights={ids[0]: 60, ids[1]: 30}
        )
    assert short.value.message_dict == {
        "weights": ["The weights of Initial product selection (step 5) total 90 %; they must total 100 %."]
    }
    with pytest.raises(ValidationError) as over:
        services.phase_weights_set(
            opportunity=opportunity, phase="discover", actor=world.owner, weights={ids[0]: 70, ids[1]: 40}
        )
    assert over.value.message_dict == {
        "weights": ["The weights of Discover (steps 1–2) total 110 %; they must total 100 %."]
    }
    other = make_opportunity(account=world.account, actor=world.owner, name="Other")
    foreign = make_stakeholder(opportunity=other, actor=world.owner, name="Elsewhere")
    before = _state()
    with pytest.raises(ValidationError) as stranger:
        services.phase_weights_set(
            opportunity=opportunity,
            phase="selection",
            actor=world.owner,
            weights={ids[0]: 100, foreign.pk: 0},
        )
    assert stranger.value.message_dict == {"weights": [f"Not in this buying center: {foreign.pk}."]}
    with pytest.raises(ValidationError) as phase:
        services.phase_weights_set(
            opportunity=opportunity, phase="later", actor=world.owner, weights={ids[0]: 100}
        )
    assert phase.value.message_dict == {"phase": ["Choose a phase from the list."]}
    with pytest.raises(StaleEditError):  # someone changed the phase after this editor loaded it
        services.phase_weights_set(
            opportunity=opportunity,
            phase="selection",
            actor=world.owner,
            weights={ids[0]: 100},
            expected={ids[0]: 50, ids[1]: 50},
        )
    assert _state() == before


def test_clearing_a_phase(world, opportunity):
    people = make_m43(opportunity=opportunity, actor=world.owner)
    services.phase_weights_set(
        opportunity=opportunity,
        phase="selection",
        actor=world.owner,
        weights=dict.fromkeys(s.pk for s in people.values()),
    )
    assert InfluenceWeight.objects.count() == 0


def test_removal_waits_until_the_weight_is_given_away(world, opportunity):
    people = make_m43(opportunity=opportunity, actor=world.owner)
    wang = people["王桑"]
    before = _state()
    with pytest.raises(ValidationError) as held:
        services.stakeholder_remove(stakeholder=wang, actor=world.owner)
    assert held.value.messages == [
        "王桑 still holds weight (Initial product selection (step 5) 10 %). Give it to the others first."
    ]
    assert _state() == before

    ids = {name: s.pk for name, s in people.items()}
    services.phase_weights_set(
        opportunity=opportunity,
        phase="selection",
        actor=world.owner,
        weights={ids["张华"]: 70, ids["李建"]: 30, ids["王桑"]: 0, ids["李阳"]: 0},
    )
    start = _last_id()
    services.stakeholder_remove(stakeholder=wang, actor=world.owner)
    assert _changes(start) == [
        ("delete", "influenceweight", "owner"),
        ("delete", "attitudereport", "owner"),
        ("delete", "stakeholder", "owner"),
    ]
    assert not Stakeholder.objects.filter(pk=wang.pk).exists()
    assert AttitudeReport.objects.filter(stakeholder_id=wang.pk).count() == 0
    assert wang.contact.__class__.objects.filter(pk=wang.contact_id).exists()  # the contact stays


def test_deleting_the_contact_audits_what_goes_with_it(world, opportunity):
    people = make_m43(opportunity=opportunity, actor=world.owner)
    zhang = people["张华"]
    services.pair_create(
        actor=world.owner,
        account=world.account,
        data={"our_person": world.owner, "their_person": zhang.contact, "level": "technical"},
    )
    start = _last_id()
    with request_id_scope("req-delete-contact"):
        account_services.contact_delete(contact=zhang.contact, actor=world.owner)
    changes = list(ObjectChange.objects.filter(id__gt=start).select_related("content_type").order_by("id"))
    assert sorted((c.action, c.content_type.model, c.actor_repr) for c in changes) == [
        ("delete", "attitudereport", "system"),
        ("delete", "contact", "owner"),
        ("delete", "counterpartpair", "system"),
        ("delete", "influenceweight", "system"),
        ("delete", "stakeholder", "system"),
    ]
    assert {(c.request_id, c.account_id) for c in changes} == {("req-delete-contact", world.account.pk)}
    assert not Stakeholder.objects.filter(pk=zhang.pk).exists()


def test_counterpart_pairs(world):
    contact = ContactFactory(account=world.account, name="李阳")
    start = _last_id()
    pair = services.pair_create(
        actor=world.owner,
        account=world.account,
        data={"our_person": world.manager, "their_person": contact, "level": "executive"},
    )
    services.pair_update(pair=pair, actor=world.owner, data={"note": "quarterly dinner"}, expected_version=1)
    before = _state()
    with pytest.raises(ValidationError) as twice:
        services.pair_create(
            actor=world.owner,
            account=world.account,
            data={"our_person": world.manager, "their_person": contact, "level": "other"},
        )
    assert twice.value.message_dict == {"their_person": ["These two are already paired."]}
    stranger = ContactFactory(account=AccountFactory(owner=world.owner))
    with pytest.raises(ValidationError) as foreign:
        services.pair_create(
            actor=world.owner,
            account=world.account,
            data={"our_person": world.owner, "their_person": stranger},
        )
    assert foreign.value.message_dict == {"their_person": ["Pick a person of this account."]}
    with pytest.raises(StaleEditError):
        services.pair_update(pair=pair, actor=world.owner, data={"note": "x"}, expected_version=1)
    assert _state() == before
    services.pair_delete(pair=pair, actor=world.owner)
    assert _changes(start) == [
        ("create", "counterpartpair", "owner"),
        ("update", "counterpartpair", "owner"),
        ("delete", "counterpartpair", "owner"),
    ]
