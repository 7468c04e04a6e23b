"""Every example of the documentation runs on the demo ledger and exits 0.

- A block (one command's `Example:`, one README code block) is a script: its lines run in order
  on one workspace, as a user would type them (`~`, globs and `> FILE` included).
- The workspace is a fresh copy of a folder with the demo ledger (`aqb demo`, SQLite) as
  AQB_DATABASE_URL, and what a user of the demo has at hand: HOME with the demo's anchor key pair
  in ~/.config/aqb/anchor.key(.pub), the demo's anchor as anchors/2024-06-30.json, and the
  agreement documents the examples name.
- An example that names a database (`--database URL`, `export AQB_DATABASE_URL=…`) runs on one
  the test gives in its place: SQLite, a file in the workspace; PostgreSQL, a fresh schema on the
  test server, reached as the login the URL names. A block that starts with `aqb demo` or
  `aqb db migrate` starts from an empty database, one that starts with `aqb principal bootstrap`
  from a migrated one; every other block from the demo ledger.
- `aqb projections run` follows until Ctrl-C: it runs as a process and gets SIGINT once it follows.
- An example that shows a trail must show events ("0 events" means it does not fit the demo).
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from ledger.importer.read import seed_document_path
from ledger.persistence.config import database_from_url
from tests.cli.examples import ROOT, Block, docs_blocks, help_blocks, readme_blocks
from tests.conftest import drop_ledger, new_schema_url

PDF = ROOT / "tests" / "importer" / "fixtures" / "zielvereinbarung-2024-lahn-dill-kreis.pdf"
QUIET = {"AQB_ACTOR": None, "AQB_LOCALE": None, "AQB_ANCHOR_KEY": None, "AQB_ANCHOR_PUBLIC_KEY": None,
         "XDG_DATA_HOME": None, "AQB_TEST_DATABASE_URL": None}


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo ledger and the files around it, made once; each block works on a copy."""
    base = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(cli, ["--database", f"sqlite://{base / 'ledger.sqlite3'}", "demo"], env=QUIET)
    assert result.exit_code == 0, result.stderr
    keys = base / "home" / ".config" / "aqb"
    keys.mkdir(parents=True)
    shutil.copy(base / "ledger.anchor.key", keys / "anchor.key")
    shutil.copy(base / "ledger.anchor.key.pub", keys / "anchor.key.pub")
    (base / "anchors").mkdir()
    shutil.copy(base / "ledger.anchor.json", base / "anchors" / "2024-06-30.json")
    shutil.copy(seed_document_path(), base / seed_document_path().name)
    shutil.copy(PDF, base / PDF.name)
    (base / "journal-2024-09.jsonl").write_text(
        '{"command": "deviation", "agreement": "AQB-2024-06532", "kind": "underspend", "cause": "Personal", '
        '"effective": "2024-11-04"}\n'
        '{"command": "grant payment", "file_number": "RPKS-57-AQB-2024-017", "date": "2025-03-03", '
        '"amount": "30000", "reason": "Abruf März", "actor": "k.becker@RPKS"}\n', encoding="utf-8")
    (base / "payments.csv").write_text("command,file_number,date,amount,reason\n"
                                       "grant payment,RPKS-57-AQB-2024-017,2025-03-04,1000,Abruf März\n",
                                       encoding="utf-8")
    (base / "ledger" / "importer" / "seed").mkdir(parents=True)
    shutil.copy(seed_document_path(), base / "ledger" / "importer" / "seed" / seed_document_path().name)
    return base


class Databases:
    """The databases that stand in for the ones a block names: one per database it names."""

    def __init__(self, start: str, workspace: Path, pg_server: Callable[[], str]) -> None:
        self.start, self.workspace, self.pg_server = start, workspace, pg_server
        self.found: dict[str, str] = {}
        self.made: list[str] = []

    def instead_of(self, url: str) -> str:
        db = database_from_url(url)
        if db.backend == "sqlite":
            key = "sqlite:" + db.sqlite_path
            if key not in self.found:
                demo = self.start == "demo" and not self.found
                name = "ledger.sqlite3" if demo else f"db-{len(self.found)}.sqlite3"
                self.found[key] = f"sqlite://{self.workspace / name}"
            return self.found[key]
        key = "pg:" + db.conninfo.get("host", "") + "/" + db.conninfo.get("dbname", "")
        if key not in self.found:
            self.found[key] = self._new_pg()
        target = database_from_url(self.found[key])
        user = db.conninfo.get("user", "postgres")
        return (f"postgresql://{user}@{target.conninfo['host']}:{target.conninfo.get('port', '5432')}/"
                f"{target.conninfo['dbname']}?schema={target.schema}")

    def _new_pg(self) -> str:
        url = new_schema_url(self.pg_server())
        self.made.append(url)
        if self.start == "migrated":
            from ledger.application import migrate

            migrate(database_from_url(url))
        elif self.start == "demo":
            done = CliRunner().invoke(cli, ["--database", url, "demo"], env=QUIET)
            assert done.exit_code == 0, done.stderr
        return url

    def drop(self) -> None:
        for url in self.made:
            drop_ledger(self.pg_server(), url)


def _expanded(words: list[str], home: Path) -> list[str]:
    out: list[str] = []
    for given in words:
        word = str(home) + given[1:] if given.startswith("~/") else given
        matches = sorted(glob.glob(word)) if any(c in word for c in "*?[") else []
        out += matches or [word]
    return out


def _run(words: list[str], env: dict[str, str | None], where: str) -> None:
    target = None
    if ">" in words:
        target = Path(words[words.index(">") + 1])
        words = words[: words.index(">")]
    if words[1:3] == ["projections", "run"] or words[-2:] == ["projections", "run"]:
        _run_until_following(words, env, where)
        return
    result = CliRunner().invoke(cli, words[1:], env=env, prog_name="aqb")
    assert result.exit_code == 0, f"{where}: '{' '.join(words)}' exited {result.exit_code}: {result.stderr}"
    assert "\n0 events;" not in result.stdout and " 0 events;" not in result.stdout, (
        f"{where}: '{' '.join(words)}' shows nothing on the demo ledger")
    if target is not None:
        target.write_bytes(result.stdout_bytes)


def _run_until_following(words: list[str], env: dict[str, str | None], where: str) -> None:
    environment = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
    aqb = str(Path(sys.executable).with_name("aqb"))  # not python -m: the workspace has a folder named ledger
    with _ctrl_c_as_at_a_terminal():
        process = subprocess.Popen([aqb, *words[1:]], env=environment, stderr=subprocess.PIPE,
                                   stdout=subprocess.DEVNULL, text=True)
    with process:
        assert process.stderr is not None
        line = process.stderr.readline()
        assert line.startswith("Following "), f"{where}: {line}{process.stderr.read()}"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0, f"{where}: {process.stderr.read()}"


@contextmanager
def _ctrl_c_as_at_a_terminal() -> Iterator[None]:
    """The runner started with SIGINT as a terminal delivers it: a suite started in the background
    by a shell without job control runs with SIGINT ignored, which a child would inherit (and
    Python keeps an ignored SIGINT ignored). A handled signal becomes the default at exec."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


@pytest.fixture
def run_block(demo_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
              request: pytest.FixtureRequest) -> Iterator[Callable[[Block], None]]:
    dropped: list[Databases] = []

    def run(block: Block) -> None:
        workspace = tmp_path / "workspace"
        shutil.copytree(demo_folder, workspace)
        monkeypatch.chdir(workspace)
        home = workspace / "home"
        databases = Databases(block.start(), workspace,
                              lambda: str(request.getfixturevalue("pg_server_url")))
        dropped.append(databases)
        env: dict[str, str | None] = {**QUIET, "HOME": str(home),
                                      "AQB_DATABASE_URL": f"sqlite://{workspace / 'ledger.sqlite3'}"}
        if block.start() != "demo":
            env["AQB_DATABASE_URL"] = databases.instead_of(f"sqlite://{workspace / 'unnamed.sqlite3'}")
        for given in block.words():
            if given[0] == "export":
                name, _, value = given[1].partition("=")
                env[name] = databases.instead_of(value) if name == "AQB_DATABASE_URL" else value
                continue
            words = _expanded(given, home)
            if "--database" in words:
                at = words.index("--database") + 1
                words[at] = databases.instead_of(words[at])
            _run(words, env, block.where)

    yield run
    for databases in dropped:
        databases.drop()


@pytest.mark.parametrize("block", help_blocks(), ids=lambda b: b.where)
def test_every_help_example_runs_on_the_demo_ledger(block: Block, run_block: Callable[[Block], None]) -> None:
    run_block(block)


@pytest.mark.parametrize("block", readme_blocks(), ids=lambda b: b.where)
def test_every_readme_example_runs_on_the_demo_ledger(block: Block, run_block: Callable[[Block], None]) -> None:
    run_block(block)


def test_docs_cli_md_gives_the_examples_the_help_gives() -> None:
    assert sorted(docs_blocks()) == sorted(b.lines for b in help_blocks())


def test_the_readme_and_every_command_have_examples() -> None:
    assert len(readme_blocks()) >= 3
    assert len(help_blocks()) == len([b for b in help_blocks() if b.lines]) >= 50
