from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

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
        clean = {"AQB_ACTOR": None, "AQB_DATABASE_URL": None, "AQB_LOCALE": None}
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


@pytest.fixture(scope="session")
def demo_original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo ledger (`aqb demo` on a new SQLite file), made once; tests work on copies."""
    path = tmp_path_factory.mktemp("demo-ledger") / "demo.sqlite3"
    result = CliRunner().invoke(cli, ["--database", f"sqlite://{path}", "demo"],
                                env={"AQB_ACTOR": None, "AQB_DATABASE_URL": None, "AQB_LOCALE": None})
    assert result.exit_code == 0, result.stderr
    return path


@pytest.fixture
def demo(demo_original: Path, tmp_path: Path) -> Run:
    """`aqb` on a copy of the demo ledger; no actor unless a test names one."""
    copy = tmp_path / "demo.sqlite3"
    shutil.copy(demo_original, copy)
    runner = make_runner(f"sqlite://{copy}")

    def invoke(*args: str, actor: str | None = None) -> Result:
        return runner(*args, actor=actor)
    return invoke


@pytest.fixture(scope="module")
def demo_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo ledger (`aqb demo` on a new SQLite file), made once per test module."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    result = CliRunner().invoke(cli, ["--database", f"sqlite://{path}", "demo", "--format", "json"],
                                env={"AQB_DATABASE_URL": None, "AQB_ACTOR": None})
    assert result.exit_code == 0, result.output
    return path
