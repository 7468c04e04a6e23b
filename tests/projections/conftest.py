"""Fixtures for the read-model tests: a fresh ledger per call (hypothesis needs many)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from ledger.application import migrate
from ledger.persistence.config import database_from_url

FreshUrl = Callable[[], str]


@pytest.fixture(params=["postgres", "sqlite"])
def fresh_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FreshUrl]:
    """A factory of fresh, migrated ledgers on one backend; all dropped at the end."""
    schemas: list[str] = []
    server = str(request.getfixturevalue("pg_server_url")) if request.param == "postgres" else ""

    def make() -> str:
        if not server:
            path: Path = tmp_path_factory.mktemp("ledger") / "ledger.sqlite3"
            return f"sqlite://{path}"
        schema = f"p_{uuid.uuid4().hex[:12]}"
        schemas.append(schema)
        url = f"{server}{'&' if '?' in server else '?'}schema={schema}"
        migrate(database_from_url(url))
        return url

    yield make
    if schemas:
        with psycopg.connect(server.split("?")[0], autocommit=True) as conn:
            for schema in schemas:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
