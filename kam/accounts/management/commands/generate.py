import datetime

from django.core.management.base import BaseCommand, CommandError

from kam.accounts.generate import generate
from kam.core.request_context import request_id_scope
from kam.pipeline.generate import generate_opportunities
from kam.tiering.generate import generate_ledger


class Command(BaseCommand):
    help = (
        "Generate realistic synthetic accounts, contacts (with an org chart) and contact log, fast and "
        "seeded. Rerunning continues the GEN- codes after the highest existing one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--accounts", type=int, required=True, help="accounts to add")
        parser.add_argument("--contacts-per-account", type=int, default=3, help="contacts per account (3)")
        parser.add_argument("--interactions", type=int, default=0, help="contact-log entries in all (0)")
        parser.add_argument(
            "--opportunities",
            type=int,
            default=0,
            help="opportunities with stage histories on existing accounts (0)",
        )
        parser.add_argument(
            "--transactions",
            type=int,
            default=0,
            help="sales-ledger transactions on existing accounts, Pareto-skewed, with N/3 payments and N/50 "
            "pieces of feedback; the monthly rollups are rebuilt at the end (0)",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed: same seed, same data (1)")
        parser.add_argument("--owners", type=int, default=20, help="generated members owning accounts (20)")
        parser.add_argument(
            "--no-audit",
            action="store_true",
            help="skip the ObjectChange per generated record (bench-scale data; see docs/benchmarks.md)",
        )
        parser.add_argument(
            "--skip-fk-checks",
            action="store_true",
            help="PostgreSQL superuser, dedicated databases only: load without foreign-key trigger checks",
        )
        parser.add_argument("--no-analyze", action="store_true", help="skip ANALYZE after loading")
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="date the contact log ends")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument("--database", default="default", help="database alias (default)")

    def handle(self, *args, **options):
        try:
            with request_id_scope():
                result = generate(
                    accounts=options["accounts"],
                    contacts_per_account=options["contacts_per_account"],
                    interactions=options["interactions"],
                    seed=options["seed"],
                    owners=options["owners"],
                    audit=not options["no_audit"],
                    analyze=not options["no_analyze"],
                    today=options["today"],
                    using=options["database"],
                    progress=not options["no_progress"] and options["verbosity"] > 0,
                    skip_fk_checks=options["skip_fk_checks"],
                )
            with request_id_scope():
                opportunities = generate_opportunities(
                    count=options["opportunities"],
                    seed=options["seed"],
                    today=options["today"],
                    audit=not options["no_audit"],
                )
            with request_id_scope():
                ledger = generate_ledger(
                    transactions=options["transactions"],
                    seed=options["seed"],
                    today=options["today"],
                    progress=not options["no_progress"] and options["verbosity"] > 0,
                )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] == 0:
            return
        if ledger.rows:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Generated {ledger.transactions:,} transactions, {ledger.payments:,} payments and "
                    f"{ledger.feedback:,} pieces of feedback in {ledger.seconds:.1f} s "
                    f"({ledger.rows / ledger.seconds if ledger.seconds else 0:,.0f} rows/s), "
                    "rollups included."
                )
            )
        if opportunities:
            self.stdout.write(
                self.style.SUCCESS(f"Generated {opportunities:,} opportunities with their stage histories.")
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {result.accounts:,} accounts ({result.first_account_code or '-'} … "
                f"{result.last_account_code or '-'}), {result.contacts:,} contacts, "
                f"{result.interactions:,} interactions, {result.team_members:,} account-team members, "
                f"{result.interaction_people:,} interaction people, {result.audit_entries:,} audit entries."
            )
        )
        self.stdout.write(
            f"{result.rows:,} rows in {result.seconds:.1f} s: {result.rows_per_s:,.0f} rows/s "
            f"({result.accounts / result.seconds if result.seconds else 0:,.0f} accounts/s)."
        )
