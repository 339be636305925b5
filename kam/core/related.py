"""What refers to a record: the counts a delete page shows before anything is deleted."""

from django.db import models
from django.utils.formats import number_format
from django.utils.text import capfirst


def referring_counts(instance: models.Model, on_delete: tuple) -> list[str]:
    """Per kind, "Opportunities: 2": the records whose foreign key to `instance` is deleted as one of
    `on_delete` says (CASCADE: they go with it; PROTECT: they keep it)."""
    counts = []
    for relation in instance._meta.related_objects:
        if relation.many_to_many or relation.on_delete not in on_delete:
            continue
        count = relation.related_model._base_manager.filter(**{relation.field.name: instance}).count()
        if count:
            kind = capfirst(relation.related_model._meta.verbose_name_plural)
            counts.append(f"{kind}: {number_format(count, force_grouping=True)}")
    return counts
