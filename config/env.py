"""Reading configuration from the environment (12-factor) with safe local defaults."""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KAM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_config() -> dict:
    """DATABASE_URL selects the database; the default is the embedded SQLite file var/kam.sqlite3."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kam.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=0 if url.startswith("sqlite") else 60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # WAL lets readers work while the single writer commits; IMMEDIATE avoids lock upgrade deadlocks.
        # Temporary tables in memory: a ledger import stages its rows in one (kam.imports.ledger), and
        # in a temporary file a second million-row import in the same process took 4x as long.
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; "
                "PRAGMA temp_store=MEMORY;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    return config


def local_secret_key() -> str:
    """A per-installation secret kept in var/ so that `make run` needs no configuration."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()
