"""`aqb record batch`: a journal recorded all or nothing, errors by line, a batch recorded once, and
no batch size that hangs — on PostgreSQL (the login records) and SQLite (the actor is declared)."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import StoredEvent
from psycopg import sql

from cli.batch import MARKER
from ledger.application import open_ledger
from ledger.persistence import migrations
from ledger.persistence.config import database_from_url
from ledger.persistence.postgres import AdvisoryLockRecorder, datastore
from tests.cast import login_url
from tests.cli.conftest import AGREEMENT, Run, make_runner

LINES = [
    {"command": "project", "agreement": AGREEMENT, "name": "Jump in", "category": "QUAL", "amount": "135000",
     "places": 18, "reason": "Plan"},
    {"command": "project", "agreement": AGREEMENT, "name": "Lernwerkstatt", "category": "QUAL",
     "amount": "160.000,00", "reason": "Plan"},
    {"command": "reallocation", "agreement": AGREEMENT, "from": "P1", "to": "P2", "amount": "5000",
     "approval": "HMSI II3/2024-17", "reason": "Umschichtung"},
    {"command": "deviation", "agreement": AGREEMENT, "kind": "underspend", "cause": "Personal", "scope": "project",
     "ref": "Jump in"},
]


@pytest.fixture
def run(db_url: str) -> Run:
    """The CLI on both backends, as a.schneider (on PostgreSQL through that login), with the agreement."""
    db = database_from_url(db_url)
    url = login_url(db, "a.schneider") if db.backend == "postgresql" else db_url
    invoke = make_runner(url)
    created = invoke("agreement", "create", "--year", "2024", "--party", "06532", "--amount", "1.185.000",
                     "--reason", "ZV")
    assert created.exit_code == 0, created.stderr
    return invoke


def journal(tmp_path: Path, lines: list[dict[str, Any]], name: str = "journal.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", encoding="utf-8")
    return path


def head(db_url: str) -> int:
    ledger = open_ledger(db_url)
    try:
        return ledger.reads.head()
    finally:
        ledger.close()


def test_a_journal_is_recorded_in_order_each_line_seeing_the_ones_before(run: Run, db_url: str,
                                                                         tmp_path: Path) -> None:
    before = head(db_url)
    result = run("--format", "json", "record", "batch", str(journal(tmp_path, LINES)))
    assert result.exit_code == 0, result.stderr
    receipt = json.loads(result.stdout)
    assert receipt["recorded"] == 4 and receipt["batch"].startswith(MARKER)
    ledger = open_ledger(db_url)
    try:
        agreement = ledger.agreement(AGREEMENT)
        entries = ledger.entries([AGREEMENT])
    finally:
        ledger.close()
    assert [p.current for p in agreement.projects.values()] == [130000, 165000]
    assert list(agreement.deviations) == ["D1"]
    assert {e.event.envelope.correlation_id for e in entries if e.position > before} == {receipt["batch"]}


def test_a_bad_line_is_named_and_nothing_of_the_batch_is_recorded(run: Run, db_url: str, tmp_path: Path) -> None:
    bad = [*LINES[:2], {**LINES[2], "amount": "500000"}, LINES[3]]
    before = head(db_url)
    result = run("record", "--batch", str(journal(tmp_path, bad)))
    assert result.exit_code == 5
    assert result.stderr.startswith("error: line 3: cannot move 500,000.00 EUR from P1")
    assert head(db_url) == before


def test_a_line_is_checked_by_the_commands_own_options(run: Run, db_url: str, tmp_path: Path) -> None:
    before = head(db_url)
    for line, message in (({**LINES[0], "amount": "zwölf"}, "line 2: invalid amount 'zwölf'"),
                          ({**LINES[0], "colour": "blue"}, "line 2: 'project' has no option 'colour'"),
                          ({"command": "payout"}, "line 2: unknown command 'payout'")):
        result = run("record", "batch", str(journal(tmp_path, [LINES[0], line])))
        assert result.exit_code == 4, result.stderr
        assert message in result.stderr
    assert head(db_url) == before


DEVIATION = '"command": "deviation", "agreement": "AQB-2024-06532", "kind": "underspend"'
BAD_JOURNALS = [  # (file name, content, the start of the one-line error)
    ("j.jsonl", b"\xff\xfe{}\n", "error: j.jsonl is not UTF-8 text (byte 1 cannot be read)"),
    ("j.jsonl", b"", "error: j.jsonl holds no command line"),
    ("j.jsonl", b"\n  \n", "error: j.jsonl holds no command line"),
    ("j.csv", b"command,agreement\n", "error: j.csv holds no command line"),
    ("j.csv", b"command,agreement,agreement\ndeviation,A,B\n", "error: line 1: the header names 'agreement' twice"),
    ("j.csv", b"command,agreement\ndeviation,AQB-2024-06532,extra\n",
     "error: line 2: more values than the header has columns"),
    ("j.jsonl", ("{" + DEVIATION + ', "cause": "a", "cause": "b"}\n').encode(),
     "error: line 1: 'cause' is given twice"),
    ("j.jsonl", ("{" + DEVIATION + ', "agreement_id": "AQB-2024-06532", "cause": "a"}\n').encode(),
     "error: line 1: 'agreement' and 'agreement_id' name the same option"),
    ("j.jsonl", ("{" + DEVIATION + ', "cause": {"text": "a"}}\n').encode(),
     "error: line 1: 'cause' must be a text, a number or true/false, not an object"),
    ("j.jsonl", ("{" + DEVIATION + ', "cause": ["a", null]}\n').encode(), "error: line 1: 'cause' takes one value"),
    ("j.jsonl", ("{" + DEVIATION + ', "cause": null}\n').encode(), "error: line 1: Missing option '--cause'"),
    ("j.jsonl", ("{" + DEVIATION + ', "cause": "a", "planned": NaN}\n').encode(),
     "error: line 1: NaN is not a value of a journal line"),
    ("j.jsonl", ("{" + DEVIATION + ', "cause": "a", "actor": {"user": "j.weber"}}\n').encode(),
     "error: line 1: 'actor' must be the principal's login, as text"),
    ("j.csv", b"command,agreement,cause\ndeviation,AQB-2024-06532," + b"x" * 200_000 + b"\n",
     "error: line 2: not a readable CSV row (field larger than field limit"),
    ("j.jsonl", b'{"command": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
     "error: line 1: nested too deeply to be a line of a journal"),
    ("j.jsonl", b'{"command": "decision", "agreement": "AQB-2024-06532", "deviation": "D1", '
                b'"decision": "approved", "reason": "r", "revise": "maybe"}\n',
     "error: line 1: 'revise' is a flag: true or false, not 'maybe'"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_JOURNALS,
                         ids=[m.split(": ", 1)[1][:40] for _, _, m in BAD_JOURNALS])
def test_a_bad_journal_is_refused_in_one_line_before_anything_runs(run: Run, db_url: str, tmp_path: Path, name: str,
                                                                   content: bytes, message: str) -> None:
    """Every value of a line is checked before it reaches its command: a key twice, an object or
    null where a value belongs, a file that is not UTF-8 or holds nothing. Before, an object was
    recorded as its Python spelling and null as the text 'None'."""
    before = head(db_url)
    path = tmp_path / name
    path.write_bytes(content)
    result = run("record", "batch", str(path))
    assert (result.exit_code, result.stderr.count("\n")) == (4, 1), result.stderr
    assert result.stderr.startswith(message), result.stderr
    assert head(db_url) == before


@pytest.mark.parametrize("kind", ["device", "pipe", "directory"])
def test_a_journal_that_is_no_regular_file_is_refused_before_a_byte_is_read(run: Run, db_url: str, tmp_path: Path,
                                                                           kind: str) -> None:
    """`aqb record batch /dev/zero` read for ever, a named pipe waited for a writer: a journal is
    read like every file the ledger reads (a regular file, at most 1 GB), once."""
    path = {"device": Path("/dev/zero"), "pipe": tmp_path / "fifo", "directory": tmp_path}[kind]
    if kind == "pipe":
        os.mkfifo(path)
    before = head(db_url)
    result = run("record", "batch", str(path))
    assert result.exit_code in (2, 4), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert head(db_url) == before


def test_numbers_in_a_journal_keep_the_digits_they_were_written_with(run: Run, db_url: str, tmp_path: Path) -> None:
    """A JSON number is read as written, never through a binary float: 100.0000000000000001 is
    refused as a fraction of a cent (a float would have made it 100.0 and recorded it)."""
    before = head(db_url)
    line = '{"command": "project", "agreement": "%s", "name": "Neu", "category": "QUAL", "reason": "Plan", ' \
           '"amount": %s}\n'
    path = tmp_path / "n.jsonl"
    path.write_text(line % (AGREEMENT, "100.0000000000000001"), encoding="utf-8")
    refused = run("record", "batch", str(path))
    assert refused.exit_code == 4
    assert refused.stderr.startswith("error: line 1: invalid amount '100.0000000000000001'")
    assert head(db_url) == before
    path.write_text(line % (AGREEMENT, "1234.50"), encoding="utf-8")
    assert run("record", "batch", str(path)).exit_code == 0
    ledger = open_ledger(db_url)
    try:
        assert [p.current for p in ledger.agreement(AGREEMENT).projects.values()] == [Decimal("1234.50")]
    finally:
        ledger.close()


@pytest.mark.parametrize("named", ["demo", "db migrate", "verify", "trail", "agreement create", "principal register",
                                   "record batch", "batch", "grant show", "grant", "record", "projections rebuild",
                                   "deviation deviation", "grant grant payment"])
def test_a_line_can_name_only_a_command_that_records_on_an_agreement_or_grant(run: Run, db_url: str, tmp_path: Path,
                                                                               named: str) -> None:
    """Anything else would run outside the batch's transaction (a demo, a migration) or print in
    the middle of it: the whole batch is refused before anything runs."""
    before = head(db_url)
    line = {"command": named, "agreement": AGREEMENT, "file": "x.jsonl", "year": 2025}
    result = run("record", "batch", str(journal(tmp_path, [LINES[0], line])))
    assert result.exit_code == 4, result.stderr
    assert result.stderr.startswith(f"error: line 2: unknown command '{named}'")
    assert result.stdout == ""
    assert head(db_url) == before


def test_the_same_batch_run_again_records_nothing(run: Run, db_url: str, tmp_path: Path) -> None:
    path = journal(tmp_path, LINES)
    assert run("record", "batch", str(path)).exit_code == 0
    before = head(db_url)
    again = run("record", "batch", str(path))
    assert again.exit_code == 0, again.stderr
    assert "was recorded before" in again.stdout and "nothing recorded" in again.stdout
    assert head(db_url) == before


def test_a_batch_id_used_again_for_another_journal_is_a_conflict(run: Run, db_url: str, tmp_path: Path) -> None:
    """A batch id given by hand names one journal: the same id with another file is refused (it
    was reported as "recorded before" and the new journal dropped without a word). Each event
    names its journal (causation id sha256:…), so a re-run of the same file still records nothing."""
    first = journal(tmp_path, LINES[:2], name="september.jsonl")
    assert run("record", "batch", str(first), "--batch-id", "RPKS-2024-09").exit_code == 0
    before = head(db_url)
    again = run("record", "batch", str(first), "--batch-id", "RPKS-2024-09")
    assert again.exit_code == 0 and "was recorded before" in again.stdout, again.stderr
    other = journal(tmp_path, LINES[2:], name="october.jsonl")
    refused = run("record", "batch", str(other), "--batch-id", "RPKS-2024-09")
    assert refused.exit_code == 7, refused.stderr
    assert refused.stderr.startswith("error: batch batch:RPKS-2024-09 was recorded before from another journal "
                                     "(sha256:")
    assert refused.stderr.count("\n") == 1 and head(db_url) == before
    ledger = open_ledger(db_url)
    try:
        recorded = [e for e in ledger.entries([AGREEMENT]) if e.event.envelope.correlation_id == "batch:RPKS-2024-09"]
    finally:
        ledger.close()
    digest = hashlib.sha256(first.read_bytes()).hexdigest()
    assert [e.event.envelope.causation_id for e in recorded] == [f"sha256:{digest}"] * 2


def test_a_journal_recorded_once_is_refused_under_any_other_batch_id(run: Run, db_url: str, tmp_path: Path) -> None:
    """The journal is named in each event it recorded: run again under a new id (given, or the
    file's own when the first run named one), it would record every line a second time."""
    path = journal(tmp_path, LINES[:2])
    assert run("record", "batch", str(path), "--batch-id", "plan-1").exit_code == 0
    before = head(db_url)
    for other in (["--batch-id", "plan-2"], []):
        refused = run("record", "batch", str(path), *other)
        assert refused.exit_code == 7, refused.stderr
        assert refused.stderr.startswith("error: this journal (sha256:") and "as batch batch:plan-1" in refused.stderr
        assert refused.stderr.count("\n") == 1
    assert head(db_url) == before


def test_a_batch_id_given_again_to_a_journal_of_other_streams_is_a_conflict(run: Run, db_url: str,
                                                                           tmp_path: Path) -> None:
    """The streams the second journal reads hold nothing of the first: the whole log is asked."""
    other_agreement = "AQB-2024-06611"
    assert run("agreement", "create", "--year", "2024", "--party", "06611", "--amount", "900000",
               "--reason", "ZV").exit_code == 0
    assert run("record", "batch", str(journal(tmp_path, LINES[:1], name="a.jsonl")), "--batch-id", "b-1").exit_code == 0
    before = head(db_url)
    elsewhere = [{**LINES[0], "agreement": other_agreement}]
    refused = run("record", "batch", str(journal(tmp_path, elsewhere, name="b.jsonl")), "--batch-id", "b-1")
    assert refused.exit_code == 7, refused.stderr
    assert refused.stderr.startswith("error: batch batch:b-1 was recorded before from another journal")
    assert head(db_url) == before


@pytest.mark.parametrize("given", ["a\\b", "a\x1bb", "a\u202eb", "-x", "x" * 65, "a b"])
def test_a_batch_id_is_letters_digits_and_a_few_marks(run: Run, db_url: str, tmp_path: Path, given: str) -> None:
    before = head(db_url)
    refused = run("record", "batch", str(journal(tmp_path, LINES[:1])), "--batch-id", given)
    assert refused.exit_code == 4, refused.stderr
    assert refused.stderr.startswith("error: invalid batch id") and refused.stderr.count("\n") == 1
    assert head(db_url) == before


def test_a_csv_journal_with_a_header(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "journal.csv"
    path.write_text("command,agreement,name,category,amount,reason\n"
                    f"project,{AGREEMENT},Jump in,QUAL,135000,Plan\n"
                    f"project,{AGREEMENT},Lernwerkstatt,QUAL,160000,Plan\n", encoding="utf-8")
    result = run("--format", "json", "record", "batch", str(path), "--batch-id", "plan-2024")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["recorded"] == 2


def test_a_large_batch_is_recorded_in_bounded_statements(run: Run, db_url: str, tmp_path: Path) -> None:
    lines = [LINES[0], *({"command": "deviation", "agreement": AGREEMENT, "kind": "underspend",
                          "cause": f"Abweichung {n}", "scope": "project", "ref": "P1"} for n in range(2500))]
    result = run("--format", "json", "record", "batch", str(journal(tmp_path, lines)))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["recorded"] == 2501


def test_one_insert_of_many_megabytes_does_not_hang(pg_server_url: str) -> None:
    """The save that stalled in the pipeline (about 11,000 events): now sent in bounded statements."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    db = database_from_url(f"{pg_server_url}{'&' if '?' in pg_server_url else '?'}schema={schema}")
    admin = pg_server_url.split("?", maxsplit=1)[0]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {0}").format(sql.Identifier(schema)))
        migrations.MIGRATIONS[0].postgres(db, conn, None)  # type: ignore[arg-type]
    store = datastore(db)
    try:
        events = [StoredEvent(f"S-{n // 10}", n % 10 + 1, "aqb:Bench.Happened:v1", b"x" * 900) for n in range(20_000)]
        ids = AdvisoryLockRecorder(store).insert_events(events)
        assert ids is not None and len(ids) == 20_000 and ids == sorted(ids)
    finally:
        store.close()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {0} CASCADE").format(sql.Identifier(schema)))
