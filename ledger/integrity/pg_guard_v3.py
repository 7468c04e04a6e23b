"""Migration 8 on PostgreSQL: what a writer with psql could still insert, refused by the database.

- **Streams follow on, each in its party.** An event's version is the next of its stream (no gap,
  no version taken twice) and its topic is one of the ledger's event types: a row that no release
  can read would make its agreement unreadable and unwritable for good. An officer of a party (an
  actor whose organisation is an AGS) records only into the agreements of that party
  (`AQB-YYYY-AGS`) and the grants whose application names one of them. Checked before the row
  takes a position, so a refused row leaves no hole in the sequence.
- **The registry is administered.** An event of the registry (a principal registered, a mandate
  granted or revoked, a principal deactivated) is recorded by an actor who holds `administer` in
  its registration or in a mandate granted since (revocations and validity dates are the
  application's and `aqb verify`'s check): a clerk's forged deactivation of the administrator,
  which the database then held against every act of the administrator, is refused.
- **Anchors are anchors.** A row of `aqb_anchors` is a JSON anchor document whose format,
  position and key match the row, and whose head link is the link the chain holds at that
  position (so no anchor names a position past the head, or a link the chain does not have); its
  id and time come from the database (no id taken ahead of `aqb anchor create`).
"""

from __future__ import annotations

import re
from typing import Any

from psycopg import sql

from ledger.domain.agreement import Agreement
from ledger.domain.base import LedgerEvent
from ledger.domain.document import Document
from ledger.domain.grant import Grant
from ledger.domain.principal import Principal
from ledger.integrity import pg_guard
from ledger.integrity.roles import Roles
from ledger.persistence.config import Database

MIGRATION = 8
ANCHOR_FUNCTION_NAME = "aqb_anchor_row"

STREAM_CHECKS = """  IF NEW.originator_version IS DISTINCT FROM coalesce(
       (SELECT max(e.originator_version) FROM {table} e WHERE e.originator_id = NEW.originator_id), 0) + 1 THEN
    RAISE EXCEPTION 'aqb ledger: version % of % does not follow on its stream', NEW.originator_version,
      NEW.originator_id USING ERRCODE = 'integrity_constraint_violation',
      HINT = 'an event takes the next version of its stream';
  END IF;
  IF NOT (NEW.topic = ANY ({topics}::text[])) THEN
    RAISE EXCEPTION 'aqb ledger: % is not an event type of this ledger', NEW.topic
      USING ERRCODE = 'check_violation', HINT = 'record events with aqb';
  END IF;
"""
# (the envelope is parsed once, for this check and for the author check the function calls below)
PARTY_CHECK = """  env := convert_from(NEW.state, 'UTF8')::json #> '{{envelope,_data_}}';
  org := env #>> '{{actor,_data_,organisation}}';
  IF org ~ '^06[0-9]{{3}}$' THEN  -- a party's officer: only the streams of its own party
    stream_ags := CASE
      WHEN NEW.topic LIKE 'aqb:Agreement.%' THEN substring(NEW.originator_id FROM '^AQB-[0-9]{{4}}-(06[0-9]{{3}})$')
      WHEN NEW.topic LIKE 'aqb:Grant.%' THEN substring(coalesce(
             CASE WHEN NEW.originator_version = 1 THEN {schema}.aqb_agreement_of(NEW.state) END,
             (SELECT {schema}.aqb_agreement_of(g.state) FROM {table} g
               WHERE g.originator_id = NEW.originator_id AND g.originator_version = 1))
             FROM '^AQB-[0-9]{{4}}-(06[0-9]{{3}})$')
      ELSE org END;
    IF stream_ags IS DISTINCT FROM org THEN
      RAISE EXCEPTION 'aqb ledger: an officer of % records into %, which is not a stream of that party', org,
        NEW.originator_id USING ERRCODE = 'insufficient_privilege',
        HINT = 'a party records on its own agreements and grants';
    END IF;
  END IF;
"""
AUTHOR_CALL = "convert_from(NEW.state, 'UTF8')::json #> '{{envelope,_data_}}');"
assert AUTHOR_CALL in pg_guard.CHAIN_FUNCTION
CHAIN_FUNCTION = pg_guard.CHAIN_FUNCTION.replace(
    "  NEW.notification_id := nextval(", STREAM_CHECKS + PARTY_CHECK + "  NEW.notification_id := nextval(", 1,
).replace("DECLARE\n  prev bytea;\n", "DECLARE\n  prev bytea;\n  env json;\n  org text;\n  stream_ags text;\n", 1,
          ).replace(AUTHOR_CALL, "env);", 1)

REGISTRY_CHECK = """  IF topic LIKE 'aqb:Principal.%' AND NOT (
       jsonb_path_exists(person, '$.mandates[*]._data_.acts[*] ? (@._data_ == "administer")')
       OR EXISTS (SELECT 1 FROM {table} g WHERE g.originator_id = {prefix} || actor AND g.topic = {granted}
                    AND jsonb_path_exists(convert_from(g.state, 'UTF8')::jsonb,
                                          '$.mandate._data_.acts[*] ? (@._data_ == "administer")'))) THEN
    RAISE EXCEPTION 'aqb ledger: % holds no mandate to administer the registry', actor
      USING ERRCODE = 'insufficient_privilege', HINT = 'an administrator registers, grants, revokes and deactivates';
  END IF;
"""
AUTHOR_FUNCTION = pg_guard.AUTHOR_FUNCTION.replace(
    "  IF actor <> session_user THEN", REGISTRY_CHECK + "  IF actor <> session_user THEN", 1)

ANCHOR_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.aqb_anchor_row() RETURNS trigger LANGUAGE plpgsql {definer} AS $f$
DECLARE
  doc jsonb;
  held bytea;
BEGIN
  BEGIN
    doc := NEW.document::jsonb;
  EXCEPTION WHEN others THEN
    RAISE EXCEPTION 'aqb ledger: an anchor row holds an anchor document (JSON)' USING ERRCODE = 'check_violation',
      HINT = 'anchors are made by aqb anchor create';
  END;
  IF jsonb_typeof(doc) IS DISTINCT FROM 'object' OR doc ->> 'format' IS DISTINCT FROM 'aqb-anchor/1'
     OR jsonb_typeof(doc -> 'position') IS DISTINCT FROM 'number'
     OR doc ->> 'position' IS DISTINCT FROM NEW.position::text OR doc ->> 'key_id' IS DISTINCT FROM NEW.key_id THEN
    RAISE EXCEPTION 'aqb ledger: the anchor document does not match its row (format, position, key)'
      USING ERRCODE = 'check_violation', HINT = 'anchors are made by aqb anchor create';
  END IF;
  SELECT e.event_hash INTO held FROM {table} e WHERE e.notification_id = NEW.position;
  IF held IS NULL OR encode(held, 'hex') IS DISTINCT FROM doc ->> 'head_hash' THEN
    RAISE EXCEPTION 'aqb ledger: position % holds no event with the link the anchor signs', NEW.position
      USING ERRCODE = 'check_violation', HINT = 'an anchor signs the chain as it is';
  END IF;
  NEW.anchor_id := nextval({anchor_sequence}::regclass);
  NEW.created_at := now();
  RETURN NEW;
END $f$
"""

ANCHOR_TRIGGER = """
CREATE TRIGGER aqb_anchors_checked BEFORE INSERT ON {schema}.aqb_anchors
  FOR EACH ROW EXECUTE FUNCTION {schema}.aqb_anchor_row();
ALTER TABLE {schema}.aqb_anchors ENABLE ALWAYS TRIGGER aqb_anchors_checked;
"""


def migrate(db: Database, conn: Any, roles: Roles) -> None:
    found = names(db, roles)
    for template in (CHAIN_FUNCTION, AUTHOR_FUNCTION, ANCHOR_FUNCTION):
        conn.execute(sql.SQL(template).format(**found))
    conn.execute(sql.SQL("DROP TRIGGER IF EXISTS aqb_anchors_checked ON {schema}.aqb_anchors").format(**found))
    conn.execute(sql.SQL(ANCHOR_TRIGGER).format(**found))


def names(db: Database, roles: Roles) -> dict[str, sql.Composable]:
    return {**pg_guard.names(db, roles), "topics": sql.Literal(topics()),
            "granted": sql.Literal(Principal.MandateGranted.TOPIC),
            "anchor_sequence": sql.Literal(f'"{db.schema}".aqb_anchors_anchor_id_seq')}


def topics() -> list[str]:
    """Every event type of the ledger (the concrete events' topics), sorted."""
    return sorted(concrete_events())


def concrete_events() -> dict[str, type[LedgerEvent]]:
    """Each concrete event class ("aqb:Agreement.Signed:v1", not a base) by its topic."""
    assert all(issubclass(a.Event, LedgerEvent) for a in (Agreement, Grant, Document, Principal))  # all loaded
    found: dict[str, type[LedgerEvent]] = {}
    pending: list[type[LedgerEvent]] = [LedgerEvent]
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        topic = vars(cls).get("TOPIC", "")
        if re.search(r":v\d+$", topic):
            found[topic] = cls
    return found
