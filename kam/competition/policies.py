"""Who may see and change competition records (registered with kam.users.access in apps.ready).

- The competitor catalogue is reference data, like industries, but with an owner closer to the field:
  everyone reads it; managers and admins keep it (a member meets competitors every week, but one shared,
  clean catalogue needs a few keepers — members propose names on the opportunity's free-text field).
- Evaluations follow their opportunity's account; selling points their account.
- A matrix for an account follows the account; a matrix for an industry is shared reference data: everyone
  reads it, managers and admins keep it.
"""

from django.db.models import Q, QuerySet

from kam.users.access import CHANGE, DELETE, VIEW, account_scope
from kam.users.choices import Role


def keepers_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    """Everyone reads; managers change (admins and auditors are settled by restrict() before this)."""
    if action == VIEW or user.role == Role.MANAGER:
        return queryset
    return queryset.none()


def _matrix_scope(user, action: str, prefix: str) -> Q:
    account_action = (
        CHANGE if action == DELETE else action
    )  # deleting a matrix is an edit of the account's data
    scope = Q(**{f"{prefix}account__isnull": False}) & account_scope(
        user, account_action, prefix=f"{prefix}account__"
    )
    if action == VIEW or user.role == Role.MANAGER:
        scope |= Q(**{f"{prefix}industry__isnull": False})
    return scope


def matrix_policy(prefix: str = ""):
    """The policy of Matrix (prefix "") or of a record under one ("matrix__", "row__matrix__")."""

    def policy(queryset: QuerySet, user, action: str) -> QuerySet:
        return queryset.filter(_matrix_scope(user, action, prefix))

    return policy
