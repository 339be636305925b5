"""What a handover moves from the accounts app: owned accounts and open next steps."""

from django.utils.translation import gettext_lazy as _

from kam.users.handover import HandoverKind, register_handover


def _accounts(user):
    from kam.accounts.models import Account

    return Account.objects.filter(owner=user).order_by("name", "id")


def _open_next_steps(user):
    from kam.accounts.models import Interaction

    return (
        Interaction.objects.filter(owner=user, next_step_done=False)
        .exclude(next_step="")
        .select_related("account")
        .order_by("next_step_due", "id")
    )


register_handover(HandoverKind("accounts", _("Accounts owned"), _accounts, "owner_id"))
register_handover(HandoverKind("next_steps", _("Open next steps"), _open_next_steps, "owner_id"))
