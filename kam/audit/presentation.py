"""Showing audit entries to people: field names in the reader's language, values as they read them.

Snapshots store raw values (choice keys, ids of related records) so that they stay exact whatever the
language or later renames; this module turns them into "Status: Prospect → Active" at display time.
Related records are named in one query per related model and only when the reader may see them
(restrict()); others show as "#id".
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.dateparse import parse_datetime
from django.utils.formats import number_format
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from kam.audit.models import AuditAction, ObjectChange

#: Bookkeeping a reader does not need to see (the entry's own time and actor say when and who).
HIDDEN_FIELDS = {"id", "version", "created_at", "updated_at"}
EMPTY = "—"
MAX_CHARS = 80
#: Moments in local time, as the history's own Time column shows them.
MOMENT_FORMAT = "Y-m-d H:i"


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class ChangeRow:
    change: ObjectChange
    fields: list[FieldChange]


def _field(model, name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None


def _shown_fields(change: ObjectChange) -> list[str]:
    names = change.changed_fields if change.action == AuditAction.UPDATE else list(change.after or {})
    if change.action == AuditAction.DELETE:
        return []
    values = change.after or {}
    return [
        name
        for name in names
        if name not in HIDDEN_FIELDS
        and (change.action == AuditAction.UPDATE or values.get(name) not in (None, "", []))
    ]


class _RelatedNames:
    """Names of the related records the entries mention, looked up once per related model."""

    def __init__(self, user):
        self.user = user
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.names: dict[tuple[type[models.Model], object], str] = {}

    def want(self, field: models.Field, value) -> None:
        if field.is_relation and value not in (None, "", []):
            self.wanted[field.related_model].update(value if isinstance(value, list) else [value])

    def load(self) -> None:
        for model, pks in self.wanted.items():
            queryset = model._default_manager.all()
            if hasattr(queryset, "restrict"):
                queryset = queryset.restrict(self.user, "view")
            for pk, instance in queryset.in_bulk(list(pks)).items():
                self.names[(model, pk)] = str(instance)

    def name(self, model, pk) -> str:
        return self.names.get((model, pk), f"#{pk}")


def _display(field: models.Field | None, value, related: _RelatedNames) -> str:
    if value in (None, "", []):
        return EMPTY
    if field is None:
        text = str(value)
    elif field.is_relation:
        pks = value if isinstance(value, list) else [value]
        text = ", ".join(related.name(field.related_model, pk) for pk in pks)
    elif field.choices:
        text = str(dict(field.flatchoices).get(value, value))
    elif isinstance(value, bool):
        text = _("yes") if value else _("no")
    elif isinstance(field, models.DecimalField) and _is_number(value):
        text = number_format(Decimal(value), field.decimal_places, use_l10n=True, force_grouping=True)
    elif isinstance(value, int | float):  # counts, years, scores: as they are (a year is no 2,026)
        text = number_format(value, use_l10n=True)
    elif isinstance(field, models.DateTimeField) and (moment := parse_datetime(str(value))) is not None:
        text = format_date(timezone.localtime(moment) if timezone.is_aware(moment) else moment, MOMENT_FORMAT)
    elif isinstance(value, list):
        text = "; ".join(str(item) for item in value)
    else:
        text = str(value)
    return Truncator(text).chars(MAX_CHARS)


def _is_number(value) -> bool:
    try:
        return Decimal(value).is_finite()
    except (InvalidOperation, TypeError, ValueError):
        return False


def change_rows(changes, *, user) -> list[ChangeRow]:
    """Each entry with its field changes ready to show (labels translated, related records named)."""
    changes = list(changes)
    related = _RelatedNames(user)
    plans = []
    for change in changes:
        model = change.content_type.model_class()
        fields = [(name, _field(model, name)) for name in _shown_fields(change)]
        for name, field in fields:
            if field is not None:
                related.want(field, (change.before or {}).get(name))
                related.want(field, (change.after or {}).get(name))
        plans.append((change, fields))
    related.load()
    rows = []
    for change, fields in plans:
        shown = [
            FieldChange(
                label=capfirst(str(field.verbose_name)) if field is not None else name,
                before=_display(field, (change.before or {}).get(name), related),
                after=_display(field, (change.after or {}).get(name), related),
            )
            for name, field in fields
        ]
        rows.append(ChangeRow(change, shown))
    return rows
