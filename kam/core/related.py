"""What refers to a record: the counts a delete page shows before anything is deleted."""

from django.db import models


def referring_counts(instance: models.Model, on_delete: tuple) -> list[str]:
    """ "2 opportunities", "1 stakeholder" …: per kind, the records whose foreign key to `instance` is
    deleted as one of `on_delete` says (CASCADE: they go with it; PROTECT: they keep it)."""
    counts = []
    for relation in instance._meta.related_objects:
        if relation.many_to_many or relation.on_delete not in on_delete:
            continue
        count = relation.related_model._base_manager.filter(**{relation.field.name: instance}).count()
        if count:
            meta = relation.related_model._meta
            counts.append(f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}")
    return counts
