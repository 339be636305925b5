"""Keeping the monthly rollups equal to the ledger: the only code that writes them.

Three ways in, all set-based SQL (no row-by-row Python):

- `Rollup.add(source)`: new ledger rows (an import's staged rows) are aggregated per cell and merged into the
  rollups with INSERT … ON CONFLICT DO UPDATE — sums and counts add up, maxima take the larger, the order-day
  masks are ORed. Concurrent writers never lose each other's increments.
- `refresh(kind, cells)`: cells whose rows changed or went away (an edit, a delete, a re-import that changes
  a row) are deleted and aggregated again from the ledger: a maximum or a set of order days cannot be
  "subtracted". A cell is (account, month); for payments (account, invoice month), the unit that a change
  to one invoice can move money within.
- `rebuild()`: everything from scratch (the generator, after loading millions of rows).

Each of them also tells `period_sums` which accounts' kept period sums they made stale.

Under PostgreSQL's READ COMMITTED a refresh racing an `add` on the same cell stays exact: the add's upsert
waits for the refresh's row, then adds its delta to the recomputed value, which could not have seen it.
"""

import abc
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from kam.tiering import period_sums
from kam.tiering.models import (
    UNPAID_MONTH,
    Feedback,
    FeedbackMonth,
    Payment,
    PaymentMonth,
    Transaction,
    TransactionMonth,
)

#: Bits 0–30 of an order-day mask; their count is the number of order days.
_MASK_BITS = 31


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def month_sql(column: str) -> str:
    if _postgres():
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def day_sql(column: str) -> str:
    if _postgres():
        return f"CAST(EXTRACT(DAY FROM {column}) AS integer)"
    return f"CAST(strftime('%%d', {column}) AS integer)"


def days_between_sql(later: str, earlier: str) -> str:
    if _postgres():
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS integer)"


def unpaid_month_sql() -> str:
    value = UNPAID_MONTH.isoformat()
    return f"DATE '{value}'" if _postgres() else f"'{value}'"


def bit_count_sql(expression: str) -> str:
    """The number of set bits of a 31-bit mask, in SQL both databases run (SQLite has no popcount)."""
    return "(" + " + ".join(f"(({expression} >> {bit}) & 1)" for bit in range(_MASK_BITS)) + ")"


def _greatest(a: str, b: str) -> str:
    """The larger of two values where either may be NULL (NULL only if both are)."""
    return f"GREATEST({a}, {b})" if _postgres() else f"COALESCE(MAX({a}, {b}), {a}, {b})"


def _least(a: str, b: str) -> str:
    return f"LEAST({a}, {b})" if _postgres() else f"COALESCE(MIN({a}, {b}), {a}, {b})"


@dataclass(frozen=True)
class Column:
    """A rollup column: how it is aggregated from source rows and merged into an existing cell."""

    name: str
    aggregate: str
    merge: str = "add"  # add | greatest | least | bit_or


class Rollup(abc.ABC):
    """How one ledger kind is rolled up. A source relation has the key columns plus what `columns` read."""

    model: type
    #: The cell key columns, in the rollup's primary-key order.
    key: tuple[str, ...]
    #: What a refresh deletes and recomputes: the leading key columns that one ledger row change can affect.
    refresh_key: tuple[str, ...]
    columns: tuple[Column, ...]
    #: Columns computed from another after every write: name → (column, SQL function of that column).
    derived: dict = {}

    @abc.abstractmethod
    def raw_source(self) -> str:
        """The ledger table as a source relation (months and days computed in SQL)."""

    @property
    def table(self) -> str:
        return connection.ops.quote_name(self.model._meta.db_table)

    def aggregate_sql(self, source: str, where: str = "TRUE") -> str:
        keys = ", ".join(self.key)
        aggregates = ", ".join(f"{c.aggregate} AS {c.name}" for c in self.columns)
        return f"SELECT {keys}, {aggregates} FROM ({source}) AS s WHERE {where} GROUP BY {keys}"

    def insert_sql(self, source: str, where: str = "TRUE") -> str:
        """INSERT the aggregated `source` (its cells must be absent from the rollup)."""
        plain = [*self.key, *(c.name for c in self.columns)]
        derived = [function(f"a.{column}") for column, function in self.derived.values()]
        # "WHERE TRUE": SQLite needs a WHERE before ON CONFLICT to parse an INSERT … SELECT upsert
        return (
            f"INSERT INTO {self.table} ({', '.join([*plain, *self.derived])}) "
            f"SELECT {', '.join([*plain, *derived])} "
            f"FROM ({self.aggregate_sql(source, where)}) AS a WHERE TRUE"
        )

    def upsert_sql(self, source: str, where: str = "TRUE") -> str:
        """INSERT the aggregated `source`, adding it to the cells that exist."""
        merged = {}
        for c in self.columns:
            old, new = f"{self.table}.{c.name}", f"excluded.{c.name}"
            merged[c.name] = {
                "add": f"{old} + {new}",
                "greatest": _greatest(old, new),
                "least": _least(old, new),
                "bit_or": f"({old} | {new})",
            }[c.merge]
        merged.update({name: function(merged[column]) for name, (column, function) in self.derived.items()})
        assignments = ", ".join(f"{name} = {expression}" for name, expression in merged.items())
        target = ", ".join(self.key)
        return f"{self.insert_sql(source, where)} ON CONFLICT ({target}) DO UPDATE SET {assignments}"

    # Writing ------------------------------------------------------------------------------------

    def add(self, source: str, where: str = "TRUE") -> None:
        """Merge the rows of `source` (e.g. an import's new rows, staged) into the rollup."""
        with connection.cursor() as cursor:
            cursor.execute(self.upsert_sql(source, where), [])
        period_sums.touch(f"SELECT account_id FROM ({source}) AS s WHERE {where}")

    def refresh(self, cells: Iterable[tuple]) -> None:
        """Recompute the cells named by `refresh_key` values (e.g. (account_id, month)) from the ledger."""
        cells = sorted(set(cells))
        if not cells:
            return
        keys = self.refresh_key
        match = " AND ".join(f"c.{key} = {{alias}}.{key}" for key in keys)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS tiering_refresh_cells", [])
            columns = ", ".join(f"{key} {'bigint' if key == 'account_id' else 'date'}" for key in keys)
            cursor.execute(f"CREATE TEMPORARY TABLE tiering_refresh_cells ({columns})", [])
            placeholders = ", ".join(["%s"] * len(keys))
            adapt = connection.ops.adapt_datefield_value
            rows = [
                [
                    value if key == "account_id" else adapt(value)
                    for key, value in zip(keys, cell, strict=True)
                ]
                for cell in cells
            ]
            cursor.executemany(f"INSERT INTO tiering_refresh_cells VALUES ({placeholders})", rows)
            in_cells = "EXISTS (SELECT 1 FROM tiering_refresh_cells AS c WHERE {match})"
            cursor.execute(
                f"DELETE FROM {self.table} WHERE " + in_cells.format(match=match.format(alias=self.table)), []
            )
            cursor.execute(
                self.insert_sql(self.raw_source(), in_cells.format(match=match.format(alias="s"))), []
            )
            period_sums.touch("SELECT account_id FROM tiering_refresh_cells")
            cursor.execute("DROP TABLE tiering_refresh_cells", [])

    def rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}", [])
            cursor.execute(self.insert_sql(self.raw_source()), [])


def _bit_or(expression: str) -> str:
    """OR of the rows' bits (SQLite has no bit_or(); a sum of distinct powers of two is the same)."""
    return f"bit_or({expression})" if _postgres() else f"SUM(DISTINCT {expression})"


class TransactionRollup(Rollup):
    model = TransactionMonth
    key = ("account_id", "month")
    refresh_key = ("account_id", "month")
    derived = {"order_days": ("day_mask", bit_count_sql)}

    @property
    def columns(self):
        sale = "CASE WHEN is_return THEN {0} ELSE {1} END"
        return (
            Column("orders", "SUM(" + sale.format("0", "1") + ")"),
            Column("sales", "SUM(" + sale.format("0", "amount") + ")"),
            Column("max_sale", "MAX(" + sale.format("NULL", "amount") + ")", "greatest"),
            Column("returns", "SUM(" + sale.format("1", "0") + ")"),
            Column("returned", "SUM(" + sale.format("amount", "0") + ")"),
            Column(
                "margin", "SUM(CASE WHEN margin IS NULL THEN 0 WHEN is_return THEN -margin ELSE margin END)"
            ),
            Column(
                "margin_base",
                "SUM(CASE WHEN margin IS NULL THEN 0 WHEN is_return THEN -amount ELSE amount END)",
            ),
            Column("costed", "SUM(CASE WHEN margin IS NULL THEN 0 ELSE 1 END)"),
            Column("day_mask", _bit_or(sale.format("0", "(1 << (day - 1))")), "bit_or"),
            Column("first_day", "MIN(" + sale.format("NULL", "day") + ")", "least"),
            Column("last_day", "MAX(" + sale.format("NULL", "day") + ")", "greatest"),
        )

    def raw_source(self) -> str:
        table = connection.ops.quote_name(Transaction._meta.db_table)
        return (
            f"SELECT account_id, {month_sql('ordered_on')} AS month, {day_sql('ordered_on')} AS day, "
            f"amount, margin, is_return FROM {table}"
        )


class PaymentRollup(Rollup):
    model = PaymentMonth
    key = ("account_id", "invoice_month", "paid_month")
    refresh_key = ("account_id", "invoice_month")
    columns = (
        Column("payments", "COUNT(*)"),
        Column("amount", "SUM(amount)"),
        Column("max_amount", "MAX(amount)", "greatest"),
        Column("days", "SUM(days)"),
    )

    def raw_source(self) -> str:
        table = connection.ops.quote_name(Payment._meta.db_table)
        return (
            f"SELECT account_id, {month_sql('invoiced_on')} AS invoice_month, "
            f"COALESCE({month_sql('paid_on')}, {unpaid_month_sql()}) AS paid_month, amount, "
            f"CASE WHEN paid_on IS NULL THEN 0 ELSE {days_between_sql('paid_on', 'invoiced_on')} END AS days "
            f"FROM {table}"
        )


class FeedbackRollup(Rollup):
    model = FeedbackMonth
    key = ("account_id", "month")
    refresh_key = ("account_id", "month")
    columns = (
        Column("praise", "SUM(CASE WHEN kind = 'praise' THEN 1 ELSE 0 END)"),
        Column("complaints", "SUM(CASE WHEN kind = 'complaint' THEN 1 ELSE 0 END)"),
        Column("suggestions", "SUM(CASE WHEN kind = 'suggestion' THEN 1 ELSE 0 END)"),
    )

    def raw_source(self) -> str:
        table = connection.ops.quote_name(Feedback._meta.db_table)
        return f"SELECT account_id, {month_sql('received_on')} AS month, kind FROM {table}"


ROLLUPS: dict[str, Rollup] = {
    "transactions": TransactionRollup(),
    "payments": PaymentRollup(),
    "feedback": FeedbackRollup(),
}


def cell_of(kind: str, record) -> tuple:
    """The refresh cell a ledger record belongs to, e.g. (account id, first day of its month)."""
    day = {"transactions": "ordered_on", "payments": "invoiced_on", "feedback": "received_on"}[kind]
    value: datetime.date = getattr(record, day)
    return (record.account_id, value.replace(day=1))


def refresh(kind: str, cells: Iterable[tuple]) -> None:
    ROLLUPS[kind].refresh(cells)


def rebuild() -> None:
    for rollup in ROLLUPS.values():
        rollup.rebuild()
    period_sums.forget_all()
