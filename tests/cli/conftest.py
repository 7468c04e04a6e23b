from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result

from cli.main import cli

Run = Callable[..., Result]


@pytest.fixture
def run(sqlite_url: str) -> Run:
    """Run `aqb` against a fresh SQLite ledger; stdout and stderr kept apart."""
    return make_runner(sqlite_url)


def make_runner(url: str) -> Run:
    runner = CliRunner()

    def invoke(*args: str, actor: str | None = "a.schneider@HMSI") -> Result:
        options = ["--database", url] + (["--actor", actor] if actor else [])
        clean = {"AQB_ACTOR": None, "AQB_DATABASE_URL": None}
        return runner.invoke(cli, [*options, *args], catch_exceptions=False, env=clean)
    return invoke


AGREEMENT = "AQB-2024-06532"


@pytest.fixture
def seeded(run: Run) -> Run:
    """A ledger with the seed agreement, two planned projects, and the ministry's signature."""
    for args in (
        ["agreement", "create", "--year", "2024", "--party", "06532", "--amount", "1.185.000", "--reason", "ZV"],
        ["record", "project", AGREEMENT, "--name", "Jump in", "--category", "QUAL", "--amount", "135000",
         "--places", "18", "--reason", "Plan"],
        ["record", "project", AGREEMENT, "--name", "Lernwerkstatt digital", "--category", "QUAL", "--amount",
         "160.000,00", "--reason", "Plan"],
        ["record", "signature", AGREEMENT, "--party", "HMSI", "--signatory", "Heike Hofmann", "--function",
         "Staatsministerin", "--place", "Wiesbaden", "--date", "1. 7. 2024"],
    ):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
    return run
