"""The bench's steps that run inside the bench database (`kam bench --internal …`, DATABASE_URL set).

Each returns a JSON-ready dict; the orchestrator (kam.core.bench) runs them as subprocesses so that
the bench never touches the database the command itself was started with.
"""

import csv
import datetime
import io
import platform
import sqlite3
import time
import uuid

import django
from django.db import DatabaseError, connection, transaction

from kam.accounts.generate import (
    DIRECTOR_USERNAME,
    MANAGER_USERNAMES,
    OWNER_USERNAME,
    ensure_industries,
    ensure_people,
    generate,
)
from kam.accounts.models import Account, AccountTeamMember, Contact, Interaction
from kam.core.request_context import request_id_scope

BENCH_ADMIN = "bench-admin"
#: role in the results → the user who plays it (see kam.accounts.generate.ensure_people)
ROLE_USERS = {
    "member": OWNER_USERNAME.format(1),
    "manager": MANAGER_USERNAMES[0],  # a regional manager: half of the generated owners
    "director": DIRECTOR_USERNAME,  # a manager of the whole generated department: every account
    "admin": BENCH_ADMIN,
}
PAGES = {"list": "/accounts/", "api": "/api/accounts/"}
PIPELINE_PAGES = {
    "board": "/pipeline/board/",
    "opportunities": "/pipeline/",
    "actions": "/buying-center/actions/",
}


def database_info() -> dict:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
        return {"vendor": "postgresql", "version": version, "size_bytes": size}
    from pathlib import Path

    name = Path(connection.settings_dict["NAME"])
    size = sum(p.stat().st_size for p in name.parent.glob(name.name + "*") if p.is_file())
    return {"vendor": connection.vendor, "version": sqlite3.sqlite_version, "size_bytes": size}


def status() -> dict:
    """How much data the bench database holds."""
    from kam.pipeline.models import ForecastSummary, Opportunity, StageTransition

    return {
        "accounts": Account.objects.count(),
        "opportunities": Opportunity.objects.count(),
        "transitions": StageTransition.objects.count(),
        "summary_rows": ForecastSummary.objects.count(),
        "contacts": Contact.objects.count(),
        "interactions": Interaction.objects.count(),
        "team_members": AccountTeamMember.objects.count(),
        "owners": Account.objects.values("owner_id").distinct().count(),
        "db": database_info(),
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def generate_step(
    *, accounts: int, contacts_per_account: int, interactions: int, seed: int, owners: int
) -> dict:
    """Top the bench database up with `accounts` more (no audit; see kam.accounts.generate)."""
    skip_fk = False
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            skip_fk = bool(cursor.fetchone()[0])
    with request_id_scope():
        result = generate(
            accounts=accounts,
            contacts_per_account=contacts_per_account,
            interactions=interactions,
            seed=seed,
            owners=owners,
            audit=False,
            progress=True,
            skip_fk_checks=skip_fk,
        )
    return {**result.as_dict(), "audit": False, "fk_checks": not skip_fk}


def opportunities_step(*, count: int, seed: int) -> dict:
    """Top the bench database up with `count` opportunities and their stage histories (no audit), then
    the forecast summary is rebuilt (kam.pipeline.generate)."""
    from django.utils import timezone

    from kam.pipeline.generate import generate_opportunities
    from kam.pipeline.models import StageTransition

    transitions = StageTransition.objects.count()
    started = time.perf_counter()
    with request_id_scope():
        made = generate_opportunities(count=count, seed=seed, today=timezone.localdate(), audit=False)
    seconds = time.perf_counter() - started
    rows = made + StageTransition.objects.count() - transitions
    _refresh_statistics()
    return {
        "opportunities": made,
        "rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_s": round(rows / seconds, 1) if seconds else 0.0,
        "opportunities_per_s": round(made / seconds, 1) if seconds else 0.0,
        "what": "generate_opportunities: bulk insert of opportunities and transitions, summary rebuilt",
    }


def buying_centers_step(*, count: int, seed: int) -> dict:
    """The member gets `count` open opportunities, each with a buying center (kam.buyingcenter.generate)."""
    from kam.buyingcenter.generate import generate_buying_centers
    from kam.users.models import User

    member = User.objects.get(username=ROLE_USERS["member"])
    started = time.perf_counter()
    with request_id_scope():
        made = generate_buying_centers(owner_id=member.pk, open_deals=count, seed=seed)
    _refresh_statistics()
    return {**made, "seconds": round(time.perf_counter() - started, 1)}


def prepare(*, owners: int, password: str, explain: bool, pages: str = "accounts") -> dict:
    """Bench users with a password and a fresh API token each; statistics refreshed; query diagnostics
    of the account pages or (`pages="pipeline"`) of the board and the opportunity list."""
    from kam.pipeline.models import Opportunity
    from kam.users.models import User
    from kam.users.services import token_create, token_revoke, user_create, user_set_password

    with request_id_scope(), transaction.atomic():
        ensure_industries()
        ensure_people(owners=owners)
        if not User.objects.filter(username=BENCH_ADMIN).exists():
            user_create(actor=None, username=BENCH_ADMIN, role="admin", full_name="Bench admin")
        users = {role: User.objects.get(username=name) for role, name in ROLE_USERS.items()}
        tokens, token_problem = {}, None
        for role, user in users.items():
            user_set_password(user=user, actor=None, password=password)
            for token in user.auth_token_set.all():
                try:
                    with transaction.atomic():
                        token_revoke(token=token, actor=None)
                except DatabaseError:
                    token.delete()
            try:
                with transaction.atomic():
                    _token, key = token_create(user=user, actor=None, days=1)
            except DatabaseError as error:
                # token_create's audit entry fails on PostgreSQL: knox's primary key (the 128-character
                # digest) does not fit ObjectChange.object_id (64). Reported; the bench still needs a token.
                from knox.models import AuthToken

                token_problem = f"kam.users.services.token_create failed ({error}); knox token made directly"
                _token, key = AuthToken.objects.create(user=user, expiry=datetime.timedelta(days=1))
            tokens[role] = key
    _refresh_statistics()
    roles = {}
    shown = PIPELINE_PAGES if pages == "pipeline" else PAGES
    for role, user in users.items():
        roles[role] = {
            "username": user.username,
            "token": tokens[role],
            "visible_accounts": Account.objects.restrict(user).count(),
            "pages": {name: _diagnose(user, path, explain=explain) for name, path in shown.items()},
        }
        if pages == "pipeline":
            roles[role]["visible_opportunities"] = Opportunity.objects.restrict(user).count()
    return {"roles": roles, "token_problem": token_problem, **status()}


def _refresh_statistics() -> None:
    """VACUUM ANALYZE on PostgreSQL (else autovacuum would run during the measurement); SQLite: ANALYZE
    and a checkpoint."""
    tables = ["accounts_account", "accounts_contact", "accounts_interaction", "accounts_accountteammember",
              "accounts_interaction_their_people", "users_user", "users_team", "django_session",
              "pipeline_opportunity", "pipeline_stagetransition", "pipeline_forecastsummary",
              "buyingcenter_stakeholder", "buyingcenter_influenceweight",
              "buyingcenter_counterpartpair", "buyingcenter_dealactions"]  # fmt: skip
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")  # fractions of a second; without it SQLite's plans are guesses
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _diagnose(user, path: str, *, explain: bool, repeat: int = 5) -> dict:
    """The page rendered in-process (after a warm-up): median wall and CPU time of this process (CPU
    leaves out the database server and other load on the machine), queries, SQL time, COUNT or not."""
    import statistics

    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    accept = "application/json" if path.startswith("/api/") else "text/html"
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT=accept)
    client.force_login(user)
    client.get(path)
    walls, cpus = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
    queries = captured.captured_queries
    timed = sorted(queries, key=lambda q: float(q["time"]), reverse=True)
    found = {
        "status": response.status_code,
        "ms": round(statistics.median(walls) * 1000, 1),
        "cpu_ms": round(statistics.median(cpus) * 1000, 1),
        "queries": len(queries),
        "sql_ms": round(sum(float(q["time"]) for q in queries) * 1000, 1),
        "count_queries": sum(1 for q in queries if "COUNT(" in q["sql"].upper()),
        "slowest_sql_ms": round(float(timed[0]["time"]) * 1000, 1) if timed else 0.0,
        "slowest_sql": timed[0]["sql"][:3000] if timed else "",
    }
    if explain and timed:
        found["plan"] = _explain(timed[0]["sql"])
    return found


def _explain(sql: str) -> str:
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            rows = cursor.fetchall()
    except Exception as error:  # the logged SQL is not always re-executable; the plan is a bonus
        return f"(no plan: {error})"
    return "\n".join(" ".join(str(c) for c in row) for row in rows)


def import_step(*, rows: int, seed: int, owners: int) -> dict:
    """Import `rows` new accounts from a CSV file through the import service, then roll back.

    The figure includes reading, checking every row, the inserts with their indexes, the audit
    entries and (PostgreSQL: constraints set IMMEDIATE) the foreign-key checks; only the final COMMIT
    is left out, so that the bench database keeps its size.
    """
    data, owner_count = _import_file(rows=rows, seed=seed, owners=owners)
    from kam.imports.services import import_file
    from kam.users.models import User

    actor = User.objects.get(username=BENCH_ADMIN)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with request_id_scope():
            started = time.perf_counter()
            job = import_file(kind="accounts", actor=actor, data=data, file_name="bench-accounts.csv")
            seconds = time.perf_counter() - started
            figure = {
                "what": "kam.imports.services.import_file(kind='accounts') of a CSV file, rolled back",
                "status": job.status,
                "created": job.created_count,
                "errors": job.error_count,
                "first_errors": job.errors[:3],
            }
        transaction.set_rollback(True)
    return {
        "kind": "accounts",
        "rows": rows,
        "file_bytes": len(data),
        "owners_in_file": owner_count,
        "seconds": round(seconds, 3),
        "rows_per_s": round(rows / seconds, 1) if seconds else 0.0,
        **figure,
    }


def _import_file(*, rows: int, seed: int, owners: int) -> tuple[bytes, int]:
    """A CSV file of `rows` realistic new accounts (generator rows, fresh codes) in the template's columns."""
    from django.utils import timezone

    from kam.accounts.generate import A_ID, ACCOUNT_COLUMNS, _Generator
    from kam.imports.services import template_header

    industries = ensure_industries()
    people = ensure_people(owners=owners)
    gen = _Generator(
        seed=f"import-{seed}",
        contacts_per_account=0,
        industries=industries,
        people=people,
        today=timezone.localdate(),
        now=timezone.now(),
    )
    industry_codes = {i.pk: i.code for i in industries}
    usernames = {u.pk: u.username for u in people["members"]}
    batch = uuid.uuid4().hex[:8].upper()
    header = template_header("accounts")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for i in range(rows):
        row, _domain, _english = gen.account_row(-(i + 1), f"BENCH-{batch}-{i + 1:07d}")
        values = dict(zip(ACCOUNT_COLUMNS, row, strict=True))
        values.update(
            industry=industry_codes[values["industry_id"]],
            owner=usernames[values["owner_id"]],
            parent_code="",
            founded_on=values["founded_on"].isoformat()
            if isinstance(values["founded_on"], datetime.date)
            else "",
            is_listed="yes" if values["is_listed"] else "no",
        )
        values.pop(ACCOUNT_COLUMNS[A_ID])
        writer.writerow(["" if values.get(key) is None else values.get(key, "") for key in header])
    return out.getvalue().encode("utf-8"), len(usernames)


def forecast_step(*, roles: list[str], repeat: int = 5, raw_repeat: int = 3) -> dict:
    """pipeline_forecast per role timed in-process, from the summary and from the opportunities (median
    wall time after a warm-up), whether both give the same result; the board's column sums likewise; the
    summary's size, a from-scratch check and a rebuild, timed."""
    from kam.pipeline import summary
    from kam.pipeline.models import ForecastSummary, SalesProcess
    from kam.users.models import User

    process = SalesProcess.objects.get(is_default=True)
    rows = [
        _forecast_role(role, User.objects.get(username=ROLE_USERS[role]), process, repeat, raw_repeat)
        for role in roles
    ]
    started = time.perf_counter()
    wrong = summary.differences()
    check_s = time.perf_counter() - started
    started = time.perf_counter()
    summary.rebuild()
    rebuild_s = time.perf_counter() - started
    return {
        "roles": rows,
        "summary": {
            "rows": ForecastSummary.objects.count(),
            "differences": len(wrong),
            "check_s": round(check_s, 2),
            "rebuild_s": round(rebuild_s, 2),
        },
    }


def _timed(call, times: int):
    """The result of `call()` and its median wall time in ms over `times` runs, after one warm-up run."""
    import statistics

    call()
    walls = []
    for _ in range(times):
        started = time.perf_counter()
        result = call()
        walls.append(time.perf_counter() - started)
    return result, round(statistics.median(walls) * 1000, 1)


def _forecast_role(role: str, user, process, repeat: int, raw_repeat: int) -> dict:
    from django.test import RequestFactory

    from kam.pipeline import analytics, selectors
    from kam.pipeline.filtersets import OpportunityFilterSet

    fast, fast_ms = _timed(lambda: analytics.pipeline_forecast(user=user, process=process), repeat)
    raw, raw_ms = _timed(
        lambda: analytics.pipeline_forecast(user=user, process=process, use_summary=False), raw_repeat
    )
    request = RequestFactory().get("/pipeline/board/")
    request.user = user
    filterset = OpportunityFilterSet({}, queryset=selectors.opportunity_list(user=user), request=request)
    narrowing = selectors.summary_narrowing(filterset)
    sums, sums_ms = _timed(
        lambda: selectors.column_totals(
            process=process, opportunities=filterset.qs, user=user, narrowing=narrowing
        ),
        repeat,
    )
    raw_sums, raw_sums_ms = _timed(
        lambda: selectors.column_totals(process=process, opportunities=filterset.qs), raw_repeat
    )
    return {
        "user_role": role,
        "username": user.username,
        "open_deals": sum(row["count"] for _key, row in fast["months"]),
        "summary_ms": fast_ms,
        "raw_ms": raw_ms,
        "speedup": round(raw_ms / fast_ms, 1) if fast_ms else None,
        "identical": fast == raw,
        "board_sums_summary_ms": sums_ms,
        "board_sums_raw_ms": raw_sums_ms,
        "board_sums_identical": sums == raw_sums,
    }
