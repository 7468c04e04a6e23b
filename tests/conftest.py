"""Fixtures: a real PostgreSQL (AQB_TEST_DATABASE_URL, or a throwaway cluster) and SQLite files,
each test in a fresh schema or file. PostgreSQL tests are never skipped: without a server the
suite fails and says what to install."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from ledger.application import Ledger, migrate, open_ledger
from ledger.integrity import roles
from ledger.persistence.config import database_from_url
from tests import pg_cluster

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


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A fresh, migrated schema on the test server."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    separator = "&" if "?" in pg_server_url else "?"
    url = f"{pg_server_url}{separator}schema={schema}"
    migrate(database_from_url(url))
    yield url
    with psycopg.connect(pg_server_url.split("?", maxsplit=1)[0], autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        roles.drop_roles(conn, roles.role_names(database_from_url(url)))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite://{tmp_path / 'ledger.sqlite3'}"


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest) -> str:
    """The same scenario on PostgreSQL and on SQLite."""
    fixture = "pg_url" if request.param == "postgres" else "sqlite_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    app = open_ledger(db_url)
    yield app
    app.close()
