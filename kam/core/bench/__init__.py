"""`kam bench`: speed figures as one JSON document (docs/benchmarks.md explains every figure).

For each database and size — one SQLite file ``var/bench/kam_bench_<size>.sqlite3`` or PostgreSQL
database ``kam_bench_<size>`` per size, kept with --keep-data so that the next run skips the data
generation — migrate, top the data up with the generator (no audit), start gunicorn (2 workers, DEBUG
off) on a free 127.0.0.1 port, log the bench users in (a real POST to /login/ for the page, an API
token for /api/), load each page with wrk for a bounded time, stop gunicorn, then time an import.
Everything that touches the bench database runs in a subprocess with DATABASE_URL pointed at it, so
the database `kam bench` itself was started with is never written to. Progress goes to stderr.
"""

from __future__ import annotations

import datetime
import http.cookiejar
import json
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import django

from config.env import BASE_DIR, VAR_DIR
from kam.core.bench.wrk import run_wrk, wrk_path, wrk_version

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/kam_bench"
DEFAULT_SQLITE_PATH = VAR_DIR / "bench" / "kam_bench.sqlite3"  # the size goes before the suffix
SCENARIOS = {"list": "/accounts/", "api": "/api/accounts/"}
#: Pipeline pages, measured on their own databases sized in opportunities (--opportunity-sizes).
PIPELINE_SCENARIOS = {
    "board": "/pipeline/board/",
    "opportunities": "/pipeline/",
    "actions": "/buying-center/actions/",
}
#: "My actions" is one person's page: measured for the member who owns --actions-open-deals open deals.
SCENARIO_ROLES = {"actions": ["member"]}
PATHS = {**SCENARIOS, **PIPELINE_SCENARIOS}
ACCOUNT_STEPS = {*SCENARIOS, "import"}
PIPELINE_STEPS = {*PIPELINE_SCENARIOS, "forecast"}
ALL_STEPS = [*SCENARIOS, "import", *PIPELINE_SCENARIOS, "forecast"]
ROLES = ["member", "manager", "director", "admin"]
TARGET = {"requests_per_s": 150, "p99_ms": 100, "import_rows_per_s": 20000}
#: The pipeline issue's targets: board p99, list p99, forecast in-process (summary), all at 1M on PostgreSQL.
PIPELINE_TARGET = {
    "board_p99_ms": 150,
    "opportunities_p99_ms": 100,
    "forecast_ms": 100,
    "actions_p99_ms": 200,
}


@dataclass
class Options:
    databases: list[str]
    sizes: list[int]
    duration: int = 10
    warmup: int = 2
    connections: int = 8
    threads: int = 2
    workers: int = 2
    only: set[str] = field(default_factory=lambda: set(ALL_STEPS))
    roles: list[str] = field(default_factory=lambda: list(ROLES))
    keep_data: bool = False
    owners: int = 200
    contacts_per_account: int = 3
    interactions_per_account: float = 1.0
    seed: int = 1
    import_rows: int = 20000
    opportunity_sizes: list[int] = field(default_factory=lambda: [200_000, 1_000_000])
    opportunities_per_account: int = 10
    actions_open_deals: int = 5000
    postgres_url: str = DEFAULT_POSTGRES_URL
    sqlite_path: Path = DEFAULT_SQLITE_PATH
    explain: bool = False


def log(message: str) -> None:
    print(f"[bench {datetime.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def kam_command() -> list[str]:
    """How to run the `kam` CLI in a subprocess with this interpreter."""
    return [sys.executable, str(BASE_DIR / "manage.py")]


def child_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )
    return env


def internal(database_url: str, step: str, **arguments) -> dict:
    """Run `kam bench --internal STEP` against the bench database; its last stdout line is JSON."""
    command = [*kam_command(), "bench", "--internal", step]
    for key, value in arguments.items():
        if value is True:
            command.append(f"--{key.replace('_', '-')}")
        elif value not in (None, False):  # --key=value: a value may start with "-"
            command.append(f"--{key.replace('_', '-')}={value}")
    out = subprocess.run(
        command, env=child_env(database_url), cwd=BASE_DIR, stdout=subprocess.PIPE, text=True
    )
    if out.returncode != 0:
        raise RuntimeError(f"`kam bench --internal {step}` failed with exit code {out.returncode}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- databases ----------------------------------------------------------------------------------


def database_url(options: Options, database: str, size: int, kind: str = "") -> str:
    """The bench database for `size` accounts: kam_bench_<size> (PostgreSQL) or kam_bench_<size>.sqlite3;
    for `size` opportunities (kind "pipeline"): kam_bench_pipeline_<size>."""
    suffix = f"_{kind}_{size}" if kind else f"_{size}"
    if database == "sqlite":
        return f"sqlite:///{sqlite_path(options, size, kind)}"
    parts = urllib.parse.urlsplit(options.postgres_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}{suffix}"))


def sqlite_path(options: Options, size: int, kind: str = "") -> Path:
    path = options.sqlite_path
    suffix = f"_{kind}_{size}" if kind else f"_{size}"
    return path.with_name(f"{path.stem}{suffix}{path.suffix}")


def ensure_database(database: str, url: str) -> None:
    if database == "sqlite":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    name, maintenance = _postgres_names(url)
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            log(f"creating PostgreSQL database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(database: str, url: str) -> None:
    if database == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        for found in path.parent.glob(path.name + "*"):
            found.unlink()
        log(f"removed {path}")
        return
    import psycopg

    name, maintenance = _postgres_names(url)
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    log(f"dropped PostgreSQL database {name}")


def _postgres_names(url: str) -> tuple[str, str]:
    """The bench database's name, and a URL of the server's `postgres` database to create it from."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name or ""):
        raise ValueError(f"unexpected PostgreSQL database name in {url!r}")
    if not name.startswith("kam_bench"):
        raise ValueError("the bench database's name must start with kam_bench (it may be dropped)")
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    return name, maintenance


# --- gunicorn --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving config.wsgi on 127.0.0.1 for one bench step; always stopped on exit."""

    def __init__(self, database_url: str, *, workers: int, log_path: Path):
        self.database_url = database_url
        self.workers = workers
        self.log_path = log_path
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")
        if gunicorn is None:
            raise FileNotFoundError("gunicorn")
        self.log_file = open(self.log_path, "a")  # noqa: SIM115 — closed in __exit__
        command = [
            gunicorn,
            "config.wsgi:application",
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=child_env(self.database_url),
            stdout=self.log_file,
            stderr=self.log_file,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        log(f"gunicorn ({self.workers} workers) up at {self.base}")
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer /healthz in 60 s; see {self.log_path}")

    def drain(self, *, limit_s: float = 600) -> None:
        """Wait until requests queued by a finished load run are served (a quick /healthz answer),
        so that one scenario's backlog does not land in the next one's figures."""
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=limit_s) as response:
                    response.read()
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
                continue
            if time.monotonic() - started < 1.0:
                return

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log_file.close()


def session_cookie(base: str, username: str, password: str) -> str:
    """Log in like a browser: GET /login/ for the CSRF token, POST the form, keep the session cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/login/", timeout=30) as response:
        page = response.read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if match is None:
        raise RuntimeError("no CSRF token on /login/")
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": match.group(1),
            "username": username,
            "password": password,
            "next": "/accounts/",
        }
    ).encode()
    request = urllib.request.Request(base + "/login/", data=form, headers={"Referer": base + "/login/"})
    with opener.open(request, timeout=30) as response:
        final = response.geturl()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies or "/login/" in final:
        raise RuntimeError(f"login as {username} failed")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


#: What each HTML page must show (a login form would not), and how its rows are counted after it.
PAGE_CHECKS = {
    "/accounts/": ('data-testid="account-table"', r'href="/accounts/(?!\?)'),
    "/pipeline/": ('data-testid="opportunity-table"', r'href="/pipeline/\d+/"'),
    "/pipeline/board/": ('data-testid="board"', r'data-testid="card-'),
    "/buying-center/actions/": ('data-testid="rule-filter"', r'data-testid="action-group"'),
}


def check_page(base: str, path: str, headers: dict[str, str]) -> dict:
    """One request before the load: it must answer 200 with its rows (not a login form)."""
    request = urllib.request.Request(base + path, headers=headers)
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read().decode()
        final = response.geturl()
    ms = (time.perf_counter() - started) * 1000
    if path.startswith("/api/"):
        rows = len(json.loads(body)["results"])
    else:
        marker, row = PAGE_CHECKS[path]
        if "/login/" in final or marker not in body:
            raise RuntimeError(f"{path} did not show its {marker}")
        rows = len(re.findall(row, body[body.index(marker) :]))
    return {"rows_on_page": rows, "first_request_ms": round(ms, 1), "bytes": len(body.encode())}


# --- the run ---------------------------------------------------------------------------------------


def machine(options: Options) -> dict:
    import gunicorn

    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "wrk": wrk_version(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "python_calibration_ms": calibration_ms(),
        "code": code_version(),
    }


def code_version() -> dict:
    """The commit measured (and how many files differ from it): the figures belong to a version."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=BASE_DIR, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return {"commit": None}
    return {"commit": commit or None, "modified_files": len(changed)}


def calibration_ms() -> float:
    """Best of 5 of sum(range(10**6)) in this interpreter: ~10-15 ms on an idle modern core; higher
    means a slow or shared CPU, and every figure of the run scales with it."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        sum(range(1_000_000))
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def run(options: Options) -> dict:
    document = {
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(options),
        "settings": {
            "duration_s": options.duration,
            "warmup_s": options.warmup,
            "connections": options.connections,
            "wrk_threads": options.threads,
            "gunicorn_workers": options.workers,
            "owners": options.owners,
            "contacts_per_account": options.contacts_per_account,
            "interactions_per_account": options.interactions_per_account,
            "seed": options.seed,
            "targets": TARGET,
            "opportunity_sizes": options.opportunity_sizes,
            "opportunities_per_account": options.opportunities_per_account,
            "pipeline_targets": PIPELINE_TARGET,
        },
        "databases": {},
        "results": [],
        "import": [],
        "forecast": [],
        "generate": [],
        "diagnostics": [],
    }
    have_wrk = wrk_path() is not None
    if not have_wrk and options.only & set(PATHS):
        log("wrk is not installed (apt-get install wrk): the HTTP scenarios are skipped")
    for database in options.databases:
        try:
            run_database(options, database, document, have_wrk=have_wrk)
        except Exception as error:  # one database failing must not lose the other's figures
            log(f"{database}: {type(error).__name__}: {error}")
            document.setdefault("failures", []).append(
                {"database": database, "error": f"{type(error).__name__}: {error}"}
            )
    document["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    document["machine"]["python_calibration_ms_at_end"] = calibration_ms()
    return document


def run_database(options: Options, database: str, document: dict, *, have_wrk: bool) -> None:
    runs = []
    if options.only & ACCOUNT_STEPS:
        runs += [(size, "", run_size) for size in sorted(options.sizes)]
    if options.only & PIPELINE_STEPS:
        runs += [(size, "pipeline", run_pipeline_size) for size in sorted(options.opportunity_sizes)]
    for size, kind, step in runs:
        url = database_url(options, database, size, kind)
        ensure_database(database, url)
        try:
            log(f"{database}: migrating {url}")
            subprocess.run(
                [*kam_command(), "migrate", "--noinput", "-v0"], env=child_env(url), cwd=BASE_DIR, check=True
            )
            step(options, database, url, size, document, have_wrk=have_wrk)
        finally:
            if not options.keep_data:
                drop_database(database, url)


def run_size(options: Options, database: str, url: str, size: int, document: dict, *, have_wrk: bool) -> None:
    state = internal(url, "status")
    if state["accounts"] < size:
        missing = size - state["accounts"]
        log(f"{database}: generating {missing:,} accounts to reach {size:,} (no audit)")
        generated = internal(
            url,
            "generate",
            accounts=missing,
            contacts_per_account=options.contacts_per_account,
            interactions=int(missing * options.interactions_per_account),
            seed=options.seed,
            owners=options.owners,
        )
        log(f"{database}: generated {generated['rows']:,} rows at {generated['rows_per_s']:,.0f} rows/s")
        document["generate"].append({"database": database, "to_accounts": size, **generated})
    elif state["accounts"] > size:
        log(
            f"{database}: holds {state['accounts']:,} accounts, more than {size:,}; figures use the real size"
        )
    password = secrets.token_urlsafe(16)
    log(f"{database}: preparing users, tokens, statistics")
    prepared = internal(url, "prepare", owners=options.owners, password=password, explain=options.explain)
    sizes = {k: prepared[k] for k in ("accounts", "contacts", "interactions", "team_members", "owners")}
    if prepared.get("token_problem"):
        log(f"{database}: {prepared['token_problem']}")
        document.setdefault("problems", []).append(
            {"database": database, "problem": prepared["token_problem"]}
        )
    document["databases"].setdefault(database, {})[str(prepared["accounts"])] = {**sizes, **prepared["db"]}
    for role, info in prepared["roles"].items():
        for scenario, diag in info["pages"].items():
            document["diagnostics"].append(
                {
                    "database": database,
                    "accounts": prepared["accounts"],
                    "scenario": scenario,
                    "user_role": role,
                    "visible_accounts": info["visible_accounts"],
                    **diag,
                }  # fmt: skip
            )
    base_row = {"database": database, "accounts": prepared["accounts"], "contacts": prepared["contacts"]}
    scenarios = [s for s in SCENARIOS if s in options.only]
    load_pages(options, url, scenarios, prepared, password, base_row, document, have_wrk=have_wrk)
    if "import" in options.only:
        log(f"{database}: importing {options.import_rows:,} accounts (rolled back afterwards)")
        figure = internal(url, "import", rows=options.import_rows, seed=options.seed, owners=options.owners)
        meets = figure["status"] == "done" and figure["rows_per_s"] >= TARGET["import_rows_per_s"]
        document["import"].append({**base_row, **figure, "meets_target": meets})
        log(f"{database}: import {figure['rows_per_s']:,.0f} rows/s ({figure['status']})")


def load_pages(
    options: Options,
    url: str,
    scenarios: list[str],
    prepared: dict,
    password: str,
    base_row: dict,
    document: dict,
    *,
    have_wrk: bool,
) -> None:
    """wrk on each scenario's page as each role, against one gunicorn serving the bench database."""
    if not scenarios:
        return
    if not have_wrk:
        for scenario in scenarios:
            for role in options.roles:
                document["results"].append(
                    {**base_row, "scenario": scenario, "user_role": role, "skipped": "wrk not installed"}
                )
        return
    log_path = options.sqlite_path.parent / "gunicorn.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with Server(url, workers=options.workers, log_path=log_path) as server:
        for scenario in scenarios:
            for role in [r for r in options.roles if r in SCENARIO_ROLES.get(scenario, ROLES)]:
                info = prepared["roles"][role]
                row = {**base_row, "scenario": scenario, "user_role": role}
                row.update(measure(options, server, scenario, info, password))
                document["results"].append(row)


def run_pipeline_size(
    options: Options, database: str, url: str, size: int, document: dict, *, have_wrk: bool
) -> None:
    """The pipeline scenarios on a database of `size` opportunities, on size / --opportunities-per-account
    accounts: the board and the opportunity list under wrk, the forecast timed in-process."""
    accounts = -(-size // options.opportunities_per_account)
    state = internal(url, "status")
    if state["accounts"] < accounts:
        missing = accounts - state["accounts"]
        log(f"{database}: generating {missing:,} accounts to reach {accounts:,} (no audit)")
        generated = internal(
            url,
            "generate",
            accounts=missing,
            contacts_per_account=options.contacts_per_account,
            interactions=int(missing * options.interactions_per_account),
            seed=options.seed,
            owners=options.owners,
        )
        document["generate"].append({"database": database, "to_accounts": accounts, **generated})
    if state["opportunities"] < size:
        missing = size - state["opportunities"]
        log(f"{database}: generating {missing:,} opportunities to reach {size:,} (no audit)")
        generated = internal(url, "opportunities", count=missing, seed=options.seed)
        log(f"{database}: generated {generated['rows']:,} rows at {generated['rows_per_s']:,.0f} rows/s")
        document["generate"].append({"database": database, "to_opportunities": size, **generated})
    elif state["opportunities"] > size:
        log(f"{database}: holds {state['opportunities']:,} opportunities, more than {size:,}")
    if "actions" in options.only:
        log(f"{database}: giving the member {options.actions_open_deals:,} open deals with buying centers")
        staffed = internal(url, "buying_centers", count=options.actions_open_deals, seed=options.seed)
        document["generate"].append({"database": database, "buying_centers": staffed})
    password = secrets.token_urlsafe(16)
    log(f"{database}: preparing users, tokens, statistics")
    prepared = internal(
        url, "prepare", owners=options.owners, password=password, explain=options.explain, pages="pipeline"
    )
    sizes = {k: prepared[k] for k in ("accounts", "opportunities", "transitions", "summary_rows", "owners")}
    document["databases"].setdefault(database, {})[f"pipeline_{prepared['opportunities']}"] = {
        **sizes,
        **prepared["db"],
    }
    for role, info in prepared["roles"].items():
        for scenario, diag in info["pages"].items():
            document["diagnostics"].append(
                {
                    "database": database,
                    "opportunities": prepared["opportunities"],
                    "scenario": scenario,
                    "user_role": role,
                    "visible_opportunities": info["visible_opportunities"],
                    **diag,
                }  # fmt: skip
            )
    base_row = {
        "database": database,
        "accounts": prepared["accounts"],
        "opportunities": prepared["opportunities"],
    }
    if "forecast" in options.only:
        log(f"{database}: timing the forecast with and without the summary")
        figures = internal(url, "forecast", roles=",".join(options.roles))
        for row in figures["roles"]:
            row["meets_target"] = row["summary_ms"] <= PIPELINE_TARGET["forecast_ms"] and row["identical"]
            document["forecast"].append({**base_row, **row})
            log(
                f"forecast {row['username']:<18} summary {row['summary_ms']:>7.1f} ms  "
                f"opportunities {row['raw_ms']:>8.1f} ms  identical {row['identical']}"
            )
        document["databases"][database][f"pipeline_{prepared['opportunities']}"]["summary"] = figures[
            "summary"
        ]
    scenarios = [s for s in PIPELINE_SCENARIOS if s in options.only]
    load_pages(options, url, scenarios, prepared, password, base_row, document, have_wrk=have_wrk)


def _meets(scenario: str, figures: dict) -> bool:
    """The issues' targets: accounts ≥ 150 requests/s and p99 ≤ 100 ms; board p99 ≤ 150 ms, the
    opportunity list p99 ≤ 100 ms."""
    if scenario in PIPELINE_SCENARIOS:
        return figures["p99_ms"] <= PIPELINE_TARGET[f"{scenario}_p99_ms"]
    return figures["requests_per_s"] >= TARGET["requests_per_s"] and figures["p99_ms"] <= TARGET["p99_ms"]


def measure(options: Options, server: Server, scenario: str, info: dict, password: str) -> dict:
    path = PATHS[scenario]
    row = {"path": path, "username": info["username"], "visible_accounts": info["visible_accounts"]}
    if "visible_opportunities" in info:
        row["visible_opportunities"] = info["visible_opportunities"]
    try:
        if scenario == "api":
            headers = {"Authorization": f"Token {info['token']}", "Accept": "application/json"}
        else:
            cookie = session_cookie(server.base, info["username"], password)
            headers = {"Cookie": cookie, "Accept": "text/html"}
        row.update(check_page(server.base, path, headers))
        if options.warmup:
            run_wrk(server.base + path, headers=headers, duration=options.warmup,
                    connections=options.connections, threads=options.threads)  # fmt: skip
            server.drain()
        load = os.getloadavg()[0]
        figures = run_wrk(
            server.base + path,
            headers=headers,
            duration=options.duration,
            connections=options.connections,
            threads=options.threads,
        )
        server.drain()
    except Exception as error:
        log(f"{scenario} as {info['username']}: {type(error).__name__}: {error}")
        server.drain()
        return {**row, "skipped": f"{type(error).__name__}: {error}", "meets_target": False}
    meets = _meets(scenario, figures)
    if figures["requests"] == 0:
        figures["note"] = f"no request completed within {options.duration} s (each takes longer than the run)"
        meets = False
    log(
        f"{scenario:<13} {info['username']:<18} {figures['requests_per_s']:>7.1f} req/s  "
        f"p50 {figures['p50_ms']:>6.1f} ms  p99 {figures['p99_ms']:>6.1f} ms  errors {figures['errors']}"
    )
    return {
        **row,
        **figures,
        "connections": options.connections,
        "loadavg_1m_before": round(load, 2),
        "meets_target": meets and figures["errors"] == 0,
    }
