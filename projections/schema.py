"""Migration 3: the views' tables (two slots each) and their tracking rows, on both backends.

Run by the owner with the other migrations. On PostgreSQL only the projector role writes them
(`ledger.persistence.migrations.apply_rights`); writers and readers read them.
"""

# ruff: noqa: S608 -- table and column names are constants of this package; values are parameters

from __future__ import annotations

from typing import Any

from projections.engine import VIEWS
from projections.tables import SLOTS, TRACKING, Backend, create_tracking


def statements(backend: Backend, schema: str | None = None) -> list[str]:
    qualified = f'"{schema}".{TRACKING}' if schema else TRACKING
    out = [create_tracking(qualified)]
    for spec in VIEWS.values():
        for table in spec.tables:
            for slot in SLOTS:
                out += table.create(backend, slot, schema)
    mark = "%s" if backend == "postgresql" else "?"
    conflict = "ON CONFLICT (view) DO NOTHING"
    out += [f"INSERT INTO {qualified} (view, position, slot) VALUES ({mark}, 0, 'a') {conflict}"]
    return out


def migrate_postgres(db: Any, conn: Any) -> None:
    *ddl, insert = statements("postgresql", db.schema)
    for statement in ddl:
        conn.execute(statement)
    for view in VIEWS:
        conn.execute(insert, (view,))


def migrate_sqlite(curs: Any) -> None:
    *ddl, insert = statements("sqlite")
    for statement in ddl:
        curs.execute(statement)
    for view in VIEWS:
        curs.execute(insert, (view,))


def table_names() -> list[str]:
    names = [TRACKING]
    for spec in VIEWS.values():
        names += [f"{t.name}_{slot}" for t in spec.tables for slot in SLOTS]
    return names
