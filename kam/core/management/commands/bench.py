import argparse
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kam.core import bench


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise argparse.ArgumentTypeError("sizes are whole numbers separated by commas") from error
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("give at least one size of 1 or more")
    return sizes


class Command(BaseCommand):
    help = (
        "Speed figures as JSON on stdout (progress on stderr): the account list page and /api/accounts/ "
        "(requests/s, p50/p99 from wrk against gunicorn on 127.0.0.1) and import rows/s at each account "
        "size; the pipeline board and opportunity list (wrk) and the forecast with and without its "
        "summary (in-process) at each opportunity size; on SQLite and PostgreSQL. See docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
        parser.add_argument(
            "--sizes", type=_sizes, default=[100_000, 1_000_000], help="accounts, e.g. 100000,1000000"
        )
        parser.add_argument("--duration", type=int, default=10, help="seconds of load per scenario (10)")
        parser.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured load first (2)")
        parser.add_argument("--connections", type=int, default=8, help="wrk connections (8)")
        parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
        parser.add_argument(
            "--only", default=",".join(bench.ALL_STEPS), help="any of " + ",".join(bench.ALL_STEPS)
        )
        parser.add_argument(
            "--opportunity-sizes",
            type=_sizes,
            default=[200_000, 1_000_000],
            help="opportunities for the pipeline steps (board, opportunities, forecast), e.g. 200000,1000000",
        )
        parser.add_argument(
            "--opportunities-per-account",
            type=int,
            default=10,
            help="pipeline databases get opportunities ÷ this many accounts (10)",
        )
        parser.add_argument(
            "--actions-open-deals",
            type=int,
            default=5000,
            help="open opportunities (with buying centers) the member owns for the 'actions' step (5000)",
        )
        parser.add_argument("--roles", default=",".join(bench.ROLES), help="any of " + ",".join(bench.ROLES))
        parser.add_argument(
            "--keep-data", action="store_true", help="keep the bench databases for the next run"
        )
        parser.add_argument("--owners", type=int, default=200, help="generated account owners (200)")
        parser.add_argument("--contacts-per-account", type=int, default=3)
        parser.add_argument("--interactions-per-account", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--import-rows", type=int, default=20_000)
        parser.add_argument(
            "--postgres-url",
            default=bench.DEFAULT_POSTGRES_URL,
            help="PostgreSQL server and base name: _<size> is appended (kam_bench_100000 …)",
        )
        parser.add_argument(
            "--sqlite-path",
            type=Path,
            default=bench.DEFAULT_SQLITE_PATH,
            help="SQLite base file: _<size> goes before the suffix (var/bench/kam_bench_100000.sqlite3 …)",
        )
        parser.add_argument("--explain", action="store_true", help="add query plans to the diagnostics")
        parser.add_argument("--output", type=Path, help="also write the JSON document to this file")
        # Steps run by the bench itself in a subprocess against the bench database.
        parser.add_argument(
            "--internal",
            choices=[
                "status",
                "generate",
                "opportunities",
                "buying_centers",
                "prepare",
                "import",
                "forecast",
            ],
            help=argparse.SUPPRESS,
        )
        parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
        parser.add_argument("--pages", default="accounts", help=argparse.SUPPRESS)
        parser.add_argument("--accounts", type=int, help=argparse.SUPPRESS)
        parser.add_argument("--interactions", type=int, help=argparse.SUPPRESS)
        parser.add_argument("--password", help=argparse.SUPPRESS)
        parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)

    def run_from_argv(self, argv):
        """`kam bench tiering …` is the tiering recompute bench, with its own options (kam.tiering.bench)."""
        if argv[2:3] == ["tiering"]:
            from kam.tiering.bench import main

            sys.exit(main(argv[3:]))
        super().run_from_argv(argv)

    def handle(self, *args, **options):
        if options["internal"]:
            self.stdout.write(json.dumps(self.internal(options), ensure_ascii=False, default=str))
            return
        only = {part.strip() for part in options["only"].split(",") if part.strip()}
        if not only or only - set(bench.ALL_STEPS):
            raise CommandError("--only takes " + ", ".join(bench.ALL_STEPS))
        roles = [part.strip() for part in options["roles"].split(",") if part.strip()]
        if not roles or set(roles) - set(bench.ROLES):
            raise CommandError("--roles takes " + ", ".join(bench.ROLES))
        databases = ["sqlite", "postgres"] if options["database"] == "both" else [options["database"]]
        run_options = bench.Options(
            databases=databases,
            sizes=options["sizes"],
            duration=options["duration"],
            warmup=options["warmup"],
            connections=options["connections"],
            threads=options["threads"],
            workers=options["workers"],
            only=only,
            roles=roles,
            keep_data=options["keep_data"],
            owners=options["owners"],
            contacts_per_account=options["contacts_per_account"],
            interactions_per_account=options["interactions_per_account"],
            seed=options["seed"],
            import_rows=options["import_rows"],
            opportunity_sizes=options["opportunity_sizes"],
            opportunities_per_account=options["opportunities_per_account"],
            actions_open_deals=options["actions_open_deals"],
            postgres_url=options["postgres_url"],
            sqlite_path=options["sqlite_path"].resolve(),
            explain=options["explain"],
        )
        document = bench.run(run_options)
        text = json.dumps(document, ensure_ascii=False, indent=2)
        if options["output"]:
            options["output"].parent.mkdir(parents=True, exist_ok=True)
            options["output"].write_text(text + "\n")
            print(f"[bench] written to {options['output']}", file=sys.stderr)
        self.stdout.write(text)

    def internal(self, options) -> dict:
        from kam.core.bench import inside

        step = options["internal"]
        if step == "status":
            return inside.status()
        if step == "generate":
            return inside.generate_step(
                accounts=options["accounts"],
                contacts_per_account=options["contacts_per_account"],
                interactions=options["interactions"],
                seed=options["seed"],
                owners=options["owners"],
            )
        if step == "opportunities":
            return inside.opportunities_step(count=options["count"], seed=options["seed"])
        if step == "buying_centers":
            return inside.buying_centers_step(count=options["count"], seed=options["seed"])
        if step == "prepare":
            return inside.prepare(
                owners=options["owners"],
                password=options["password"],
                explain=options["explain"],
                pages=options["pages"],
            )
        if step == "forecast":
            return inside.forecast_step(roles=[r for r in options["roles"].split(",") if r])
        return inside.import_step(rows=options["rows"], seed=options["seed"], owners=options["owners"])
