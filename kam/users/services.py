"""Writes for users, teams and API tokens — each audited."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from kam.audit.services import audit_create, audit_delete, audit_update, snapshot
from kam.core.services import create_instance, update_instance
from kam.users.models import Team, User


def ensure_can_write(actor) -> None:
    """Auditors and deactivated users change nothing; `None` is the system (CLI, migrations)."""
    if actor is not None and not actor.can_write:
        raise PermissionDenied(_("Your role is read-only."))


def ensure_admin(actor) -> None:
    if actor is not None and not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can do this."))


@transaction.atomic
def team_create(*, actor, name: str, kind: str = "department", parent: Team | None = None) -> Team:
    ensure_admin(actor)
    return create_instance(instance=Team(name=name, kind=kind, parent=parent), actor=actor)


@transaction.atomic
def team_update(*, team: Team, actor, data: dict, expected_version: int | None = None) -> Team:
    ensure_admin(actor)
    return update_instance(instance=team, actor=actor, data=data, expected_version=expected_version)


@transaction.atomic
def user_create(*, actor, username: str, password: str | None = None, **fields) -> User:
    ensure_admin(actor)
    user = User(username=username, **fields)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    return create_instance(instance=user, actor=actor)


@transaction.atomic
def user_update(*, user: User, actor, data: dict, expected_version: int | None = None) -> User:
    ensure_admin(actor)
    return update_instance(instance=user, actor=actor, data=data, expected_version=expected_version)


@transaction.atomic
def user_set_password(*, user: User, actor, password: str) -> User:
    if actor is not None and actor.pk != user.pk:
        ensure_admin(actor)
    before = snapshot(user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_update(instance=user, actor=actor, before=before | {"password": "(previous)"})
    return user


def _end_sessions(user: User) -> int:
    """Delete every server-side session of `user` (sessions are stored in the database)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def user_deactivate(*, user: User, actor) -> User:
    """Deactivate `user`: they can no longer log in, and their sessions and API tokens end now."""
    ensure_admin(actor)
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied(_("You cannot deactivate yourself."))
    before = snapshot(user)
    user.is_active = False
    user.version += 1
    user.save(update_fields=["is_active", "version"])
    for token in AuthToken.objects.filter(user=user):
        audit_delete(instance=token, actor=actor)
    AuthToken.objects.filter(user=user).delete()
    _end_sessions(user)
    audit_update(instance=user, actor=actor, before=before)
    return user


@transaction.atomic
def user_reactivate(*, user: User, actor) -> User:
    ensure_admin(actor)
    return update_instance(instance=user, actor=actor, data={"is_active": True})


@transaction.atomic
def token_create(*, user: User, actor, days: int | None = None) -> tuple[AuthToken, str]:
    """A new API token for `user`; the clear key is returned once and only its hash is stored."""
    if actor is not None and actor.pk != user.pk:
        ensure_admin(actor)
    if not user.is_active:
        raise PermissionDenied(_("The user is deactivated."))
    lifetime = {"expiry": timedelta(days=days)} if days else {}  # default: REST_KNOX["TOKEN_TTL"]
    instance, key = AuthToken.objects.create(user=user, **lifetime)
    audit_create(instance=instance, actor=actor)
    return instance, key


@transaction.atomic
def token_revoke(*, token: AuthToken, actor) -> None:
    if actor is not None and actor.pk != token.user_id:
        ensure_admin(actor)
    audit_delete(instance=token, actor=actor)
    token.delete()
