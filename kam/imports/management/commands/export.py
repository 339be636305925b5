from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kam.core.request_context import request_id_scope
from kam.imports.models import ImportKind
from kam.imports.selectors import command_user
from kam.imports.services import export_rows
from kam.imports.writers import write_csv, write_xlsx
from kam.users.models import User


class Command(BaseCommand):
    help = (
        "Export the accounts, contacts, contact log, opportunities or sales ledger (transactions, payments, "
        "feedback) a user may see to CSV or XLSX (re-importable)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="Export what this user may see (default: the first active admin).")
        parser.add_argument("--format", choices=["csv", "xlsx"], help="Default: from the file's extension.")

    def handle(self, *args, kind, file, user, **options):
        try:
            actor = command_user(username=user)
        except User.DoesNotExist as error:
            raise CommandError(f"No such active user: {user}" if user else str(error)) from error
        fmt = options["format"] or ("xlsx" if file.suffix.lower() == ".xlsx" else "csv")
        exported = 0

        def counted(rows):
            nonlocal exported
            yield next(rows)  # the header
            for row in rows:
                exported += 1
                yield row

        with request_id_scope():
            rows = counted(export_rows(kind=kind, user=actor))
            try:
                if fmt == "xlsx":
                    write_xlsx(rows, str(file), title=kind)
                else:
                    with file.open("w", encoding="utf-8", newline="") as out:
                        write_csv(rows, out)
            except OSError as error:
                raise CommandError(f"Cannot write {file}: {error.strerror}") from error
        self.stdout.write(self.style.SUCCESS(f"Exported {exported} {kind} to {file}."))
