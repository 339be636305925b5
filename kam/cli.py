"""The `kam` console script: every manage.py command, with the local settings as the default."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kam", *(sys.argv[1:] if argv is None else argv)])
    return 0
