"""Open opportunities move with their owner in a handover."""

from django.utils.translation import gettext_lazy as _

from kam.users.handover import HandoverKind, register_handover


def _open_opportunities(user):
    from kam.pipeline.models import Opportunity

    return Opportunity.objects.filter(owner=user, status="open").order_by("number")


register_handover(HandoverKind("opportunities", _("Open opportunities"), _open_opportunities, "owner_id"))
