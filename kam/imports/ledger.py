"""The fast path of the import for the sales ledger: transactions, payments and customer feedback.

Same page, same `kam import KIND FILE`, same located errors and all-or-nothing as every other kind — but
built for files of millions of rows, where a model instance or an audit snapshot per row would take minutes:

1. parse (`parse`): the rows are taken in blocks of STAGE_ROWS, each checked column by column (the parsers
   of `specs.COLUMNS`, in one pass per column where they have a vector form), its account codes resolved
   against the accounts the user may change (one query a block, the codes as one parameter), its rows'
   cross-field rules applied (`finish`), and the good rows are staged — COPY on PostgreSQL, a prepared
   executemany on SQLite — into a temporary table. A CSV file that Polars reads (kam.imports.columnar) has
   its plain rows (`plain_rule`) checked and staged column-wise first, FRAME_ROWS at a time; only its
   other rows go through the blocks. Progress goes to the job row between blocks.
2. plan (`resolve`): set-based checks on the staged rows — a number used twice in the file, which rows
   match a saved record (re-import: update, or unchanged), how many are new — in a few SQL statements.
3. write (in the import's one transaction): changed records are updated in one statement (refused if someone
   saved them meanwhile), new ones inserted in one INSERT … SELECT sorted by the unique key, and the monthly
   rollups (kam.tiering.rollups) take the new rows in one grouped upsert; the cells of changed rows are
   recomputed. The audit log gets one entry per changed record (before/after) and one entry for the batch
   of created records (what the job created, in which file) — a JSON snapshot per new ledger row would cost
   more than the import itself, and the rows say what they are.
"""

import abc
import datetime
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, compress

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Account
from kam.audit.models import AuditAction
from kam.audit.services import audit_bulk, snapshot
from kam.imports.importers import CHUNK, Importer, StaleImportError, chunked
from kam.imports.readers import Table
from kam.imports.specs import OMIT
from kam.tiering import rollups
from kam.tiering.models import UNPAID_MONTH, Feedback, Payment, Transaction
from kam.tiering.services import feedback_number

STAGING = "kam_ledger_staging"
MATCHES = "kam_ledger_matches"
#: Rows checked, staged and reported as progress at a time.
STAGE_ROWS = 20_000
#: Rows of a column-wise read file checked, staged and reported as progress at a time.
FRAME_ROWS = 200_000
WORK_MEM = "256MB"
REQUIRED = _("a value is required.")


@dataclass(frozen=True)
class StagedRows:
    """The rows of a file that passed the cell checks, waiting in the staging table."""

    count: int

    def __len__(self) -> int:
        return self.count


class LedgerImporter(Importer):
    """Stages, checks and writes one ledger kind set-based; subclasses say how a row becomes staged."""

    #: Model fields stored from the file, after the account and the number (the staging table's columns too).
    fields: tuple[str, ...]
    #: Staging-only columns the rollup reads (name, SQL type).
    extras: tuple[tuple[str, str], ...]
    #: The rollup's source columns, as a SELECT list over the staging table.
    rollup_columns: str
    #: Columns that must have a value (beyond those whose parser already says so).
    required_keys: tuple[str, ...] = ()

    def __init__(self, *, actor):
        super().__init__(actor=actor)
        self.accounts: dict[str, int | None] = {}
        #: The accounts of the staged rows (for the batch's audit entry).
        self.account_ids: set[int] = set()
        self.staged = 0
        #: Rows staged by the column-wise path (kam.imports.columnar), counted in `staged` too.
        self.staged_from_frame = 0
        self.matched = 0
        self.changed = 0
        self.postgres = connection.vendor == "postgresql"

    @property
    def created_count(self) -> int:
        return self.staged - self.matched

    @property
    def updated_count(self) -> int:
        return self.changed

    # Step 1: cells, accounts, staging ---------------------------------------------------------------

    @abc.abstractmethod
    def finish(self, line: int, values: dict) -> tuple | None:
        """The staged tuple after (line, account_id): (number, *fields, *extras), or None after an error."""

    def plain_rule(self) -> tuple[object, list] | None:
        """For the column-wise path: (a Polars condition on the parsed columns that holds for the rows
        `finish` stages as they are, the Polars expressions of their staged columns after line and
        account_id); None if this kind has no such path."""
        return None

    def parse(self, table: Table, progress) -> StagedRows:
        mapped = self.map_header(table)
        if self.errors:
            return StagedRows(0)
        self.create_staging()
        frame = self.read_frame(table)
        if frame is None:
            blocks = self.parse_blocks(table, mapped, progress, STAGE_ROWS)
        else:
            blocks = self.parse_frame(frame, mapped, progress, table.header)
        seen = 0
        for numbers, columns, bad in blocks:
            seen += len(numbers)
            if bad:  # a row with a bad cell is not staged
                keep = [number not in bad for number in numbers]
                numbers = list(compress(numbers, keep))
                columns = {key: list(compress(values, keep)) for key, values in columns.items()}
            self.stage((numbers, columns))
        return StagedRows(seen + self.staged_from_frame)

    def read_frame(self, table: Table):
        """The file as a Polars frame if this kind and the file allow the column-wise path, else None."""
        if table.text is None or self.plain_rule() is None:
            return None
        from kam.imports import columnar  # imports Polars: only ledger imports pay for it

        return columnar.read_frame(table)

    def parse_frame(self, frame, mapped: list, progress, header: list[str]):
        """Stage the frame's plain rows, FRAME_ROWS at a time, and yield its other rows as `parse_blocks`
        would: in the same blocks of STAGE_ROWS file rows, so that errors are found (and the first
        MAX_STORED_ERRORS kept) in the same order."""
        import polars as pl

        from kam.imports.columnar import LINE

        rule, staged = self.plain_rule()
        values, certain = [], []
        for index, column in mapped:
            value, sure = column.parse.frame(pl.col(f"c{index}"))
            values.append(value.alias(column.key))
            certain.append(sure)
        mapped_keys = {column.key for _index, column in mapped}
        blank = pl.lit("", dtype=pl.String)  # a column the file lacks reads as blank cells, typed
        absent = [
            column.parse.frame(blank)[0].alias(column.key)
            for column in self.columns
            if column.key not in mapped_keys
        ]
        unnamed = [index for index, name in enumerate(header) if not name]
        certain += [pl.col(f"c{index}") == "" for index in unnamed]
        cells = [(index, column.parse, column.key) for index, column in mapped]
        seen = 0
        for block in frame.with_row_index("position").iter_slices(FRAME_ROWS):
            parsed = block.select(pl.col(LINE), *values, *absent, pl.all_horizontal(certain).alias("certain"))
            self.load_accounts(set(parsed["account_code"].unique().to_list()))
            known = {code: pk for code, pk in self.accounts.items() if pk is not None}
            account = pl.col("account_code").replace_strict(known, default=None, return_dtype=pl.Int64)
            parsed = parsed.with_columns(account.alias("account_id"))
            plain = (pl.col("certain") & pl.col("account_id").is_not_null() & rule).fill_null(False)
            is_plain = parsed.select(plain)[:, 0]
            plain_rows = parsed.filter(is_plain).select(LINE, "account_id", *staged)
            if plain_rows.height:
                self.write_staging_frame(plain_rows)
                self.account_ids.update(plain_rows["account_id"].unique().to_list())
                self.staged += plain_rows.height
                self.staged_from_frame += plain_rows.height
            others = block.filter(is_plain.not_()).with_columns(pl.col("position") // STAGE_ROWS)
            for part in others.partition_by("position", maintain_order=True, include_key=False):
                rows = zip(part[LINE], part.drop(LINE).iter_rows(), strict=True)
                yield self.parse_block([(line, list(row)) for line, row in rows], cells, len(header), unnamed)
            seen += block.height
            progress(seen)
        if not seen:
            progress(0)

    def stage(self, parsed: tuple) -> None:
        """Resolve the rows' account codes and required cells, finish them, stage the good ones."""
        numbers, columns = parsed
        if not numbers:
            return
        codes = columns["account_code"]
        self.load_accounts(set(codes))
        account_ids = list(map(self.accounts.get, codes))
        keep = [True] * len(numbers)
        for position in [i for i, account_id in enumerate(account_ids) if account_id is None]:
            message = _("there is no account with code “%(code)s” that you may change.") % {
                "code": codes[position]
            }
            self.error(numbers[position], "account_code", message)
            keep[position] = False
        for key in self.required_keys:
            values = columns.get(key) or [None] * len(numbers)
            if None in values:
                for position in [i for i, value in enumerate(values) if value is None]:
                    self.error(numbers[position], key, REQUIRED)
                    keep[position] = False
        if not all(keep):
            numbers, account_ids = list(compress(numbers, keep)), list(compress(account_ids, keep))
            columns = {key: list(compress(values, keep)) for key, values in columns.items()}
        rows = self.finish_many(numbers, account_ids, columns)
        self.account_ids.update(account_ids)
        if rows:  # staged even after an error elsewhere, so that numbers used twice are reported too
            self.write_staging(rows)
        self.staged += len(rows)

    def finish_many(self, numbers: list[int], account_ids: list[int], columns: dict) -> list[tuple]:
        """The staged tuples (line, account_id, number, *fields, *extras) of rows that pass `finish`."""
        keys = list(columns)
        rows = []
        for line, account_id, *values in zip(numbers, account_ids, *columns.values(), strict=True):
            staged = self.finish(line, dict(zip(keys, values, strict=True)))
            if staged is not None:
                rows.append((line, account_id, *staged))
        return rows

    def load_accounts(self, codes: set[str]) -> None:
        """code → id of the accounts the user may change, for the codes not looked up yet (None: no such);
        the codes go to the database as one parameter (`__any`), however many."""
        new = sorted(codes - self.accounts.keys())
        if new:
            scope = Account.objects.restrict(self.actor, "change")
            found = dict(scope.filter(code__any=new).values_list("code", "pk"))
            self.accounts.update({code: found.get(code) for code in new})

    def staging_columns(self) -> list[tuple[str, str]]:
        fields = [self.model._meta.get_field(name) for name in (self.code_field, *self.fields)]
        return [
            ("line", "integer"),
            ("account_id", "bigint"),
            *[(f.column if f.name != self.code_field else "number", f.db_type(connection)) for f in fields],
            *self.extras,
        ]

    def create_staging(self) -> None:
        columns = ", ".join(f"{name} {kind}" for name, kind in self.staging_columns())
        with connection.cursor() as cursor:
            self.drop_temporary(cursor)
            cursor.execute(f"CREATE TEMPORARY TABLE {STAGING} ({columns})", [])

    def write_staging(self, rows: Iterable[tuple]) -> None:
        if not self.postgres:
            self.insert_staging_values(list(chain.from_iterable(rows)))
            return
        with self.copy_into_staging("") as copy:
            for row in rows:
                copy.write_row(row)

    def write_staging_frame(self, rows) -> None:
        """Stage a Polars frame of rows in the staging table's column order: one CSV COPY on PostgreSQL."""
        import polars as pl

        if not self.postgres:  # SQLite stores dates as ISO text, as Django's adapter writes them
            rows = rows.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
            values = [None] * (rows.width * rows.height)
            for index, name in enumerate(rows.columns):  # laid out row after row, a column at a time
                values[index :: rows.width] = rows[name].to_list()
            self.insert_staging_values(values)
            return
        with self.copy_into_staging(" (FORMAT csv)") as copy:
            # COPY's CSV reads an unquoted empty cell as NULL and "" as an empty text, as written here
            copy.write(rows.write_csv(include_header=False, null_value="", quote_style="necessary"))

    @contextmanager
    def copy_into_staging(self, options: str):
        """PostgreSQL: a COPY into the staging table's columns, its errors as Django's."""
        names = ", ".join(name for name, _kind in self.staging_columns())
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {STAGING} ({names}) FROM STDIN{options}") as copy,
        ):
            yield copy

    def insert_staging_values(self, values: list) -> None:
        """SQLite: rows given as one flat list of values (in the staging table's column order), inserted
        with as many rows a statement as SQLite takes parameters — a third cheaper than a row a statement."""
        columns = self.staging_columns()
        names = ", ".join(name for name, _kind in columns)
        width = len(columns)
        count = len(values) // width
        per_statement = max(connection.features.max_query_params // width, 1)

        def insert(row_count: int) -> str:
            one = "(" + ", ".join(["%s"] * width) + ")"
            return f"INSERT INTO {STAGING} ({names}) VALUES " + ", ".join([one] * row_count)

        whole = count - count % per_statement
        step = per_statement * width
        with connection.cursor() as cursor:
            if whole:
                cursor.executemany(
                    insert(per_statement), (values[i : i + step] for i in range(0, whole * width, step))
                )
            if count > whole:
                cursor.execute(insert(count - whole), values[whole * width :])

    @staticmethod
    def drop_temporary(cursor) -> None:
        for table in (STAGING, MATCHES):
            cursor.execute(f"DROP TABLE IF EXISTS {table}", [])

    def close(self) -> None:
        with connection.cursor() as cursor:
            self.drop_temporary(cursor)

    # Step 2: set-based checks -------------------------------------------------------------------

    def plan(self, rows: StagedRows) -> None:
        if self.staged:
            with transaction.atomic():
                self.set_work_mem()
                self.resolve(rows)

    def set_work_mem(self) -> None:
        """PostgreSQL: room to sort and group a file's rows in memory, for this transaction only.

        The default (4 MB) makes the grouping of a million staged rows spill to disk in batches.
        """
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'", [])

    def resolve(self, rows: StagedRows) -> None:
        """Numbers used twice in the file; then which rows match saved records and which of those change."""
        table = connection.ops.quote_name(self.model._meta.db_table)
        number = connection.ops.quote_name(self.model._meta.get_field(self.code_field).column)
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(f"ANALYZE {STAGING}", [])
            cursor.execute(
                f"SELECT s.line, s.number, d.first FROM {STAGING} AS s JOIN ("
                f"SELECT account_id, number, MIN(line) AS first FROM {STAGING} GROUP BY account_id, number "
                f"HAVING COUNT(*) > 1) AS d ON d.account_id = s.account_id AND d.number = s.number "
                f"WHERE s.line <> d.first ORDER BY s.line",
                [],
            )
            for line, code, first in cursor.fetchall():
                self.error(line, self.code_field, self.duplicate_message % {"code": code, "row": first})
            if self.errors:  # the file will not be saved: no need to match it
                return
            differs = " OR ".join(
                f"t.{c} {'IS DISTINCT FROM' if self.postgres else 'IS NOT'} s.{c}"
                for c in (self.model._meta.get_field(name).column for name in self.fields)
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {MATCHES} AS "
                f"SELECT s.line AS line, t.id AS id, t.version AS version, "
                f"CASE WHEN {differs} THEN 1 ELSE 0 END AS changed FROM {STAGING} AS s JOIN {table} AS t "
                f"ON t.account_id = s.account_id AND t.{number} = s.number",
                [],
            )
            cursor.execute(f"SELECT COUNT(*), COALESCE(SUM(changed), 0) FROM {MATCHES}", [])
            self.matched, self.changed = cursor.fetchone()
            self.unchanged = self.matched - self.changed
            if self.matched:
                cursor.execute(f"CREATE INDEX {MATCHES}_line ON {MATCHES} (line)", [])

    # Step 3: write (inside the caller's transaction) -----------------------------------------------

    def new_rows_filter(self) -> str:
        return f"NOT EXISTS (SELECT 1 FROM {MATCHES} AS m WHERE m.line = s.line)" if self.matched else "TRUE"

    @property
    def now(self):
        """The write's timestamp, as the database stores it (updated_at of every row written)."""
        return connection.ops.adapt_datetimefield_value(timezone.now())

    def write(self) -> None:
        rollup = rollups.ROLLUPS[self.kind]
        self.set_work_mem()
        befores = self.update_changed()
        table = connection.ops.quote_name(self.model._meta.db_table)
        fields = [self.model._meta.get_field(name) for name in (self.code_field, *self.fields)]
        target = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        source = ", ".join(["s.number", *(f"s.{f.column}" for f in fields[1:])])
        new = self.new_rows_filter()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (account_id, {target}, version, updated_at) "
                f"SELECT s.account_id, {source}, 1, %s FROM {STAGING} AS s WHERE {new} "
                "ORDER BY s.account_id, s.number",
                [self.now],
            )
        rollup.add(f"SELECT {self.rollup_columns} FROM {STAGING} AS s WHERE {new}")
        if befores:
            afters = self.read_back(list(befores))
            cells = {rollups.cell_of(self.kind, record) for record in (*befores.values(), *afters.values())}
            rollup.refresh(cells)
            audit_bulk(
                instances=[afters[pk] for pk in befores],
                actor=self.actor,
                action=AuditAction.UPDATE,
                befores=[snapshot(record) for record in befores.values()],
                afters=[snapshot(afters[pk]) for pk in befores],
            )
        self.audit_batch()

    def read_back(self, ids: list[int]) -> dict:
        records = {}
        for part in chunked(ids, CHUNK):
            records.update({record.pk: record for record in self.model._base_manager.filter(pk__in=part)})
        return records

    def update_changed(self) -> dict:
        """Apply the file to the records it changes; their state before, by id. Stale versions are refused."""
        if not self.changed:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {MATCHES} WHERE changed = 1 ORDER BY id", [])
            befores = self.read_back([row[0] for row in cursor.fetchall()])
            table = connection.ops.quote_name(self.model._meta.db_table)
            columns = [self.model._meta.get_field(name).column for name in self.fields]
            assignments = ", ".join(f"{c} = s.{c}" for c in columns)
            cursor.execute(
                f"UPDATE {table} SET {assignments}, version = {table}.version + 1, updated_at = %s "
                f"FROM {STAGING} AS s JOIN {MATCHES} AS m ON m.line = s.line "
                f"WHERE m.changed = 1 AND {table}.id = m.id AND {table}.version = m.version",
                [self.now],
            )
            if cursor.rowcount != self.changed or len(befores) != self.changed:
                raise StaleImportError
        return befores

    def audit_batch(self) -> None:
        """One audit entry for the records this import created (the job says from which file, by whom)."""
        if not self.created_count or self.job is None:
            return
        summary = {
            "kind": self.kind,
            "file_name": self.job.file_name,
            "created": self.created_count,
            "updated": self.updated_count,
            "unchanged": self.unchanged,
            "accounts": len(self.account_ids),
        }
        audit_bulk(instances=[self.job], actor=self.actor, action=AuditAction.CREATE, afters=[summary])


def _magnitudes(*values):
    return [None if value is None else -value for value in values]


class TransactionImporter(LedgerImporter):
    """Orders and returns. A return's numbers may be written negative, as ERPs do; they are stored as
    magnitudes with the return flag. A negative number on a row that is not a return is an error."""

    kind = "transactions"
    model = Transaction
    code_field = "order_no"
    duplicate_message = _("the order no. “%(code)s” of this account is already used on row %(row)s.")
    fields = ("ordered_on", "product", "quantity", "amount", "margin", "is_return")
    extras = (("month", "date"), ("day", "integer"))
    rollup_columns = "account_id, month, day, amount, margin, is_return"
    required_keys = ("ordered_on",)

    def plain_rule(self):
        """Sales that `finish_many` stages without calling `finish` (the same rule, column-wise): not a
        return, numbers not negative, a cost or a margin (not both) that fits the amount."""
        import polars as pl

        c = pl.col
        amount, cost, margin, quantity, day = (
            c("amount"),
            c("cost"),
            c("gross_margin"),
            c("quantity"),
            c("ordered_on"),
        )
        rule = (
            c("returned").fill_null(False).not_()
            & (c("returned_amount").fill_null(0) == 0)
            & (amount >= 0)
            & (quantity.is_null() | (quantity.cast(pl.Float64, strict=False) >= 0))  # a sign test (-0 too)
            & (cost.is_null() | ((cost >= 0) & margin.is_null()))
            & (margin.is_null() | (margin <= amount))
            & day.is_not_null()
        )
        staged = [
            c("order_no").alias("number"),
            day,
            c("product").fill_null(""),
            quantity,
            amount,
            pl.when(cost.is_not_null()).then(amount - cost).otherwise(margin).alias("margin"),
            pl.lit(False).alias("is_return"),
            day.dt.truncate("1mo").alias("month"),
            day.dt.day().alias("day"),
        ]
        return rule, staged

    def finish_many(self, numbers: list[int], account_ids: list[int], columns: dict) -> list[tuple]:
        """Plain sales (the bulk of a ledger) in one pass; returns and anything unusual through `finish`.
        `plain_rule` is the same rule for the column-wise path: change the three together."""
        count = len(numbers)
        blank = [None] * count
        get = columns.get
        dates = columns["ordered_on"]
        # each distinct date once: its stored form (SQLite takes text faster than dates), its month, its day
        adapt = connection.ops.adapt_datefield_value
        stored = {day: (adapt(day), adapt(day.replace(day=1)), day.day) for day in set(dates)}
        keys = list(columns)
        rows = []
        lines = zip(
            numbers, account_ids, columns["order_no"], dates, get("product", [""] * count),
            get("quantity", blank), get("amount", blank), get("cost", blank), get("gross_margin", blank),
            get("returned", blank), get("returned_amount", blank), zip(*columns.values(), strict=True),
            strict=True,
        )  # fmt: skip
        for (
            line,
            account_id,
            number,
            day,
            product,
            quantity,
            amount,
            cost,
            margin,
            returned,
            refund,
            values,
        ) in lines:
            if (
                returned is not True
                and not refund
                and amount is not None
                and amount >= 0
                and (quantity is None or quantity >= 0)
                and (cost is None or (cost >= 0 and margin is None))
                and (margin is None or margin <= amount)
            ):
                margin = amount - cost if cost is not None else margin
                when, month, day_of_month = stored[day]
                rows.append(
                    (
                        line,
                        account_id,
                        number,
                        when,
                        product,
                        quantity,
                        amount,
                        margin,
                        False,
                        month,
                        day_of_month,
                    )
                )
            else:
                staged = self.finish(line, dict(zip(keys, values, strict=True)))
                if staged is not None:
                    rows.append((line, account_id, *staged))
        return rows

    def finish(self, line: int, values: dict) -> tuple | None:
        error, before = self.error, self.errors.count
        amount, quantity = values.get("amount"), values.get("quantity")
        cost, margin, refund = values.get("cost"), values.get("gross_margin"), values.get("returned_amount")
        returned = values.get("returned")
        if returned is None or returned is OMIT:  # blank: a return if it says what was returned
            returned = bool(refund)
        if returned:
            if any(value is not None and value < 0 for value in (amount, quantity, refund)):
                amount, quantity, cost, margin, refund = _magnitudes(amount, quantity, cost, margin, refund)
            for key, value in (("quantity", quantity), ("amount", amount), ("returned_amount", refund)):
                if value is not None and value < 0:
                    error(line, key, _("write the numbers of a return all negative or all positive."))
            if refund is not None:
                if amount is None:
                    amount = refund
                elif refund != amount:
                    error(
                        line, "returned_amount", _("a return's returned amount is its amount; they differ.")
                    )
        else:
            if refund:
                error(
                    line,
                    "returned_amount",
                    _("only a return has a returned amount: set “returned” to yes, or clear this cell."),
                )
            if quantity is not None and quantity < 0:
                error(
                    line,
                    "quantity",
                    _("a negative quantity is only allowed on a return: set “returned” to yes."),
                )
            if amount is not None and amount < 0:
                error(
                    line, "amount", _("a negative amount is only allowed on a return: set “returned” to yes.")
                )
        if amount is None:
            error(line, "amount", REQUIRED)
        elif cost is not None:
            if cost < 0:
                error(line, "cost", _("the cost cannot be negative."))
            elif margin is not None and margin != amount - cost:
                error(line, "gross_margin", _("the gross margin is not the amount minus the cost."))
            margin = amount - cost
        elif margin is not None and margin > amount:
            error(
                line,
                "gross_margin",
                _("the gross margin cannot exceed the amount (the cost is not negative)."),
            )
        if self.errors.count != before:
            return None
        day: datetime.date = values["ordered_on"]
        return (
            values["order_no"],
            day,
            values.get("product", ""),
            quantity,
            amount,
            margin,
            returned,
            day.replace(day=1),
            day.day,
        )


class PaymentImporter(LedgerImporter):
    kind = "payments"
    model = Payment
    code_field = "invoice_no"
    duplicate_message = _("the invoice no. “%(code)s” of this account is already used on row %(row)s.")
    fields = ("invoiced_on", "due_on", "paid_on", "amount")
    extras = (("invoice_month", "date"), ("paid_month", "date"), ("days", "integer"))
    rollup_columns = "account_id, invoice_month, paid_month, amount, days"
    required_keys = ("invoiced_on", "amount")

    def plain_rule(self):
        """Every payment `finish` accepts (the same rule, column-wise): an amount not negative, due (if
        given) not before the invoice."""
        import polars as pl

        invoiced, due, paid, amount = (
            pl.col("invoiced_on"),
            pl.col("due_on"),
            pl.col("paid_on"),
            pl.col("amount"),
        )
        rule = invoiced.is_not_null() & (amount >= 0) & (due.is_null() | (due >= invoiced))
        staged = [
            pl.col("invoice_no").alias("number"),
            invoiced,
            due,
            paid,
            amount,
            invoiced.dt.truncate("1mo").alias("invoice_month"),
            pl.when(paid.is_null()).then(UNPAID_MONTH).otherwise(paid.dt.truncate("1mo")).alias("paid_month"),
            pl.when(paid.is_null()).then(0).otherwise((paid - invoiced).dt.total_days()).alias("days"),
        ]
        return rule, staged

    def finish(self, line: int, values: dict) -> tuple | None:
        invoiced, due, paid = values["invoiced_on"], values.get("due_on"), values.get("paid_on")
        amount = values["amount"]
        before = self.errors.count
        if amount < 0:
            self.error(line, "amount", _("the amount cannot be negative."))
        if due is not None and due < invoiced:
            self.error(line, "due_on", _("the due date is before the invoice date."))
        if self.errors.count != before:
            return None
        return (
            values["invoice_no"],
            invoiced,
            due,
            paid,
            amount,
            invoiced.replace(day=1),
            paid.replace(day=1) if paid is not None else UNPAID_MONTH,
            (paid - invoiced).days if paid is not None else 0,
        )


class FeedbackImporter(LedgerImporter):
    kind = "feedback"
    model = Feedback
    code_field = "number"
    duplicate_message = _("the number “%(code)s” of this account is already used on row %(row)s.")
    fields = ("kind", "received_on", "text")
    extras = (("month", "date"),)
    rollup_columns = "account_id, month, kind"
    required_keys = ("received_on",)

    def plain_rule(self):
        """Feedback that gives its own number (`finish` makes one from a row without, in Python)."""
        import polars as pl

        number, day = pl.col("number"), pl.col("received_on")
        rule = (number != "") & day.is_not_null() & pl.col("kind").is_not_null()
        return rule, [number, pl.col("kind"), day, pl.col("text"), day.dt.truncate("1mo").alias("month")]

    def finish(self, line: int, values: dict) -> tuple | None:
        day, kind, text = values["received_on"], values["kind"], values["text"]
        return (values.get("number") or feedback_number(day, kind, text), kind, day, text, day.replace(day=1))


LEDGER_IMPORTERS: dict[str, type[LedgerImporter]] = {
    importer.kind: importer for importer in (TransactionImporter, PaymentImporter, FeedbackImporter)
}
