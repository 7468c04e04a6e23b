"""Schema migrations, numbered and recorded in `aqb_migrations`; run by the owning role
(`aqb db migrate`) on PostgreSQL, and automatically when an SQLite ledger is opened."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore
from psycopg import sql

from ledger.integrity import pg_schema, sqlite_chain
from ledger.persistence import postgres
from ledger.persistence.config import EVENTS_TABLE, Database


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    postgres: Callable[[Database, Any], None]
    sqlite: Callable[[Any], None]


def _pg_events(db: Database, conn: Any) -> None:
    datastore = PostgresDatastore(
        db.env["POSTGRES_DBNAME"], db.env["POSTGRES_HOST"], db.env["POSTGRES_PORT"],
        db.env["POSTGRES_USER"], db.env["POSTGRES_PASSWORD"], schema=db.schema,
        originator_id_type="text",
    )
    try:
        postgres.AdvisoryLockRecorder(datastore).create_table()
    finally:
        datastore.close()
    conn.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {0} ON {1} (topic, notification_id)").format(
        sql.Identifier(f"{EVENTS_TABLE}_topic_idx"), postgres.events_table(db)))


def _sqlite_events(curs: Any) -> None:
    for statement in SQLiteApplicationRecorder(SQLiteDatastore(":memory:")).create_table_statements:
        curs.execute(statement)
    curs.execute("CREATE INDEX IF NOT EXISTS stored_events_topic_idx ON stored_events (topic)")


def _pg_views(db: Database, conn: Any) -> None:
    from projections import schema  # noqa: PLC0415 (the read side's tables; no import cycle)

    schema.migrate_postgres(db, conn)


def _sqlite_views(curs: Any) -> None:
    from projections import schema  # noqa: PLC0415

    schema.migrate_sqlite(curs)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "events table, topic index", _pg_events, _sqlite_events),
    Migration(2, "hash chain, append-only triggers, anchors, roles", pg_schema.migrate, sqlite_chain.migrate),
    Migration(3, "projection views (two slots each) and their tracking", _pg_views, _sqlite_views),
)


def migrate_postgres(db: Database) -> list[str]:
    """Apply what is missing; return the names applied."""
    applied: list[str] = []
    with postgres.connect(db, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {0}").format(sql.Identifier(db.schema)))
        table = sql.SQL("{0}.aqb_migrations").format(sql.Identifier(db.schema))
        conn.execute(sql.SQL(
            "CREATE TABLE IF NOT EXISTS {0} (number int PRIMARY KEY, name text NOT NULL, "
            "applied_at timestamptz NOT NULL DEFAULT now())").format(table))
        done = {r[0] for r in conn.execute(sql.SQL("SELECT number FROM {0}").format(table))}
        for migration in MIGRATIONS:
            if migration.number in done:
                continue
            with conn.transaction():
                migration.postgres(db, conn)
                conn.execute(sql.SQL("INSERT INTO {0} (number, name) VALUES (%s, %s)").format(table),
                             (migration.number, migration.name))
            applied.append(migration.name)
    return applied


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
        applied.append(migration.name)
    return applied
