"""Append-only in the database, not only in our code: the writer may SELECT and INSERT, the reader
may SELECT, and UPDATE, DELETE and TRUNCATE are refused for every role, the owner included."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import psycopg
import pytest

from ledger.application import Meta, open_ledger
from ledger.integrity import roles
from ledger.persistence.config import database_from_url
from tests.integrity.conftest import FIRST, MINISTRY, as_role, schema_of, verify_json

CHANGES = ("UPDATE {t} SET topic = topic", "DELETE FROM {t} WHERE notification_id = 1", "TRUNCATE {t}")


def role(url: str, which: str) -> str:
    return getattr(roles.role_names(database_from_url(url)), which)


@pytest.mark.parametrize("which", ["owner", "writer"])
@pytest.mark.parametrize("statement", CHANGES)
def test_update_delete_and_truncate_are_refused_for_owner_and_writer(pg_ledger: str, which: str,
                                                                     statement: str) -> None:
    table = f'"{schema_of(pg_ledger)}".aqb_events'
    with psycopg.connect(as_role(pg_ledger, role(pg_ledger, which)).split("?")[0]) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only|permission denied"):
        conn.execute(statement.format(t=table))


def test_the_owner_is_refused_by_the_trigger_not_by_missing_rights(pg_ledger: str) -> None:
    table = f'"{schema_of(pg_ledger)}".aqb_events'
    with psycopg.connect(as_role(pg_ledger, role(pg_ledger, "owner")).split("?")[0]) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege, match="aqb ledger is append-only: DELETE"):
        conn.execute(f"DELETE FROM {table}")


def test_the_writer_role_writes_through_the_advisory_lock_recorder(pg_ledger: str) -> None:
    ledger = open_ledger(as_role(pg_ledger, role(pg_ledger, "writer")))
    try:
        receipt = ledger.plan_project(Meta("j.weber@06532", reason="Plan"), FIRST, "ViA", "QUAL", Decimal(5), 3)
    finally:
        ledger.close()
    assert receipt.position == 9
    assert verify_json(pg_ledger)[1]["checked"] == 9


def test_a_psql_insert_by_the_writer_is_chained_too(pg_ledger: str) -> None:
    table = f'"{schema_of(pg_ledger)}".aqb_events'
    with psycopg.connect(as_role(pg_ledger, role(pg_ledger, "writer")).split("?")[0]) as conn:
        conn.execute(f"INSERT INTO {table} (originator_id, originator_version, topic, state, event_hash) "
                     "VALUES ('X-1', 1, 'x', '\\x00', '\\x00')")
    code, report = verify_json(pg_ledger)
    assert (code, report["ok"], report["head_position"]) == (0, True, 9)


def test_the_reader_role_may_read_and_verify_but_not_insert(pg_ledger: str) -> None:
    reader = as_role(pg_ledger, role(pg_ledger, "reader"))
    assert verify_json(reader) == (0, verify_json(pg_ledger)[1])
    with psycopg.connect(reader.split("?")[0]) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(f'INSERT INTO "{schema_of(pg_ledger)}".aqb_events (originator_id, originator_version) '
                     "VALUES ('X', 1)")


def test_role_names_carry_the_schema_so_parallel_ledgers_never_collide() -> None:
    public = roles.role_names(database_from_url("postgresql://u@h/db"))
    other = roles.role_names(database_from_url("postgresql://u@h/db?schema=s2024"))
    assert (public.owner, public.writer, public.reader) == ("aqb_owner", "aqb_writer", "aqb_reader")
    assert other.writer == "aqb_s2024_writer"


@pytest.mark.parametrize("statement", ["UPDATE stored_events SET topic = 'x'", "DELETE FROM stored_events",
                                       "UPDATE event_chain SET event_hash = x'00'", "DELETE FROM event_chain"])
def test_sqlite_refuses_update_and_delete(sqlite_ledger: str, statement: str) -> None:
    with sqlite3.connect(sqlite_ledger[len("sqlite://"):]) as conn, \
            pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(statement)


def test_a_fresh_ledger_verifies_on_both_backends(db_url: str) -> None:
    ledger = open_ledger(db_url)
    try:
        ledger.create_agreement(Meta(MINISTRY, reason="ZV"), FIRST, [("AQB", Decimal(1))])
    finally:
        ledger.close()
    code, report = verify_json(db_url)
    assert (code, report["ok"], report["checked"]) == (0, True, 1)
