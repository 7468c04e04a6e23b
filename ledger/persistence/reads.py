"""Reads the event store with what the database stamped on each row: its position (notification
id), its recorded time (`recorded_at`, the database's clock, never the time inside the event's
JSON) and, on PostgreSQL, the login that inserted it (`recorded_by`).

One stream, several, or the whole log in pages; the head is the last position the ledger's own
sequence has issued (a row placed beyond it, past the chain, is not the head: verify reports it).
"""

# ruff: noqa: S608 -- table names are constants of this module; values are parameters

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.rows import tuple_row

from ledger.integrity.link import from_epoch_us
from ledger.persistence import grant_links

PG_COLUMNS = ("notification_id, originator_id, originator_version, topic, state, recorded_at, recorded_by, "
              "prev_hash, event_hash")
SQLITE_COLUMNS = ("e.rowid, e.originator_id, e.originator_version, e.topic, e.state, l.recorded_at, NULL, "
                  "l.prev_hash, l.event_hash FROM stored_events e LEFT JOIN event_chain l ON l.position = e.rowid")
PAGE = 5000


class Row(NamedTuple):
    """A stored event as the database holds it (the library's mapper reads the middle four)."""

    id: int  # the position
    originator_id: str
    originator_version: int
    topic: str
    state: bytes
    recorded_at: datetime | None
    recorded_by: str | None
    prev_hash: bytes | None = None  # the chain columns as stored (for the probe of what was read)
    event_hash: bytes | None = None


class EventReads:
    def __init__(self, recorder: ApplicationRecorder) -> None:
        self.recorder = recorder
        self.seen: dict[int, Row] = {}  # every row a stream read returned (checked by ledger.integrity.probe)
        self.pg = isinstance(recorder, PostgresApplicationRecorder)
        if self.pg:
            assert isinstance(recorder, PostgresApplicationRecorder)
            self.schema = recorder.datastore.schema
            self.table = f'"{recorder.datastore.schema}".{recorder.events_table_name}'
            self.sequence = f'"{recorder.datastore.schema}".{recorder.events_table_name}_notification_id_seq'

    def streams(self, originator_ids: Sequence[str], upto: int | None = None) -> list[Row]:
        """Every event of the given streams (up to a position), in global order."""
        if not originator_ids:
            return []
        ids = list(originator_ids)
        if self.pg:
            bound = "" if upto is None else " AND notification_id <= %s"
            rows = self._pg(f"SELECT {PG_COLUMNS} FROM {self.table} WHERE originator_id = ANY(%s){bound} "
                            "ORDER BY notification_id", (ids,) if upto is None else (ids, upto))
        else:
            marks = ",".join("?" * len(ids))
            bound = "" if upto is None else " AND e.rowid <= ?"
            rows = self._lite(f"SELECT {SQLITE_COLUMNS} WHERE e.originator_id IN ({marks}){bound} ORDER BY e.rowid",
                              ids if upto is None else [*ids, upto])
        self.seen.update((r.id, r) for r in rows)
        return rows

    def links(self, positions: Sequence[int]) -> dict[int, bytes]:
        """The stored chain link of each of these positions, as the stream reads returned them
        (the probe after the command checks each against its recomputed link)."""
        return {p: row.event_hash for p in positions if (row := self.seen.get(p)) and row.event_hash is not None}

    def grants_of(self, agreement_ids: Sequence[str]) -> list[tuple[str, str]]:
        """(grant id, agreement id) of every grant applied for under one of these agreements, in
        order of application: one lookup in the index of the applications' links (migration 5)."""
        if not agreement_ids:
            return []
        if self.pg:
            rows = self._fetch(grant_links.pg_select(self.schema, self.table), (list(agreement_ids),))
        else:
            rows = self._fetch(grant_links.sqlite_select(len(agreement_ids)), list(agreement_ids))
        return [(str(r[0]), str(r[1])) for r in rows]

    def existing(self, stream_ids: Sequence[str]) -> list[str]:
        """Those of these streams that exist (their first event is stored), in the order given."""
        if not stream_ids:
            return []
        if self.pg:
            rows = self._fetch(f"SELECT originator_id FROM {self.table} WHERE originator_id = ANY(%s) "
                               "AND originator_version = 1", (list(stream_ids),))
        else:
            marks = ",".join("?" * len(stream_ids))
            rows = self._fetch(f"SELECT originator_id FROM stored_events WHERE originator_id IN ({marks}) "
                               "AND originator_version = 1", list(stream_ids))
        found = {str(r[0]) for r in rows}
        return [i for i in stream_ids if i in found]

    def first_holding(self, needles: Sequence[bytes]) -> Row | None:
        """The first stored event whose state holds one of these byte strings (a scan of the log:
        for rare checks, such as a batch id given by hand)."""
        if not needles:
            return None
        if self.pg:
            where = " OR ".join(["position(%s::bytea in state) > 0"] * len(needles))
            rows = self._pg(f"SELECT {PG_COLUMNS} FROM {self.table} WHERE {where} ORDER BY notification_id LIMIT 1",
                            list(needles))
        else:
            where = " OR ".join(["instr(e.state, ?) > 0"] * len(needles))
            rows = self._lite(f"SELECT {SQLITE_COLUMNS} WHERE {where} ORDER BY e.rowid LIMIT 1", list(needles))
        return rows[0] if rows else None

    def head(self) -> int:
        if self.pg:
            rows = self._fetch(f"SELECT max(notification_id) FROM {self.table} "
                               f"WHERE notification_id <= (SELECT last_value FROM {self.sequence})", ())
        else:
            rows = self._fetch("SELECT max(rowid) FROM stored_events", ())
        return int(rows[0][0] or 0)

    def page(self, start: int, limit: int = PAGE, stop: int | None = None,
             topics: Sequence[str] = ()) -> list[Row]:
        """Up to `limit` events from position `start` (inclusive) to `stop` (inclusive)."""
        if self.pg:
            where, params = ["notification_id >= %s"], [start]
            if stop is not None:
                where.append("notification_id <= %s")
                params.append(stop)
            if len(topics) == 1:  # the (topic, position) index gives these rows in order
                where.append("topic = %s")
                params.append(topics[0])  # type: ignore[arg-type]
            elif topics:
                where.append("topic = ANY(%s)")
                params.append(list(topics))  # type: ignore[arg-type]
            return self._pg(f"SELECT {PG_COLUMNS} FROM {self.table} WHERE {' AND '.join(where)} "
                            "ORDER BY notification_id LIMIT %s", (*params, limit))
        where, values = ["e.rowid >= ?"], [start]
        if stop is not None:
            where.append("e.rowid <= ?")
            values.append(stop)
        if topics:
            where.append(f"e.topic IN ({','.join('?' * len(topics))})")
            values += list(topics)  # type: ignore[arg-type]
        return self._lite(f"SELECT {SQLITE_COLUMNS} WHERE {' AND '.join(where)} ORDER BY e.rowid LIMIT ?",
                          [*values, limit])

    def all(self, start: int = 1, stop: int | None = None, page: int = PAGE,
            topics: Sequence[str] = ()) -> Iterator[Row]:
        """Every event from `start` (inclusive) to `stop` (inclusive), page by page."""
        while True:
            batch = self.page(start, page, stop, topics)
            yield from batch
            if len(batch) < page:
                return
            start = batch[-1].id + 1

    def _pg(self, query: str, params: Sequence[Any]) -> list[Row]:
        return [Row(r[0], r[1], r[2], r[3], bytes(r[4]), r[5], r[6], _opt(r[7]), _opt(r[8]))
                for r in self._fetch(query, params)]

    def _lite(self, query: str, params: Sequence[Any]) -> list[Row]:
        return [Row(r[0], r[1], r[2], r[3], _bytes(r[4]), None if r[5] is None else from_epoch_us(r[5]), None,
                    _opt(r[7]), _opt(r[8])) for r in self._fetch(query, params)]

    def _fetch(self, query: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        recorder = self.recorder
        if isinstance(recorder, PostgresApplicationRecorder):  # one statement, autocommit: one round trip
            with recorder.datastore.get_connection() as conn, conn.cursor(binary=True, row_factory=tuple_row) as cur:
                # Binary results, plain tuples: half the time of text rows turned into dicts. Never
                # prepared: a prepared `= ANY(%s)` gets a generic plan that cannot know how many ids
                # it is given, and on a young table without statistics it degrades as the table
                # grows (0.3 ms → 0.6 ms per read within seconds); planned each time it stays put.
                return cur.execute(query, params, prepare=False).fetchall()
        assert isinstance(recorder, SQLiteApplicationRecorder)
        with recorder.datastore.transaction(commit=False) as lite:
            lite.execute(query, params)
            return [tuple(r) for r in lite.fetchall()]


def _bytes(state: Any) -> bytes:
    """The stored state; a row whose state was stored as TEXT (past the application) reads as its UTF-8."""
    return state.encode() if isinstance(state, str) else bytes(state)


def _opt(value: Any) -> bytes | None:
    return None if value is None else bytes(value)
