import datetime

import pytest
from django.utils import timezone

from kam.accounts.models import Contact, Interaction
from kam.accounts.tests.factories import ContactFactory, InteractionFactory
from kam.audit.models import ObjectChange
from kam.imports.services import import_file
from kam.imports.tests.utils import csv_bytes

CONTACT_HEADER = ["code", "account_code", "name", "title", "reports_to_code", "mobile", "email"]
INTERACTION_HEADER = ["code", "account_code", "kind", "occurred_on", "owner", "contact_codes", "content",
                      "next_step", "next_step_due"]  # fmt: skip


def run(kind, actor, rows, **kwargs):
    return import_file(kind=kind, actor=actor, data=csv_bytes(rows), file_name=f"{kind}.csv", **kwargs)


def located(job):
    return [(e["row"], e["column"], e["message"]) for e in job.errors]


@pytest.fixture
def spd_people(world):
    """SPD Bank's saved org chart: 张华 (the CIO) with 李建 reporting to him."""
    boss = ContactFactory(account=world.account, code="ZH", name="张华", title="CIO")
    ContactFactory(account=world.account, code="LJ", name="李建", reports_to=boss)
    ContactFactory(account=world.other_account, code="WC", name="West contact")
    return boss


def test_contacts_build_an_org_chart_across_the_file_and_the_saved_chart(world, spd_people):
    rows = [
        CONTACT_HEADER,
        ["WS", "110", "王桑", "IT manager", "LY", "13800000000", "wang@spdb.com.cn"],
        ["LY", "110", "李阳", "Deputy CIO", "ZH", "", ""],
        ["LJ", "110", "李建", "Architect", "LY", "", ""],
    ]
    job = run("contacts", world.owner, rows)
    assert (job.status, job.created_count, job.updated_count) == ("done", 2, 1), job.errors
    chart = dict(Contact.objects.filter(account=world.account).values_list("code", "reports_to__code"))
    assert chart == {"ZH": None, "LY": "ZH", "WS": "LY", "LJ": "LY"}
    assert Contact.objects.get(code="WS").mobile == "13800000000"


def test_contact_errors_are_located_and_nothing_is_saved(world, spd_people):
    before = Contact.objects.count(), ObjectChange.objects.count()
    rows = [
        CONTACT_HEADER,
        ["N1", "W1", "Not mine", "", "", "", ""],
        ["N2", "110", "Wrong manager", "", "WC", "", ""],
        ["ZH", "110", "张华", "CIO", "LJ", "", ""],
        ["N3", "NOPE", "", "", "", "", "not-an-email"],
    ]
    job = run("contacts", world.owner, rows)
    assert located(job) == [
        (2, "account_code", "there is no account with code “W1” that you may change."),
        (3, "reports_to_code", "there is no contact with code “WC” at this account."),
        (4, "reports_to_code", "this would make a loop in the org chart."),
        (5, "name", "a value is required."),
        (5, "email", "“not-an-email” is not an e-mail address."),
        (5, "account_code", "there is no account with code “NOPE” that you may change."),
    ]
    assert (Contact.objects.count(), ObjectChange.objects.count()) == before


def test_a_contact_outside_ones_scope_is_not_revealed(world, spd_people):
    job = run("contacts", world.owner, [CONTACT_HEADER, ["WC", "110", "Moved in", "", "", "", ""]])
    assert located(job) == [(2, "code", "there is no contact with code “WC” that you may change.")]
    assert Contact.objects.get(code="WC").account == world.other_account


def test_a_contact_cannot_move_to_another_account(world, spd_people):
    other = world.other_account
    other.owner = world.owner
    other.save()
    job = run("contacts", world.owner, [CONTACT_HEADER, ["ZH", "W1", "张华", "", "", "", ""]])
    assert located(job) == [(2, "account_code", "this record belongs to another account; it cannot move.")]


def test_interactions_with_their_people_and_a_next_step(world, spd_people):
    rows = [
        INTERACTION_HEADER,
        ["I1", "110", "拜访", "2025-03-01", "", "ZH; LJ", "Visited the CIO.", "Send proposal", "2025-03-08"],
        ["I2", "110", "phone", "", "east_manager", "", "Call.", "", ""],
    ]
    job = run("interactions", world.owner, rows)
    assert (job.status, job.created_count) == ("done", 2), job.errors
    first = Interaction.objects.get(code="I1")
    assert (first.kind, first.occurred_on, first.owner, first.next_step_due) == (
        "visit", datetime.date(2025, 3, 1), world.owner, datetime.date(2025, 3, 8))  # fmt: skip
    assert sorted(first.their_people.values_list("code", flat=True)) == ["LJ", "ZH"]
    second = Interaction.objects.get(code="I2")
    assert (second.owner, second.occurred_on) == (world.east_manager, timezone.localdate())
    created = ObjectChange.objects.get(object_id=str(first.pk), content_type__model="interaction")
    assert created.after["their_people"] == sorted(first.their_people.values_list("pk", flat=True))

    job = run(
        "interactions", world.owner, rows[:2] + [rows[2][:3] + [str(timezone.localdate())] + rows[2][4:]]
    )
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 2), job.errors

    entries = ObjectChange.objects.count()
    rows[1][5] = "ZH"
    job = run("interactions", world.owner, rows[:2])
    assert (job.updated_count, job.unchanged_count) == (1, 0)
    change = ObjectChange.objects.order_by("-id").first()
    assert ObjectChange.objects.count() == entries + 1
    assert (change.action, change.changed_fields) == ("update", ["their_people"])
    assert list(first.their_people.values_list("code", flat=True)) == ["ZH"]


def test_interaction_errors(world, spd_people):
    before = Interaction.objects.count(), ObjectChange.objects.count()
    rows = [
        INTERACTION_HEADER,
        ["I1", "110", "dinner", "", "", "WC", "x", "", ""],
        ["I2", "110", "visit", "", "", "", "x", "", "2025-01-01"],
        ["I3", "110", "visit", "", "outsider", "", "", "", ""],
        ["I4", "110", "visit", "2025-03-10", "", "", "x", "Send the offer", "2025-03-01"],
    ]
    job = run("interactions", world.owner, rows)
    assert located(job) == [
        (2, "kind", "“dinner” is not one of: Phone call, Visit, Technical exchange, Proposal, Negotiation, "
                    "Event / hospitality, E-mail, Other."),
        (2, "contact_codes", "there is no contact with code “WC” at this account."),
        (3, "next_step", "say what the next step is, or clear its due date."),
        (3, "next_step_due", "the next step cannot be due before the contact it follows."),  # blank: today
        (4, "content", "a value is required."),
        (4, "owner", "there is no user “outsider” you may assign."),
        (5, "next_step_due", "the next step cannot be due before the contact it follows."),
    ]  # fmt: skip
    assert (Interaction.objects.count(), ObjectChange.objects.count()) == before


def test_people_without_a_code_stay_on_an_updated_interaction(world, spd_people):
    nameless = ContactFactory(account=world.account, name="No code")
    interaction = InteractionFactory(account=world.account, code="I9", content="Met.")
    interaction.their_people.set([nameless, spd_people])
    rows = [
        ["code", "account_code", "kind", "content", "contact_codes"],
        ["I9", "110", "visit", "Met.", "ZH"],
    ]
    job = run("interactions", world.owner, rows)
    assert (job.updated_count, job.unchanged_count) == (0, 1), job.errors
    assert set(interaction.their_people.all()) == {nameless, spd_people}
