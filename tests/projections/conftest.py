"""Fixtures for the read-model tests: a fresh ledger per call (hypothesis needs many)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.cast import prepare
from tests.conftest import drop_ledger, new_schema_url

FreshUrl = Callable[[], str]


@pytest.fixture(params=["postgres", "sqlite"])
def fresh_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FreshUrl]:
    """A factory of fresh, migrated ledgers on one backend; all dropped at the end."""
    urls: list[str] = []
    server = str(request.getfixturevalue("pg_server_url")) if request.param == "postgres" else ""

    def make() -> str:
        if not server:
            path: Path = tmp_path_factory.mktemp("ledger") / "ledger.sqlite3"
            prepare(f"sqlite://{path}")
            return f"sqlite://{path}"
        url = new_schema_url(server)
        urls.append(url)
        prepare(url)
        return url

    yield make
    for url in urls:
        drop_ledger(server, url)
