"""Fixtures: a real PostgreSQL (AQB_TEST_DATABASE_URL, or a throwaway cluster) and SQLite files,
each test in a fresh schema or file, with the registry bootstrapped and the tests' cast registered
(tests/cast.py). PostgreSQL tests are never skipped: without a server the suite fails and says
what to install."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from ledger.application import migrate
from ledger.integrity import roles
from ledger.persistence.config import database_from_url
from tests import pg_cluster
from tests.cast import Acting, prepare
from tests.output.browser import Browser

BACKENDS = ["postgres", "sqlite"]


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    url = os.environ.get("AQB_TEST_DATABASE_URL")
    if url:
        yield url
        return
    try:
        cluster = pg_cluster.start()
    except pg_cluster.ClusterError as exc:
        pytest.exit(f"cannot start PostgreSQL for the tests: {exc}", returncode=3)
    try:
        yield cluster.url
    finally:
        cluster.stop()


def new_schema_url(server: str) -> str:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    return f"{server}{'&' if '?' in server else '?'}schema={schema}"


def drop_ledger(server: str, url: str) -> None:
    """Drop a test ledger's schema and its four roles."""
    db = database_from_url(url)
    with psycopg.connect(server.split("?", maxsplit=1)[0], autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{db.schema}" CASCADE')
        roles.drop_roles(conn, roles.roles_of(db, conn))


@pytest.fixture
def bare_pg_url(pg_server_url: str) -> Iterator[str]:
    """A fresh, migrated schema on the test server with an empty registry."""
    url = new_schema_url(pg_server_url)
    migrate(database_from_url(url))
    yield url
    drop_ledger(pg_server_url, url)


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A fresh, migrated schema with the registry bootstrapped and the cast registered."""
    url = new_schema_url(pg_server_url)
    prepare(url)
    yield url
    drop_ledger(pg_server_url, url)


@pytest.fixture
def bare_sqlite_url(tmp_path: Path) -> str:
    """Where an SQLite ledger may be made (nothing there yet)."""
    return f"sqlite://{tmp_path / 'ledger.sqlite3'}"


@pytest.fixture
def sqlite_url(bare_sqlite_url: str) -> str:
    """An SQLite ledger with the registry bootstrapped and the cast registered."""
    prepare(bare_sqlite_url)
    return bare_sqlite_url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest) -> str:
    """The same scenario on PostgreSQL and on SQLite."""
    fixture = "pg_url" if request.param == "postgres" else "sqlite_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def ledger(db_url: str) -> Iterator[Acting]:
    app = Acting(db_url)
    yield app
    app.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, one per test module."""
    opened = Browser()
    yield opened
    opened.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots and page images go: $AQB_SCREENSHOTS (to look at them), else a temporary folder."""
    wanted = os.environ.get("AQB_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path / "shots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
