"""Filters of the audit log page: who, what kind of record, which action, which account, when."""

import datetime

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.accounts.filtersets import BootstrapFilterSet, people_choices
from kam.audit.models import AuditAction, ObjectChange

KAM_APPS = ["accounts", "buyingcenter", "competition", "pipeline", "planning", "service", "tiering", "users"]


def record_type_choices() -> list[tuple[int, str]]:
    """The kinds of KAM records, by their name in the reader's language."""
    kinds = ContentType.objects.filter(app_label__in=KAM_APPS)
    return sorted(((kind.pk, str(kind.name).capitalize()) for kind in kinds), key=lambda item: item[1])


class AuditFilterSet(BootstrapFilterSet):
    actor = django_filters.ModelChoiceFilter(queryset=people_choices, label=_("Changed by"))
    content_type = django_filters.ChoiceFilter(
        field_name="content_type_id", choices=record_type_choices, label=_("Record type")
    )
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label=_("Action"))
    account = django_filters.NumberFilter(field_name="account_id", widget=forms.HiddenInput)
    since = django_filters.DateFilter(method="from_day", label=_("From date"))
    until = django_filters.DateFilter(method="to_day", label=_("To date"))
    request_id = django_filters.CharFilter(widget=forms.HiddenInput)

    class Meta:
        model = ObjectChange
        fields = ["actor", "content_type", "action", "account", "since", "until", "request_id"]

    # Days are the reader's local days, compared as moments so that the time index serves them; a day at
    # the calendar's edge (0001-01-01, 9999-12-31) bounds nothing.
    def from_day(self, queryset, name, value):
        start = _midnight(value)
        return queryset if start is None else queryset.filter(timestamp__gte=start)

    def to_day(self, queryset, name, value):
        end = _midnight(value + datetime.timedelta(days=1)) if value < datetime.date.max else None
        return queryset if end is None else queryset.filter(timestamp__lt=end)


def _midnight(day: datetime.date) -> datetime.datetime | None:
    try:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)).astimezone(datetime.UTC)
    except OverflowError:
        return None
