"""restrict(): the one place that decides which records a user may see or change.

Access model (ARCHITECTURE §3): admins see and change everything; auditors see everything and
change nothing; a manager sees the accounts owned by anyone in their team or its sub-teams; a
member sees the accounts they own or sit on the account team of. Records under an account
(contacts, interactions, …) follow their account. Apps register how their model reaches its account.
"""

from collections.abc import Callable

from django.db import connection
from django.db.models import ExpressionWrapper, F, IntegerField, Q, QuerySet
from django.db.models.lookups import In

from kam.users.choices import Role

VIEW, CHANGE, DELETE = "view", "change", "delete"
ACTIONS = {VIEW, CHANGE, DELETE}

#: model label → path from the model to its Account ("" for Account itself, "account__" for children).
_ACCOUNT_PATHS: dict[str, str] = {}
#: model label → custom policy(queryset, user, action) for models not under an account.
_POLICIES: dict[str, Callable[[QuerySet, object, str], QuerySet]] = {}


def register_account_scoped(model_label: str, account_path: str) -> None:
    _ACCOUNT_PATHS[model_label] = account_path


def register_policy(model_label: str, policy: Callable[[QuerySet, object, str], QuerySet]) -> None:
    _POLICIES[model_label] = policy


def team_user_ids(user) -> set[int]:
    """Ids of the users in `user`'s team and all its sub-teams (a manager's reach), plus the user."""
    from kam.users.models import User

    if user.team_id is None:
        return {user.pk}
    ids = set(User.objects.filter(team_id__in=user.team.descendant_ids()).values_list("pk", flat=True))
    return ids | {user.pk}


#: From this many owners in reach, SQLite should walk the list's sort index and filter, not collect every
#: owned account and sort them: "owner_id + 0" hides the owner index from its planner. Measured at 1M
#: accounts, a manager over 203 owners: 6.6 s → 17 ms. PostgreSQL's planner makes this choice itself.
SQLITE_SCAN_OWNERS = 5


def account_scope(user, action: str, prefix: str = "") -> Q:
    """The accounts (reached through `prefix`) a non-admin, non-auditor user may act on."""
    from kam.accounts.models import AccountTeamMember

    owned = Q(**{f"{prefix}owner_id": user.pk})
    if user.role == Role.MANAGER:
        reach = sorted(team_user_ids(user))
        owned = Q(**{f"{prefix}owner_id__any": reach})  # one array parameter, however large the team
        if not prefix and connection.vendor == "sqlite" and len(reach) >= SQLITE_SCAN_OWNERS:
            owned = Q(In(ExpressionWrapper(F("owner_id") + 0, output_field=IntegerField()), reach))
    if action == DELETE:
        return owned
    on_team = Q(**{f"{prefix}pk__in": AccountTeamMember.objects.filter(user_id=user.pk).values("account_id")})
    return owned | on_team


def account_scope_parts(user) -> list[Q] | None:
    """A member's accounts as two disjoint parts — owned, and on the account team but owned by someone
    else — for list pages on PostgreSQL, which pages each part by its own index much faster than their OR
    (docs/benchmarks.md, finding 2); None where the OR is fine. The parts are applied on top of
    `restrict()`'s queryset, so they only ever narrow it; together they are the whole scope."""
    from kam.accounts.models import AccountTeamMember

    if connection.vendor != "postgresql" or not user.is_active or user.is_admin or user.role != Role.MEMBER:
        return None  # admins (superusers included, whatever their role) see everything: no parts
    owned = Q(owner_id=user.pk)
    on_team = Q(pk__in=AccountTeamMember.objects.filter(user_id=user.pk).values("account_id"))
    return [owned, on_team & ~owned]


def restrict(queryset: QuerySet, user, action: str = VIEW) -> QuerySet:
    """Narrow `queryset` to what `user` may `action` ("view", "change" or "delete")."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_admin:
        return queryset
    if user.role == Role.AUDITOR:
        return queryset if action == VIEW else queryset.none()
    label = queryset.model._meta.label
    if label in _POLICIES:
        return _POLICIES[label](queryset, user, action)
    if label in _ACCOUNT_PATHS:
        return queryset.filter(account_scope(user, action, prefix=_ACCOUNT_PATHS[label]))
    raise LookupError(f"{label} has no access rule; register one in its app's ready()")


def user_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    """Members and managers see the people of their own team tree; only admins change users."""
    if action != VIEW:
        return queryset.none()
    if user.team_id is None:
        return queryset.filter(pk=user.pk)
    reach = user.team.descendant_ids() if user.role == Role.MANAGER else {user.team_id}
    return queryset.filter(Q(team_id__in=reach) | Q(pk=user.pk))


def reference_data_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    """Teams and industries are shared reference data: everyone reads, admins maintain."""
    return queryset if action == VIEW else queryset.none()


def can(user, action: str, instance) -> bool:
    """Whether `user` may `action` this one record (same rule as restrict, for templates and APIs)."""
    return restrict(type(instance)._default_manager.filter(pk=instance.pk), user, action).exists()
