"""Migration 4 on PostgreSQL: who recorded each row, proven by the database, and no way past the
chain for the recording role.

- Every row is stamped with `session_user` (the authenticated login) in `recorded_by`, inside the
  hash chain (link layout 2; rows written before keep layout 1 and still verify).
- The row's envelope must name that login; its actor must be a registered, active principal of
  the organisation the envelope names; only a registered service login may record for another
  principal. The first registration of a ledger (its bootstrap) is the one exception: made by a
  member of the owner role while no principal exists. Whether the principal held a *mandate* for
  the act is the application's check, and `aqb verify` re-checks it.
- Positions come only from the sequence (the trigger takes `nextval`; a given position is
  refused; the column has no default any more, so no role but the owner can move it) and are
  positive (a CHECK constraint, which neither disabled triggers nor replication mode switch off).
- The chain trigger chains onto the row before its own position that carries a link, so a row
  placed past the chain (at 2^63−2, or with no link) cannot silence the ledger: verify reports it.
- Writers are serialised by an EXCLUSIVE lock on `aqb_write_lock`, taken by the statement
  trigger with a bounded wait; readers cannot take that lock (it needs rights they lack).
- The triggers fire in every replication mode (ENABLE ALWAYS) and refuse transactions that are
  not READ COMMITTED (a repeatable-read snapshot would chain onto a stale head).
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

from ledger.domain.principal import PREFIX, Principal
from ledger.integrity import link
from ledger.integrity.roles import Roles
from ledger.persistence.config import EVENTS_TABLE, Database
from ledger.persistence.postgres import CHANNEL, CHECK_VERSIONS, LOCK_TABLE, events_table

__all__ = ["LOCK_TABLE", "migrate"]

SEQUENCE = f"{EVENTS_TABLE}_notification_id_seq"
FUNCTIONS = ("aqb_chain_link()", "aqb_writer_lock()", "aqb_check_author(text, text, json)",
             "aqb_principal(text)", f"{CHECK_VERSIONS}(text[], bigint[])", "aqb_refuse_change()")
DEFINER = "SECURITY DEFINER SET search_path = pg_catalog, pg_temp"

TABLE_CHANGES = """
ALTER TABLE {table} ADD COLUMN IF NOT EXISTS recorded_by text;
ALTER TABLE {table} ALTER COLUMN notification_id DROP DEFAULT;
ALTER TABLE {table} DROP CONSTRAINT IF EXISTS aqb_events_position_positive;
ALTER TABLE {table} ADD CONSTRAINT aqb_events_position_positive CHECK (notification_id > 0) NOT VALID;
CREATE TABLE IF NOT EXISTS {schema}.aqb_write_lock ();
"""

PRINCIPAL_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.aqb_principal(login text) RETURNS jsonb LANGUAGE sql {definer} AS $f$
  SELECT convert_from(r.state, 'UTF8')::jsonb || jsonb_build_object('deactivated', EXISTS (
           SELECT 1 FROM {table} d WHERE d.originator_id = r.originator_id AND d.topic = {deactivated}))
    FROM {table} r
   WHERE r.originator_id = {prefix} || login AND r.originator_version = 1 AND r.topic = {registered}
$f$
"""

# Migration 6: the same lookup, same result, in PL/pgSQL, whose plan is kept for the session (a
# SECURITY DEFINER SQL function is planned again at every call: 0.2 ms, twice per row inserted).
PRINCIPAL_FUNCTION_V2 = """
CREATE OR REPLACE FUNCTION {schema}.aqb_principal(login text) RETURNS jsonb LANGUAGE plpgsql {definer} AS $f$
BEGIN
  RETURN (SELECT convert_from(r.state, 'UTF8')::jsonb || jsonb_build_object('deactivated', EXISTS (
                   SELECT 1 FROM {table} d WHERE d.originator_id = r.originator_id AND d.topic = {deactivated}))
            FROM {table} r
           WHERE r.originator_id = {prefix} || login AND r.originator_version = 1 AND r.topic = {registered});
END $f$
"""

AUTHOR_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.aqb_check_author(stream text, topic text, env json) RETURNS void
LANGUAGE plpgsql {definer} AS $f$
DECLARE
  claimed text := env ->> 'login';
  actor text := env #>> '{{actor,_data_,user}}';
  org text := env #>> '{{actor,_data_,organisation}}';
  person jsonb;
  service jsonb;
BEGIN
  IF claimed IS DISTINCT FROM session_user THEN
    RAISE EXCEPTION 'aqb ledger: the event names the login %, but the login % inserted it',
      coalesce(claimed, '(none)'), session_user
      USING ERRCODE = 'insufficient_privilege', HINT = 'an event is recorded under the login that inserts it';
  END IF;
  person := {schema}.aqb_principal(actor);
  IF person IS NULL THEN
    IF topic = {registered} AND stream = {prefix} || actor AND env ->> 'mandate' = 'bootstrap'
       AND NOT EXISTS (SELECT 1 FROM {table} WHERE {table}.topic = {registered})
       AND pg_has_role(session_user, {owner}, 'MEMBER') THEN
      RETURN;  -- the ledger's first principal, registered by its owner
    END IF;
    RAISE EXCEPTION 'aqb ledger: % is not a registered principal of this ledger', coalesce(actor, '(no actor)')
      USING ERRCODE = 'insufficient_privilege', HINT = 'an administrator registers it: aqb principal register';
  END IF;
  IF person ->> 'organisation' IS DISTINCT FROM org THEN
    RAISE EXCEPTION 'aqb ledger: % is registered for %, the event names %', actor, person ->> 'organisation',
      coalesce(org, '(none)') USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (person ->> 'deactivated')::boolean THEN
    RAISE EXCEPTION 'aqb ledger: principal % is deactivated', actor USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF actor <> session_user THEN
    service := {schema}.aqb_principal(session_user);
    IF service IS NULL OR service #>> '{{kind,_data_}}' IS DISTINCT FROM 'service'
       OR (service ->> 'deactivated')::boolean THEN
      RAISE EXCEPTION 'aqb ledger: the login % records as %: only a registered service login records on '
        'behalf of another principal', session_user, actor USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
END $f$
"""

CHAIN_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.aqb_chain_link() RETURNS trigger LANGUAGE plpgsql {definer} AS $f$
DECLARE
  prev bytea;
  micros bigint;
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'aqb ledger: events are written in read committed transactions, not %',
      current_setting('transaction_isolation') USING ERRCODE = 'invalid_transaction_state',
      HINT = 'the chain must see the latest head; use the default isolation level';
  END IF;
  IF NEW.notification_id IS NOT NULL THEN
    RAISE EXCEPTION 'aqb ledger: positions come from the ledger''s sequence; position % was given',
      NEW.notification_id USING ERRCODE = 'insufficient_privilege', HINT = 'leave notification_id out';
  END IF;
  NEW.notification_id := nextval({sequence}::regclass);
  NEW.recorded_by := session_user;
  PERFORM {schema}.aqb_check_author(NEW.originator_id, NEW.topic,
                                    convert_from(NEW.state, 'UTF8')::json #> '{{envelope,_data_}}');
  SELECT event_hash INTO prev FROM {table}
   WHERE notification_id < NEW.notification_id AND event_hash IS NOT NULL
   ORDER BY notification_id DESC LIMIT 1;
  prev := coalesce(prev, '\\x{genesis}'::bytea);
  NEW.recorded_at := clock_timestamp();
  micros := (extract(epoch FROM NEW.recorded_at) * 1000000)::bigint;
  NEW.prev_hash := prev;
  NEW.event_hash := {link};
  RETURN NEW;
END $f$
"""

LOCK_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.aqb_writer_lock() RETURNS trigger LANGUAGE plpgsql {definer} AS $f$
BEGIN
  IF current_setting('lock_timeout') IN ('0', '0ms', '0s') THEN
    PERFORM set_config('lock_timeout', '10s', true);  -- never wait for ever (psql, COPY)
  END IF;
  LOCK TABLE {schema}.aqb_write_lock IN EXCLUSIVE MODE;
  RETURN NULL;
END $f$
"""

VERSIONS_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.{check}(ids text[], versions bigint[]) RETURNS void
LANGUAGE plpgsql {definer} AS $f$
DECLARE
  stale text;
BEGIN
  SELECT x.id INTO stale FROM unnest(ids, versions) AS x(id, v)
   WHERE coalesce((SELECT max(e.originator_version) FROM {table} e WHERE e.originator_id = x.id), 0) <> x.v
   LIMIT 1;
  IF stale IS NOT NULL THEN
    RAISE EXCEPTION 'aqb ledger: % changed while the command ran', stale
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
END $f$
"""

TRIGGERS = """
DROP TRIGGER IF EXISTS aqb_events_lock ON {table};
DROP TRIGGER IF EXISTS aqb_events_chain ON {table};
CREATE TRIGGER aqb_events_lock BEFORE INSERT ON {table}
  FOR EACH STATEMENT EXECUTE FUNCTION {schema}.aqb_writer_lock();
CREATE TRIGGER aqb_events_chain BEFORE INSERT ON {table}
  FOR EACH ROW EXECUTE FUNCTION {schema}.aqb_chain_link();
ALTER TABLE {table} ENABLE ALWAYS TRIGGER aqb_events_lock;
ALTER TABLE {table} ENABLE ALWAYS TRIGGER aqb_events_chain;
"""


def migrate(db: Database, conn: Any, roles: Roles) -> None:
    for template in (TABLE_CHANGES, PRINCIPAL_FUNCTION, AUTHOR_FUNCTION, CHAIN_FUNCTION, LOCK_FUNCTION,
                     VERSIONS_FUNCTION, TRIGGERS):
        conn.execute(sql.SQL(template).format(**names(db, roles)))


def migrate_principal_lookup(db: Database, conn: Any, roles: Roles) -> None:
    """Migration 6: the author check's principal lookup with a plan kept per session."""
    conn.execute(sql.SQL(PRINCIPAL_FUNCTION_V2).format(**names(db, roles)))


def names(db: Database, roles: Roles) -> dict[str, sql.Composable]:
    table, schema = events_table(db), sql.Identifier(db.schema)
    return {
        "table": table, "schema": schema, "definer": sql.SQL(DEFINER),
        "sequence": sql.Literal(f'"{db.schema}"."{SEQUENCE}"'),
        "prefix": sql.Literal(PREFIX), "owner": sql.Literal(roles.owner),
        "registered": sql.Literal(Principal.Registered.TOPIC),
        "deactivated": sql.Literal(Principal.Deactivated.TOPIC),
        "genesis": sql.SQL(link.GENESIS.hex()), "check": sql.Identifier(CHECK_VERSIONS),
        "channel": sql.Literal(CHANNEL),
        "link": sql.SQL(link.sql_link_expression("prev", "NEW", "micros", layout=2)),
    }


def lock_table(db: Database) -> sql.Composed:
    return sql.SQL("{0}.{1}").format(sql.Identifier(db.schema), sql.Identifier(LOCK_TABLE))
