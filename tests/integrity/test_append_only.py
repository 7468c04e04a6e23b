"""Append-only in the database, not only in our code: a writer's login may SELECT and INSERT, an
auditor's may SELECT, and UPDATE, DELETE and TRUNCATE are refused for every role, the owner
included; the read models are written by the projector role alone."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import psycopg
import pytest

from ledger.application import Meta, open_ledger
from ledger.integrity import roles
from tests.integrity.conftest import (
    FIRST,
    admin_of,
    as_login,
    at,
    auditor_url,
    group,
    next_version,
    schema_of,
    verify_json,
)

CHANGES = ("UPDATE {t} SET topic = topic", "DELETE FROM {t} WHERE notification_id = 11", "TRUNCATE {t}")


def owner_login(url: str) -> str:
    """A login that is a member of the ledger's owner role."""
    with psycopg.connect(admin_of(url), autocommit=True) as conn:
        roles.add_login(conn, "aqb_test_dba", group(url, "owner"))
    return as_login(url, "aqb_test_dba")


@pytest.mark.parametrize("who", ["owner", "writer"])
@pytest.mark.parametrize("statement", CHANGES)
def test_update_delete_and_truncate_are_refused_for_owner_and_writer(pg_ledger: str, who: str,
                                                                     statement: str) -> None:
    url = owner_login(pg_ledger) if who == "owner" else as_login(pg_ledger, "j.weber")
    table = f'"{schema_of(pg_ledger)}".aqb_events'
    with psycopg.connect(url.split("?")[0]) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only|permission denied"):
        conn.execute(statement.format(t=table))


def test_the_owner_is_refused_by_the_trigger_not_by_missing_rights(pg_ledger: str) -> None:
    table = f'"{schema_of(pg_ledger)}".aqb_events'
    with psycopg.connect(owner_login(pg_ledger).split("?")[0]) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege, match="aqb ledger is append-only: DELETE"):
        conn.execute(f"DELETE FROM {table}")


def test_a_writer_login_records_with_select_and_insert_only(pg_ledger: str) -> None:
    table = f'"{schema_of(pg_ledger)}".aqb_events'
    with psycopg.connect(as_login(pg_ledger, "j.weber").split("?")[0]) as conn:
        rights = conn.execute("SELECT has_table_privilege(%s, 'UPDATE'), has_table_privilege(%s, 'DELETE'), "
                              "has_sequence_privilege(%s, 'USAGE')",
                              (table, table, f'"{schema_of(pg_ledger)}".aqb_events_notification_id_seq')).fetchone()
    assert rights == (False, False, False)
    ledger = open_ledger(as_login(pg_ledger, "j.weber"))
    try:
        receipt = ledger.plan_project(Meta(reason="Plan"), FIRST, "ViA", "QUAL", Decimal(5), 3)
    finally:
        ledger.close()
    assert receipt.position == at(9)
    assert verify_json(pg_ledger)[1]["checked"] == at(9)


def test_a_psql_insert_by_a_writer_is_chained_and_stamped_too(pg_ledger: str) -> None:
    table = f'"{schema_of(pg_ledger)}".aqb_events'
    with psycopg.connect(as_login(pg_ledger, "j.weber").split("?")[0]) as conn:
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="does not follow on its stream"):
            conn.execute(f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
                         f"SELECT originator_id, 99, topic, state FROM {table} WHERE notification_id = {at(3)}")
        conn.rollback()
        conn.execute(f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
                     f"SELECT originator_id, {next_version(table)}, topic, state FROM {table} e "
                     f"WHERE notification_id = {at(3)}")
        stamped = conn.execute(f"SELECT recorded_by, event_hash IS NOT NULL, notification_id FROM {table} "
                               "ORDER BY notification_id DESC LIMIT 1").fetchone()
    assert stamped == ("j.weber", True, at(9))  # the refused row took no position
    report = verify_json(pg_ledger)[1]
    assert (report["first_break"], report["version_gaps"]) == (None, [])


def test_an_auditor_may_read_and_verify_but_not_insert_or_write_views(pg_ledger: str) -> None:
    auditor = auditor_url(pg_ledger)
    assert verify_json(auditor) == (0, verify_json(pg_ledger)[1])
    with psycopg.connect(auditor.split("?")[0]) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(f'INSERT INTO "{schema_of(pg_ledger)}".aqb_events (originator_id, originator_version) '
                     "VALUES ('X', 1)")


@pytest.mark.parametrize("table", ["aqb_view_budget_summary_a", "aqb_view_tracking"])
def test_a_writer_cannot_change_the_read_models_or_their_tracking(pg_ledger: str, table: str) -> None:
    with psycopg.connect(as_login(pg_ledger, "j.weber").split("?")[0]) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
        conn.execute(f'UPDATE "{schema_of(pg_ledger)}".{table} SET position = 0' if "tracking" in table else
                     f'UPDATE "{schema_of(pg_ledger)}".{table} SET agreed = 1')


def test_an_auditor_cannot_take_the_writers_lock(pg_ledger: str) -> None:
    with psycopg.connect(auditor_url(pg_ledger).split("?")[0]) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
        conn.execute(f'LOCK TABLE "{schema_of(pg_ledger)}".aqb_write_lock IN EXCLUSIVE MODE')


@pytest.mark.parametrize("statement", ["UPDATE stored_events SET topic = 'x'", "DELETE FROM stored_events",
                                       "UPDATE event_chain SET event_hash = x'00'", "DELETE FROM event_chain"])
def test_sqlite_refuses_update_and_delete(sqlite_ledger: str, statement: str) -> None:
    with sqlite3.connect(sqlite_ledger[len("sqlite://"):]) as conn, \
            pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(statement)


def test_a_fresh_ledger_verifies_on_both_backends(db_url: str) -> None:
    from tests.cast import Acting

    ledger = Acting(db_url)
    try:
        ledger.create_agreement(Meta("a.schneider@HMSI", reason="ZV"), FIRST, [("AQB", Decimal(1))])
    finally:
        ledger.close()
    code, report = verify_json(db_url)
    assert (code, report["ok"], report["checked"]) == (0, True, at(1))


AUTHOR_CHECK = ("aqb_principal(login text)", "aqb_check_author(stream text, topic text, env json)")


@pytest.mark.parametrize("function", AUTHOR_CHECK)
def test_a_writer_cannot_redefine_the_functions_the_author_check_rests_on(pg_ledger: str, function: str) -> None:
    """A writer with psql replacing the principal lookup (by migration 6 a PL/pgSQL function) or
    the author check with one that lets anybody pass is refused; both stay the owner's, run as
    their definer with a fixed search path."""
    schema = schema_of(pg_ledger)
    returns = "jsonb" if function.startswith("aqb_principal") else "void"
    body = "SELECT '{}'::jsonb" if returns == "jsonb" else "SELECT"
    with psycopg.connect(as_login(pg_ledger, "j.weber").split("?")[0]) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(f'CREATE OR REPLACE FUNCTION "{schema}".{function} RETURNS {returns} LANGUAGE sql AS $$ {body} $$')
    with psycopg.connect(admin_of(pg_ledger)) as conn:
        name = function.split("(", maxsplit=1)[0]
        owner, definer, config = conn.execute(
            "SELECT pg_get_userbyid(p.proowner), p.prosecdef, p.proconfig FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %s AND p.proname = %s",
            (schema, name)).fetchone()
    assert (owner, definer) == (group(pg_ledger, "owner"), True)
    assert config == ["search_path=pg_catalog, pg_temp"]
