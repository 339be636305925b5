"""Who may see and change planning records (registered with kam.users.access in apps.ready).

The attractiveness matrix, the industry profiles and the business lines are the company's strategy: everyone
reads them, managers and admins keep them. An account plan, its measures and its resources follow the account.
"""

from django.db.models import QuerySet

from kam.users.access import VIEW
from kam.users.choices import Role


def keepers_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    """Everyone reads; managers change (admins and auditors are settled by restrict() before this)."""
    if action == VIEW or user.role == Role.MANAGER:
        return queryset
    return queryset.none()
