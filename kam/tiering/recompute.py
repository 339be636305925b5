"""A tiering run's work: feed the scorecard from the ledger's sums, score, and write the results back.

Speed is the point of this module (100,000 accounts over 10M transactions in about a second): each
account's sums over the period come from `period_sums`, which keeps them between runs and scans the
monthly rollups only for accounts whose ledger changed (never reading the ledger itself); blocks of
100,000 rows travel as packed bytes (`sql.fetch_ints`); NumPy applies the indicator definitions, the
Pareto analysis, the pyramid, the scores and the tiers to whole columns (population.py, pareto.py,
pyramid.py, scorecard.py — pure, with exact tests); the results go back in one COPY into the run's own
partition (PostgreSQL, indexed after the load) or one executemany (SQLite), and only accounts whose tier
changed are updated, audited and given a TierChange.
The service (services.run_execute) owns the transaction and the status.
"""

import datetime
import json
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from kam.accounts.choices import Currency
from kam.accounts.models import Account
from kam.accounts.money import rate_micro
from kam.audit.models import AuditAction
from kam.audit.services import audit_bulk
from kam.core import bulk
from kam.pipeline.models import Opportunity, Stage
from kam.tiering import pareto as pareto_module
from kam.tiering import period_sums, population, pyramid, scorecard
from kam.tiering.indicators import Period, add_months
from kam.tiering.models import TierChange, TieringRun, TierResult
from kam.tiering.sql import copy_in, fetch_ints, is_postgres, table

#: "No value" in a result's packed values.
MISSING = np.iinfo(np.int64).min
EPOCH = datetime.date(1970, 1, 1)
#: Accounts per IN (…) list (SQLite allows 999 parameters).
CHUNK = 900


def periods(as_of: datetime.date, months: int) -> tuple[Period, datetime.date]:
    """The scored period (the `months` whole months up to the as-of date) and the first month before it
    that revenue growth compares with (as many months)."""
    period = Period.rolling(as_of, months)
    return period, add_months(period.since, -months)


#: The currencies of the per-currency columns of _opportunity_sql, in order.
CURRENCIES = tuple(Currency.values)


def _opportunity_sql() -> str:
    """Open opportunities per account: their count, then for each of CURRENCIES how many there are and
    Σ amount (cents) × probability (hundredths of a percent) — exact integers, never multiplied by a rate
    in SQL (SQLite would do that in floating point); opportunity_block converts them."""
    raw = "CAST(ROUND(o.amount * 100) AS BIGINT) * CAST(ROUND(s.probability * 100) AS BIGINT)"
    per_currency = ", ".join(
        f"SUM(CASE WHEN o.currency = '{code}' THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN o.currency = '{code}' THEN {raw} ELSE 0 END)"
        for code in CURRENCIES
    )
    return f"""
        SELECT o.account_id, COUNT(*), {per_currency}
        FROM {table(Opportunity)} AS o JOIN {table(Stage)} AS s ON s.id = o.stage_id
        WHERE o.status = 'open' GROUP BY o.account_id"""


def opportunity_block(rates: dict) -> tuple[np.ndarray, list[str]]:
    """(account, open opportunities, expected sales in cents) per account with open deals, converted to
    the reporting currency at `rates` (population.expected_cents_in_reporting), and the currencies left out
    for want of a rate (those that have open deals)."""
    block = fetch_ints(_opportunity_sql(), 2 + 2 * len(CURRENCIES))
    counts, raws = block[:, 2::2], block[:, 3::2]
    micro = [None if rates.get(code) is None else rate_micro(rates[code]) for code in CURRENCIES]
    unconverted = [code for j, code in enumerate(CURRENCIES) if micro[j] is None and counts[:, j].any()]
    expected = population.expected_cents_in_reporting(raws, micro)
    return np.stack([block[:, 0], block[:, 1], expected], axis=1), unconverted


def _account_sql() -> str:
    def cents(column):
        known = f"CASE WHEN {column} IS NULL THEN 0 ELSE 1 END"
        # PostgreSQL's numeric → bigint cast rounds half away from zero by itself (an explicit ROUND cost
        # 80 ms at 100,000 accounts); SQLite's CAST truncates
        scaled = f"{column} * 100" if is_postgres() else f"ROUND({column} * 100)"
        return f"COALESCE(CAST({scaled} AS BIGINT), 0), {known}"

    tier = " ".join(f"WHEN '{tier}' THEN {code}" for tier, code in scorecard.TIER_RANK.items() if tier)
    return (
        f"SELECT id, CASE tier {tier} ELSE 0 END, {cents('annual_revenue')}, {cents('registered_capital')} "
        f"FROM {table(Account)}"
    )


@dataclass
class Population:
    """Every account (by id, ascending), its tier now (a TIER_RANK code) and the per-account rollup sums."""

    ids: np.ndarray
    tiers: np.ndarray
    columns: population.Columns
    #: currencies of open deals without an exchange rate: left out of expected sales
    unconverted: list[str] = field(default_factory=list)
    #: how the ledger sums were had (period_sums.for_period): accounts kept, scanned, full scan or not
    ledger: dict = field(default_factory=dict)


def load_population(period: Period, previous: datetime.date, *, rates: dict | None = None) -> Population:
    """All accounts, their ledger sums for `period` (and revenue since `previous`) — kept between runs by
    period_sums, which scans the rollups only for accounts whose ledger changed — and their open deals.
    Expected sales are converted to the reporting currency at `rates` (the current exchange rates by
    default)."""
    from kam.accounts.selectors import exchange_rates

    accounts = fetch_ints(_account_sql(), 6)
    accounts = accounts[np.argsort(accounts[:, 0])]
    ids = accounts[:, 0].copy()
    ledger, kept = period_sums.for_period(ids, period, previous)
    data = {name: ledger[:, column].copy() for column, name in enumerate(period_sums.LEDGER_COLUMNS)}
    for offset, name in enumerate(
        ("annual_revenue", "annual_revenue_present", "registered_capital", "registered_capital_present"),
        start=2,
    ):
        data[name] = accounts[:, offset].copy()
    opportunities, unconverted = opportunity_block(rates if rates is not None else exchange_rates())
    positions, keep = period_sums.aligned(ids, opportunities)
    for offset, name in enumerate(("open_opportunities", "expected_cents"), start=1):
        data[name] = np.zeros(len(ids), dtype=np.int64)
        data[name][positions] = opportunities[keep, offset]
    return Population(
        ids=ids,
        tiers=accounts[:, 1].astype(np.int8),
        columns=population.Columns(data),
        unconverted=unconverted,
        ledger=kept,
    )


@dataclass
class Outcome:
    """What a run computed, before it is written."""

    keys: list[str]
    ids: np.ndarray
    old: np.ndarray  # tier codes now (0–3)
    new: np.ndarray  # tier codes of this run
    values: np.ndarray  # n × k, MISSING where absent
    points: np.ndarray  # n × k
    scores: scorecard.Scores
    revenue: np.ndarray
    profit: np.ndarray
    profit_present: np.ndarray
    layers: np.ndarray
    summary: dict = field(default_factory=dict)


def compute(config: dict, loaded: Population, *, as_of: datetime.date) -> Outcome:
    """Indicators, scores, tiers, the pyramid and the Pareto analysis of every account (pure NumPy)."""
    measures = population.indicators(loaded.columns, as_of_day=(as_of - EPOCH).days)
    scores = scorecard.score(config, measures)
    keys = [key for _p, key, _pw, _w in scorecard.weighted_indicators(config)]
    n = len(loaded.ids)
    values = np.full((n, len(keys)), MISSING, dtype=np.int64)
    points = np.zeros((n, len(keys)), dtype=np.int64)
    for column, key in enumerate(keys):
        value, present = measures[key]
        values[present, column] = value[present]
        points[:, column] = scores.points[key]
    new = scorecard.tier_codes(scores.total, rule=config["tier_rule"], cutoffs=config["tier_cutoffs"])
    old = loaded.tiers
    revenue = measures["revenue"][0]
    profit, profit_present = measures["profit"]
    value = revenue if config["value_measure"] == "revenue" else np.where(profit_present, profit, 0)
    layers = pyramid.layer_codes(value, rule=config["pyramid_rule"], cutoffs=config["pyramid_cutoffs"])
    outcome = Outcome(
        keys, loaded.ids, old, new, values, points, scores, revenue, profit, profit_present, layers
    )
    outcome.summary = {
        "pareto": {
            "revenue": pareto_module.pareto(revenue).as_dict(),
            "profit": pareto_module.pareto(profit[profit_present]).as_dict(),
        },
        "pyramid": [
            {"layer": layer.layer, "accounts": layer.accounts, "value": layer.value}
            for layer in pyramid.summarise(value, layers)
        ],
        "tiers": {tier or "none": int((new == code).sum()) for code, tier in scorecard.CODE_TIER.items()},
        "changes": {"up": int((new > old).sum()), "down": int((new < old).sum())},
        "scored": int((scores.total > 0).sum()),
        "warnings": [w.__dict__ for w in scorecard.model_warnings(config)],
        "unconverted_currencies": list(loaded.unconverted),
    }
    return outcome


# Writing ------------------------------------------------------------------------------------------------


def pack(matrix: np.ndarray, dtype: str) -> list[bytes]:
    """Each row of `matrix` as little-endian bytes (one bytes object per row, built in C)."""
    typed = np.ascontiguousarray(matrix.astype(dtype))
    if not typed.shape[1]:
        return [b""] * len(typed)
    return typed.view(np.dtype((np.void, typed.shape[1] * typed.itemsize))).ravel().tolist()


def unpack(data: bytes | memoryview, dtype: str) -> list[int | None]:
    """A packed row back as ints (MISSING → None)."""
    values = np.frombuffer(bytes(data), dtype=dtype).tolist()
    return [None if value == MISSING else value for value in values]


RESULT_COLUMNS = [
    "run_id", "account_id", "revenue", "profit", "layer", "tier", "score", "current", "potential", "values",
    "points",
]  # fmt: skip


def _result_columns(run: TieringRun, outcome: Outcome) -> list[tuple[str, str, np.ndarray | None]]:
    """(column, binary type, per-account values) in RESULT_COLUMNS order; None: NULL in every row."""
    s, n = outcome.scores, len(outcome.ids)
    return [
        ("run_id", ">i8", np.full(n, run.pk, dtype=np.int64)),
        ("account_id", ">i8", outcome.ids),
        ("revenue", ">i8", outcome.revenue),
        ("profit", ">i8", np.where(outcome.profit_present, outcome.profit, 0)),
        ("layer", ">i2", outcome.layers),
        ("tier", ">i2", outcome.new),
        ("score", ">i2", s.total),
        ("current", ">i2", s.current),
        ("potential", ">i2", s.potential),
        ("values", f"<i8,({outcome.values.shape[1]},)", outcome.values),
        ("points", f"<i2,({outcome.points.shape[1]},)", outcome.points),
    ]


def write_results(run: TieringRun, outcome: Outcome) -> None:
    """One TierResult row per account: on PostgreSQL the run's own partition, filled by one binary COPY
    whose bytes NumPy lays out (every column has a fixed width); elsewhere an executemany of plain tuples."""
    columns = _result_columns(run, outcome)
    n = len(outcome.ids)
    if not n:
        return
    if not is_postgres():
        lists = [
            [None] * n if values is None
            else pack(values, "<i8" if name == "values" else "<i2") if name in ("values", "points")
            else values.tolist()
            for name, _kind, values in columns
        ]  # fmt: skip
        bulk.insert_rows(TierResult, RESULT_COLUMNS, list(zip(*lists, strict=True)))
        return
    fields = [("count", ">i2")]
    for name, kind, values in columns:
        fields.append((f"l_{name}", ">i4"))
        if values is not None:
            fields.append((name, np.dtype(kind.split(",")[0]), values.shape[1:]))
    rows = np.zeros(n, dtype=np.dtype(fields))
    rows["count"] = len(columns)
    for name, _kind, values in columns:
        rows[f"l_{name}"] = -1 if values is None else rows.dtype[name].itemsize
        if values is not None:
            rows[name] = values
    quote = connection.ops.quote_name
    names = [quote(TierResult._meta.get_field(name.removesuffix("_id")).column) for name in RESULT_COLUMNS]
    with run_partition(run) as partition:
        copy_in(partition, names, rows)


@contextmanager
def run_partition(run: TieringRun):
    """A new table for the run's results, attached as its partition of TierResult once filled
    (PostgreSQL; migration tiering.0005, docs/adr/0005).

    Why: the rows go into a table without indexes, and its primary key and score index are then built
    by one sort each, instead of 100,000 inserts into the B-trees of a table that grows by a run's rows
    every time. Attaching finds both indexes and adopts them for the parent's. A partition left by an
    earlier run of the same id (a test database whose sequences restarted) is dropped first.
    """
    parent = TierResult._meta.db_table
    name = f"{parent}_r{int(run.pk)}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TABLE {name} (LIKE {parent} INCLUDING DEFAULTS)")
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {name} ADD CONSTRAINT {name}_pkey PRIMARY KEY (run_id, account_id)")
        cursor.execute(f"CREATE INDEX {name}_score ON {name} (run_id, score DESC, account_id)")
        cursor.execute(f"ALTER TABLE {parent} ATTACH PARTITION {name} FOR VALUES IN ({int(run.pk)})")


def _previous_points(previous: TieringRun | None, ids: list[int], keys: list[str]) -> dict[int, tuple]:
    """account id → (score, points by key) in the previous run, for the accounts whose tier changes."""
    if previous is None or not ids:
        return {}
    found = {}
    for chunk in _chunks(ids):
        rows = TierResult.objects.filter(run=previous, account_id__in=chunk)
        for account_id, score, points in rows.values_list("account_id", "score", "points"):
            found[account_id] = (
                score,
                dict(zip(previous.indicator_keys, unpack(points, "<i2"), strict=True)),
            )
    return found


def _chunks(ids: list[int]) -> list[list[int]]:
    """Id lists for IN (…): PostgreSQL takes any length as one array parameter; SQLite 999 parameters."""
    if is_postgres():
        return [ids] if ids else []
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


def _set_tiers(by_tier: dict[str, list[int]]) -> None:
    """Account.tier of the changed accounts, one UPDATE per tier (per chunk on SQLite)."""
    accounts = table(Account)
    with connection.cursor() as cursor:
        for tier, members in by_tier.items():
            if is_postgres():
                cursor.execute(f"UPDATE {accounts} SET tier = %s WHERE id = ANY(%s)", [tier, members])
                continue
            for chunk in _chunks(members):
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"UPDATE {accounts} SET tier = %s WHERE id IN ({marks})", [tier, *chunk])


def write_changes(run: TieringRun, outcome: Outcome, *, previous: TieringRun | None, actor) -> int:
    """Tier changes: TierChange rows with their reasons, Account.tier, and one audit entry per account."""
    changed = np.nonzero(outcome.new != outcome.old)[0]
    if not len(changed):
        return 0
    keys, config = outcome.keys, run.config
    weights = np.array([pw * w for _p, _k, pw, w in scorecard.weighted_indicators(config)], dtype=np.int64)
    ids = outcome.ids[changed].tolist()
    before = _previous_points(previous, ids, keys)
    rows, by_tier = [], {}
    for row, account_id in zip(changed.tolist(), ids, strict=True):
        old, new = scorecard.CODE_TIER[int(outcome.old[row])], scorecard.CODE_TIER[int(outcome.new[row])]
        after_points = dict(zip(keys, outcome.points[row].tolist(), strict=True))
        if account_id in before:
            score_before, points_before = before[account_id]
            reasons = scorecard.change_reasons(config, points_before, after_points)
        else:
            score_before = None
            reasons = scorecard.placing_reasons(keys, weights, outcome.points[row])
        rows.append([
            run.pk, account_id, old, new, int(outcome.new[row]) > int(outcome.old[row]), score_before,
            int(outcome.scores.total[row]), [[key, round(points, 1)] for key, points in reasons],
        ])  # fmt: skip
        by_tier.setdefault(new, []).append(account_id)
    bulk.insert_rows(
        TierChange,
        ["run_id", "account_id", "before", "after", "is_up", "score_before", "score_after", "reasons"],
        [[*row[:-1], json.dumps(row[-1])] for row in rows],
    )
    _set_tiers(by_tier)
    names = {}
    for chunk in _chunks(ids):
        names.update(Account.objects.filter(pk__in=chunk).values_list("pk", "name"))
    accounts = [Account(pk=pk, name=names.get(pk, "")) for pk in ids]
    audit_bulk(
        instances=accounts,
        actor=actor,
        action=AuditAction.UPDATE,
        befores=[{"tier": row[2]} for row in rows],
        afters=[{"tier": row[3]} for row in rows],
    )
    return len(rows)


@contextmanager
def analytics_session():
    """PostgreSQL settings for the grouped scans: memory to hash 100,000 groups without spilling to disk
    (the default 4 MB made the transaction rollups' aggregate write 48 MB of temp files), no JIT
    (compiling the expressions took longer than running them), and random reads priced as the cached
    reads they are: with the default cost of 4, rescanning the ~1,000 accounts a day's import touched
    hashed all 2M rollup cells (0.3 s) instead of reading their ~20,000 cells by the key (20–65 ms).
    Reset afterwards: the connection is reused."""
    if not is_postgres():
        yield
        return
    settings = {"work_mem": "'256MB'", "jit": "off", "random_page_cost": "1.1"}
    with connection.cursor() as cursor:
        for name, value in settings.items():
            cursor.execute(f"SET {name} = {value}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name in settings:
                cursor.execute(f"RESET {name}")


def compute_run(run: TieringRun, *, progress: Callable[[int, str], None]) -> tuple[Outcome, dict]:
    """The reading half of a run (no transaction needed): rollup sums, then everything NumPy computes."""
    config = run.config
    period = Period(run.period_since, run.period_until)
    started = time.perf_counter()
    progress(10, "indicators")
    with analytics_session():
        loaded = load_population(period, add_months(period.since, -config["period_months"]))
    loaded_at = time.perf_counter()
    progress(40, "scores")
    outcome = compute(config, loaded, as_of=run.as_of)
    timings = {
        "indicators": round(loaded_at - started, 3),
        "scores": round(time.perf_counter() - loaded_at, 3),
    }
    outcome.summary["ledger_sums"] = loaded.ledger
    return outcome, timings


def write_run(run: TieringRun, outcome: Outcome, *, previous: TieringRun | None, actor) -> dict:
    """The writing half (inside the caller's transaction): results, tier changes; returns the summary."""
    started = time.perf_counter()
    run.indicator_keys = outcome.keys
    run.accounts = len(outcome.ids)
    write_results(run, outcome)
    changes = write_changes(run, outcome, previous=previous, actor=actor)
    return {
        **outcome.summary,
        "changes": {**outcome.summary["changes"], "total": changes},
        "timings": {"write": round(time.perf_counter() - started, 3)},
    }
