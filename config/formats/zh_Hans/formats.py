"""Django's Simplified Chinese formats, plus thousands grouping for money (1,000,000.00)."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

NUMBER_GROUPING = 3
THOUSAND_SEPARATOR = ","
