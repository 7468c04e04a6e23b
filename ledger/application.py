"""The application service: one class, the single write API, and how to open a ledger."""

from __future__ import annotations

import sqlite3

from ledger.app.core import Entry, Meta, Receipt
from ledger.app.explain import ExplainCommands
from ledger.app.grants import GrantCommands
from ledger.app.imports import ImportCommands
from ledger.app.reports import ReportCommands
from ledger.persistence import migrations, postgres
from ledger.persistence.config import APP_NAME, Database, database_from_url

__all__ = ["Entry", "Ledger", "Meta", "Receipt", "migrate", "open_ledger"]


class Ledger(ImportCommands, GrantCommands, ExplainCommands, ReportCommands):
    """Agreements and grants as immutable events. Open it with `open_ledger`."""

    name = APP_NAME  # the events table is <name>_events on PostgreSQL


def migrate(db: Database) -> list[str]:
    """Create or update the ledger's tables; return the migrations applied."""
    if db.backend == "postgresql":
        return migrations.migrate_postgres(db)
    with sqlite3.connect(db.sqlite_path) as conn:
        return migrations.migrate_sqlite(conn)


def open_ledger(url: str | None) -> Ledger:
    """Open the ledger at a URL (None: the embedded default). PostgreSQL must be migrated by its
    owner first; an SQLite file is created and migrated on first use."""
    db = database_from_url(url)
    if db.backend == "postgresql":
        postgres.check_ready(db)
    elif not db.sqlite_path.endswith(":memory:"):
        migrate(db)
    return Ledger(db)
