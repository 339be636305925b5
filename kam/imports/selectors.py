"""Reads of import jobs: people see their own jobs; admins and auditors see all (restrict())."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kam.imports.models import ImportJob
from kam.users.choices import Role
from kam.users.models import User


def import_job_list(*, user, action: str = "view") -> QuerySet[ImportJob]:
    return ImportJob.objects.restrict(user, action).select_related("created_by")


def import_job_get(*, user, pk, action: str = "view") -> ImportJob:
    return get_object_or_404(import_job_list(user=user, action=action), pk=pk)


def import_job_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    """Members and managers see and commit the imports they started."""
    return queryset.filter(created_by=user)


def command_user(*, username: str | None = None) -> User:
    """Who a CLI command acts as: the active user `username`, or else the first active admin."""
    users = User.objects.filter(is_active=True)
    if username:
        return users.get(username=username)
    admin = users.filter(Q(role=Role.ADMIN) | Q(is_superuser=True)).order_by("pk").first()
    if admin is None:
        raise User.DoesNotExist("There is no active administrator.")
    return admin
