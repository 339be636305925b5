"""The forecast summary (ForecastSummary): kept exact by every write, read by the forecast and the board.

At a million opportunities, aggregating them for every forecast or board takes seconds; the summary holds
the same counts and amounts per key — process, stage, status, furthest stage reached, expected-close month,
owner, account owner, currency — in a few thousand rows. Amounts stay in the deals' own currency; readers
convert each currency's sum to the reporting currency when they read (kam.accounts.money), never in SQL.

Writes. Whatever may change an opportunity's key or amount, or an account's owner, runs inside
`forecast_changes(...)`, in the writing transaction::

    with forecast_changes(opportunity_ids=[ids of existing opportunities that change],
                          account_ids=[accounts that get new opportunities, or whose owner changes]):
        ...  # the write

It locks the accounts (FOR NO KEY UPDATE), then the tracked opportunities (FOR UPDATE), in id order;
reads their contributions (one grouped query); lets the write run; reads them again — with any opportunity
created meanwhile on the accounts — and adds the difference to the summary with INSERT … ON CONFLICT DO
UPDATE SET count = count + delta, so concurrent writers never lose each other's increments. Rows that drop
to zero are deleted. The account lock is what keeps an account-owner change and a new deal on that account
from interleaving (PostgreSQL checks the deal's foreign key only at commit, too late to order them).
The services, handovers (kam.core.owner_changes) and imports call it; `rebuild()` makes the table from
scratch (the generator, `kam forecast_summary --rebuild`), `differences()` compares it with the
opportunities (`kam forecast_summary`).

Reads. `scope_split(user)` splits restrict()'s scope for opportunities into the part the summary answers
— every row for admins and auditors, the rows whose account owner is in reach for managers (their team
tree) and members (themselves) — and the remainder — deals on accounts whose team the user is on and that
someone outside that reach owns — which callers aggregate from the opportunities themselves.
"""

import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q, QuerySet

from kam.users.choices import Role

#: The summary's key, in the order of its unique constraint (the ON CONFLICT target).
KEY_COLUMNS = (
    "process_id", "status", "account_owner_id", "stage_id", "month", "owner_id", "reached", "currency",
)  # fmt: skip
CHUNK = 5000


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- months ----------------------------------------------------------------------------------------


def month_key(day: datetime.date | None) -> int:
    """The summary's month: year × 100 + month (202603), 0 for no date."""
    return day.year * 100 + day.month if day else 0


def month_start(key: int) -> datetime.date | None:
    return datetime.date(key // 100, key % 100, 1) if key else None


def _next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class MonthRange:
    """Expected-close months from `first` to `last`, both included (yyyymm; None: open-ended).

    The summary knows months, not days, so a period is always whole months; a deal without an expected
    close date is outside every bounded period.
    """

    first: int | None = None
    last: int | None = None

    @classmethod
    def of(cls, since: datetime.date | None, until: datetime.date | None) -> "MonthRange":
        """The months from the one holding `since` to the one holding `until`."""
        return cls(month_key(since) or None, month_key(until) or None)

    def __bool__(self) -> bool:
        return self.first is not None or self.last is not None

    @property
    def since(self) -> datetime.date | None:
        return month_start(self.first) if self.first else None

    @property
    def until(self) -> datetime.date | None:
        """The last day of the last month."""
        if not self.last:
            return None
        return _next_month(month_start(self.last)) - datetime.timedelta(days=1)

    def summary_q(self) -> Q:
        q = Q()
        if self:
            q &= Q(month__gt=0)
        if self.first:
            q &= Q(month__gte=self.first)
        if self.last:
            q &= Q(month__lte=self.last)
        return q

    def opportunity_q(self) -> Q:
        q = Q()
        if self.first:
            q &= Q(expected_close__gte=month_start(self.first))
        if self.last:
            q &= Q(expected_close__lt=_next_month(month_start(self.last)))
        return q


# --- contributions ---------------------------------------------------------------------------------


def _models(models: dict | None) -> dict:
    """The current models, or the historical ones a migration passes in."""
    if models is not None:
        return models
    from kam.accounts.models import Account
    from kam.pipeline.models import ForecastSummary, Opportunity, StageTransition

    return {
        "Account": Account,
        "Opportunity": Opportunity,
        "StageTransition": StageTransition,
        "ForecastSummary": ForecastSummary,
    }


def _key_columns(found: dict) -> tuple[str, ...]:
    """KEY_COLUMNS as far as the summary model has them: a migration before the currency was added to the
    key (pipeline 0003) rebuilds with its historical model, which has no currency yet."""
    fields = {f.column for f in found["ForecastSummary"]._meta.concrete_fields}
    return tuple(column for column in KEY_COLUMNS if column in fields)


def _grouped_sql(found: dict, ids: list[int] | None) -> tuple[str, list]:
    """SELECT of opportunities grouped by the summary's key, with their count and amount in cents, in the
    column order of INSERT INTO the summary (KEY_COLUMNS, count, amount_cents); all of them, or `ids`.

    The furthest stage comes from a derived table of the transitions grouped once (a correlated
    subquery per opportunity took minutes at a million); amounts become whole cents row by row, which is
    exact even where SQLite computes with floats.
    """
    quote = connection.ops.quote_name
    opportunity, transition = found["Opportunity"]._meta, found["StageTransition"]._meta
    account, stage = found["Account"]._meta, transition.get_field("to_stage").related_model._meta
    column = {
        name: quote(opportunity.get_field(name).column)
        for name in ("process", "status", "stage", "owner", "account", "amount", "expected_close", "currency")
    }
    close = f"o.{column['expected_close']}"
    if connection.vendor == "postgresql":
        month = f"EXTRACT(YEAR FROM {close}) * 100 + EXTRACT(MONTH FROM {close})"
    else:  # %% because the statement always runs with parameters (a list, maybe empty)
        month = f"CAST(strftime('%%Y%%m', {close}) AS INTEGER)"
    keys = [
        f"o.{column['process']}",
        f"o.{column['status']}",
        f"a.{quote(account.get_field('owner').column)}",
        f"o.{column['stage']}",
        f"CAST(COALESCE({month}, 0) AS INTEGER)",
        f"o.{column['owner']}",
        "COALESCE(r.furthest, 0)",
        f"o.{column['currency']}",
    ][: len(_key_columns(found))]
    opportunity_ids = transition_ids = ""
    params: list = []
    if ids is not None:
        marks = ", ".join(["%s"] * len(ids))
        opportunity_ids = f" WHERE o.{quote(opportunity.pk.column)} IN ({marks})"
        transition_ids = f" WHERE t.{quote(transition.get_field('opportunity').column)} IN ({marks})"
        params = [*ids, *ids]
    sql = (
        f"SELECT {', '.join(keys)}, COUNT(*), SUM(CAST(ROUND(o.{column['amount']} * 100) AS BIGINT)) "
        f"FROM {quote(opportunity.db_table)} o "
        f"JOIN {quote(account.db_table)} a ON a.{quote(account.pk.column)} = o.{column['account']} "
        f"LEFT JOIN (SELECT t.{quote(transition.get_field('opportunity').column)} AS opportunity_id, "
        f"MAX(s.{quote(stage.get_field('order').column)}) AS furthest "
        f"FROM {quote(transition.db_table)} t JOIN {quote(stage.db_table)} s "
        f"ON s.{quote(stage.pk.column)} = t.{quote(transition.get_field('to_stage').column)}{transition_ids} "
        f"GROUP BY t.{quote(transition.get_field('opportunity').column)}) r "
        f"ON r.opportunity_id = o.{quote(opportunity.pk.column)}{opportunity_ids} "
        f"GROUP BY {', '.join(keys)}"
    )
    return sql, params


def _contributions(ids: Iterable[int]) -> dict[tuple, tuple[int, int]]:
    """What these opportunities add to the summary: key → (count, cents)."""
    found = _models(None)
    totals: dict[tuple, tuple[int, int]] = {}
    with connection.cursor() as cursor:
        for chunk in _chunks(sorted(ids)):
            cursor.execute(*_grouped_sql(found, chunk))
            for *key, count, cents in cursor.fetchall():
                before = totals.get(tuple(key), (0, 0))
                totals[tuple(key)] = (before[0] + count, before[1] + int(cents))
    return totals


def _apply(delta: dict[tuple, tuple[int, int]]) -> None:
    """Add `delta` to the summary: one upsert per chunk (count = count + d), then drop emptied rows."""
    rows = [(*key, count, cents) for key, (count, cents) in sorted(delta.items()) if count or cents]
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(_models(None)["ForecastSummary"]._meta.db_table)
    key = ", ".join(quote(c) for c in KEY_COLUMNS)
    count, cents = quote("count"), quote("amount_cents")
    width = len(KEY_COLUMNS) + 2
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 1000):
            values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({key}, {count}, {cents}) VALUES {values} "
                f"ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + excluded.{count}, "
                f"{cents} = {table}.{cents} + excluded.{cents}",
                [value for row in chunk for value in row],
            )
        emptied = [row[: len(KEY_COLUMNS)] for row in rows if row[len(KEY_COLUMNS)] < 0]
        if emptied:
            match = " AND ".join(f"{quote(c)} = %s" for c in KEY_COLUMNS)
            cursor.executemany(f"DELETE FROM {table} WHERE {count} = 0 AND {cents} = 0 AND {match}", emptied)


def _subtract(after: dict, before: dict) -> dict[tuple, tuple[int, int]]:
    delta = {}
    for key in after.keys() | before.keys():
        new, old = after.get(key, (0, 0)), before.get(key, (0, 0))
        if new != old:
            delta[key] = (new[0] - old[0], new[1] - old[1])
    return delta


@contextmanager
def forecast_changes(
    *, opportunity_ids: Iterable[int] = (), account_ids: Iterable[int] = ()
) -> Iterator[None]:
    """Keep the summary exact across the write in the block (see the module's docstring).

    `opportunity_ids`: existing opportunities the block changes (amount, stage, status, expected close,
    owner, account, transitions). `account_ids`: accounts the block adds opportunities to, moves them
    to, or changes the owner of — every opportunity on them is tracked, new ones included. Runs in a
    transaction (a savepoint inside the caller's); if the block raises, the summary is left as it was.
    """
    found = _models(None)
    accounts = sorted(set(account_ids))
    tracked = set(opportunity_ids)
    with transaction.atomic():
        for chunk in _chunks(accounts):
            list(
                found["Account"]
                ._base_manager.select_for_update(no_key=True)
                .filter(pk__in=chunk)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            tracked.update(
                found["Opportunity"]._base_manager.filter(account_id__in=chunk).values_list("pk", flat=True)
            )
        for chunk in _chunks(sorted(tracked)):
            list(
                found["Opportunity"]
                ._base_manager.select_for_update()
                .filter(pk__in=chunk)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        before = _contributions(tracked)
        yield
        for chunk in _chunks(accounts):
            tracked.update(
                found["Opportunity"]._base_manager.filter(account_id__in=chunk).values_list("pk", flat=True)
            )
        _apply(_subtract(_contributions(tracked), before))


# --- from scratch ----------------------------------------------------------------------------------


def rebuild(*, models: dict | None = None) -> int:
    """Replace the summary by a fresh aggregation of every opportunity; returns how many rows it has.

    On PostgreSQL the table is locked (EXCLUSIVE) first: a concurrent writer's increment then waits
    and lands on the rebuilt rows, never on rows about to be deleted.
    """
    found = _models(models)
    summary = found["ForecastSummary"]
    quote = connection.ops.quote_name
    table = quote(summary._meta.db_table)
    columns = ", ".join(quote(c) for c in (*_key_columns(found), "count", "amount_cents"))
    select, params = _grouped_sql(found, None)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")
    return summary._base_manager.count()


def differences() -> list[dict]:
    """Where the summary differs from a fresh aggregation (empty: exact), one dict per key."""
    found = _models(None)
    with connection.cursor() as cursor:
        cursor.execute(*_grouped_sql(found, None))
        actual = {tuple(key): (count, int(cents)) for *key, count, cents in cursor.fetchall()}
    stored = {
        tuple(key): (count, cents)
        for *key, count, cents in found["ForecastSummary"]._base_manager.values_list(
            *KEY_COLUMNS, "count", "amount_cents"
        )
    }
    return [
        {
            **dict(zip(KEY_COLUMNS, key, strict=True)),
            "summary": stored.get(key, (0, 0)),
            "opportunities": actual.get(key, (0, 0)),
        }
        for key in sorted(actual.keys() | stored.keys())
        if stored.get(key, (0, 0)) != actual.get(key, (0, 0))
    ]


# --- reads -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScopeSplit:
    """restrict(user, "view") for opportunities = the summary rows of `account_owners` (None: all rows)
    + `remainder` (None: nothing more), with no deal in both."""

    account_owners: list[int] | None
    remainder: QuerySet | None


def scope_split(user) -> ScopeSplit:
    """The user's scope as summary rows by account owner plus the deals that cannot be put that way.

    Mirrors kam.users.access.account_scope (view): a manager's reach is their team tree, a member's
    is themselves; account-team accounts whose owner is outside the reach are the remainder.
    """
    from kam.accounts.models import AccountTeamMember
    from kam.pipeline.models import Opportunity
    from kam.users.access import team_user_ids

    if user is None or not user.is_authenticated or not user.is_active:
        return ScopeSplit([], None)
    if user.is_admin or user.role == Role.AUDITOR:
        return ScopeSplit(None, None)
    reach = sorted(team_user_ids(user)) if user.role == Role.MANAGER else [user.pk]
    on_team = AccountTeamMember.objects.filter(user_id=user.pk).values("account_id")
    remainder = Opportunity.objects.filter(account_id__in=on_team).exclude(account__owner_id__any=reach)
    return ScopeSplit(reach, remainder)


def summary_rows(
    *,
    split: ScopeSplit,
    process,
    owners: Iterable[int] | None = None,
    months: MonthRange | None = None,
    statuses: Iterable[str] | None = None,
) -> QuerySet:
    """The summary rows of `process` in the summary part of `split`, narrowed like the opportunities."""
    from kam.pipeline.models import ForecastSummary

    rows = ForecastSummary.objects.filter(process=process)
    if split.account_owners is not None:
        rows = rows.filter(account_owner_id__any=split.account_owners)
    if owners is not None:
        rows = rows.filter(owner_id__any=list(owners))
    if statuses is not None:
        rows = rows.filter(status__in=list(statuses))
    if months:
        rows = rows.filter(months.summary_q())
    return rows


def cents_to_amount(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)
