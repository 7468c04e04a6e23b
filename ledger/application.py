"""The application service: one class, the single write API, and how to open a ledger."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ledger.app.core import Meta, Receipt
from ledger.app.explain import ExplainCommands
from ledger.app.grants import GrantCommands
from ledger.app.imports import ImportCommands
from ledger.app.principals import PrincipalCommands
from ledger.app.reports import ReportCommands
from ledger.domain.entry import Entry
from ledger.domain.errors import LedgerMissingError
from ledger.persistence import migrations, postgres
from ledger.persistence.config import APP_NAME, Database, database_from_url

__all__ = ["Entry", "Ledger", "Meta", "Receipt", "migrate", "open_ledger"]


class Ledger(PrincipalCommands, ImportCommands, GrantCommands, ExplainCommands, ReportCommands):
    """Agreements and grants as immutable events. Open it with `open_ledger`."""

    name = APP_NAME  # the events table is <name>_events on PostgreSQL


def migrate(db: Database, *, reuse_roles: bool = False) -> migrations.Migrated:
    """Create or update the ledger's tables (and on PostgreSQL its roles); say what was done."""
    if db.backend == "postgresql":
        return migrations.migrate_postgres(db, reuse_roles=reuse_roles)
    Path(db.sqlite_path).parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(db.sqlite_path) as conn:
        return migrations.Migrated(migrations.migrate_sqlite(conn))


def open_ledger(url: str | None, *, create: bool = False) -> Ledger:
    """Open the ledger at a URL (None: the embedded default). PostgreSQL must be migrated by its
    owner first. An SQLite file must exist and be a ledger, unless `create` asks for a new one:
    a mistyped path never becomes a new, empty ledger."""
    db = database_from_url(url)
    if db.backend == "postgresql":
        ready = postgres.check_ready(db)
        ledger = Ledger(db, ready.login)
        if ready.one_statement_save and isinstance(ledger.recorder, postgres.AdvisoryLockRecorder):
            ledger.recorder.one_statement = True
        return ledger
    path = db.sqlite_path
    if path != ":memory:":
        if not Path(path).exists() and not create:
            raise LedgerMissingError(db.describe())
        if Path(path).exists() and not migrations.sqlite_migrated(path):
            raise LedgerMissingError(db.describe(), "the file exists but is not an aqb ledger")
        migrate(db)
    return Ledger(db)
