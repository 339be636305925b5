"""A list serializer for big list endpoints: the same JSON as DRF's, for a fraction of the CPU.

DRF builds a serializer's fields anew for each request (a deep copy and a model introspection per
field) and then renders each row field by field — `get_attribute`, a `None` check and
`to_representation` per value, 1,300 of them for a page of 50 accounts. Together that was 80 % of
`/api/accounts/`'s CPU. `PlainListSerializer` works out once per serializer class how to read each
field:

- a foreign key shown as its id is read from its `*_id` attribute;
- a text, number or boolean value is passed through when it already has the type DRF would return;
- a date-time is converted to the request's time zone (looked up once per page) and formatted as DRF does;
- choices, decimals and dates go through the field's own `to_representation`;
- a dotted source (`stage.code`) is followed attribute by attribute; a missing link sends the page to DRF.

It applies only to serializers whose fields are all of those kinds and do not depend on the request
(no nested or computed fields): a class with another field falls back to DRF's own rendering. The tests
compare the two outputs field by field.
"""

import datetime
import functools

from django.conf import settings
from django.utils import timezone
from rest_framework import fields, relations, serializers
from rest_framework.settings import api_settings

#: DRF fields whose representation of a value of the given type is the value itself.
PASSED_THROUGH = {
    fields.CharField: str,
    fields.EmailField: str,
    fields.URLField: str,
    fields.SlugField: str,
    fields.IntegerField: int,
    fields.BooleanField: bool,
}
#: Fields whose representation depends on their own settings only (not on the request).
REPRESENTED = (fields.ChoiceField, fields.DecimalField, fields.DateField)


class _NeedsDrf(Exception):
    """A row this plain reading cannot render as DRF would (a dotted source through a missing link)."""


def _pk_reader(field):
    attname = f"{field.source_attrs[0]}_id"
    return lambda row, zone: getattr(row, attname)


def _plain(kind, represent):
    return lambda value, zone: value if value is None or type(value) is kind else represent(value)


def _represented(represent):
    return lambda value, zone: None if value is None else represent(value)


def _datetime(value, zone):
    """DRF's DateTimeField.to_representation in ISO 8601, with the time zone given per page."""
    if not value:
        return None
    if zone is not None:
        value = value.astimezone(zone) if timezone.is_aware(value) else timezone.make_aware(value, zone)
    elif timezone.is_aware(value):
        value = timezone.make_naive(value, datetime.UTC)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _converter(field: fields.Field):
    """A function (value, time zone) → the field's representation of a value, or None when there is none."""
    if type(field) in PASSED_THROUGH:
        return _plain(PASSED_THROUGH[type(field)], field.to_representation)
    if type(field) is fields.BigIntegerField:
        as_text = getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
        return _represented(field.to_representation) if as_text else _plain(int, field.to_representation)
    if type(field) is fields.DateTimeField:
        iso = getattr(field, "format", api_settings.DATETIME_FORMAT)
        plain = isinstance(iso, str) and iso.lower() == "iso-8601" and not hasattr(field, "timezone")
        return _datetime if plain else None
    if type(field) in REPRESENTED:
        return _represented(field.to_representation)
    return None


def _reader(field: fields.Field):
    """A function (row, time zone) → the field's representation, or None when it has no plain reading."""
    attrs = field.source_attrs
    if isinstance(field, relations.PrimaryKeyRelatedField):
        plain = len(attrs) == 1 and field.use_pk_only_optimization() and field.pk_field is None
        return _pk_reader(field) if plain else None
    convert = _converter(field)
    if convert is None or not attrs:
        return None
    if len(attrs) == 1:
        source = attrs[0]
        return lambda row, zone: convert(getattr(row, source), zone)

    def through(row, zone):  # a dotted source ("stage.code"): the related rows come with select_related
        value = row
        for attr in attrs:
            if value is None:
                raise _NeedsDrf
            value = getattr(value, attr)
        return convert(value, zone)

    return through


@functools.cache
def _readers(serializer_class) -> list[tuple[str, object]] | None:
    """(name, reader) per readable field of `serializer_class`, or None when one field needs DRF (or the
    class renders its rows itself)."""
    if serializer_class.to_representation is not serializers.Serializer.to_representation:
        return None
    readers = []
    for field in serializer_class()._readable_fields:
        reader = _reader(field)
        if reader is None:
            return None
        readers.append((field.field_name, reader))
    return readers


class PlainListSerializer(serializers.ListSerializer):
    """Use as `Meta.list_serializer_class` of a read serializer whose fields are plain attributes."""

    def to_representation(self, data):
        readers = _readers(type(self.child))
        if readers is None:
            return super().to_representation(data)
        rows = data.all() if hasattr(data, "all") else data
        zone = timezone.get_current_timezone() if settings.USE_TZ else None
        try:
            return [{name: read(row, zone) for name, read in readers} for row in rows]
        except _NeedsDrf:
            return super().to_representation(rows)
