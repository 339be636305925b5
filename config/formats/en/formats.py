"""Django's English formats with the house dates (ISO)."""

from django.conf.locale.en.formats import *  # noqa: F403

from config.formats.dates import *  # noqa: F403
