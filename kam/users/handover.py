"""Handover: move everything one person owns to another, in one audited transaction.

Apps register what they own per user (accounts, open next steps, later opportunities) so the
preview and the move always cover the same records.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kam.audit.models import AuditAction
from kam.audit.services import audit_bulk, snapshot
from kam.core.owner_changes import owner_change
from kam.core.request_context import request_id_scope


@dataclass(frozen=True)
class HandoverKind:
    key: str
    label: str | Promise
    owned_by: Callable[[object], QuerySet]  # user -> the records that move
    owner_field: str
    #: (records, to_user) -> those of them that may move; the others stay (e.g. they would duplicate one of
    #: the receiver's own records).
    movable: Callable[[QuerySet, object], QuerySet] | None = None


_KINDS: list[HandoverKind] = []


def register_handover(kind: HandoverKind) -> None:
    if all(existing.key != kind.key for existing in _KINDS):
        _KINDS.append(kind)


def handover_kinds() -> list[HandoverKind]:
    return list(_KINDS)


@dataclass
class HandoverLine:
    key: str
    label: str | Promise
    count: int
    sample: list[str]


def handover_preview(*, from_user) -> list[HandoverLine]:
    """What a handover from `from_user` would move, with counts and a few names per kind."""
    lines = []
    for kind in _KINDS:
        queryset = kind.owned_by(from_user)
        lines.append(HandoverLine(kind.key, kind.label, queryset.count(), [str(o) for o in queryset[:5]]))
    return lines


def _check(*, from_user, to_user, actor) -> None:
    from kam.users.access import team_user_ids
    from kam.users.choices import Role

    if from_user.pk == to_user.pk:
        raise ValidationError({"to_user": _("Choose a different person to hand over to.")})
    if not to_user.is_active:
        raise ValidationError({"to_user": _("The receiving user is deactivated.")})
    if actor is None or actor.is_admin:
        return
    if actor.role == Role.MANAGER and {from_user.pk, to_user.pk} <= team_user_ids(actor):
        return
    raise PermissionDenied(_("Only an administrator or the manager of both people can hand over."))


@transaction.atomic
def handover_execute(*, from_user, to_user, actor) -> dict[str, int]:
    """Move every registered kind of record from `from_user` to `to_user`; returns counts per kind."""
    _check(from_user=from_user, to_user=to_user, actor=actor)
    moved = {}
    with request_id_scope():
        for kind in _KINDS:
            moved[kind.key] = _move(kind, from_user=from_user, to_user=to_user, actor=actor)
    return moved


def _move(kind: HandoverKind, *, from_user, to_user, actor) -> int:
    moving = kind.owned_by(from_user)
    if kind.movable is not None:
        moving = kind.movable(moving, to_user)
    records = list(moving.select_for_update())
    befores = [snapshot(record) for record in records]
    model = moving.model
    with owner_change(model, [r.pk for r in records]):
        model._base_manager.filter(pk__in=[r.pk for r in records]).update(
            **{kind.owner_field: to_user.pk}, version=F("version") + 1
        )
    for record in records:
        setattr(record, kind.owner_field, to_user.pk)
    audit_bulk(instances=records, actor=actor, action=AuditAction.UPDATE, befores=befores)
    return len(records)
