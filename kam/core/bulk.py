"""Bulk INSERT and UPDATE (imports, the audit log), without Django's per-value SQL compilation.

bulk_create compiles SQL for every value, and bulk_update writes a CASE per field and row: for
20,000 accounts that costs seconds (bulk_update tens of seconds). Here the rows go to the database
as plain parameter lists — executemany on SQLite, COPY on PostgreSQL (ARCHITECTURE §6) — with the
driver adapting the common types, and Django's own adaptation for any other field type.
Call these inside a transaction: on SQLite the new ids are taken while the transaction holds the
write lock (BEGIN IMMEDIATE, see config/env.py). Database errors surface as Django's (IntegrityError …),
COPY included.
"""

from collections.abc import Callable, Sequence

from django.db import connection, models
from django.utils import timezone

#: Field types whose Python values the drivers adapt themselves (Django registers SQLite's adapters).
NATIVE_TYPES = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "DateField",
    "DecimalField", "EmailField", "ForeignKey", "IntegerField", "PositiveIntegerField",
    "PositiveSmallIntegerField", "SlugField", "SmallIntegerField", "TextField", "URLField",
}  # fmt: skip


def _adapter(model_field: models.Field) -> Callable | None:
    """None for types the driver adapts; else Django's adaptation, done once per distinct value."""
    if model_field.get_internal_type() in NATIVE_TYPES:
        return None
    adapted = {}

    def adapt(value):
        try:
            return adapted[value]
        except KeyError:
            adapted[value] = model_field.get_db_prep_save(value, connection)
            return adapted[value]
        except TypeError:  # not hashable (JSON)
            return model_field.get_db_prep_save(value, connection)

    return adapt


def _rows(instances: Sequence[models.Model], fields: Sequence[models.Field]) -> list[list]:
    adapters = [(index, adapter) for index, f in enumerate(fields) if (adapter := _adapter(f)) is not None]
    attnames = [f.attname for f in fields]
    rows = []
    for instance in instances:
        values = instance.__dict__
        row = [values[attname] for attname in attnames]
        for index, adapter in adapters:
            row[index] = adapter(row[index])
        rows.append(row)
    return rows


def reserve_ids(model: type[models.Model], instances: Sequence[models.Model]) -> None:
    """Give new `instances` their ids before the INSERT, so rows can point at each other in one pass.

    Foreign keys are checked at commit (Django creates them DEFERRABLE INITIALLY DEFERRED).
    """
    if not instances:
        return
    table, pk_column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk_column, len(instances)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        else:  # SQLite AUTOINCREMENT never reuses an id: continue after the highest one ever handed out.
            cursor.execute("SELECT MAX(seq) FROM sqlite_sequence WHERE name = %s", [table])
            highest = cursor.fetchone()[0] or 0
            quote = connection.ops.quote_name
            cursor.execute(f"SELECT MAX({quote(pk_column)}) FROM {quote(table)}")
            start = max(highest, cursor.fetchone()[0] or 0) + 1
            ids = range(start, start + len(instances))
    for instance, pk in zip(instances, ids, strict=True):
        instance.pk = pk


def insert(model: type[models.Model], instances: Sequence[models.Model]) -> None:
    """INSERT new `instances` whose ids are reserved; unset timestamps become the transaction's time."""
    if not instances:
        return
    fields = model._meta.concrete_fields
    stamped = [
        f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    now = timezone.now()
    for instance in instances:
        instance._state.adding = False
        for attname in stamped:
            if getattr(instance, attname) is None:  # a caller may set them (e.g. generated history)
                setattr(instance, attname, now)
    insert_rows(model, [f.attname for f in fields], _rows(instances, fields))


def insert_rows(model: type[models.Model], attnames: Sequence[str], rows: Sequence[Sequence]) -> None:
    """INSERT plain value lists into `attnames` columns; values must already be in database form."""
    if not rows:
        return
    opts = model._meta
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    columns = ", ".join(quote(opts.get_field(name).column) for name in attnames)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(attnames))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def update(model: type[models.Model], instances: Sequence[models.Model], field_names: Sequence[str]) -> None:
    """UPDATE `field_names` (names or attnames) of `instances`.

    SQLite: one statement per row through executemany. PostgreSQL: COPY the new values into a
    temporary table, then one UPDATE … FROM it.
    """
    if not instances:
        return
    opts = model._meta
    fields = [opts.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    table, pk = quote(opts.db_table), quote(opts.pk.column)
    columns = [quote(f.column) for f in fields]
    rows = _rows(instances, [*fields, opts.pk])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            changes = quote(f"{opts.db_table}_import")
            listed = ", ".join([*columns, pk])
            cursor.execute(f"CREATE TEMP TABLE {changes} AS SELECT {listed} FROM {table} WITH NO DATA")
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {changes} ({listed}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            assignments = ", ".join(f"{column} = new.{column}" for column in columns)
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {changes} AS new WHERE {table}.{pk} = new.{pk}"
            )
            cursor.execute(f"DROP TABLE {changes}")
        else:
            assignments = ", ".join(f"{column} = %s" for column in columns)
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", rows)
