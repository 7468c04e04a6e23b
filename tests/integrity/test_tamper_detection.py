"""Tampering done with the triggers out of the way (a superuser on PostgreSQL, a file editor on
SQLite) is found by `aqb verify`, which names the exact position and the kind of break."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import psycopg
import pytest

from ledger.integrity import link
from tests.integrity.conftest import admin_of, at, run_cli, schema_of, verify_json


def test_an_untouched_ledger_verifies(pg_ledger: str) -> None:
    code, report = verify_json(pg_ledger)
    assert (code, report["ok"], report["checked"], report["head_position"]) == (0, True, at(8), at(8))
    assert report["first_break"] is None and report["version_gaps"] == []
    assert report["authorship"] == {"checked": at(8), "before_registry": 0, "declared": 0, "violations": []}


def test_a_changed_amount_breaks_at_its_own_position(pg_ledger: str, superuser: Callable[..., None]) -> None:
    superuser("UPDATE EVENTS SET state = convert_to(replace(convert_from(state, 'UTF8'), '135000', '935000'), "
              f"'UTF8') WHERE notification_id = {at(3)}")
    code, report = verify_json(pg_ledger)
    assert code == 10
    assert report["first_break"]["position"] == at(3)
    assert report["first_break"]["kind"] == "changed-row"
    assert report["later_breaks"] == []


def test_a_deleted_event_breaks_at_the_next_position_and_leaves_a_version_gap(
        pg_ledger: str, superuser: Callable[..., None]) -> None:
    superuser(f"DELETE FROM EVENTS WHERE notification_id = {at(5)}")
    code, report = verify_json(pg_ledger)
    assert code == 10
    assert (report["first_break"]["position"], report["first_break"]["kind"]) == (at(6), "missing-row")
    assert [g["position"] for g in report["version_gaps"]] == [at(7)]  # stream 1 jumps from version 2 to 4


def test_an_inserted_event_is_a_foreign_insert_at_its_position(pg_ledger: str,
                                                                superuser: Callable[..., None]) -> None:
    superuser("INSERT INTO EVENTS (notification_id, originator_id, originator_version, topic, state) "
              f"SELECT {at(9)}, originator_id, 5, topic, state FROM EVENTS WHERE notification_id = {at(7)}")
    code, report = verify_json(pg_ledger)
    assert code == 10
    assert (report["first_break"]["position"], report["first_break"]["kind"]) == (at(9), "foreign-insert")


def test_an_inserted_event_with_a_perfectly_forged_link_is_found_by_the_row_after_it(
        pg_ledger: str, superuser: Callable[..., None]) -> None:
    # The attacker makes room at position 5 and inserts a row whose link is computed exactly as the
    # trigger would: the row itself passes, but the row after it still points past it.
    superuser(f"UPDATE EVENTS SET notification_id = notification_id + 10 WHERE notification_id >= {at(5)}")
    with psycopg.connect(admin_of(pg_ledger)) as conn:
        head = conn.execute(f'SELECT event_hash FROM "{schema_of(pg_ledger)}".aqb_events '
                            f"WHERE notification_id = {at(4)}").fetchone()[0]
    micros = link.epoch_us(datetime.now(UTC))
    forged = link.link_hash(head, at(5), "AQB-2024-99999", 1, "t", micros, b"{}", "postgres")
    superuser("INSERT INTO EVENTS (notification_id, originator_id, originator_version, topic, state, "
              f"recorded_at, recorded_by, prev_hash, event_hash) VALUES ({at(5)}, 'AQB-2024-99999', 1, 't', "
              f"'{{}}'::bytea, '{link.from_epoch_us(micros).isoformat()}', 'postgres', '\\x{head.hex()}', "
              f"'\\x{forged.hex()}')")
    code, report = verify_json(pg_ledger)
    assert code == 10
    assert (report["first_break"]["position"], report["first_break"]["kind"]) == (at(5), "foreign-insert")


def test_two_swapped_events_are_reported_as_reordered_at_the_first(pg_ledger: str,
                                                                   superuser: Callable[..., None]) -> None:
    superuser(f"UPDATE EVENTS SET notification_id = 1000000 WHERE notification_id = {at(4)}",
              f"UPDATE EVENTS SET notification_id = {at(4)} WHERE notification_id = {at(5)}",
              f"UPDATE EVENTS SET notification_id = {at(5)} WHERE notification_id = 1000000")
    code, report = verify_json(pg_ledger)
    assert code == 10
    assert (report["first_break"]["position"], report["first_break"]["kind"]) == (at(4), "reordered")


def test_verify_from_a_position_checks_only_the_rest(pg_ledger: str, superuser: Callable[..., None]) -> None:
    superuser(f"UPDATE EVENTS SET topic = 'x' WHERE notification_id = {at(2)}")
    assert verify_json(pg_ledger, "--from", str(at(3)))[0] == 0
    assert verify_json(pg_ledger, "--from", str(at(2)))[1]["first_break"]["position"] == at(2)


def test_a_break_is_one_line_on_stderr_with_exit_code_10(pg_ledger: str, superuser: Callable[..., None]) -> None:
    superuser(f"UPDATE EVENTS SET topic = 'x' WHERE notification_id = {at(2)}")
    result = run_cli(pg_ledger, "verify")
    assert result.exit_code == 10
    assert result.stderr.startswith(f"error: integrity break at position {at(2)}: changed-row (")
    assert f"First break at position {at(2)} (changed-row)" in result.stdout
    assert f"Undecodable at position {at(2)}" in result.stdout  # its topic names no event any more


@pytest.mark.parametrize(("statement", "position", "kind"), [
    ("UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), '135000', '935000') AS BLOB) "
     f"WHERE rowid = {at(3)}", at(3), "changed-row"),
    (f"DELETE FROM stored_events WHERE rowid = {at(5)}", at(6), "missing-row"),
    ("INSERT INTO stored_events SELECT originator_id, 5, topic, state FROM stored_events "
     f"WHERE rowid = {at(7)}", at(9), "foreign-insert"),
])
def test_sqlite_tampering_is_found_at_its_position(sqlite_ledger: str, sqlite_tamper: Callable[..., None],
                                                   statement: str, position: int, kind: str) -> None:
    sqlite_tamper(statement)
    code, report = verify_json(sqlite_ledger)
    assert code == 10
    assert (report["first_break"]["position"], report["first_break"]["kind"]) == (position, kind)
