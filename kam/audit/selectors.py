"""Reading the audit log for a record the user may already see."""

from django.contrib.contenttypes.models import ContentType

from kam.audit.models import ObjectChange


def history_for_account(*, account, limit: int = 100):
    """Changes of the account itself and of the records under it (contacts, interactions, team)."""
    return ObjectChange.objects.filter(account_id=account.pk).select_related("content_type", "actor")[:limit]


def history_for_object(*, instance, limit: int = 100):
    return ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk)
    ).select_related("actor")[:limit]
