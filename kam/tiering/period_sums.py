"""Each account's ledger sums over a scoring period, kept between runs (`AccountPeriodSums`).

Why: a recompute needs 21 sums per account over the monthly rollups — the period's months, the months
before it (growth), every month up to its end (tenure): one grouped scan of ~2M rollup cells at 100,000
accounts and 10M transactions, which was most of a run (1.4–4 s on PostgreSQL here). An account's sums only
move when its ledger does, so they are kept:

- every rollup write (`rollups.Rollup.add`, `refresh`) bumps `changes` of the accounts it touched, in the
  writer's transaction (an upsert: concurrent writers add up); a rollup rebuild forgets every row;
- a run reads the rows computed at their current `changes` for its period, and scans the rollups only for
  the other accounts (no row yet, bumped, or summed for another period) — restricted to them through a
  temporary table of their ids while they are few, one scan of every account when they are many;
- it stores what it scanned, each row guarded by the `changes` it read *before* scanning: a write that
  committed meanwhile has bumped it, so the guard fails and the row stays stale for the next run. The run
  itself uses what it scanned either way.

The test suite compares the kept sums with a fresh scan after imports, edits and deletes in any order.
"""

import datetime

import numpy as np
from django.db import connection, transaction

from kam.tiering import population
from kam.tiering.indicators import Period
from kam.tiering.models import AccountPeriodSums, FeedbackMonth, PaymentMonth, TransactionMonth
from kam.tiering.sql import copy_in, date_literal, day_number, fetch_bytes, fetch_ints, is_postgres, table

TRANSACTION_COLUMNS = (
    "orders", "sales", "max_sale", "max_sale_present", "returned", "margin", "margin_base", "costed",
    "order_days", "first_day", "last_day",
)  # fmt: skip
#: What is kept per account, in this order: every population column that comes from the rollups.
LEDGER_COLUMNS = population.COLUMNS[: population.COLUMNS.index("suggestions") + 1]
WIDTH = len(LEDGER_COLUMNS)
SUMS_BYTES = 8 * WIDTH
#: Above this share of accounts to scan, one grouped scan of all of them beats the restricted one.
FULL_SCAN_SHARE = 0.25
SCAN_ACCOUNTS = "tiering_scan_accounts"
NEW_SUMS = "tiering_new_period_sums"


# Scanning the rollups --------------------------------------------------------------------------------


def _only(restricted: bool) -> str:
    return f" AND account_id IN (SELECT account_id FROM {SCAN_ACCOUNTS})" if restricted else ""


def _months(period: Period) -> str:
    return f"month >= {date_literal(period.since)} AND month <= {date_literal(period.until)}"


def _transaction_sql(period: Period, restricted: bool) -> str:
    """The period's transaction rollups summed per account: plain aggregates over its months only."""
    day = day_number("month")
    return f"""
        SELECT account_id, SUM(orders), SUM(sales), COALESCE(MAX(max_sale), 0),
          SUM(CASE WHEN orders > 0 THEN 1 ELSE 0 END), SUM(returned), SUM(margin), SUM(margin_base),
          SUM(costed), SUM(order_days),
          COALESCE(MIN(CASE WHEN orders > 0 THEN {day} + first_day - 1 END), 0),
          COALESCE(MAX(CASE WHEN orders > 0 THEN {day} + last_day - 1 END), 0)
        FROM {table(TransactionMonth)} WHERE {_months(period)}{_only(restricted)} GROUP BY account_id"""


def _transaction_scan_sql(period: Period, previous: datetime.date, restricted: bool) -> str:
    """PostgreSQL: the period's sums, the previous period's revenue and the first order ever in one scan of
    every month up to the period's end (measured 1.38 s against 1.61 s for the three queries below at 10M
    transactions; SQLite is the other way round: 4.2 s against 1.6 s, as CASE costs it more per row)."""
    since, until, before = date_literal(period.since), date_literal(period.until), date_literal(previous)
    inside = f"month >= {since}"
    day = day_number("month")
    return f"""
        SELECT account_id,
          SUM(CASE WHEN {inside} THEN orders ELSE 0 END),
          SUM(CASE WHEN {inside} THEN sales ELSE 0 END),
          COALESCE(MAX(CASE WHEN {inside} THEN max_sale END), 0),
          SUM(CASE WHEN {inside} AND orders > 0 THEN 1 ELSE 0 END),
          SUM(CASE WHEN {inside} THEN returned ELSE 0 END),
          SUM(CASE WHEN {inside} THEN margin ELSE 0 END),
          SUM(CASE WHEN {inside} THEN margin_base ELSE 0 END),
          SUM(CASE WHEN {inside} THEN costed ELSE 0 END),
          SUM(CASE WHEN {inside} THEN order_days ELSE 0 END),
          COALESCE(MIN(CASE WHEN {inside} AND orders > 0 THEN {day} + first_day - 1 END), 0),
          COALESCE(MAX(CASE WHEN {inside} AND orders > 0 THEN {day} + last_day - 1 END), 0),
          COALESCE(MIN(CASE WHEN orders > 0 THEN {day} + first_day - 1 END), 0),
          SUM(orders),
          SUM(CASE WHEN month >= {before} AND month < {since} THEN sales - returned ELSE 0 END)
        FROM {table(TransactionMonth)} WHERE month <= {until}{_only(restricted)} GROUP BY account_id"""


def _previous_sql(period: Period, previous: datetime.date, restricted: bool) -> str:
    """Revenue of the months before the period (growth compares with it)."""
    return f"""
        SELECT account_id, SUM(sales - returned) FROM {table(TransactionMonth)}
        WHERE month >= {date_literal(previous)} AND month < {date_literal(period.since)}{_only(restricted)}
        GROUP BY account_id"""


def _first_orders(period: Period, restricted: bool) -> np.ndarray:
    """SQLite: (account, day number of its first order, 1) per account that ever ordered up to the period's
    end (tenure). Every month of the account is read, so the query has one cheap aggregate: first_day comes
    from the row of MIN(month) (SQLite's documented rule for a bare column beside a single min()), which
    spares a date conversion per row; the month comes back as text and is converted once per account."""
    sql = f"""
        SELECT account_id, MIN(month), first_day FROM {table(TransactionMonth)}
        WHERE orders > 0 AND month <= {date_literal(period.until)}{_only(restricted)} GROUP BY account_id"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [])
        rows = cursor.fetchall()
    if not rows:
        return np.zeros((0, 3), dtype=np.int64)
    accounts, months, days = zip(*rows, strict=True)
    first = np.array(months, dtype="datetime64[D]").astype(np.int64) + np.array(days, dtype=np.int64) - 1
    return np.stack([np.array(accounts, dtype=np.int64), first, np.ones(len(rows), dtype=np.int64)], axis=1)


def _payment_sql(period: Period, restricted: bool) -> str:
    since, until = date_literal(period.since), date_literal(period.until)
    paid = f"paid_month >= {since} AND paid_month <= {until}"
    return f"""
        SELECT account_id,
          SUM(CASE WHEN {paid} THEN payments ELSE 0 END),
          SUM(CASE WHEN {paid} THEN days ELSE 0 END),
          SUM(CASE WHEN invoice_month >= {since} THEN amount ELSE 0 END),
          SUM(CASE WHEN invoice_month >= {since} AND paid_month > {until} THEN amount ELSE 0 END)
        FROM {table(PaymentMonth)} WHERE invoice_month <= {until} AND paid_month >= {since}{_only(restricted)}
        GROUP BY account_id"""


def _feedback_sql(period: Period, restricted: bool) -> str:
    return f"""
        SELECT account_id, SUM(praise), SUM(complaints), SUM(suggestions) FROM {table(FeedbackMonth)}
        WHERE {_months(period)}{_only(restricted)} GROUP BY account_id"""


def _blocks(period: Period, previous: datetime.date, restricted: bool):
    """(rows as an int matrix: account id first, then the named columns) per grouped query."""
    if is_postgres():
        yield (
            fetch_ints(_transaction_scan_sql(period, previous, restricted), len(TRANSACTION_COLUMNS) + 4),
            (*TRANSACTION_COLUMNS, "first_ever", "first_ever_present", "previous_revenue"),
        )
    else:
        yield (
            fetch_ints(_transaction_sql(period, restricted), len(TRANSACTION_COLUMNS) + 1),
            TRANSACTION_COLUMNS,
        )
        yield fetch_ints(_previous_sql(period, previous, restricted), 2), ("previous_revenue",)
        yield _first_orders(period, restricted), ("first_ever", "first_ever_present")
    yield fetch_ints(_payment_sql(period, restricted), 5), ("paid", "paid_days", "invoiced", "unpaid")
    yield fetch_ints(_feedback_sql(period, restricted), 4), ("praise", "complaints", "suggestions")


def aligned(ids: np.ndarray, block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(positions in the sorted `ids`, which rows of `block` have one) for the account ids in block[:, 0]:
    rows of accounts that are gone (or not asked for) are dropped."""
    if not len(ids) or not len(block):
        return np.zeros(0, dtype=np.int64), np.zeros(len(block), dtype=bool)
    found = np.searchsorted(ids, block[:, 0])
    keep = (found < len(ids)) & (ids[np.minimum(found, len(ids) - 1)] == block[:, 0])
    return found[keep], keep


def scan(ids: np.ndarray, period: Period, previous: datetime.date, *, restricted: bool = False) -> np.ndarray:
    """len(ids) × WIDTH sums from the rollups, aligned with the sorted `ids` (zeros where an account has no
    rollups); `restricted`: only the accounts in the SCAN_ACCOUNTS table are summed."""
    matrix = np.zeros((len(ids), WIDTH), dtype=np.int64)
    for block, names in _blocks(period, previous, restricted):
        positions, keep = aligned(ids, block)
        for offset, name in enumerate(names, start=1):
            matrix[positions, LEDGER_COLUMNS.index(name)] = block[keep, offset]
    return matrix


# Keeping them ----------------------------------------------------------------------------------------


def touch(accounts_sql: str) -> None:
    """Mark the sums of the accounts that `accounts_sql` selects (an account_id column) as changed."""
    target = table(AccountPeriodSums)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {target} (account_id, changes) "
            f"SELECT DISTINCT account_id, 1 FROM ({accounts_sql}) AS touched WHERE TRUE ORDER BY account_id "
            f"ON CONFLICT (account_id) DO UPDATE SET changes = {target}.changes + 1",
            [],
        )


def forget_all() -> None:
    """After a rollup rebuild: nothing kept is trusted."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table(AccountPeriodSums)}", [])


def _current(period: Period, previous: datetime.date) -> str:
    return (
        f"computed = changes AND period_since = {date_literal(period.since)} "
        f"AND period_until = {date_literal(period.until)} AND previous_since = {date_literal(previous)}"
    )


def _read(period: Period, previous: datetime.date) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every kept row: account ids, their `changes`, whether the sums are current for the period, the sums
    (zeros where there are none)."""
    current = f"CASE WHEN {_current(period, previous)} THEN 1 ELSE 0 END"
    target = table(AccountPeriodSums)
    if is_postgres():
        zero = f"decode(repeat('00', {SUMS_BYTES}), 'hex')"
        packed = f"int8send(CAST(account_id AS BIGINT)) || int8send(changes) || int4send({current})"
        data = fetch_bytes(f"SELECT string_agg({packed} || COALESCE(sums, {zero}), ''::bytea) FROM {target}")
        rows = np.frombuffer(
            data, dtype=[("id", ">i8"), ("changes", ">i8"), ("current", ">i4"), ("sums", "<i8", (WIDTH,))]
        )
        return (
            rows["id"].astype(np.int64),
            rows["changes"].astype(np.int64),
            rows["current"].astype(bool),
            rows["sums"].astype(np.int64).reshape(len(rows), WIDTH),
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT account_id, changes, {current}, COALESCE(sums, zeroblob({SUMS_BYTES})) FROM {target}"
        )
        rows = cursor.fetchall()
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty.astype(bool), np.zeros((0, WIDTH), dtype=np.int64)
    ids, changes, fresh, sums = zip(*rows, strict=True)
    return (
        np.array(ids, dtype=np.int64),
        np.array(changes, dtype=np.int64),
        np.array(fresh, dtype=bool),
        np.frombuffer(b"".join(sums), dtype="<i8").astype(np.int64).reshape(len(rows), WIDTH),
    )


def _fill(name: str, columns: str, rows: list[tuple] | np.ndarray) -> None:
    """A fresh temporary table `name` holding `rows` (a binary COPY layout on PostgreSQL, tuples on SQLite);
    PostgreSQL analyses it, so the planner knows how many accounts it holds."""
    names = [column.split()[0] for column in columns.split(", ")]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}", [])
        cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns})", [])
        if is_postgres():
            copy_in(name, names, rows)
            cursor.execute(f"ANALYZE {name}", [])
        else:
            cursor.executemany(f"INSERT INTO {name} VALUES ({', '.join(['%s'] * len(names))})", rows)


def _drop(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}", [])


def _scan_some(ids: np.ndarray, todo: np.ndarray, period: Period, previous: datetime.date) -> np.ndarray:
    """The sums of the accounts ids[todo], restricted to them through a temporary table of their ids."""
    wanted = ids[todo]
    if is_postgres():
        rows = np.zeros(len(wanted), dtype=[("count", ">i2"), ("l", ">i4"), ("id", ">i8")])
        rows["count"], rows["l"], rows["id"] = 1, 8, wanted
    else:
        rows = [(int(account),) for account in wanted]
    _fill(SCAN_ACCOUNTS, "account_id bigint PRIMARY KEY", rows)
    try:
        return scan(ids, period, previous, restricted=True)
    finally:
        _drop(SCAN_ACCOUNTS)


def _store(ids: np.ndarray, changes: np.ndarray, sums: np.ndarray, period: Period, previous: datetime.date):
    """Keep freshly scanned sums: rows whose `changes` is still what was read before the scan get them;
    accounts without a row (changes −1) get one, unless a writer inserted it meanwhile."""
    if not len(ids):
        return
    if is_postgres():
        rows = np.zeros(len(ids), dtype=[
            ("count", ">i2"), ("l0", ">i4"), ("id", ">i8"), ("l1", ">i4"), ("changes", ">i8"),
            ("l2", ">i4"), ("sums", "<i8", (WIDTH,)),
        ])  # fmt: skip
        rows["count"], rows["l0"], rows["l1"], rows["l2"] = 3, 8, 8, SUMS_BYTES
        rows["id"], rows["changes"], rows["sums"] = ids, changes, sums
        blob = "bytea"
    else:
        packed = np.ascontiguousarray(sums.astype("<i8")).view(np.dtype((np.void, SUMS_BYTES))).ravel()
        rows = list(zip(ids.tolist(), changes.tolist(), packed.tolist(), strict=True))
        blob = "blob"
    target = table(AccountPeriodSums)
    since, until, before = (date_literal(day) for day in (period.since, period.until, previous))
    with transaction.atomic():
        _fill(NEW_SUMS, f"account_id bigint, changes bigint, sums {blob}", rows)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {target} SET sums = n.sums, computed = n.changes, period_since = {since}, "
                f"period_until = {until}, previous_since = {before} FROM {NEW_SUMS} AS n "
                f"WHERE {target}.account_id = n.account_id AND {target}.changes = n.changes",
                [],
            )
            cursor.execute(
                f"INSERT INTO {target} (account_id, changes, computed, period_since, period_until, "
                f"previous_since, sums) SELECT account_id, 0, 0, {since}, {until}, {before}, sums "
                f"FROM {NEW_SUMS} AS n WHERE n.changes = -1 ON CONFLICT (account_id) DO NOTHING",
                [],
            )
        _drop(NEW_SUMS)


def for_period(ids: np.ndarray, period: Period, previous: datetime.date) -> tuple[np.ndarray, dict]:
    """len(ids) × WIDTH ledger sums of the sorted account `ids` for `period` (growth compared with the
    months since `previous`): the kept ones where current, the others scanned and kept; and what was done
    (`kept`, `scanned` accounts, `full_scan`)."""
    kept_ids, kept_changes, current, kept_sums = _read(period, previous)
    positions, keep = aligned(ids, kept_ids.reshape(-1, 1))
    matrix = np.zeros((len(ids), WIDTH), dtype=np.int64)
    changes = np.full(len(ids), -1, dtype=np.int64)
    changes[positions] = kept_changes[keep]
    fresh = np.zeros(len(ids), dtype=bool)
    fresh[positions] = current[keep]
    matrix[positions] = kept_sums[keep]
    todo = ~fresh
    full = bool(todo.sum() > FULL_SCAN_SHARE * len(ids))
    if todo.any():
        scanned = scan(ids, period, previous) if full else _scan_some(ids, todo, period, previous)
        matrix[todo] = scanned[todo]
        _store(ids[todo], changes[todo], matrix[todo], period, previous)
    return matrix, {"kept": int(fresh.sum()), "scanned": int(todo.sum()), "full_scan": full}
