"""Insiders: the recording role with psql, the table owner, a superuser. What each can do to the
ledger, and what refuses or reports it."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from ledger.application import Meta
from ledger.domain.clocks import Clock
from ledger.domain.errors import NotFoundError
from projections.queries import status_then
from tests.cast import Acting
from tests.integrity.conftest import FIRST, admin_of, as_login, at, next_version, run_cli, schema_of, verify_json
from tests.integrity.test_anchors import anchor
from tests.integrity.test_authorship import insert_as

EVENTS = "aqb_events"


def events_of(url: str) -> str:
    return f'"{schema_of(url)}".{EVENTS}'


def test_a_backdated_psql_insert_is_dated_by_the_database_not_by_its_json(pg_ledger: str) -> None:
    ledger = Acting(pg_ledger)
    planned = ledger.entries([FIRST])[-1].event
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    insert_as(pg_ledger, "j.weber", dataclasses.replace(planned, originator_version=5, timestamp=long_ago,
                                                        project_id="P4", name="Rückdatiert"))
    forged = ledger.entries([FIRST])[-1]
    assert forged.event.timestamp == long_ago  # what the inserter wrote
    assert forged.recorded_at > datetime.now(UTC) - timedelta(minutes=5)  # what the database stamped
    trail = json.loads(run_cli(pg_ledger, "--format", "json", "trail", FIRST, login="").stdout)
    assert trail[-1]["recorded"].startswith(str(datetime.now(UTC).date()))
    before = status_then(ledger, FIRST, Clock(before=forged.recorded_at))  # as it stood before the insert
    assert not any(r["name"] == "Rückdatiert" for r in before.tables["aqb_view_budget_items"])
    with pytest.raises(NotFoundError):  # yesterday the ledger knew nothing: the JSON's 2020 does not count
        status_then(ledger, FIRST, Clock(known_on=date.today() - timedelta(days=1)))
    ledger.close()


@pytest.mark.parametrize("position", [9223372036854775806, 0, -5])
def test_a_writer_cannot_choose_a_position(pg_ledger: str, position: int) -> None:
    with psycopg.connect(as_login(pg_ledger, "j.weber").split("?")[0]) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege, match="positions come from the ledger's sequence"):
        conn.execute(f"INSERT INTO {events_of(pg_ledger)} (notification_id, originator_id, originator_version, "
                     f"topic, state) SELECT {position}, originator_id, 99, topic, state FROM {events_of(pg_ledger)} "
                     f"WHERE notification_id = {at(3)}")


@pytest.mark.parametrize("position", [0, -1])
def test_no_row_below_position_one_even_past_the_triggers(pg_ledger: str, superuser: Callable[..., None],
                                                          position: int) -> None:
    with pytest.raises(psycopg.errors.CheckViolation, match="aqb_events_position_positive"):
        superuser(f"INSERT INTO EVENTS (notification_id, originator_id, originator_version, topic, state) "
                  f"SELECT {position}, originator_id, 99, topic, state FROM EVENTS WHERE notification_id = {at(3)}")


def test_replication_mode_does_not_silence_the_chain_trigger(pg_ledger: str) -> None:
    with psycopg.connect(admin_of(pg_ledger)) as conn:
        conn.execute("SET session_replication_role = replica")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="aqb ledger: the event names the login"):
            conn.execute(f"INSERT INTO {events_of(pg_ledger)} (originator_id, originator_version, topic, state) "
                         f"SELECT originator_id, {next_version(events_of(pg_ledger))}, topic, state "
                         f"FROM {events_of(pg_ledger)} e WHERE notification_id = {at(3)}")


def test_a_poison_row_past_the_chain_cannot_silence_the_ledger(pg_ledger: str, superuser: Callable[..., None]) -> None:
    far = 9223372036854775806
    superuser(f"INSERT INTO EVENTS (notification_id, originator_id, originator_version, topic, state) "
              f"SELECT {far}, 'POISON', 1, topic, state FROM EVENTS WHERE notification_id = {at(3)}")
    ledger = Acting(pg_ledger)
    receipt = ledger.plan_project(Meta("j.weber", reason="Plan"), FIRST, "Weiter", "QUAL", Decimal(5), 1)
    assert receipt.position == at(9) and ledger.reads.head() == at(9)
    ledger.close()
    code, report = verify_json(pg_ledger)
    assert code == 10
    assert (report["first_break"]["position"], report["first_break"]["kind"]) == (far, "foreign-insert")


@pytest.mark.parametrize("backend", ["postgres", "sqlite"])
def test_an_anchor_no_longer_holds_once_an_anchored_row_changed(backend: str, request: pytest.FixtureRequest,
                                                                 tmp_path: Path) -> None:
    url = str(request.getfixturevalue("pg_ledger" if backend == "postgres" else "sqlite_ledger"))
    key = tmp_path / "anchor.key"
    assert run_cli(url, "anchor", "keygen", "--key", str(key)).exit_code == 0
    anchor(url, key, tmp_path / "a.json")
    change = f"UPDATE {{t}} SET topic = topic || ' ' WHERE {{p}} = {at(2)}"
    if backend == "postgres":
        request.getfixturevalue("superuser")(change.format(t="EVENTS", p="notification_id"))
    else:
        request.getfixturevalue("sqlite_tamper")(change.format(t="stored_events", p="rowid"))
    result = run_cli(url, "anchor", "verify", str(tmp_path / "a.json"), "--format", "json", login="")
    assert result.exit_code == 10
    assert json.loads(result.stdout)[0]["on_chain"] is False


def test_a_changed_prev_hash_is_a_break_at_its_position(pg_ledger: str, superuser: Callable[..., None]) -> None:
    superuser(f"UPDATE EVENTS SET prev_hash = '\\x{'00' * 32}' WHERE notification_id = {at(4)}")
    code, report = verify_json(pg_ledger)
    assert code == 10
    assert (report["first_break"]["position"], report["first_break"]["kind"]) == (at(4), "changed-row")
    assert "prev_hash" in report["first_break"]["detail"]


def test_a_state_stored_as_text_on_sqlite_is_judged_not_crashed_on(sqlite_ledger: str,
                                                                  sqlite_tamper: Callable[..., None]) -> None:
    sqlite_tamper(f"UPDATE stored_events SET state = CAST(state AS TEXT) WHERE rowid = {at(3)}")
    code, report = verify_json(sqlite_ledger)
    assert code in (0, 10) and report["checked"] == at(8)


@pytest.fixture
def broken(pg_ledger: str, superuser: Callable[..., None]) -> str:
    """An event of the first agreement that no longer reads as one."""
    superuser(f"UPDATE EVENTS SET state = convert_to('{{\"nothing\": 1}}', 'UTF8') WHERE notification_id = {at(3)}")
    return pg_ledger


@pytest.mark.parametrize("command", [("agreement", "show", FIRST), ("trail", FIRST), ("status", FIRST),
                                     ("decisions", FIRST)])
def test_an_undecodable_row_makes_a_read_refuse_clearly_not_crash(broken: str, command: tuple[str, ...]) -> None:
    result = run_cli(broken, *command, login="")
    assert result.exit_code == 10, result.output
    assert result.stderr.startswith(f"error: the event at position {at(3)} ({FIRST} #2) cannot be read: ")
    assert result.stderr.count("\n") == 1


def test_a_gap_in_a_stream_makes_a_read_refuse_clearly(pg_ledger: str, superuser: Callable[..., None]) -> None:
    superuser(f"INSERT INTO EVENTS (notification_id, originator_id, originator_version, topic, state) "
              f"SELECT {at(9)}, originator_id, 99, topic, state FROM EVENTS WHERE notification_id = {at(3)}")
    result = run_cli(pg_ledger, "agreement", "show", FIRST, login="")
    assert (result.exit_code, result.stderr) == (
        10, f"error: {FIRST} cannot be read: version 99 at position {at(9)} follows version 4 (the ledger was "
            "changed outside the application; keep it as it is and run 'aqb verify')\n")


def test_an_undecodable_row_makes_a_write_refuse_clearly(broken: str) -> None:
    result = run_cli(broken, "record", "project", FIRST, "--name", "X", "--category", "QUAL", "--amount", "1",
                     "--reason", "r", login="j.weber")
    assert result.exit_code == 10 and f"position {at(3)}" in result.stderr


def test_the_statewide_report_judges_the_others_and_names_the_broken_one(broken: str) -> None:
    result = run_cli(broken, "report", "compliance", "--year", "2024", "--format", "json", login="")
    assert result.exit_code == 10
    rows = {r["agreement"]: r for r in json.loads(result.stdout)}
    assert rows[FIRST]["broken"].startswith(f"the event at position {at(3)}")
    assert rows["AQB-2024-06611"]["checks"]  # judged all the same
    assert result.stderr.startswith(f"error: the report leaves out {FIRST}")


def test_verify_reports_an_undecodable_row_as_a_break_of_its_own(broken: str) -> None:
    code, report = verify_json(broken)
    assert code == 10
    assert [u["position"] for u in report["undecodable"]] == [at(3)]


def test_a_writer_transaction_in_repeatable_read_is_refused(pg_ledger: str) -> None:
    with psycopg.connect(as_login(pg_ledger, "j.weber").split("?")[0]) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with pytest.raises(psycopg.errors.InvalidTransactionState, match="read committed"):
            conn.execute(f"INSERT INTO {events_of(pg_ledger)} (originator_id, originator_version, topic, state) "
                         f"SELECT originator_id, 99, topic, state FROM {events_of(pg_ledger)} "
                         f"WHERE notification_id = {at(3)}")


def test_a_writer_waits_for_the_lock_a_bounded_time_then_fails_clearly(pg_ledger: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AQB_LOCK_TIMEOUT", "1")
    holder = psycopg.connect(as_login(pg_ledger, "x.meier").split("?")[0])
    holder.execute(f"INSERT INTO {events_of(pg_ledger)} (originator_id, originator_version, topic, state) "
                   f"SELECT originator_id, {next_version(events_of(pg_ledger))}, topic, state "
                   f"FROM {events_of(pg_ledger)} e WHERE notification_id = {at(4)}")
    started = time.monotonic()
    try:
        result = run_cli(pg_ledger, "record", "project", FIRST, "--name", "Warten", "--category", "QUAL", "--amount",
                         "1", "--reason", "r", login="j.weber")
    finally:
        holder.rollback()
        holder.close()
    assert result.exit_code == 7, result.output
    assert result.stderr.startswith("error: another writer held the ledger's write lock for more than 1 s")
    assert time.monotonic() - started < 8


def test_a_registry_change_during_a_command_makes_it_run_again_on_fresh_state(pg_ledger: str) -> None:
    ledger = Acting(pg_ledger)
    writer = ledger.as_("j.weber")
    original = writer.principal_or_none
    revoked = threading.Event()

    def revoke_meanwhile(login: str) -> object:
        found = original(login)
        if login == "j.weber" and not revoked.is_set():
            revoked.set()
            ledger.revoke_mandate(Meta("it.admin", reason="Wechsel"), "j.weber", "M1")
        return found

    writer.principal_or_none = revoke_meanwhile  # type: ignore[method-assign]
    from ledger.domain.errors import NotAuthorisedError

    with pytest.raises(NotAuthorisedError, match="holds no mandate"):
        writer.plan_project(Meta(reason="Plan"), FIRST, "Zu spät", "QUAL", Decimal(1), 1)
    assert verify_json(pg_ledger)[0] == 0
    ledger.close()


def test_sqlite_cannot_be_written_past_its_chain_unnoticed(sqlite_ledger: str) -> None:
    path = sqlite_ledger[len("sqlite://"):]
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO stored_events (originator_id, originator_version, topic, state) "
                     f"SELECT originator_id, 99, topic, state FROM stored_events WHERE rowid = {at(3)}")
    code, report = verify_json(sqlite_ledger)
    assert code == 10 and report["first_break"]["kind"] == "foreign-insert"


@pytest.mark.parametrize(("version", "topic", "refused"), [
    ("99", "topic", "does not follow on its stream"),  # a gap: the stream unreadable for good
    ("originator_version", "topic", "does not follow on its stream"),  # a version taken twice
    (None, "'aqb:Agreement.Nonsense:v1'", "is not an event type of this ledger"),
])
def test_a_writer_cannot_poison_a_stream_with_psql(pg_ledger: str, version: str | None, topic: str,
                                                   refused: str) -> None:
    table = events_of(pg_ledger)
    with psycopg.connect(as_login(pg_ledger, "j.weber").split("?")[0]) as conn, \
            pytest.raises(psycopg.errors.IntegrityError, match=refused):
        conn.execute(f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
                     f"SELECT originator_id, {version or next_version(table)}, {topic}, state FROM {table} e "
                     f"WHERE notification_id = {at(3)}")
    status = run_cli(pg_ledger, "status", FIRST)
    assert status.exit_code == 0, status.stderr
