"""The chain on SQLite: `stored_events` keeps the library's four columns (its insert is positional),
and each event's link lives in the side table `event_chain`, written in the same transaction by
`ChainedSQLiteRecorder`. Triggers refuse UPDATE and DELETE on both tables and on the anchors.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping, Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from ledger.integrity import link

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS event_chain (position INTEGER PRIMARY KEY, recorded_at INTEGER NOT NULL, "
    "prev_hash BLOB NOT NULL, event_hash BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS aqb_anchors (anchor_id INTEGER PRIMARY KEY, position INTEGER NOT NULL, "
    "key_id TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), "
    "document TEXT NOT NULL)",
)
REFUSE = ("CREATE TRIGGER IF NOT EXISTS {table}_no_{op} BEFORE {OP} ON {table} "
          "BEGIN SELECT RAISE(ABORT, 'aqb ledger is append-only: {OP} on {table} refused'); END")
HEAD = "SELECT position, event_hash FROM event_chain ORDER BY position DESC LIMIT 1"
INSERT_LINK = "INSERT INTO event_chain (position, recorded_at, prev_hash, event_hash) VALUES (?, ?, ?, ?)"


class ChainedSQLiteRecorder(SQLiteApplicationRecorder):
    """The library's recorder, plus one chain link per event in the same transaction (its private
    `_insert_events` is checked against the installed release: tests/integration/test_library_contract.py)."""

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> Sequence[int] | None:
        positions = super()._insert_events(c, stored_events, **kwargs)
        assert positions is not None
        # After the inserts this transaction holds SQLite's write lock: the head cannot move.
        add_links(c, list(zip(positions, stored_events, strict=True)))
        check_expected(c, kwargs.get("expect") or {})
        return positions


def check_expected(c: Any, expect: Mapping[str, int]) -> None:
    """Streams the command read but did not write (the recording principal's) are unchanged."""
    for stream, version in expect.items():
        c.execute("SELECT max(originator_version) FROM stored_events WHERE originator_id = ?", (stream,))
        if (c.fetchone()[0] or 0) != version:
            raise sqlite3.IntegrityError(f"aqb ledger: {stream} changed while the command ran")


def add_links(c: Any, rows: list[tuple[int, StoredEvent]], micros: int | None = None) -> None:
    c.execute(HEAD)
    head = c.fetchone()
    prev = bytes(head[1]) if head else link.GENESIS
    micros = micros if micros is not None else time.time_ns() // 1000
    links = []
    for position, s in rows:
        if head and position <= head[0]:
            raise AssertionError(f"position {position} is not after the chain head {head[0]}")
        event_hash = link.link_hash(prev, position, str(s.originator_id), s.originator_version, s.topic,
                                    micros, s.state)
        links.append((position, micros, prev, event_hash))
        prev = event_hash
    c.executemany(INSERT_LINK, links)


def migrate(conn: Any) -> None:
    """Migration 2 on SQLite: side table, anchors table, chain of existing rows, refusing triggers."""
    for statement in SCHEMA:
        conn.execute(statement)
    rows = conn.execute("SELECT e.rowid, e.originator_id, e.originator_version, e.topic, e.state "
                        "FROM stored_events e LEFT JOIN event_chain l ON l.position = e.rowid "
                        "WHERE l.position IS NULL ORDER BY e.rowid").fetchall()
    cursor = conn.cursor()
    add_links(cursor, [(r[0], StoredEvent(r[1], r[2], r[3], bytes(r[4]))) for r in rows])
    for table in ("stored_events", "event_chain", "aqb_anchors"):
        for op in ("update", "delete"):
            conn.execute(REFUSE.format(table=table, op=op, OP=op.upper()))
