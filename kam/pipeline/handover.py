"""Open opportunities move with their owner in a handover; owner changes keep the forecast summary exact."""

from django.utils.translation import gettext_lazy as _

from kam.core.owner_changes import register_owner_change
from kam.users.handover import HandoverKind, register_handover


def _open_opportunities(user):
    from kam.pipeline.models import Opportunity

    return Opportunity.objects.filter(owner=user, status="open").order_by("number")


def _accounts_changing_owner(ids):
    """A deal counts in the summary under its account's owner: track every deal of these accounts."""
    from kam.pipeline.summary import forecast_changes

    return forecast_changes(account_ids=ids)


def _opportunities_changing_owner(ids):
    from kam.pipeline.summary import forecast_changes

    return forecast_changes(opportunity_ids=ids)


register_handover(HandoverKind("opportunities", _("Open opportunities"), _open_opportunities, "owner_id"))
register_owner_change("accounts.Account", _accounts_changing_owner)
register_owner_change("pipeline.Opportunity", _opportunities_changing_owner)
