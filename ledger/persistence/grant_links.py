"""Migration 5: the grant → agreement link, indexed. A grant names its agreement in its
application (`Grant.ApplicationSubmitted.agreement_id`, inside the stored JSON); an index over that
field of the applications lets a reader find an agreement's grants with one index lookup instead
of reading every application of the ledger.

The index is derived from the stored rows and nothing else: it cannot disagree with them. A row
whose state is not JSON indexes as NULL (it is reported by `aqb verify`, never hidden by a failed
insert). The topic is written into the statements as a literal, so that both databases see that
the partial index applies.
"""

# ruff: noqa: S608 -- the topic is a constant of the domain; values are parameters

from __future__ import annotations

from collections.abc import Sequence

from ledger.domain.grant import Grant

TOPIC = Grant.ApplicationSubmitted.TOPIC
FUNCTION = "aqb_agreement_of"

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {{schema}}.{FUNCTION}(state bytea) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $f$
BEGIN
  RETURN convert_from(state, 'UTF8')::jsonb ->> 'agreement_id';
EXCEPTION WHEN others THEN
  RETURN NULL;  -- not JSON: verify names the row
END $f$
"""
PG_INDEX = (f"CREATE INDEX IF NOT EXISTS aqb_events_grant_link_idx ON {{table}} ({{schema}}.{FUNCTION}(state)) "
            f"WHERE topic = '{TOPIC}'")

SQLITE_EXPRESSION = ("(CASE WHEN json_valid(CAST(state AS TEXT)) "
                     "THEN json_extract(CAST(state AS TEXT), '$.agreement_id') END)")
SQLITE_INDEX = (f"CREATE INDEX IF NOT EXISTS stored_events_grant_link_idx ON stored_events ({SQLITE_EXPRESSION}) "
                f"WHERE topic = '{TOPIC}'")


def pg_select(schema: str, table: str) -> str:
    """(grant id, agreement id) of the applications that name one of the agreements `%s`."""
    expression = f'"{schema}".{FUNCTION}(state)'
    return (f"SELECT originator_id, {expression} FROM {table} WHERE topic = '{TOPIC}' "
            f"AND {expression} = ANY(%s) ORDER BY notification_id")


def sqlite_select(count: int) -> str:
    marks = ",".join("?" * count)
    return (f"SELECT originator_id, {SQLITE_EXPRESSION} FROM stored_events WHERE topic = '{TOPIC}' "
            f"AND {SQLITE_EXPRESSION} IN ({marks}) ORDER BY rowid")


def pg_statements(schema: str, table: str) -> Sequence[str]:
    return [PG_FUNCTION.format(schema=f'"{schema}"'), PG_INDEX.format(schema=f'"{schema}"', table=table)]
