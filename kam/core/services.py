"""Helpers every app's services share: full_clean + save + optimistic lock + audit in one place."""

from collections.abc import Iterable

from django.db import models

from kam.audit.services import audit_create, audit_delete, audit_update, snapshot
from kam.core.exceptions import StaleEditError


def create_instance(*, instance: models.Model, actor, m2m: dict[str, Iterable] | None = None):
    """Validate and insert `instance`, set its many-to-many fields, and audit the creation."""
    instance.full_clean()
    instance.save(force_insert=True)
    for field, values in (m2m or {}).items():
        getattr(instance, field).set(values)
    audit_create(instance=instance, actor=actor)
    return instance


def update_instance(
    *,
    instance: models.Model,
    actor,
    data: dict,
    expected_version: int | None = None,
    m2m: dict[str, Iterable] | None = None,
):
    """Apply `data` to `instance` if nobody saved it since `expected_version`; audit before/after.

    The version check is a conditional UPDATE, so two concurrent editors cannot both win. The
    "before" state is read from the database: a ModelForm has already written its input into `instance`.
    """
    model = type(instance)
    before = snapshot(model._base_manager.get(pk=instance.pk))
    if expected_version is not None:
        bumped = model._base_manager.filter(pk=instance.pk, version=expected_version).update(
            version=expected_version + 1
        )
        if not bumped:
            raise StaleEditError(instance)
        instance.version = expected_version + 1
    else:
        instance.version = (instance.version or 0) + 1
    for field, value in data.items():
        setattr(instance, field, value)
    instance.full_clean()
    instance.save(update_fields=[*data.keys(), "version", "updated_at"])
    for field, values in (m2m or {}).items():
        getattr(instance, field).set(values)
    audit_update(instance=instance, actor=actor, before=before)
    return instance


def delete_instance(*, instance: models.Model, actor) -> None:
    """Delete `instance` and keep its last state in the audit log."""
    audit_delete(instance=instance, actor=actor)
    instance.delete()
