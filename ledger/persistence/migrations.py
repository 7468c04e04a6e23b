"""Schema migrations, numbered and recorded in `aqb_migrations`; run by a member of the owner
role (`aqb db migrate`) on PostgreSQL, and when an SQLite ledger is created or opened.

On PostgreSQL every migrate run ends by (re)applying the ledger's roles: ownership of every table
and function, and the rights of writer, reader and projector (see `ledger.integrity.roles`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore
from psycopg import sql

from ledger.integrity import guard_check, pg_guard, pg_guard_v3, pg_guard_v4, pg_schema, roles, sqlite_chain
from ledger.persistence import grant_links, postgres
from ledger.persistence.config import EVENTS_TABLE, Database, readonly_uri

ANCHORS = "aqb_anchors"


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    postgres: Callable[[Database, Any, roles.Roles], None]
    sqlite: Callable[[Any], None]


@dataclass
class Migrated:
    """What a migrate run did."""

    applied: list[str] = field(default_factory=list)
    roles: roles.Roles | None = None
    created_roles: list[str] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)  # shared roles of the first ledgers, taken out
    restored: list[str] = field(default_factory=list)  # how the guard differed before it was restored


def _pg_events(db: Database, conn: Any, _: roles.Roles) -> None:
    store = postgres.datastore(db)
    try:
        postgres.AdvisoryLockRecorder(store).create_table()
    finally:
        store.close()
    conn.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {0} ON {1} (topic, notification_id)").format(
        sql.Identifier(f"{EVENTS_TABLE}_topic_idx"), postgres.events_table(db)))


def _sqlite_events(curs: Any) -> None:
    for statement in SQLiteApplicationRecorder(SQLiteDatastore(":memory:")).create_table_statements:
        curs.execute(statement)
    curs.execute("CREATE INDEX IF NOT EXISTS stored_events_topic_idx ON stored_events (topic)")


def _pg_grant_links(db: Database, conn: Any, names: roles.Roles) -> None:
    for statement in grant_links.pg_statements(db.schema, f'"{db.schema}".{EVENTS_TABLE}'):
        conn.execute(statement)
    conn.execute(sql.SQL("ALTER FUNCTION {0}.{1}(bytea) OWNER TO {2}").format(
        sql.Identifier(db.schema), sql.Identifier(grant_links.FUNCTION), sql.Identifier(names.owner)))


def _sqlite_grant_links(curs: Any) -> None:
    curs.execute(grant_links.SQLITE_INDEX)


def _pg_views(db: Database, conn: Any, _: roles.Roles) -> None:
    from projections import schema  # noqa: PLC0415 (the read side's tables; no import cycle)

    schema.migrate_postgres(db, conn)


def _sqlite_views(curs: Any) -> None:
    from projections import schema  # noqa: PLC0415

    schema.migrate_sqlite(curs)


def _pg_save_function(db: Database, conn: Any, names: roles.Roles) -> None:
    conn.execute(sql.SQL(postgres.SAVE_FUNCTION).format(**pg_guard.names(db, names)))


def _nothing(_: Any) -> None:
    """SQLite is single-user: no logins to stamp, no roles."""


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "events table, topic index", _pg_events, _sqlite_events),
    Migration(2, "hash chain, append-only triggers, anchors", lambda d, c, _: pg_schema.migrate(d, c),
              sqlite_chain.migrate),
    Migration(3, "projection views (two slots each) and their tracking", _pg_views, _sqlite_views),
    Migration(4, "stamped logins (link layout 2), positions from the sequence, write lock, per-ledger roles",
              pg_guard.migrate, _nothing),
    Migration(5, "index of the grants' links to their agreements", _pg_grant_links, _sqlite_grant_links),
    Migration(6, "the author check's principal lookup planned once per session", pg_guard.migrate_principal_lookup,
              _nothing),
    Migration(7, "a command's save in one statement", _pg_save_function, _nothing),
    Migration(8, "streams follow on, each in its party, with known event types; the registry administered; "
              "anchors checked",
              pg_guard_v3.migrate, _nothing),
    Migration(9, "each event type by the organisations its rule names; a registry act under a mandate its "
              "actor still holds (administer, or its own delegation)",
              pg_guard_v4.migrate, _nothing),
)


def migrate_postgres(db: Database, *, reuse_roles: bool = False) -> Migrated:
    """Apply what is missing, then the roles and rights; say what was done."""
    done = Migrated()
    with postgres.connect(db, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {0}").format(sql.Identifier(db.schema)))
        names = done.roles = roles.roles_of(db, conn)
        done.created_roles = roles.create_roles(conn, db, names, reuse=reuse_roles)
        table = sql.SQL("{0}.aqb_migrations").format(sql.Identifier(db.schema))
        conn.execute(sql.SQL(
            "CREATE TABLE IF NOT EXISTS {0} (number int PRIMARY KEY, name text NOT NULL, "
            "applied_at timestamptz NOT NULL DEFAULT now())").format(table))
        applied = {r[0] for r in conn.execute(sql.SQL("SELECT number FROM {0}").format(table))}
        for migration in MIGRATIONS:
            if migration.number in applied:
                continue
            with conn.transaction():
                migration.postgres(db, conn, names)
                conn.execute(sql.SQL("INSERT INTO {0} (number, name) VALUES (%s, %s)").format(table),
                             (migration.number, migration.name))
            done.applied.append(migration.name)
        if not done.applied:  # an up-to-date ledger: its guard as the migrations made it
            with conn.transaction():
                done.restored = guard_check.check(db, conn)
                if done.restored:
                    guard_check.restore(db, conn)
        with conn.transaction():
            done.revoked = apply_rights(db, conn, names)
    return done


def apply_rights(db: Database, conn: Any, names: roles.Roles) -> list[str]:
    """Owner owns everything; writer SELECT + INSERT on events and anchors; reader SELECT;
    projector writes the views. The shared roles of the first ledgers lose their rights here."""
    from projections import schema as views  # noqa: PLC0415 (the read side's table names)

    ident = sql.Identifier
    s = ident(db.schema)
    owner, writer, reader, projector = (ident(n) for n in names.all())
    tables = [EVENTS_TABLE, ANCHORS, "aqb_migrations", pg_guard.LOCK_TABLE, *views.table_names()]
    conn.execute(sql.SQL("GRANT USAGE, CREATE ON SCHEMA {0} TO {1}").format(s, owner))
    conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {0} TO {1}, {2}, {3}").format(s, writer, reader, projector))
    for table in tables:
        name = sql.SQL("{0}.{1}").format(s, ident(table))
        conn.execute(sql.SQL("ALTER TABLE {0} OWNER TO {1}").format(name, owner))
        conn.execute(sql.SQL("REVOKE ALL ON {0} FROM PUBLIC").format(name))
        if table != pg_guard.LOCK_TABLE:
            conn.execute(sql.SQL("GRANT SELECT ON {0} TO {1}, {2}, {3}").format(name, writer, reader, projector))
    for table in views.table_names():
        conn.execute(sql.SQL("GRANT INSERT, UPDATE, DELETE, TRUNCATE ON {0}.{1} TO {2}").format(
            s, ident(table), projector))
    conn.execute(sql.SQL("GRANT INSERT ON {0}.{1}, {0}.{2} TO {3}").format(s, ident(EVENTS_TABLE), ident(ANCHORS),
                                                                         writer))
    conn.execute(sql.SQL("GRANT USAGE ON SEQUENCE {0}.{1} TO {2}").format(s, ident(f"{ANCHORS}_anchor_id_seq"),
                                                                         writer))
    conn.execute(sql.SQL("GRANT SELECT ON SEQUENCE {0}.{1} TO {2}, {3}, {4}").format(  # the head: its last value
        s, ident(f"{EVENTS_TABLE}_notification_id_seq"), writer, reader, projector))
    for function in (*pg_guard.FUNCTIONS, f"{pg_guard_v3.ANCHOR_FUNCTION_NAME}()",
                     f"{pg_guard_v4.HELD_FUNCTION_NAME}(text, text)"):
        signature = sql.SQL("{0}.{1}").format(s, sql.SQL(function))
        conn.execute(sql.SQL("ALTER FUNCTION {0} OWNER TO {1}").format(signature, owner))
        conn.execute(sql.SQL("REVOKE ALL ON FUNCTION {0} FROM PUBLIC").format(signature))
    conn.execute(sql.SQL("GRANT EXECUTE ON FUNCTION {0}.{1}(text[], bigint[]) TO {2}").format(
        s, ident(postgres.CHECK_VERSIONS), writer))
    save = sql.SQL(postgres.SAVE + postgres.save_signature(db))
    conn.execute(sql.SQL("ALTER FUNCTION {0}.{1} OWNER TO {2}").format(s, save, owner))
    conn.execute(sql.SQL("REVOKE ALL ON FUNCTION {0}.{1} FROM PUBLIC").format(s, save))
    conn.execute(sql.SQL("GRANT EXECUTE ON FUNCTION {0}.{1} TO {2}").format(s, save, writer))
    return _revoke_shared(db, conn, names, tables)


def _revoke_shared(db: Database, conn: Any, names: roles.Roles, tables: list[str]) -> list[str]:
    old = [n for n in roles.shared_names_v1(db.schema) if n not in names.all()]
    found = [r[0] for r in conn.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (old,))]
    ident = sql.Identifier
    for name in found:
        for table in tables:
            conn.execute(sql.SQL("REVOKE ALL ON {0}.{1} FROM {2}").format(ident(db.schema), ident(table), ident(name)))
        for sequence in (f"{EVENTS_TABLE}_notification_id_seq", f"{ANCHORS}_anchor_id_seq"):
            conn.execute(sql.SQL("REVOKE ALL ON SEQUENCE {0}.{1} FROM {2}").format(
                ident(db.schema), ident(sequence), ident(name)))
        conn.execute(sql.SQL("REVOKE ALL ON SCHEMA {0} FROM {1}").format(ident(db.schema), ident(name)))
    return found


def migrate_sqlite(conn: Any) -> list[str]:
    """Apply what is missing to an open sqlite3 connection; return the names applied."""
    applied: list[str] = []
    conn.execute(
        "CREATE TABLE IF NOT EXISTS aqb_migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"
    )
    done = {r[0] for r in conn.execute("SELECT number FROM aqb_migrations")}
    for migration in MIGRATIONS:
        if migration.number in done:
            continue
        with conn:
            migration.sqlite(conn)
            conn.execute("INSERT INTO aqb_migrations (number, name) VALUES (?, ?)",
                          (migration.number, migration.name))
        if migration.sqlite is not _nothing:  # a PostgreSQL-only step is recorded, not reported as done here
            applied.append(migration.name)
    return applied


def sqlite_migrated(path: str) -> bool:
    """Whether the file is an SQLite ledger (it has the events table)."""
    try:
        with closing(sqlite3.connect(readonly_uri(path), uri=True)) as conn:
            return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'stored_events'").fetchone() is not None
    except sqlite3.DatabaseError:  # not an SQLite file at all (or unreadable)
        return False
