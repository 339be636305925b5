"""Dates read the same in both languages and on every page: ISO 8601 (config/formats/dates.py)."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import formats, translation


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_dates_and_moments_render_as_iso_in_both_languages(language):
    day = datetime.date(2027, 2, 16)
    moment = datetime.datetime(2027, 2, 16, 14, 30)
    template = Template("{{ day }}|{{ moment }}|{{ day|date }}|{{ moment|date:'SHORT_DATETIME_FORMAT' }}")
    with translation.override(language):
        assert template.render(Context({"day": day, "moment": moment})) == (
            "2027-02-16|2027-02-16 14:30|2027-02-16|2027-02-16 14:30"
        )
        assert formats.date_format(day, "YEAR_MONTH_FORMAT") == "2027-02"


def test_money_keeps_chinese_thousands_grouping():
    with translation.override("zh-hans"):
        assert formats.number_format(1234567.5, 2, use_l10n=True, force_grouping=True) == "1,234,567.50"
