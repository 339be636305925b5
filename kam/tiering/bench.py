"""`kam bench tiering`: how long a full tiering recompute takes, per database, and DuckDB beside it.

For each database (a dedicated bench database, never the one `kam` runs with) a subprocess with
DATABASE_URL pointed at it:

1. migrates it and, if it holds fewer accounts or transactions than asked, tops it up with the generators
   (`kam generate`: Pareto-skewed ledger, rollups rebuilt);
2. runs `services.tiering_recompute` `--repeat` times on the data as of the last ledger month — the whole
   service: the run row, the seven grouped queries over the rollups, NumPy's indicators, Pareto, pyramid,
   scores and tiers, the results written back, the tier changes audited — and reports each run's seconds,
   its phases and how many tiers it changed (the first run of a fresh database tiers every account; later
   runs on unchanged data change none), plus the process's peak memory;
3. exports the same rollups and accounts to Parquet (pyarrow) and times DuckDB computing the same per-account
   sums, then the same NumPy scoring on them; the tiers must equal the run's (checked), and the ratio of
   the run's reading-and-scoring time to DuckDB's is printed.

The JSON document goes to stdout (and `--output`), progress to stderr. duckdb and pyarrow come with the
`bench` extra (`pip install -e ".[bench]"`); without them the DuckDB part reports "skipped".
"""

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings

from kam.core.bench import calibration_ms

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/kam_tier_bench"
DEFAULT_SQLITE_PATH = Path(settings.BASE_DIR) / "var" / "tierbench" / "bench.sqlite3"
TARGET_SECONDS = {"postgresql": 1.0, "sqlite": 5.0}
TARGET_PEAK_MB = 1024


def log(message: str) -> None:
    print(f"[bench tiering {datetime.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def parser() -> argparse.ArgumentParser:
    parse = argparse.ArgumentParser(prog="kam bench tiering", description=__doc__.split("\n\n")[0])
    parse.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parse.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parse.add_argument("--sqlite-path", type=Path, default=DEFAULT_SQLITE_PATH)
    parse.add_argument("--accounts", type=int, default=100_000, help="generate up to this many (100000)")
    parse.add_argument("--transactions", type=int, default=10_000_000, help="generate up to this many (10M)")
    parse.add_argument("--no-generate", action="store_true", help="measure whatever the databases hold")
    parse.add_argument("--repeat", type=int, default=3, help="recomputes per database (3)")
    parse.add_argument(
        "--import-rows",
        type=int,
        default=5_000,
        help="then import this many transactions for 1 %% of the accounts and recompute (5000; 0: skip)",
    )
    parse.add_argument(
        "--as-of", type=datetime.date.fromisoformat, help="default: the last ledger month's end"
    )
    parse.add_argument("--no-duckdb", action="store_true")
    parse.add_argument("--output", type=Path)
    parse.add_argument("--internal", action="store_true", help=argparse.SUPPRESS)
    return parse


def main(argv: list[str]) -> int:
    options = parser().parse_args(argv)
    if options.internal:
        print(json.dumps(inside(options), default=str))
        return 0
    databases = ["sqlite", "postgres"] if options.database == "both" else [options.database]
    document = {
        "generated_at": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average": os.getloadavg(),
            "python_calibration_ms": calibration_ms(),
        },
        "targets": {"seconds": TARGET_SECONDS, "peak_mb": TARGET_PEAK_MB},
        "results": [],
    }
    for database in databases:
        url = options.postgres_url if database == "postgres" else f"sqlite:///{options.sqlite_path.resolve()}"
        if database == "sqlite":
            options.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        else:
            _create_postgres_database(url)
        log(f"{database}: {url}")
        document["results"].append(_child(url, options))
    document["machine"]["load_average_end"] = os.getloadavg()
    document["machine"]["python_calibration_ms_at_end"] = calibration_ms()
    text = json.dumps(document, indent=2, ensure_ascii=False, default=str)
    if options.output:
        options.output.parent.mkdir(parents=True, exist_ok=True)
        options.output.write_text(text + "\n")
    print(text)
    return 0


def _create_postgres_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _child(url: str, options) -> dict:
    """Run the measurement in a fresh process on the bench database: its peak memory is the run's own."""
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench", "tiering", "--internal"]
    command += ["--accounts", str(options.accounts), "--transactions", str(options.transactions)]
    command += ["--repeat", str(options.repeat), "--import-rows", str(options.import_rows)]
    if options.no_generate:
        command.append("--no-generate")
    if options.no_duckdb:
        command.append("--no-duckdb")
    if options.as_of:
        command += ["--as-of", options.as_of.isoformat()]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "0",
    }
    out = subprocess.run(command, env=env, cwd=settings.BASE_DIR, stdout=subprocess.PIPE, text=True)
    if out.returncode != 0:
        return {"database_url": url, "error": f"exit code {out.returncode}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


# Inside the bench database's process -------------------------------------------------------------------


def inside(options) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from kam.accounts.models import Account
    from kam.tiering.models import Transaction

    call_command("migrate", verbosity=0)
    accounts, transactions = Account.objects.count(), Transaction.objects.count()
    if not options.no_generate and (accounts < options.accounts or transactions < options.transactions):
        log(
            f"generating: {accounts:,} → {options.accounts:,} accounts, "
            f"{transactions:,} → {options.transactions:,} transactions"
        )
        call_command(
            "generate",
            accounts=max(0, options.accounts - accounts),
            contacts_per_account=1,
            interactions=0,
            transactions=max(0, options.transactions - transactions),
            no_audit=True,
            today=datetime.date(2025, 12, 31),
            no_progress=True,
            verbosity=0,
        )
    return {"database": connection.vendor, **_measure(options)}


def _data(as_of: datetime.date | None) -> dict:
    from kam.accounts.models import Account
    from kam.tiering.indicators import month_end
    from kam.tiering.models import (
        Feedback,
        FeedbackMonth,
        Payment,
        PaymentMonth,
        Transaction,
        TransactionMonth,
    )

    last = TransactionMonth.objects.order_by("-month").values_list("month", flat=True).first()
    return {
        "as_of": as_of or (month_end(last) if last else datetime.date.today()),
        "accounts": Account.objects.count(),
        "transactions": Transaction.objects.count(),
        "payments": Payment.objects.count(),
        "feedback": Feedback.objects.count(),
        "transaction_months": TransactionMonth.objects.count(),
        "payment_months": PaymentMonth.objects.count(),
        "feedback_months": FeedbackMonth.objects.count(),
    }


def _measure(options) -> dict:
    from kam.tiering import services
    from kam.tiering.models import TieringRun

    data = _data(options.as_of)
    log(f"data: {data}")
    runs = []
    for index in range(options.repeat):
        started = time.perf_counter()
        run = services.tiering_recompute(actor=None, as_of=data["as_of"])
        seconds = time.perf_counter() - started
        runs.append(_measured(run, seconds))
        log(f"run {index + 1}: {seconds:.3f} s, {run.summary['changes']['total']:,} tier changes")
    if options.import_rows:
        runs.append(_after_import(options.import_rows, data["as_of"]))
    steady = [r["seconds"] for r in runs[: options.repeat] if not r["tier_changes"]] or [
        r["seconds"] for r in runs[: options.repeat]
    ]
    result = {
        "data": data,
        "runs": runs,
        "best_seconds": min(steady),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    result["meets_target"] = (
        result["best_seconds"] <= TARGET_SECONDS[_vendor()] and result["peak_mb"] <= TARGET_PEAK_MB
    )
    if not options.no_duckdb:
        result["duckdb"] = _duckdb(TieringRun.objects.get(pk=runs[-1]["run"]), runs[-1])
    return result


def _measured(run, seconds: float) -> dict:
    return {
        "run": run.pk,
        "seconds": round(seconds, 3),
        "phases": run.summary["timings"],
        "ledger_sums": run.summary.get("ledger_sums"),
        "tier_changes": run.summary["changes"]["total"],
        "tiers": run.summary["tiers"],
    }


def _after_import(rows: int, as_of: datetime.date) -> dict:
    """A day's ERP file: `rows` new transactions of the period's last month for 1 % of the accounts, through
    the ledger import (rollups merged, kept sums marked stale), then a recompute; both timed."""
    import random

    from kam.accounts.models import Account
    from kam.core.request_context import request_id_scope
    from kam.imports.selectors import command_user
    from kam.imports.services import import_file
    from kam.tiering import services
    from kam.tiering.models import Transaction
    from kam.users.choices import Role
    from kam.users.models import User
    from kam.users.services import user_create

    if not User.objects.filter(username="bench-ledger").exists():
        user_create(actor=None, username="bench-ledger", role=Role.ADMIN)
    actor = command_user(username="bench-ledger")
    codes = list(Account.objects.order_by("id").values_list("code", flat=True))
    rng = random.Random(Transaction.objects.count())
    chosen = rng.sample(codes, max(1, len(codes) // 100))
    prefix = f"BT{Transaction.objects.count():010d}-"
    lines = ["account_code,order_no,ordered_on,amount,gross_margin,returned"]
    for number in range(rows):
        day = as_of.replace(day=rng.randint(1, 28))
        lines.append(
            f"{rng.choice(chosen)},{prefix}{number},{day.isoformat()},{rng.randint(100, 90_000)}.00,,"
        )
    started = time.perf_counter()
    with request_id_scope():
        job = import_file(
            kind="transactions", actor=actor, data="\n".join(lines).encode(), file_name="day.csv"
        )
    imported = time.perf_counter() - started
    if job.status != "done":
        raise RuntimeError(f"bench import failed: {job.errors}")
    started = time.perf_counter()
    run = services.tiering_recompute(actor=None, as_of=as_of)
    seconds = time.perf_counter() - started
    log(f"after importing {rows:,} rows for {len(chosen):,} accounts ({imported:.2f} s): {seconds:.3f} s")
    return {
        **_measured(run, seconds),
        "after_import": {"rows": rows, "accounts": len(chosen), "import_seconds": round(imported, 3)},
    }


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


# DuckDB over the same rollups, exported to Parquet ------------------------------------------------------


def _duckdb(run, measured: dict) -> dict:
    """Export the rollups and accounts to Parquet, let DuckDB compute the same per-account sums, score them
    with the same NumPy code, and check the tiers against the run's."""
    try:
        import duckdb
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return {"skipped": 'duckdb or pyarrow missing: pip install -e ".[bench]"'}
    import numpy as np

    from kam.tiering import period_sums, population, recompute
    from kam.tiering.indicators import Period, add_months
    from kam.tiering.models import TierResult

    period = Period(run.period_since, run.period_until)
    previous = add_months(period.since, -run.config["period_months"])
    folder = Path(tempfile.mkdtemp(prefix="kam-tier-parquet-"))
    started = time.perf_counter()
    tables = _export(folder, pa, pq)
    exported = time.perf_counter() - started
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    for name, path in tables.items():
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    day = lambda value: (value - recompute.EPOCH).days  # noqa: E731 — months are day numbers in Parquet
    since, until, before = day(period.since), day(period.until), day(previous)
    queries = {
        "accounts": ("SELECT id, tier, annual_revenue, annual_revenue_present, registered_capital, "
                     "registered_capital_present FROM accounts ORDER BY id"),
        "transactions": f"""SELECT account_id, SUM(orders), SUM(sales), COALESCE(MAX(max_sale), 0),
            SUM(CASE WHEN orders > 0 THEN 1 ELSE 0 END), SUM(returned), SUM(margin), SUM(margin_base),
            SUM(costed), SUM(order_days),
            COALESCE(MIN(CASE WHEN orders > 0 THEN month + first_day - 1 END), 0),
            COALESCE(MAX(CASE WHEN orders > 0 THEN month + last_day - 1 END), 0)
            FROM tm WHERE month >= {since} AND month <= {until} GROUP BY account_id""",
        "previous": f"""SELECT account_id, SUM(sales - returned) FROM tm
            WHERE month >= {before} AND month < {since} GROUP BY account_id""",
        "first": f"""SELECT account_id, MIN(month + first_day - 1), 1 FROM tm
            WHERE orders > 0 AND month <= {until} GROUP BY account_id""",
        "payments": f"""SELECT account_id,
            SUM(CASE WHEN paid_month >= {since} AND paid_month <= {until} THEN payments ELSE 0 END),
            SUM(CASE WHEN paid_month >= {since} AND paid_month <= {until} THEN days ELSE 0 END),
            SUM(CASE WHEN invoice_month >= {since} THEN amount ELSE 0 END),
            SUM(CASE WHEN invoice_month >= {since} AND paid_month > {until} THEN amount ELSE 0 END)
            FROM pm WHERE invoice_month <= {until} AND paid_month >= {since} GROUP BY account_id""",
        "feedback": f"""SELECT account_id, SUM(praise), SUM(complaints), SUM(suggestions) FROM fm
            WHERE month >= {since} AND month <= {until} GROUP BY account_id""",
        "opportunities": "SELECT account_id, open_opportunities, expected_cents FROM opp",
    }  # fmt: skip
    started = time.perf_counter()
    blocks = {name: con.execute(sql).fetchnumpy() for name, sql in queries.items()}
    queried = time.perf_counter() - started
    accounts = blocks.pop("accounts")
    ids = accounts["id"].astype(np.int64)
    data = {name: np.zeros(len(ids), dtype=np.int64) for name in population.COLUMNS}
    for name in (
        "annual_revenue",
        "annual_revenue_present",
        "registered_capital",
        "registered_capital_present",
    ):
        data[name] = accounts[name].astype(np.int64)
    names = {
        "transactions": period_sums.TRANSACTION_COLUMNS,
        "previous": ("previous_revenue",),
        "first": ("first_ever", "first_ever_present"),
        "payments": ("paid", "paid_days", "invoiced", "unpaid"),
        "feedback": ("praise", "complaints", "suggestions"),
        "opportunities": ("open_opportunities", "expected_cents"),
    }
    for block_name, columns in names.items():
        block = blocks[block_name]
        keys = list(block)
        found = np.searchsorted(ids, block[keys[0]].astype(np.int64))
        for offset, name in enumerate(columns, start=1):
            data[name][found] = np.asarray(block[keys[offset]], dtype=np.float64).astype(np.int64)
    loaded = recompute.Population(
        ids=ids, tiers=accounts["tier"].astype(np.int8), columns=population.Columns(data)
    )
    outcome = recompute.compute(run.config, loaded, as_of=run.as_of)
    scored = time.perf_counter() - started
    stored = np.array(
        TierResult.objects.filter(run=run).order_by("account_id").values_list("tier", flat=True),
        dtype=np.int8,
    )
    ours = measured["phases"]["indicators"] + measured["phases"]["scores"]
    return {
        "what": "the same rollups and accounts as Parquet; DuckDB's grouped sums, the same NumPy scoring",
        "export_seconds": round(exported, 3),
        "query_seconds": round(queried, 3),
        "query_and_score_seconds": round(scored, 3),
        "ours_read_and_score_seconds": round(ours, 3),
        "ratio_ours_to_duckdb": round(ours / scored, 2) if scored else None,
        "same_tiers": bool(np.array_equal(stored, outcome.new)),
    }


def _export(folder: Path, pa, pq) -> dict[str, Path]:
    """The rollups, accounts and open-opportunity sums as Parquet files (months as day numbers)."""
    from kam.accounts.selectors import exchange_rates
    from kam.tiering import recompute
    from kam.tiering.models import FeedbackMonth, PaymentMonth, TransactionMonth
    from kam.tiering.sql import day_number as day
    from kam.tiering.sql import fetch_ints, table

    exports = {
        "tm": (
            f"SELECT account_id, {day('month')}, orders, sales, COALESCE(max_sale, 0), returned, margin, "
            f"margin_base, costed, order_days, COALESCE(first_day, 0), COALESCE(last_day, 0) "
            f"FROM {table(TransactionMonth)}",
            ["account_id", "month", "orders", "sales", "max_sale", "returned", "margin", "margin_base",
             "costed", "order_days", "first_day", "last_day"],
        ),
        "pm": (
            f"SELECT account_id, {day('invoice_month')}, {day('paid_month')}, payments, amount, days "
            f"FROM {table(PaymentMonth)}",
            ["account_id", "invoice_month", "paid_month", "payments", "amount", "days"],
        ),
        "fm": (
            f"SELECT account_id, {day('month')}, praise, complaints, suggestions FROM {table(FeedbackMonth)}",
            ["account_id", "month", "praise", "complaints", "suggestions"],
        ),
        "accounts": (
            recompute._account_sql(),
            ["id", "tier", "annual_revenue", "annual_revenue_present", "registered_capital",
             "registered_capital_present"],
        ),
        "opp": (
            lambda: recompute.opportunity_block(exchange_rates())[0],
            ["account_id", "open_opportunities", "expected_cents"],
        ),
    }  # fmt: skip
    paths = {}
    for name, (sql, columns) in exports.items():
        matrix = sql() if callable(sql) else fetch_ints(sql, len(columns))
        path = folder / f"{name}.parquet"
        pq.write_table(pa.table({column: matrix[:, i] for i, column in enumerate(columns)}), path)
        paths[name] = path
    return paths
