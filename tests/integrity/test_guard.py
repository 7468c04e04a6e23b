"""A superuser or the owner changes the database's guard (a trigger function, a trigger): verify
says what changed, and `aqb db migrate` restores it."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import pytest

from ledger.integrity import roles
from ledger.persistence.config import database_from_url
from tests.integrity.conftest import admin_of, next_version, run_cli, schema_of, verify_json


def as_superuser(url: str, statement: str) -> None:
    """Run the statement; S. is the ledger's schema, WRITER and OWNER its roles."""
    with psycopg.connect(admin_of(url), autocommit=True) as conn:
        names = roles.roles_of(database_from_url(url), conn)
        for one in statement.replace("S.", f'"{schema_of(url)}".').replace("WRITER", f'"{names.writer}"').replace(
                "OWNER", f'"{names.owner}"').split(";\n"):
            conn.execute(one)


CHANGES: dict[str, tuple[str, str]] = {
    "author check skipped": (
        "CREATE OR REPLACE FUNCTION S.aqb_check_author(stream text, topic text, env json) RETURNS void "
        "LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$ BEGIN RETURN; END $f$",
        "the function aqb_check_author is not the one the migrations create (its body changed)"),
    "save function rewritten": (  # it runs as the caller, but could change what the caller saves
        "CREATE OR REPLACE FUNCTION S.aqb_save(events S.stored_event_text[], ids text[], versions bigint[], "
        "lock_wait text) RETURNS SETOF bigint LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp "
        "AS $f$ BEGIN RETURN; END $f$",
        "the function aqb_save is not the one the migrations create (its body changed)"),
    "mandate lookup that finds every mandate held": (
        "CREATE OR REPLACE FUNCTION S.aqb_held_mandate(login text, mandate_id text) RETURNS jsonb "
        "LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$ BEGIN "
        "RETURN '{\"acts\": [{\"_data_\": \"administer\"}]}'::jsonb; END $f$",
        "the function aqb_held_mandate is not the one the migrations create (its body changed)"),
    "search path opened": (
        "ALTER FUNCTION S.aqb_chain_link() SET search_path = public, pg_catalog",
        "the function aqb_chain_link is not the one the migrations create (its settings (search path) changed)"),
    "chain trigger disabled": (
        "ALTER TABLE S.aqb_events DISABLE TRIGGER aqb_events_chain",
        "the trigger aqb_events_chain is disabled"),
    "a condition on the chain trigger": (
        "DROP TRIGGER aqb_events_chain ON S.aqb_events;\n"
        "CREATE TRIGGER aqb_events_chain BEFORE INSERT ON S.aqb_events FOR EACH ROW "
        "WHEN (session_user <> 'mallory') EXECUTE FUNCTION S.aqb_chain_link();\n"
        "ALTER TABLE S.aqb_events ENABLE ALWAYS TRIGGER aqb_events_chain",
        "the trigger aqb_events_chain has a condition, columns or arguments the ledger did not give it"),
    "append-only narrowed to truncate, and UPDATE granted": (
        "DROP TRIGGER aqb_events_append_only ON S.aqb_events;\n"
        "CREATE TRIGGER aqb_events_append_only BEFORE TRUNCATE ON S.aqb_events FOR EACH STATEMENT "
        "EXECUTE FUNCTION S.aqb_refuse_change();\n"
        "ALTER TABLE S.aqb_events ENABLE ALWAYS TRIGGER aqb_events_append_only;\n"
        "GRANT UPDATE ON S.aqb_events TO WRITER",
        "the trigger aqb_events_append_only no longer fires before update, delete or truncate"),
    "an UPDATE right of the writer": (
        "GRANT UPDATE, DELETE ON S.aqb_events TO WRITER",
        "grants DELETE, UPDATE to"),
    "a rule sending inserts elsewhere": (
        "CREATE TABLE S.shadow (LIKE S.aqb_events);\n"
        "CREATE RULE divert AS ON INSERT TO S.aqb_events DO INSTEAD NOTHING",
        "the table aqb_events has a rule the ledger did not create: divert"),
    "rows hidden by row-level security": (
        "ALTER TABLE S.aqb_events ENABLE ROW LEVEL SECURITY;\n"
        "CREATE POLICY hide ON S.aqb_events FOR SELECT USING (notification_id <> 3)",
        "the table aqb_events has row-level security enabled (rows can be hidden from readers)"),
    "a child table past the triggers": (
        "CREATE TABLE S.aqb_events_x () INHERITS (S.aqb_events)",
        "the table aqb_events has a child table, whose rows skip its triggers"),
    "every writer made an owner": (
        "GRANT OWNER TO WRITER",
        "is a member of its role"),
    "a trigger of its own": (
        "CREATE TRIGGER zz_mine BEFORE INSERT ON S.aqb_events FOR EACH ROW EXECUTE FUNCTION S.aqb_chain_link()",
        "the table aqb_events has a trigger the ledger did not create: zz_mine"),
    "the primary key dropped": (
        "ALTER TABLE S.aqb_events DROP CONSTRAINT aqb_events_pkey",
        "the table aqb_events lacks its constraint aqb_events_pkey"),
    "the unique index of positions dropped": (
        "DROP INDEX S.aqb_events_notification_id_idx",
        "the table aqb_events lacks its unique index of positions"),
    "the check of positive positions dropped": (
        "ALTER TABLE S.aqb_events DROP CONSTRAINT aqb_events_position_positive",
        "the table aqb_events lacks its constraint aqb_events_position_positive"),
    "a position allowed to be NULL": (
        "ALTER TABLE S.aqb_events ALTER COLUMN notification_id DROP NOT NULL",
        "the column aqb_events.notification_id accepts NULL"),
    "anchors left open": (
        "DROP TRIGGER aqb_anchors_append_only ON S.aqb_anchors",
        "the trigger aqb_anchors_append_only is missing"),
}


def test_an_intact_guard_is_said_to_be_the_migrations_own(pg_ledger: str) -> None:
    code, report = verify_json(pg_ledger)
    assert (code, report["ok"], report["guard"]) == (0, True, [])
    assert "Database guard: the trigger functions and triggers are the migrations' own." in run_cli(
        pg_ledger, "verify", login="").stdout


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_changed_guard_fails_verify_and_migrate_restores_it(pg_ledger: str, change: str) -> None:
    statement, said = CHANGES[change]
    as_superuser(pg_ledger, statement)
    code, report = verify_json(pg_ledger)
    assert code == 10 and report["ok"] is False and any(said in g for g in report["guard"]), report["guard"]
    migrated = run_cli(pg_ledger, "db", "migrate", login="")
    assert migrated.exit_code == 0, migrated.stderr
    assert "restored the database's guard, which had been changed" in " ".join(migrated.stdout.split())
    code, report = verify_json(pg_ledger)
    assert (code, report["guard"]) == (0, [])
    again = run_cli(pg_ledger, "db", "migrate", login="")
    assert "restored" not in again.stdout + again.stderr


def test_a_forged_author_is_refused_again_once_the_guard_is_restored(pg_ledger: str,
                                                                   forge: Callable[[str], int]) -> None:
    as_superuser(pg_ledger, CHANGES["author check skipped"][0])
    assert forge(pg_ledger) == 1  # accepted while the check was skipped
    run_cli(pg_ledger, "db", "migrate", login="")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        forge(pg_ledger)


@pytest.fixture
def forge() -> Callable[[str], int]:
    """A writer inserts a copy of the ledger's last row of another login, with its envelope, as the
    next event of its stream."""
    def insert(url: str) -> int:
        table = f'"{schema_of(url)}".aqb_events'
        with psycopg.connect(admin_of(url).replace("postgres@", "j.weber@", 1)) as conn:
            done = conn.execute(
                f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
                f"SELECT originator_id, {next_version(table)}, topic, state FROM {table} e "
                "WHERE recorded_by <> 'j.weber' ORDER BY notification_id DESC LIMIT 1")
            return done.rowcount
    return insert
