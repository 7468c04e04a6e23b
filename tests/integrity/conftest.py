"""Fixtures for the integrity tests: a filled ledger, the CLI against it, superuser tampering,
and connections as the cast's logins and an auditor's (a member of the reader role).

Positions: the registry comes first (its bootstrap and the cast, `REGISTRY` events); the eight
events `fill` writes stand at `at(1)` … `at(8)`."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner, Result
from psycopg import sql

from cli.main import cli
from ledger.application import Meta
from ledger.integrity import roles
from ledger.persistence.config import database_from_url
from tests.cast import REGISTRY_SIZE, Acting, login_url
from tests.cli.conftest import run, seeded  # noqa: F401 (the CLI fixtures, for the trail test)

MINISTRY, PARTY = "a.schneider@HMSI", "j.weber@06532"
FIRST, SECOND = "AQB-2024-06532", "AQB-2024-06611"
PROJECTS = (("Jump in", "135000"), ("Lernwerkstatt digital", "160000"), ("Selbstlernzentrum", "95000"))
REGISTRY = REGISTRY_SIZE  # the bootstrap and one registration per member of the cast
AUDITOR = "aqb_test_auditor"


def at(n: int) -> int:
    """The position of the n-th event `fill` wrote."""
    return REGISTRY + n


def fill(url: str) -> None:
    """Eight events in two streams, interleaved: positions at(1)..at(8)."""
    ledger = Acting(url)
    try:
        for agreement_id in (FIRST, SECOND):
            ledger.create_agreement(Meta(MINISTRY, reason="ZV"), agreement_id, [("AQB", Decimal("1185000"))])
        for name, amount in PROJECTS:
            for agreement_id in (FIRST, SECOND):
                ledger.plan_project(Meta(PARTY if agreement_id == FIRST else "x.meier@06611", reason="Plan"),
                                    agreement_id, name, "QUAL", Decimal(amount), 10)
    finally:
        ledger.close()


def run_cli(url: str, *args: str, login: str = "a.schneider") -> Result:
    """`aqb` on this ledger as a login of the cast (PostgreSQL: connected as it; SQLite: declared).
    `login=""` on PostgreSQL connects as the URL's own (super)user."""
    if url.startswith("postgresql") and login:
        options = ["--database", login_url(database_from_url(url), login)]
    else:
        options = ["--database", url] + (["--actor", login] if login else [])
    return CliRunner().invoke(cli, [*options, *args], catch_exceptions=False,
                              env={"AQB_ACTOR": None, "AQB_DATABASE_URL": None, "AQB_ANCHOR_KEY": None,
                                   "AQB_ANCHOR_PUBLIC_KEY": None})


def verify_json(url: str, *extra: str) -> tuple[int, dict[str, Any]]:
    """`aqb verify` as the URL's own login (an auditor's, the owner's)."""
    result = run_cli(url, "verify", "--format", "json", *extra, login="" if url.startswith("postgresql") else "a")
    return result.exit_code, json.loads(result.stdout)


def schema_of(url: str) -> str:
    return url.split("schema=")[1]


def admin_of(url: str) -> str:
    return url.split("?", maxsplit=1)[0]


def as_login(url: str, login: str) -> str:
    """The ledger's URL as another login (kept as a URL: psycopg connects with it, split at '?')."""
    return admin_of(url).replace("postgres@", f"{login}@", 1) + f"?schema={schema_of(url)}"


def auditor_url(url: str) -> str:
    """A login that is a member of the ledger's reader role only."""
    db = database_from_url(url)
    with psycopg.connect(admin_of(url), autocommit=True) as conn:
        roles.add_login(conn, AUDITOR, roles.roles_of(db, conn).reader)
    return as_login(url, AUDITOR)


def group(url: str, kind: str) -> str:
    """The name of one of the ledger's four roles."""
    db = database_from_url(url)
    with psycopg.connect(admin_of(url)) as conn:
        return str(getattr(roles.roles_of(db, conn), kind))


@pytest.fixture
def pg_ledger(pg_url: str) -> str:
    """A filled ledger in a fresh schema (the schema and its roles are dropped afterwards)."""
    fill(pg_url)
    return pg_url


@pytest.fixture
def sqlite_ledger(sqlite_url: str) -> str:
    fill(sqlite_url)
    return sqlite_url


Tamper = Callable[[str], None]


@contextlib.contextmanager
def migration8_checks_off(url: str) -> Iterator[None]:
    """The owner's way past the database's checks of migrations 8 and 9 (the registry's
    administrator and its mandate, a party's own streams, streams that follow on): the chain and
    author functions of migration 4 for a while, then the ledger's own again (so verify's guard
    check is clean)."""
    from ledger.integrity import pg_guard, pg_guard_v4, roles
    from ledger.persistence.config import database_from_url

    db = database_from_url(url)
    with psycopg.connect(admin_of(url), autocommit=True) as conn:
        names = pg_guard_v4.names(db, roles.roles_of(db, conn))
        for older in (pg_guard.AUTHOR_FUNCTION, pg_guard.CHAIN_FUNCTION):
            conn.execute(sql.SQL(older).format(**names))
        try:
            yield
        finally:
            for newer in (pg_guard_v4.AUTHOR_FUNCTION, pg_guard_v4.CHAIN_FUNCTION):
                conn.execute(sql.SQL(newer).format(**names))


def next_version(table: str) -> str:
    """SQL for the next version of the stream of row `e` of the table (a psql insert that follows on)."""
    return f"(SELECT max(m.originator_version) + 1 FROM {table} m WHERE m.originator_id = e.originator_id)"


def enable_always(conn: Any, table: str) -> None:
    """What a careful attacker does after changing rows past the triggers: enable them again as the
    ledger had them (ENABLE ALWAYS; a plain ENABLE would leave a change that verify's guard check sees)."""
    names = [r[0] for r in conn.execute(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", (table,)).fetchall()]
    for name in names:
        conn.execute(f'ALTER TABLE {table} ENABLE ALWAYS TRIGGER "{name}"')


@pytest.fixture
def superuser(pg_ledger: str) -> Callable[..., None]:
    """Run statements as the superuser with the ledger's triggers disabled, as an attacker would."""
    table = f'"{schema_of(pg_ledger)}".aqb_events'

    def tamper(*statements: str) -> None:
        with psycopg.connect(admin_of(pg_ledger), autocommit=True) as conn, conn.transaction():
            conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            for statement in statements:
                conn.execute(statement.replace("EVENTS", table))
            enable_always(conn, table)
    return tamper


@pytest.fixture
def sqlite_tamper(sqlite_ledger: str) -> Callable[..., None]:
    """Drop the refusing triggers and change the file directly."""
    path = sqlite_ledger[len("sqlite://"):]

    def tamper(*statements: str) -> None:
        with sqlite3.connect(path) as conn:
            names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
            for name in names:
                conn.execute(f"DROP TRIGGER {name}")
            for statement in statements:
                conn.execute(statement)
    return tamper
