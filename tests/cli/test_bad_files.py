"""Files and the machine: devices, links to devices, pipes, oversized files, full disks and
permissions are refused with their documented exit codes — never a hang, never exit 1."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import errors
from cli.main import cli
from ledger import inputs
from ledger.domain.errors import AuthorityError, StorageError

A = "AQB-2024-06532"


def aqb(ledger: Path, *args: str, actor: str = "a.schneider") -> Result:
    return CliRunner().invoke(cli, ["--database", f"sqlite://{ledger}", "--actor", actor, *args],
                              env={"AQB_DATABASE_URL": None, "AQB_ACTOR": None})


def one_line(result: Result) -> str:
    lines = result.stderr.strip("\n").split("\n")
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_link_to_a_device_is_refused_before_a_byte_is_read(demo_sqlite: Path, tmp_path: Path) -> None:
    link = tmp_path / "agreement.txt"
    link.symlink_to("/dev/zero")
    result = aqb(demo_sqlite, "import", str(link))
    assert result.exit_code == 4
    assert "is not a regular file" in one_line(result)


def test_a_pipe_as_the_published_file_does_not_hang(demo_sqlite: Path, tmp_path: Path) -> None:
    pipe = tmp_path / "published.pdf"
    os.mkfifo(pipe)
    result = aqb(demo_sqlite, "record", "publication", A, "--url", "https://example.org/zv.pdf", "--date", "2024-08-01",
                 "--file", str(pipe))
    assert result.exit_code == 4
    assert "not a regular file" in one_line(result)


def test_force_replaces_a_regular_file_but_never_a_special_one(demo_sqlite: Path, tmp_path: Path) -> None:
    key = tmp_path / "anchor.key"
    assert aqb(demo_sqlite, "anchor", "keygen", "--key", str(key)).exit_code == 0
    pipe = tmp_path / "bundle.json"
    os.mkfifo(pipe)
    result = aqb(demo_sqlite, "export", "bundle", A, str(pipe), "--key", str(key), "--force")
    assert result.exit_code == 4, result.stderr
    assert "is not a regular file" in one_line(result)
    assert pipe.is_fifo()


def test_an_oversized_document_is_refused_by_its_limit(demo_sqlite: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(inputs.LIMITS, "document", 1024)
    big = tmp_path / "big.txt"
    big.write_text("Zielvereinbarung " * 200, encoding="utf-8")
    result = aqb(demo_sqlite, "import", str(big))
    assert result.exit_code == 4
    assert "is larger than 1 KB" in one_line(result)


@pytest.mark.parametrize(("args", "what"), [(("verify", "--bundle"), "an aqb audit bundle"),
                                            (("anchor", "verify"), "an aqb anchor")])
def test_json_nested_beyond_the_parser_is_refused_as_no_such_file(demo_sqlite: Path, tmp_path: Path,
                                                                  args: tuple[str, ...], what: str) -> None:
    """100,000 nested brackets made the JSON parser overflow: an internal error (exit 1)."""
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = aqb(demo_sqlite, *args, str(deep))
    assert result.exit_code == 4
    assert one_line(result) == f"error: {deep} is not {what}: nested too deeply " + (
        "(give a file of 'aqb export bundle')" if "bundle" in what else "(give a file written by 'aqb anchor create')")


def test_a_key_that_is_not_a_key_is_invalid_input(demo_sqlite: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.key"
    bad.write_bytes(b"not a key")
    result = aqb(demo_sqlite, "anchor", "create", "--key", str(bad))
    assert result.exit_code == 4
    assert "is not a readable Ed25519 private key" in one_line(result)


def test_a_full_disk_under_the_sqlite_ledger_is_a_storage_error_and_writes_nothing(
        demo_sqlite: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ledger.integrity.sqlite_chain import ChainedSQLiteRecorder

    def full(*_: object, **__: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ChainedSQLiteRecorder, "_insert_events", full)
    before = aqb(demo_sqlite, "--format", "json", "trail", A).stdout
    result = aqb(demo_sqlite, "record", "activity", A, "--kind", "survey", "--title", "Umfrage", "--date", "2024-11-01",
                 actor="j.weber")
    assert result.exit_code == 8
    assert "database or disk is full" in one_line(result)
    monkeypatch.undo()
    assert aqb(demo_sqlite, "--format", "json", "trail", A).stdout == before


@pytest.mark.parametrize(("code", "kind", "words"), [
    (errno.ENOSPC, StorageError, "no space left on the device"),
    (errno.EDQUOT, StorageError, "quota"),
    (errno.EACCES, AuthorityError, "permission denied"),
    (errno.EROFS, StorageError, "read-only"),
])
def test_errors_of_the_machine_have_their_documented_codes(code: int, kind: type, words: str) -> None:
    found = errors.environmental(OSError(code, os.strerror(code), "/var/lib/aqb/ledger.sqlite3"))
    assert isinstance(found, kind) and words in found.message and "/var/lib/aqb" in found.message
    assert found.exit_code in (6, 8)


def test_a_bug_stays_a_bug() -> None:
    assert errors.environmental(ZeroDivisionError()) is None
