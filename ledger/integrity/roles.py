"""The three PostgreSQL roles of a ledger: owner (owns the tables, runs migrations), writer (SELECT
and INSERT: the application), reader (SELECT: auditors, reports).

Roles are cluster-wide, schemas are not: the names carry the schema so that ledgers in several
schemas of one cluster (and parallel test schemas) never share or fight over roles. Schema
`public` gives `aqb_owner`, `aqb_writer`, `aqb_reader`; schema `s2024` gives `aqb_s2024_owner` …
AQB_ROLE_PREFIX overrides the prefix (`<prefix>_owner` …). Ledgers in the `public` schema of
several databases share one set of roles, which is harmless: each database grants its own rights.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from psycopg import sql

from ledger.domain.errors import InvalidInputError
from ledger.persistence.config import EVENTS_TABLE, Database

MAX_NAME = 63  # PostgreSQL's identifier limit


@dataclass(frozen=True)
class Roles:
    owner: str
    writer: str
    reader: str


def role_names(db: Database) -> Roles:
    prefix = os.environ.get("AQB_ROLE_PREFIX") or ("aqb" if db.schema == "public" else f"aqb_{db.schema}")
    roles = Roles(f"{prefix}_owner", f"{prefix}_writer", f"{prefix}_reader")
    if len(roles.writer) > MAX_NAME or len(roles.owner) > MAX_NAME:
        raise InvalidInputError(f"role names for schema {db.schema!r} exceed {MAX_NAME} characters",
                                "set AQB_ROLE_PREFIX to a shorter prefix and migrate again")
    return roles


def create_roles(conn: Any, roles: Roles) -> None:
    existing = {r[0] for r in conn.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)",
                                           ([roles.owner, roles.writer, roles.reader],))}
    for name in (roles.owner, roles.writer, roles.reader):
        if name not in existing:
            conn.execute(sql.SQL("CREATE ROLE {0} LOGIN").format(sql.Identifier(name)))


def grant(conn: Any, db: Database, roles: Roles, tables: list[str]) -> None:
    """Owner owns the tables; writer may SELECT and INSERT; reader may SELECT."""
    schema = sql.Identifier(db.schema)
    owner, writer, reader = (sql.Identifier(r) for r in (roles.owner, roles.writer, roles.reader))
    conn.execute(sql.SQL("GRANT USAGE, CREATE ON SCHEMA {0} TO {1}").format(schema, owner))
    conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {0} TO {1}, {2}").format(schema, writer, reader))
    for table in tables:
        name = sql.SQL("{0}.{1}").format(schema, sql.Identifier(table))
        conn.execute(sql.SQL("ALTER TABLE {0} OWNER TO {1}").format(name, owner))
        conn.execute(sql.SQL("GRANT SELECT ON {0} TO {1}, {2}").format(name, writer, reader))
    for table in (EVENTS_TABLE, "aqb_anchors"):
        name = sql.SQL("{0}.{1}").format(schema, sql.Identifier(table))
        sequence = sql.SQL("{0}.{1}").format(schema, sql.Identifier(f"{table}_{_serial(table)}_seq"))
        conn.execute(sql.SQL("GRANT INSERT ON {0} TO {1}").format(name, writer))
        conn.execute(sql.SQL("GRANT USAGE ON SEQUENCE {0} TO {1}").format(sequence, writer))


def drop_roles(conn: Any, roles: Roles) -> None:
    """For throwaway schemas (tests): drop the roles once their schema is gone."""
    for name in (roles.owner, roles.writer, roles.reader):
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {0}").format(sql.Identifier(name)))


def _serial(table: str) -> str:
    return "notification_id" if table == EVENTS_TABLE else "anchor_id"
