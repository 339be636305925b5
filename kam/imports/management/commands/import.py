import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kam.core.request_context import request_id_scope
from kam.imports.models import ImportKind, ImportStatus
from kam.imports.selectors import command_user
from kam.imports.services import error_text, import_file
from kam.users.models import User


class Command(BaseCommand):
    help = (
        "Import accounts, contacts, contact-log entries, opportunities or the sales ledger (transactions, "
        "payments, feedback) from a CSV or XLSX file: every row is checked first, and nothing is saved if "
        "one is wrong. Rows are matched on their code (an opportunity on its number; ledger rows on the "
        "account code and their order, invoice or feedback number)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check and count only; save nothing.")
        parser.add_argument("--user", help="Username to import as (default: the first active admin).")

    def handle(self, *args, kind, file, dry_run, user, **options):
        try:
            actor = command_user(username=user)
        except User.DoesNotExist as error:
            raise CommandError(f"No such active user: {user}" if user else str(error)) from error
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        bar = tqdm(unit=" rows", file=sys.stderr, disable=options["verbosity"] == 0, desc="Checking")
        with request_id_scope(), bar:

            def progress(done: int, total: int) -> None:
                bar.total = max(total, done)
                bar.update(done - bar.n)

            job = import_file(
                kind=kind, actor=actor, data=data, file_name=file.name, dry_run=dry_run, on_progress=progress
            )
        if job.status == ImportStatus.FAILED:
            for error in job.errors:
                self.stderr.write(error_text(error))
            if job.error_count > len(job.errors):
                self.stderr.write(f"… and {job.error_count - len(job.errors)} more.")
            raise CommandError(f"{job.error_count} problem(s) found; nothing was saved.")
        verb = "Dry run, nothing saved: would create" if dry_run else "Created"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {job.created_count}, update{'' if dry_run else 'd'} {job.updated_count}, "
                f"{job.unchanged_count} unchanged ({job.total_rows} rows)."
            )
        )
