"""Small SQL helpers of the tiering recompute: literals both databases read, integer blocks fetched as
NumPy matrices and written with PostgreSQL's binary COPY — the recompute moves 100,000-row blocks, where
Python objects or messages per row would cost more than the queries."""

import datetime

import numpy as np
from django.db import connection

#: PostgreSQL's binary COPY: signature, flags and header-extension length; the trailer is a field count of -1.
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
COPY_TRAILER = b"\xff\xff"


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def date_literal(value: datetime.date) -> str:
    """A date literal (the values come from date objects, never from user text)."""
    return f"DATE '{value.isoformat()}'" if is_postgres() else f"'{value.isoformat()}'"


def day_number(column: str) -> str:
    """Days since 1970-01-01 of a date column."""
    if is_postgres():
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def fetch_bytes(sql: str) -> bytes:
    """The one bytea value `sql` selects (PostgreSQL), fetched in binary; b"" for NULL.

    Why: a block of 100,000 rows packed into one value by the server (`string_agg` of `int8send` …) comes
    back as one message, where a COPY or a cursor sends a message per row and psycopg spends ~4 µs of
    Python on each — 0.4 s for 100,000 rows, more than the query.
    """
    import psycopg  # PostgreSQL only; Django's own cursors bind client-side, which has no binary results

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, binary=True)
        value = cursor.fetchone()[0]
    return b"" if value is None else bytes(value)


def copy_in(target: str, columns: list[str], rows: np.ndarray) -> None:
    """A binary COPY into `target` of `rows`, a structured array laid out as binary COPY rows (PostgreSQL)."""
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {target} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy,
    ):
        copy.write(COPY_HEADER + rows.tobytes() + COPY_TRAILER)


def fetch_ints(sql: str, width: int) -> np.ndarray:
    """The rows of `sql` — `width` integer columns, never NULL — as an int64 matrix, in no set order.

    PostgreSQL packs them into one value, every column cast to bigint and sent as its 8 big-endian bytes
    (fetch_bytes), which NumPy reads in one pass instead of Python building an int object per cell.
    """
    if not is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(sql, [])
            rows = cursor.fetchall()
        return np.array(rows, dtype=np.int64).reshape(len(rows), width)
    names = ", ".join(f"c{i}" for i in range(width))
    packed = " || ".join(f"int8send(CAST(c{i} AS BIGINT))" for i in range(width))
    data = fetch_bytes(f"SELECT string_agg({packed}, ''::bytea) FROM ({sql}) AS q({names})")
    return np.frombuffer(data, dtype=">i8").astype(np.int64).reshape(-1, width)
