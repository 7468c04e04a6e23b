"""`AQB_DATABASE_URL` → the library's environment. Nothing set: an SQLite file in the user's data
directory, so the tool works without a server."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

import platformdirs

from ledger.domain.errors import InvalidInputError

APP_NAME = "aqb"
EVENTS_TABLE = "aqb_events"  # the library names it <application name>_events on PostgreSQL
RECORDER_TOPIC = "ledger.persistence.postgres:AdvisoryLockRecorder"


@dataclass(frozen=True)
class Database:
    backend: Literal["postgresql", "sqlite"]
    url: str
    env: dict[str, str]

    @property
    def schema(self) -> str:
        return self.env.get("POSTGRES_SCHEMA", "public")

    @property
    def sqlite_path(self) -> str:
        return self.env["SQLITE_DBNAME"]

    def describe(self) -> str:
        """Where the ledger is, without a password."""
        if self.backend == "sqlite":
            return f"sqlite:///{self.sqlite_path.lstrip('/')}" if self.sqlite_path.startswith("/") else self.url
        env = self.env
        where = f"{env['POSTGRES_USER']}@{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/{env['POSTGRES_DBNAME']}"
        return f"postgresql://{where} (schema {self.schema})"


def default_sqlite_path() -> Path:
    return Path(platformdirs.user_data_dir("aqb-ledger")) / "ledger.sqlite3"


def database_from_url(url: str | None) -> Database:
    if not url:
        default = default_sqlite_path()
        return sqlite_database(str(default), f"sqlite://{default}")
    if url.startswith("sqlite://"):
        path = url[len("sqlite://"):]
        if not path or path == "/":
            raise _bad_url(url, "it names no file")
        return sqlite_database(path, url)
    if url.startswith(("postgresql://", "postgres://")):
        return postgres_database(url)
    raise _bad_url(url, "it is neither postgresql:// nor sqlite://")


def sqlite_database(path: str, url: str) -> Database:
    if not path.endswith(":memory:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": ":memory:" if path.endswith(":memory:") else path,
        "SQLITE_LOCK_TIMEOUT": "10",
        "ORIGINATOR_ID_TYPE": "text",
        "CREATE_TABLE": "no",
        "APPLICATION_RECORDER_TOPIC": "ledger.integrity.sqlite_chain:ChainedSQLiteRecorder",
    }
    return Database("sqlite", url, env)


def postgres_database(url: str) -> Database:
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        raise _bad_url(url, "it names no database")
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": query.get("host") or parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or query.get("port") or 5432),
        "POSTGRES_USER": unquote(parts.username or query.get("user") or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or query.get("password") or ""),
        "POSTGRES_SCHEMA": query.get("schema", "public"),
        "POSTGRES_CONNECT_TIMEOUT": "5",
        "POSTGRES_POOL_SIZE": "1",
        "POSTGRES_MAX_OVERFLOW": "4",
        "ORIGINATOR_ID_TYPE": "text",
        "CREATE_TABLE": "no",
        "APPLICATION_RECORDER_TOPIC": RECORDER_TOPIC,
    }
    return Database("postgresql", url, env)


def _bad_url(url: str, why: str) -> InvalidInputError:
    shown = url.rsplit("@", maxsplit=1)[-1] if "@" in url else url
    return InvalidInputError(
        f"invalid database URL '{shown}': {why}",
        "use postgresql://USER@HOST:PORT/DBNAME or sqlite:///PATH/TO/FILE",
    )
