"""Where views live: the same database as the events, PostgreSQL or SQLite, one interface.

Every view has two table sets (slots `a` and `b`) and a tracking row naming the slot readers use
and the position it stands at. A rebuild fills the other slot under its own tracking row
(`<view>:build`) and then switches the slot in one short transaction: readers keep working.

`ViewStore.write` puts a batch's rows and the new tracking position in one transaction, and
refuses (rolls back) when the stored position is not the one the batch started from, so an event
processed twice, or by two writers, never lands twice. Python work happens before the transaction
opens (PostgreSQL ends transactions idle for 5 s).
"""

# ruff: noqa: S608 -- table and column names are constants of this package; values are parameters

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eventsourcing.postgres import PostgresApplicationRecorder

from projections.engine import Changes, ViewSpec
from projections.tables import TRACKING, Backend, Table, TableRow, decode_rows, sqlite_row

COPY_THRESHOLD = 1000  # more rows than this go through COPY on PostgreSQL
COPY_TYPES = {"text": "text", "int": "int4", "bigint": "int8", "money": "numeric", "date": "date",
              "time": "timestamptz", "bool": "bool"}  # a column's kind as binary COPY names its type
BUILD = ":build"


class StaleViewError(RuntimeError):
    """Another writer moved the view on; the batch was rolled back."""


@dataclass(frozen=True)
class Tracking:
    key: str
    position: int
    slot: str


def other(slot: str) -> str:
    return "b" if slot == "a" else "a"


class ViewStore:
    def __init__(self, recorder: Any) -> None:
        self.datastore = recorder.datastore
        is_pg = isinstance(recorder, PostgresApplicationRecorder)
        self.backend: Backend = "postgresql" if is_pg else "sqlite"
        self.schema: str | None = self.datastore.schema if is_pg else None
        self.mark = "%s" if is_pg else "?"

    def name(self, table: str, slot: str | None = None) -> str:
        plain = f"{table}_{slot}" if slot else table
        return f'"{self.schema}".{plain}' if self.schema else plain

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=True) as curs:
            yield curs

    def writable(self) -> bool:
        """Whether this connection may write the views (on PostgreSQL only the projector role may)."""
        if self.backend == "sqlite":
            return True
        with self.datastore.transaction(commit=False) as curs:
            curs.execute("SELECT has_table_privilege(%s, 'UPDATE')", (self.name(TRACKING),))
            row = curs.fetchone()
        return bool(_values(row)[0]) if row else False

    # --- tracking ------------------------------------------------------------------------------
    def tracking(self, key: str, curs: Any = None, *, lock: bool = False) -> Tracking | None:
        if curs is None:
            with self.datastore.transaction(commit=False) as new:
                return self.tracking(key, new)
        update = " FOR UPDATE" if lock and self.backend == "postgresql" else ""
        curs.execute(f"SELECT position, slot FROM {self.name(TRACKING)} WHERE view = {self.mark}{update}",
                     (key,))
        row = curs.fetchone()
        if row is None:
            return None
        position, slot = _values(row)
        return Tracking(key, int(position), str(slot))

    def position(self, view: str) -> int:
        found = self.tracking(view)
        return found.position if found else 0

    def set_tracking(self, curs: Any, key: str, position: int, slot: str) -> None:
        curs.execute(f"DELETE FROM {self.name(TRACKING)} WHERE view = {self.mark}", (key,))
        curs.execute(f"INSERT INTO {self.name(TRACKING)} (view, position, slot) VALUES "
                     f"({self.mark}, {self.mark}, {self.mark})", (key, position, slot))

    def drop_tracking(self, curs: Any, key: str) -> None:
        curs.execute(f"DELETE FROM {self.name(TRACKING)} WHERE view = {self.mark}", (key,))

    # --- writes --------------------------------------------------------------------------------
    def write(self, spec: ViewSpec, key: str, start: int, stop: int, changes: Changes, curs: Any = None) -> None:
        """Rows of events (start, stop] and the position `stop`, in one transaction."""
        if curs is None:
            with self.transaction() as new:
                self.write(spec, key, start, stop, changes, new)
            return
        found = self.tracking(key, curs, lock=True)
        if found is None or found.position != start:
            raise StaleViewError(f"view {key} is no longer at position {start}")
        for table in spec.tables:
            self._write_table(curs, table, found.slot, changes)
        self.set_tracking(curs, key, stop, found.slot)

    def clear(self, curs: Any, spec: ViewSpec, slot: str) -> None:
        for table in spec.tables:
            verb = "TRUNCATE" if self.backend == "postgresql" else "DELETE FROM"
            curs.execute(f"{verb} {self.name(table.name, slot)}")

    def _write_table(self, curs: Any, table: Table, slot: str, changes: Changes) -> None:
        name = self.name(table.name, slot)
        if changes.owners and table.name in changes.replace:
            self._delete_owned(curs, table, name, changes.owners)
        self._write_diff(curs, table, name, changes)
        rows = changes.replace.get(table.name, []) + changes.append.get(table.name, [])
        if not rows:
            return
        if self.backend == "postgresql" and len(rows) > COPY_THRESHOLD:  # binary: 2.5 times the rows of text
            with curs.copy(f"COPY {name} ({', '.join(table.names)}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types([COPY_TYPES[kind] for _, kind in table.columns])
                for row in rows:
                    copy.write_row(row)
        elif self.backend == "postgresql":
            curs.executemany(table.insert(self.backend, name), rows)
        else:
            curs.executemany(table.insert(self.backend, name), [sqlite_row(r) for r in rows])

    def _write_diff(self, curs: Any, table: Table, name: str, changes: Changes) -> None:
        convert = (lambda r: r) if self.backend == "postgresql" else sqlite_row
        deletes, upserts = changes.delete.get(table.name), changes.upsert.get(table.name)
        if deletes:
            curs.executemany(table.delete_key(self.backend, name), [convert(k) for k in deletes])
        if upserts:
            curs.executemany(table.upsert(self.backend, name), [convert(r) for r in upserts])

    def _delete_owned(self, curs: Any, table: Table, name: str, owners: list[str]) -> None:
        if self.backend == "postgresql":
            curs.execute(table.delete_owned(self.backend, len(owners), name), (owners,))
            return
        for start in range(0, len(owners), 500):
            chunk = owners[start:start + 500]
            curs.execute(table.delete_owned(self.backend, len(chunk), name), chunk)

    # --- reads ---------------------------------------------------------------------------------
    def rows(self, view: str, table: Table, where: str = "", params: Sequence[Any] = ()) -> list[TableRow]:
        """Rows of a view's table (the slot readers use) as the values a projection computes."""
        with self.datastore.transaction(commit=False) as curs:
            found = self.tracking(view, curs)
            slot = found.slot if found else "a"
            curs.execute(table.select(where.replace("?", self.mark), self.name(table.name, slot)), tuple(params))
            fetched = curs.fetchall()
        return decode_rows(table, [_values(r) for r in fetched])


def _values(row: Any) -> tuple[Any, ...]:
    return tuple(row.values()) if isinstance(row, dict) else tuple(row)
