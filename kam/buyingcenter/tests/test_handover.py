"""Counterpart pairs move with our person in a handover, except those the successor already has."""

from kam.accounts.tests.factories import ContactFactory
from kam.audit.models import AuditAction, ObjectChange
from kam.buyingcenter import services
from kam.buyingcenter.models import CounterpartPair
from kam.users.handover import handover_execute, handover_preview


def _pair(world, our_person, name):
    their_person = ContactFactory(account=world.account, name=name)
    return services.pair_create(
        actor=world.admin,
        account=world.account,
        data={"our_person": our_person, "their_person": their_person},
    )


def test_pairs_move_to_the_successor_and_duplicates_stay(world):
    gm = _pair(world, world.owner, "总经理 GM")
    cto = _pair(world, world.owner, "技术总监 CTO")
    kept = services.pair_create(
        actor=world.admin,
        account=world.account,
        data={"our_person": world.teammate, "their_person": cto.their_person},
    )
    preview = {line.key: line.count for line in handover_preview(from_user=world.owner)}
    assert preview["counterpart_pairs"] == 2

    moved = handover_execute(from_user=world.owner, to_user=world.teammate, actor=world.admin)

    assert moved["counterpart_pairs"] == 1
    assert sorted(
        CounterpartPair.objects.filter(account=world.account).values_list("our_person_id", "their_person_id")
    ) == sorted(
        [
            (world.teammate.pk, gm.their_person_id),
            (world.teammate.pk, cto.their_person_id),
            (world.owner.pk, cto.their_person_id),
        ]
    )
    assert kept.pk in CounterpartPair.objects.filter(our_person=world.teammate).values_list("pk", flat=True)
    change = ObjectChange.objects.get(
        object_id=str(gm.pk), content_type__model="counterpartpair", action=AuditAction.UPDATE
    )
    assert (change.before["our_person"], change.after["our_person"]) == (world.owner.pk, world.teammate.pk)
