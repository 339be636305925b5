"""Measure `kam import transactions` at scale: rows/s of a CSV file, phase by phase (docs/architecture.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kam_tier_bench \
        .venv/bin/python scripts/bench_ledger_import.py --rows 1000000 --accounts 100000 [--rounds 2]

Needs a dedicated database (it migrates it and adds accounts with `kam generate` if there are fewer than
--accounts). Each round writes a file of --rows new transactions — Pareto-skewed over the accounts, dates in
the last three years, a few returns — and imports it as the first admin through `import_file` (checked,
staged, written, rolled up and audited, committed). Round 2 imports into a table that already holds round
1's rows. Prints one JSON line per round.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from kam.accounts.models import Account  # noqa: E402
from kam.core.request_context import request_id_scope  # noqa: E402
from kam.imports import ledger  # noqa: E402
from kam.imports.selectors import command_user  # noqa: E402
from kam.imports.services import import_file  # noqa: E402
from kam.tiering.models import Transaction, TransactionMonth  # noqa: E402
from kam.users.choices import Role  # noqa: E402
from kam.users.models import User  # noqa: E402
from kam.users.services import user_create  # noqa: E402


def write_file(path: Path, *, rows: int, codes: list[str], seed: int, prefix: str) -> int:
    rng = random.Random(seed)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(codes))]
    picks = rng.choices(codes, weights=weights, k=rows)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("account_code,order_no,ordered_on,product,quantity,amount,cost,returned\n")
        for n, code in enumerate(picks):
            amount = rng.randint(100, 2_000_000)
            returned = rng.random() < 0.02
            day = f"{rng.randint(2023, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            out.write(
                f"{code},{prefix}{n:08d},{day},ERP,{rng.randint(1, 50)},{amount / 100:.2f},"
                f"{amount * 7 // 1000 / 100:.2f},{'yes' if returned else ''}\n"
            )
    return path.stat().st_size


def timed(importer_class, phases: dict):
    """Wrap the importer's steps to time them (parse includes reading the file and staging)."""
    for name in ("parse", "plan", "write"):
        original = getattr(importer_class, name)

        def wrapper(self, *args, _original=original, _name=name, **kwargs):
            start = time.perf_counter()
            try:
                return _original(self, *args, **kwargs)
            finally:
                phases[_name] = round(time.perf_counter() - start, 2)

        setattr(importer_class, name, wrapper)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    have = Account.objects.filter(code__startswith="GEN-").count()
    if have < args.accounts:
        call_command(
            "generate", accounts=args.accounts - have, contacts_per_account=1, no_audit=True, verbosity=0
        )
    codes = list(
        Account.objects.filter(code__startswith="GEN-").order_by("id").values_list("code", flat=True)
    )
    if not User.objects.filter(username="bench-ledger").exists():
        user_create(actor=None, username="bench-ledger", role=Role.ADMIN)
    actor = command_user(username="bench-ledger")
    phases: dict = {}
    timed(ledger.TransactionImporter, phases)
    for round_number in range(1, args.rounds + 1):
        prefix = f"B{Transaction.objects.count() + 1:09d}-"
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "transactions.csv"
            size = write_file(path, rows=args.rows, codes=codes, seed=args.seed + round_number, prefix=prefix)
            data = path.read_bytes()
        before = Transaction.objects.count()
        start, cpu = time.perf_counter(), time.process_time()
        load = os.getloadavg()[0]
        with request_id_scope():
            job = import_file(kind="transactions", actor=actor, data=data, file_name="transactions.csv")
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(
            json.dumps(
                {
                    "database": connection.vendor,
                    "round": round_number,
                    "rows": args.rows,
                    "file_mb": round(size / 2**20, 1),
                    "transactions_before": before,
                    "status": job.status,
                    "created": job.created_count,
                    "seconds": round(seconds, 2),
                    "rows_per_s": round(args.rows / seconds),
                    "python_cpu_s": round(cpu, 2),
                    "loadavg_1m_before": round(load, 2),
                    "phases_s": dict(phases),
                    "rollup_rows": TransactionMonth.objects.count(),
                    "errors": job.errors[:3],
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
