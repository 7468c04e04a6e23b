"""Migration 2 on PostgreSQL: the hash chain computed by the database for every insert (link
layout 1), the append-only triggers and the anchors table. Migration 4 (`pg_guard`) replaces the
chain and lock functions and sets up the ledger's roles.

- `aqb_events_lock` (BEFORE INSERT, per statement) takes the writers' advisory lock, so psql and
  COPY writers are serialised exactly like the library (which already holds it: it is re-entrant).
- `aqb_events_chain` (BEFORE INSERT, per row) sets `recorded_at`, `prev_hash` and `event_hash` from
  the row before in global order (see `ledger.integrity.link`), whatever the inserter supplied.
- `aqb_events_append_only` (BEFORE UPDATE, DELETE or TRUNCATE, per statement) refuses, even for
  the owner, and is ENABLE ALWAYS so `session_replication_role = replica` does not silence it.
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

from ledger.integrity import link
from ledger.persistence.config import EVENTS_TABLE, Database
from ledger.persistence.postgres import events_table

LOCK_CLASS = 0x41514230  # "AQB0": first key of the writers' advisory lock of layout 1


def writer_lock_statement(schema: str) -> sql.Composed:
    """The advisory lock of migration 2 (replaced by the write-lock table of migration 4)."""
    return sql.SQL("SELECT pg_advisory_xact_lock({0}, hashtext({1}))").format(
        sql.Literal(LOCK_CLASS), sql.Literal(f"{schema}.{EVENTS_TABLE}"))

ANCHORS_TABLE = "aqb_anchors"

CHAIN_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.aqb_chain_link() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
  head_id bigint;
  prev bytea;
  micros bigint;
BEGIN
  SELECT notification_id, event_hash INTO head_id, prev FROM {table}
    ORDER BY notification_id DESC LIMIT 1;
  IF head_id IS NULL THEN
    prev := '\\x{genesis}'::bytea;
  ELSIF head_id >= NEW.notification_id THEN
    RAISE EXCEPTION 'aqb ledger: position % is not after the head %', NEW.notification_id, head_id
      USING ERRCODE = 'check_violation', HINT = 'append only: let the sequence assign positions';
  ELSIF prev IS NULL THEN
    RAISE EXCEPTION 'aqb ledger: the head row % carries no chain link', head_id
      USING ERRCODE = 'data_corrupted', HINT = 'run aqb verify';
  END IF;
  NEW.recorded_at := clock_timestamp();
  micros := (extract(epoch FROM NEW.recorded_at) * 1000000)::bigint;
  NEW.prev_hash := prev;
  NEW.event_hash := {link};
  RETURN NEW;
END $f$
"""

LOCK_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.aqb_writer_lock() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  PERFORM {lock};
  RETURN NULL;
END $f$
"""

REFUSE_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.aqb_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  RAISE EXCEPTION 'aqb ledger is append-only: % on %.% refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege', HINT = 'record a correction event instead';
END $f$
"""

ANCHORS = """
CREATE TABLE IF NOT EXISTS {schema}.aqb_anchors (
  anchor_id bigserial PRIMARY KEY,
  position bigint NOT NULL,
  key_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  document text NOT NULL
)
"""

APPEND_ONLY_TRIGGERS = """
CREATE TRIGGER aqb_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table}
  FOR EACH STATEMENT EXECUTE FUNCTION {schema}.aqb_refuse_change();
ALTER TABLE {table} ENABLE ALWAYS TRIGGER aqb_events_append_only;
CREATE TRIGGER aqb_anchors_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {schema}.aqb_anchors
  FOR EACH STATEMENT EXECUTE FUNCTION {schema}.aqb_refuse_change();
ALTER TABLE {schema}.aqb_anchors ENABLE ALWAYS TRIGGER aqb_anchors_append_only;
"""

TRIGGERS = """
CREATE TRIGGER aqb_events_lock BEFORE INSERT ON {table}
  FOR EACH STATEMENT EXECUTE FUNCTION {schema}.aqb_writer_lock();
CREATE TRIGGER aqb_events_chain BEFORE INSERT ON {table}
  FOR EACH ROW EXECUTE FUNCTION {schema}.aqb_chain_link();
""" + APPEND_ONLY_TRIGGERS


def migrate(db: Database, conn: Any) -> None:
    table, schema = events_table(db), sql.Identifier(db.schema)
    conn.execute(sql.SQL(
        "ALTER TABLE {0} ADD COLUMN IF NOT EXISTS recorded_at timestamptz, "
        "ADD COLUMN IF NOT EXISTS prev_hash bytea, ADD COLUMN IF NOT EXISTS event_hash bytea").format(table))
    conn.execute(writer_lock_statement(db.schema))
    _backfill(conn, table)
    lock = writer_lock_statement(db.schema).as_string(conn).removeprefix("SELECT ")
    chain = link.sql_link_expression("prev", "NEW", "micros", layout=1)
    for template, extra in ((CHAIN_FUNCTION, {"link": sql.SQL(chain), "genesis": sql.SQL(link.GENESIS.hex())}),
                            (LOCK_FUNCTION, {"lock": sql.SQL(lock)}), (REFUSE_FUNCTION, {}), (ANCHORS, {}),
                            (TRIGGERS, {})):
        conn.execute(sql.SQL(template).format(schema=schema, table=table, **extra))


def _backfill(conn: Any, table: sql.Composable) -> None:
    """Chain the rows written before this migration, in order, stamped with the migration time."""
    rows = conn.execute(sql.SQL(
        "SELECT notification_id, originator_id, originator_version, topic, state, "
        "(extract(epoch FROM now()) * 1000000)::bigint FROM {0} ORDER BY notification_id").format(table))
    prev, updates = link.GENESIS, []
    for position, oid, version, topic, state, micros in rows:
        event_hash = link.link_hash(prev, position, oid, version, topic, micros, bytes(state))
        updates.append((link.from_epoch_us(micros), prev, event_hash, position))
        prev = event_hash
    if not updates:
        return
    with conn.cursor() as curs:
        curs.executemany(sql.SQL("UPDATE {0} SET recorded_at = %s, prev_hash = %s, event_hash = %s "
                                 "WHERE notification_id = %s").format(table), updates)
