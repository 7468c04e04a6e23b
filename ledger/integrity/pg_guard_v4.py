"""Migration 9 on PostgreSQL: each event type recorded only by the organisations its rule names,
and a registry act only under a mandate its actor still holds.

**Event types by organisation.** The application lets an officer record an event only when the
event's rule names the kind of its organisation (HMSI, RP Kassel or a party: a decision is the
ministry's or RP Kassel's, a grant act RP Kassel's, the agreement itself the ministry's); until
now the database did not ask, and a party's officer could insert with psql the decision of its
own deviation, or take next year's agreement id ahead of the ministry (whose command would then be
refused for good). The chain trigger now refuses such a row before it takes a position. Which
acts, parties, ceilings and validity dates the actor's mandates give stays the application's check
and `aqb verify`'s.

**The registry under a held mandate.**
Migration 8 asked only whether the actor of a registry event (a principal registered, a mandate
granted or revoked, a principal deactivated) had ever held `administer`: an administrator whose
mandate was revoked could still register, grant and deactivate with psql, and the holder of a
delegable mandate could not delegate a part of it, nor revoke that delegation, on PostgreSQL at
all (`aqb principal delegate` was refused by the database). Now the chain trigger reads the
mandate the event's envelope names (`login/M2`) in the actor's own stream and lets the row in
when that mandate

- is the actor's, held (in its registration or granted since) and not revoked, and gives
  `administer` (a delegated one only while the mandate it came from is held, unrevoked, by an
  active principal); or
- is delegable, not itself delegated, not revoked, and the event grants a mandate delegated from
  it (`aqb principal delegate`); or
- is the one a mandate was delegated from, and the event revokes that delegation (its delegator
  ends it).

The ledger's first registration (its bootstrap, made by the owner while no principal exists)
stays the one exception. Validity dates of mandates remain the application's check and `aqb
verify`'s (the database has no recording day of the ledger's own). The check moved from the author
function into the chain function, which holds the row being inserted: the author function is
migration 4's again.
"""

from __future__ import annotations

import json
from typing import Any

from psycopg import sql

from ledger import reference
from ledger.domain.base import LedgerCreated
from ledger.domain.principal import Principal
from ledger.integrity import pg_guard, pg_guard_v3
from ledger.integrity.roles import Roles
from ledger.persistence.config import Database

MIGRATION = 9

# (after the author check: the actor is a registered, active principal of the organisation named)
REGISTRY_CHECK = """  IF NEW.topic LIKE 'aqb:Principal.%' AND NOT (env ->> 'mandate' = 'bootstrap'
       AND NOT EXISTS (SELECT 1 FROM {table} b WHERE b.topic = {registered})) THEN
    actor := env #>> '{{actor,_data_,user}}';
    used := env ->> 'mandate';
    held := CASE WHEN split_part(used, '/', 1) = actor
                 THEN {schema}.aqb_held_mandate(actor, split_part(used, '/', 2)) END;
    granted_mandate := CASE WHEN NEW.topic = {granted}
                            THEN convert_from(NEW.state, 'UTF8')::jsonb #> '{{mandate,_data_}}' END;
    IF NEW.originator_id = {prefix} || actor AND NEW.topic IN ({granted}, {deactivated}) THEN
      RAISE EXCEPTION 'aqb ledger: % grants a mandate to itself or deactivates itself', actor
        USING ERRCODE = 'insufficient_privilege', HINT = 'another administrator does it (two people)';
    END IF;
    IF NOT coalesce(
         (jsonb_path_exists(held, '$.acts[*] ? (@._data_ == "administer")') AND (held ->> 'delegated_from' IS NULL
            OR {schema}.aqb_held_mandate(split_part(held ->> 'delegated_from', '/', 1),
                                         split_part(held ->> 'delegated_from', '/', 2)) IS NOT NULL))
         OR (NEW.topic = {granted} AND (held ->> 'delegable')::boolean AND held ->> 'delegated_from' IS NULL
             AND granted_mandate ->> 'delegated_from' = used  -- a delegation gives at most what it comes from:
             AND (granted_mandate -> 'acts') <@ (held -> 'acts')
             AND NOT coalesce((granted_mandate ->> 'delegable')::boolean, false)
             AND (coalesce(held -> 'party', 'null') = 'null' OR granted_mandate -> 'party' = held -> 'party')
             AND (coalesce(held -> 'ceiling', 'null') = 'null' OR (granted_mandate #>> '{{ceiling,_data_}}')::numeric
                                                                  <= (held #>> '{{ceiling,_data_}}')::numeric))
         OR (NEW.topic = {revoked} AND split_part(used, '/', 1) = actor AND EXISTS (
               SELECT 1 FROM {table} g WHERE g.originator_id = NEW.originator_id AND g.topic = {granted}
                  AND convert_from(g.state, 'UTF8')::jsonb #> '{{mandate,_data_}}' @> jsonb_build_object(
                        'mandate_id', convert_from(NEW.state, 'UTF8')::jsonb ->> 'mandate_id',
                        'delegated_from', used))), false) THEN
      RAISE EXCEPTION 'aqb ledger: % holds no mandate % that allows this registry act', actor, coalesce(used, '(none)')
        USING ERRCODE = 'insufficient_privilege',
        HINT = 'an administrator registers, grants, revokes and deactivates; a delegator delegates and revokes its own';
    END IF;
  END IF;
"""

# A mandate a principal holds now: in its registration or granted since, not revoked, the
# principal active. NULL when not (the mandate's stored fields as JSON otherwise).
HELD_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.aqb_held_mandate(login text, mandate_id text) RETURNS jsonb
LANGUAGE plpgsql {definer} AS $f$
BEGIN
  IF EXISTS (SELECT 1 FROM {table} v WHERE v.originator_id = {prefix} || login AND (v.topic = {deactivated}
             OR (v.topic = {revoked} AND convert_from(v.state, 'UTF8')::jsonb ->> 'mandate_id' = mandate_id))) THEN
    RETURN NULL;
  END IF;
  RETURN (SELECT h.m FROM (
            SELECT jsonb_array_elements(convert_from(r.state, 'UTF8')::jsonb -> 'mandates') -> '_data_' AS m
              FROM {table} r WHERE r.originator_id = {prefix} || login AND r.originator_version = 1
               AND r.topic = {registered}
            UNION ALL
            SELECT convert_from(g.state, 'UTF8')::jsonb #> '{{mandate,_data_}}'
              FROM {table} g WHERE g.originator_id = {prefix} || login AND g.topic = {granted}) h
           WHERE h.m ->> 'mandate_id' = mandate_id LIMIT 1);
END $f$
"""
HELD_FUNCTION_NAME = "aqb_held_mandate"

# (before the row takes a position; `org` is the envelope's organisation, read by the party check)
ROLE_CHECK = """  IF NEW.topic NOT LIKE 'aqb:Principal.%' AND NOT coalesce(({roles}::jsonb -> NEW.topic) ? (CASE
       WHEN org = {ministry} THEN 'ministry' WHEN org = {grant_authority} THEN 'grant-authority'
       WHEN org ~ '^06[0-9]{{3}}$' THEN 'party' ELSE 'other' END), false) THEN
    RAISE EXCEPTION 'aqb ledger: % is not recorded by an officer of %', NEW.topic, coalesce(org, '(no organisation)')
      USING ERRCODE = 'insufficient_privilege',
      HINT = 'each event type is recorded by the organisations its rule names (HMSI, RPKS or the party)';
  END IF;
"""
# Each kind of event in its own kind of stream (an agreement's in `AQB-YYYY-AGS`, a principal's in
# `PRINCIPAL-login`, a document's in `DOC-sha256`, a grant's under a file number that is none of
# these), and a stream's first version its creating event and only then: a payment in an agreement's
# stream, or a grant application taking a principal's id, made the stream unreadable for good.
STREAM_KIND_CHECK = """  IF NOT (CASE
       WHEN NEW.topic LIKE 'aqb:Agreement.%' THEN NEW.originator_id ~ '^AQB-[0-9]{{4}}-[0-9]{{5}}$'
       WHEN NEW.topic LIKE 'aqb:Principal.%' THEN NEW.originator_id LIKE 'PRINCIPAL-_%'
       WHEN NEW.topic LIKE 'aqb:Document.%' THEN NEW.originator_id ~ '^DOC-[0-9a-f]{{64}}$'
       WHEN NEW.topic LIKE 'aqb:Grant.%' THEN NEW.originator_id ~ '^[A-Za-z0-9][A-Za-z0-9 ./_:-]{{2,79}}$'
            AND NEW.originator_id !~ '^AQB-[0-9]{{4}}-[0-9]{{5}}$'
            AND upper(NEW.originator_id) NOT LIKE 'DOC-%' AND upper(NEW.originator_id) NOT LIKE 'PRINCIPAL-%'
       ELSE false END)
     OR (NEW.originator_version = 1) IS DISTINCT FROM (NEW.topic = ANY ({creating}::text[])) THEN
    RAISE EXCEPTION 'aqb ledger: % does not belong in % as version %', NEW.topic, NEW.originator_id,
      NEW.originator_version USING ERRCODE = 'check_violation',
      HINT = 'each kind of event goes into its own kind of stream, which its creating event starts';
  END IF;
"""
NEXTVAL = "  NEW.notification_id := nextval("
assert pg_guard_v3.CHAIN_FUNCTION.count(NEXTVAL) == 1

AUTHOR_PERFORM = ("  PERFORM {schema}.aqb_check_author(NEW.originator_id, NEW.topic,\n"
                  "                                    env);\n")
assert AUTHOR_PERFORM in pg_guard_v3.CHAIN_FUNCTION
DECLARED = "  stream_ags text;\n"
CHAIN_FUNCTION = pg_guard_v3.CHAIN_FUNCTION.replace(AUTHOR_PERFORM, AUTHOR_PERFORM + REGISTRY_CHECK, 1).replace(
    DECLARED, DECLARED + "  actor text;\n  used text;\n  held jsonb;\n  granted_mandate jsonb;\n", 1).replace(
    NEXTVAL, STREAM_KIND_CHECK + ROLE_CHECK + NEXTVAL, 1)
AUTHOR_FUNCTION = pg_guard.AUTHOR_FUNCTION  # migration 4's: the registry check is the chain function's now


def migrate(db: Database, conn: Any, roles: Roles) -> None:
    found = names(db, roles)
    for template in (HELD_FUNCTION, CHAIN_FUNCTION, AUTHOR_FUNCTION):
        conn.execute(sql.SQL(template).format(**found))


def names(db: Database, roles: Roles) -> dict[str, sql.Composable]:
    return {**pg_guard_v3.names(db, roles), "revoked": sql.Literal(Principal.MandateRevoked.TOPIC),
            "roles": sql.Literal(json.dumps(topic_roles(), sort_keys=True)),
            "creating": sql.Literal(creating_topics()),
            "ministry": sql.Literal(reference.MINISTRY), "grant_authority": sql.Literal(reference.GRANT_AUTHORITY)}


def topic_roles() -> dict[str, list[str]]:
    """Each event type but the registry's, with the kinds of organisation its rule lets record it
    (the registry's are checked by their mandate: a delegation may come from any holder)."""
    return {topic: sorted(role.value for role in cls.RULE.roles)
            for topic, cls in sorted(pg_guard_v3.concrete_events().items()) if not topic.startswith("aqb:Principal.")}


def creating_topics() -> list[str]:
    """The event types that start a stream (an agreement recorded, a grant applied for, a principal
    registered, a document imported), sorted."""
    return sorted(t for t, cls in pg_guard_v3.concrete_events().items() if issubclass(cls, LedgerCreated))
