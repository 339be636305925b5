"""Django's Simplified Chinese formats with the house dates (ISO), plus thousands grouping for money."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

from config.formats.dates import *  # noqa: F403

NUMBER_GROUPING = 3
THOUSAND_SEPARATOR = ","
