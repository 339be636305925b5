"""Counterpart pairs (M4.7) move with our person in a handover: the successor inherits the relationships.

A pair whose customer-side person the successor is already paired with stays with the leaver: the
successor keeps their own pair, and one person cannot be paired twice with the same counterpart.
"""

from django.utils.translation import gettext_lazy as _

from kam.users.handover import HandoverKind, register_handover


def _pairs(user):
    from kam.buyingcenter.models import CounterpartPair

    return CounterpartPair.objects.filter(our_person=user).select_related("our_person", "their_person")


def _not_yet_paired(pairs, to_user):
    from kam.buyingcenter.models import CounterpartPair

    already = CounterpartPair.objects.filter(our_person=to_user).values("their_person_id")
    return pairs.exclude(their_person_id__in=already)


register_handover(
    HandoverKind(
        "counterpart_pairs", _("Counterpart pairs"), _pairs, "our_person_id", movable=_not_yet_paired
    )
)
