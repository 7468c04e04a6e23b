"""PostgreSQL: the advisory-lock recorder, the connection check and the schema migrations.

The library's recorder serialises writers with `LOCK TABLE … IN EXCLUSIVE MODE`, which needs
UPDATE privilege. An append-only runtime role must not have it, so writers take a transaction-
scoped advisory lock instead: insert order still equals commit order, readers never skip a row.
"""

from __future__ import annotations

from typing import Any

import psycopg
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg import sql

from ledger.domain.errors import DatabaseUnavailableError, NotMigratedError
from ledger.persistence.config import EVENTS_TABLE, Database

LOCK_CLASS = 0x41514230  # "AQB0": first key of the writers' advisory lock


def writer_lock_statement(schema: str) -> sql.Composed:
    """The one lock every writer of this schema's events takes (library and triggers alike)."""
    return sql.SQL("SELECT pg_advisory_xact_lock({0}, hashtext({1}))").format(
        sql.Literal(LOCK_CLASS), sql.Literal(f"{schema}.{EVENTS_TABLE}")
    )


class AdvisoryLockRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = EVENTS_TABLE) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.lock_table_statements = [
            sql.SQL("SET LOCAL lock_timeout = '{0}s'").format(datastore.lock_timeout),
            writer_lock_statement(datastore.schema),
        ]
        # We never use the library's insert function: do not create it.
        del self.sql_create_statements[self.create_insert_function_statement_index]


def connect(db: Database, **overrides: Any) -> psycopg.Connection[Any]:
    env = db.env
    params: dict[str, Any] = {
        "dbname": env["POSTGRES_DBNAME"], "host": env["POSTGRES_HOST"],
        "port": env["POSTGRES_PORT"], "user": env["POSTGRES_USER"],
        "password": env["POSTGRES_PASSWORD"], "connect_timeout": 5,
    }
    params.update(overrides)
    try:
        return psycopg.connect(**params)
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseUnavailableError(
            f"cannot reach PostgreSQL at {db.describe()}: {first}",
            "start the server (docker compose up -d) or fix --database / AQB_DATABASE_URL",
        ) from None


def check_ready(db: Database) -> None:
    """Fail fast, with a clear message, when the server is down or the tables are missing."""
    with connect(db) as conn:
        row = conn.execute(
            "SELECT to_regclass(%s)", (f'"{db.schema}".{EVENTS_TABLE}',)
        ).fetchone()
    if row is None or row[0] is None:
        raise NotMigratedError(db.describe())


def events_table(db: Database) -> sql.Composed:
    return sql.SQL("{0}.{1}").format(sql.Identifier(db.schema), sql.Identifier(EVENTS_TABLE))


def stored_event(row: Any) -> StoredEvent:
    return StoredEvent(row[1], row[2], row[3], bytes(row[4]))
