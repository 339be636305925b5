"""Writing audit entries. Services call these; nothing else writes ObjectChange."""

import functools
import json
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone, translation

from kam.audit.models import SYSTEM_ACTOR, AuditAction, ObjectChange
from kam.core import bulk
from kam.core.request_context import current_request_id

#: Bookkeeping fields that change on every save and would only add noise to a diff.
IGNORED_FIELDS = {"version", "updated_at", "created_at", "last_login"}
MASKED_FIELDS = {"password", "digest", "token_key"}


def _converter(field: models.Field):
    """How one field's Python value becomes JSON (None: it already is). Chosen once per field."""
    if field.name in MASKED_FIELDS:
        return lambda value: "***" if value else value
    if isinstance(field, models.DecimalField | models.UUIDField):
        return str
    if isinstance(field, models.DateField | models.TimeField):  # DateTimeField is a DateField too
        return lambda value: value.isoformat()
    if isinstance(field, models.BinaryField):
        return lambda value: None
    return None


@functools.cache
def _snapshot_plan(model: type[models.Model]):
    fields = [f for f in model._meta.concrete_fields if f.name not in IGNORED_FIELDS]
    names = [(f.name, f.attname) for f in fields]
    converters = [(f.name, convert) for f in fields if (convert := _converter(f)) is not None]
    return names, converters, [f.name for f in model._meta.many_to_many]


def snapshot(instance: models.Model, *, m2m: dict[str, Iterable[int]] | None = None) -> dict:
    """The record's fields by name as JSON-safe values (foreign keys as ids, many-to-many as sorted ids).

    Bulk callers that already know the many-to-many ids pass them in `m2m` (no query per record);
    otherwise a saved record's many-to-many fields are read from the database.
    """
    names, converters, many_to_many = _snapshot_plan(type(instance))
    values = instance.__dict__
    data = {name: values[attname] for name, attname in names}
    for name, convert in converters:
        if data[name] is not None:
            data[name] = convert(data[name])
    if m2m is not None:
        for name in many_to_many:
            data[name] = sorted(m2m.get(name, ()))
    elif instance.pk is not None:
        for name in many_to_many:
            data[name] = sorted(getattr(instance, name).values_list("pk", flat=True))
    return data


def _account_id(instance: models.Model):
    """The account a record belongs to, so its changes show in the account's history."""
    if instance._meta.label == "accounts.Account":
        return instance.pk
    if hasattr(instance, "account_id"):
        return instance.account_id
    return getattr(instance, "audit_account_id", None)


def record_names(instances: Sequence[models.Model]) -> list[tuple[str, dict | None]]:
    """Each record's name as the writer reads it, and its names by language where they differ.

    A name may hold a translated label (an entry's kind, a stage) or pick the English name of a
    bilingual record: the history then shows each reader the name in their own language.
    """
    by_language = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            by_language[code] = [str(instance)[:300] for instance in instances]
    current = translation.get_language()
    names = []
    for position, instance in enumerate(instances):
        each = {code: listed[position] for code, listed in by_language.items()}
        shown = each[current] if current in each else str(instance)[:300]
        names.append((shown, each if len(set(each.values())) > 1 else None))
    return names


def _actor_fields(actor) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_repr": SYSTEM_ACTOR}
    return {"actor": actor, "actor_repr": actor.get_username()}


def _entry(*, instance, actor, action, before, after, request_id) -> ObjectChange:
    changed = sorted(
        k for k in set(before or {}) | set(after or {}) if (before or {}).get(k) != (after or {}).get(k)
    )
    [(name, names)] = record_names([instance])
    return ObjectChange(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=name,
        object_reprs=names,
        account_id=_account_id(instance),
        action=action,
        before=before,
        after=after,
        changed_fields=changed,
        request_id=request_id,
        **_actor_fields(actor),
    )


def audit_create(*, instance, actor) -> ObjectChange:
    entry = _entry(
        instance=instance,
        actor=actor,
        action=AuditAction.CREATE,
        before=None,
        after=snapshot(instance),
        request_id=current_request_id(),
    )
    entry.save()
    return entry


def audit_update(*, instance, actor, before: dict) -> ObjectChange | None:
    """Record an update; a save that changed nothing leaves no entry."""
    after = snapshot(instance)
    if after == before:
        return None
    entry = _entry(
        instance=instance,
        actor=actor,
        action=AuditAction.UPDATE,
        before=before,
        after=after,
        request_id=current_request_id(),
    )
    entry.save()
    return entry


def audit_delete(*, instance, actor) -> ObjectChange:
    entry = _entry(
        instance=instance,
        actor=actor,
        action=AuditAction.DELETE,
        before=snapshot(instance),
        after=None,
        request_id=current_request_id(),
    )
    entry.save()
    return entry


def audit_bulk(
    *,
    instances: Sequence[models.Model],
    actor,
    action: str,
    befores: Iterable[dict | None] | None = None,
    afters: Iterable[dict | None] | None = None,
) -> int:
    """Audit many records in one bulk INSERT (imports, handover, generator): one entry per changed record.

    `befores`/`afters` default to None/current snapshot; pass precomputed snapshots to avoid queries.
    Rows are built as plain values (no model instances): at 20,000 records that is most of the cost.
    """
    if not instances:
        return 0
    befores = list(befores) if befores is not None else [None] * len(instances)
    afters = list(afters) if afters is not None else [snapshot(i) for i in instances]
    content_type_id = ContentType.objects.get_for_model(instances[0], for_concrete_model=True).pk
    is_account = instances[0]._meta.label == "accounts.Account"
    signed_in = actor is not None and actor.is_authenticated
    actor_id, actor_repr = (actor.pk, actor.get_username()) if signed_in else (None, SYSTEM_ACTOR)
    now, request_id, dumps = timezone.now(), current_request_id(), json.dumps
    rows = []
    for instance, before, after, (name, names) in zip(
        instances, befores, afters, record_names(instances), strict=True
    ):
        if action == AuditAction.UPDATE and before == after:
            continue
        old, new = before or {}, after or {}
        if old:
            changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
        else:  # a creation: what it set
            changed = sorted(k for k, value in new.items() if value is not None)
        rows.append([
            content_type_id, str(instance.pk), name,
            None if names is None else dumps(names, ensure_ascii=False),
            instance.pk if is_account else getattr(instance, "account_id", None),
            action, actor_id, actor_repr, now, request_id,
            None if before is None else dumps(before, ensure_ascii=False),
            None if after is None else dumps(after, ensure_ascii=False),
            dumps(changed),
        ])  # fmt: skip
    with transaction.atomic():
        bulk.insert_rows(ObjectChange, BULK_COLUMNS, rows)
    return len(rows)


#: The ObjectChange columns audit_bulk fills, in the order of its rows.
BULK_COLUMNS = [
    "content_type_id", "object_id", "object_repr", "object_reprs", "account_id", "action", "actor_id",
    "actor_repr",
    "timestamp", "request_id", "before", "after", "changed_fields",
]  # fmt: skip
