"""`AQB_DATABASE_URL` → where the ledger is, and the library's environment. Nothing set: an
SQLite file in the user's data directory, so the tool works without a server.

A PostgreSQL URL (`postgresql://…`) or keyword/value string (`host=… dbname=…`, `service=aqb`)
is handed to libpq as a conninfo, so `sslmode`, `sslrootcert`, `passfile`, `service` (with
pg_service.conf), the `PG*` environment variables and every other libpq parameter work exactly
as in psql. Our own parameter, `schema`, is taken out first. A password is kept for connecting
and never shown: `describe()` leaves it out, and so does every message about the URL.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import platformdirs
from psycopg import conninfo as libpq

from ledger.domain.errors import InvalidInputError

APP_NAME = "aqb"
EVENTS_TABLE = "aqb_events"  # the library names it <application name>_events on PostgreSQL
RECORDER_TOPIC = "ledger.persistence.postgres:AdvisoryLockRecorder"
FACTORY_TOPIC = "ledger.persistence.postgres:LedgerPostgresFactory"
CONNINFO = "AQB_CONNINFO"  # the libpq parameters, as JSON, for the factory
OURS = ("schema",)  # parameters of the URL that are the ledger's, not libpq's
SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
SECRET = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)|(://[^:/@\s]*:)[^@\s]*@", re.IGNORECASE)


@dataclass(frozen=True)
class Database:
    backend: Literal["postgresql", "sqlite"]
    url: str
    env: dict[str, str]
    conninfo: dict[str, str] = field(default_factory=dict)  # libpq parameters (PostgreSQL)

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
        info = self.conninfo
        if "service" in info:
            where = f"service={info['service']}"
        else:
            where = (f"{info.get('user', '(default user)')}@{info.get('host', '(default host)')}:"
                     f"{info.get('port', '5432')}/{info.get('dbname', '(default database)')}")
        return f"postgresql://{where} (schema {self.schema})"


def readonly_uri(path: str) -> str:
    """An SQLite URI that opens the file at this path read-only, whatever characters the path
    holds (`#`, `?` and `%` mean something in a URI: they are percent-encoded; an absolute path
    gets an empty authority, so that `//tmp/x` is not read as the host `tmp`)."""
    return f"file://{quote(path)}?mode=ro" if path.startswith("/") else f"file:{quote(path)}?mode=ro"


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
        if not path.startswith("/") and path != ":memory:":
            raise _bad_url(url, f"the path '{path}' is relative; write sqlite:///ABSOLUTE/PATH")
        return sqlite_database(path, url)
    if url.startswith(("postgresql://", "postgres://")) or ("=" in url and "://" not in url):
        return postgres_database(url)
    raise _bad_url(url, "it is neither postgresql:// (or a libpq key=value string) nor sqlite://")


def sqlite_database(path: str, url: str) -> Database:
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
    rest, ours = split_ours(url)
    try:
        params = {k: str(v) for k, v in libpq.conninfo_to_dict(rest).items() if v is not None}
    except Exception as exc:  # psycopg says what is wrong, but quotes the string: hide its password
        raise _bad_url(url, hide_secrets(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)) from None
    if params.get("port") and not all(p.strip().isdigit() for p in params["port"].split(",")):
        raise _bad_url(url, f"port '{params['port']}' is not a number")
    schema = ours.get("schema", "public")
    if not SCHEMA_NAME.match(schema):
        raise _bad_url(url, f"schema '{schema}' is not a plain lower-case name")
    params.setdefault("connect_timeout", "5")
    env = {
        "PERSISTENCE_MODULE": FACTORY_TOPIC,
        CONNINFO: json.dumps(params),
        # the library insists on these; its pool is then given the conninfo above instead
        "POSTGRES_DBNAME": params.get("dbname", ""), "POSTGRES_HOST": params.get("host", ""),
        "POSTGRES_PORT": params.get("port", "5432"), "POSTGRES_USER": params.get("user", ""),
        "POSTGRES_PASSWORD": "",
        "POSTGRES_SCHEMA": schema,
        "POSTGRES_CONNECT_TIMEOUT": params["connect_timeout"],
        "POSTGRES_LOCK_TIMEOUT": lock_timeout(),
        "POSTGRES_POOL_SIZE": "1",
        "POSTGRES_MAX_OVERFLOW": "4",
        "ORIGINATOR_ID_TYPE": "text",
        "CREATE_TABLE": "no",
        "APPLICATION_RECORDER_TOPIC": RECORDER_TOPIC,
    }
    return Database("postgresql", url, env, params)


def lock_timeout() -> str:
    """How long a writer waits for the ledger's write lock, in seconds (AQB_LOCK_TIMEOUT, default 10)."""
    text = os.environ.get("AQB_LOCK_TIMEOUT", "10").strip()
    if not text.isdigit() or not 1 <= int(text) <= 3600:
        raise InvalidInputError(f"invalid AQB_LOCK_TIMEOUT '{text}'", "give whole seconds from 1 to 3600")
    return text


def split_ours(url: str) -> tuple[str, dict[str, str]]:
    """The URL without the ledger's own parameters, and those parameters."""
    if "://" in url:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        ours = {k: v for k, v in query if k in OURS}
        kept = urlencode([(k, v) for k, v in query if k not in OURS])
        return urlunsplit(parts._replace(query=kept)), ours
    words = url.split()
    ours = dict(w.split("=", 1) for w in words if w.split("=", 1)[0] in OURS)
    return " ".join(w for w in words if w.split("=", 1)[0] not in OURS), ours


def hide_secrets(text: str) -> str:
    return SECRET.sub(lambda m: (m.group(1) + "***") if m.group(1) else (m.group(3) + "***@"), text)


def _bad_url(url: str, why: str) -> InvalidInputError:
    return InvalidInputError(
        f"invalid database URL '{hide_secrets(url)}': {why}",
        "use postgresql://USER@HOST:PORT/DBNAME[?schema=S&sslmode=…], a libpq string such as "
        "'service=aqb', or sqlite:///PATH/TO/FILE",
    )
