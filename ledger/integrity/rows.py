"""Chain rows read from either backend: every row of the table, whatever its position, streamed
in pages in global order from one snapshot; and single rows by position (with the link of the
row before each) for the checks of what a read command shows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

from psycopg import IsolationLevel, sql

from ledger.persistence import postgres
from ledger.persistence.config import Database, readonly_uri

PAGE = 10_000
NO_START = -(2**63)  # every row, whatever its position (a row at 0 or below is past the chain)


class ChainRow(NamedTuple):
    position: int
    originator_id: str
    version: int
    topic: str
    state: bytes
    recorded_us: int | None
    prev_hash: bytes | None
    event_hash: bytes | None
    recorded_by: str | None = None


PG_COLUMNS = ("notification_id, originator_id, originator_version, topic, state, "
              "(extract(epoch FROM recorded_at) * 1000000)::bigint, prev_hash, event_hash, recorded_by")
AT_COLUMNS = ("e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, "
              "(extract(epoch FROM e.recorded_at) * 1000000)::bigint, e.prev_hash, e.event_hash, e.recorded_by")
SQLITE_SELECT = (
    "SELECT e.rowid, e.originator_id, e.originator_version, e.topic, e.state, l.recorded_at, l.prev_hash, "
    "l.event_hash, NULL FROM stored_events e LEFT JOIN event_chain l ON l.position = e.rowid "
)


class ChainReader:
    """One read-only snapshot of the chain: pages of rows, single rows, the stored head."""

    def __init__(self, db: Database, conn: Any) -> None:
        self.db, self.conn = db, conn
        self.pg = db.backend == "postgresql"

    def pages(self, start: int = NO_START, stop: int | None = None, page: int = PAGE) -> Iterator[list[ChainRow]]:
        """Pages of rows in global order, from `start` (inclusive) to `stop` (inclusive)."""
        where, params = self._range(start, stop)
        if self.pg:
            query = sql.SQL("SELECT " + PG_COLUMNS + " FROM {0} " + where +  # noqa: S608 (constants)
                            " ORDER BY notification_id").format(postgres.events_table(self.db))
            with self.conn.cursor(name="aqb_chain", binary=True) as cursor:
                cursor.itersize = page
                cursor.execute(query, params)
                while batch := cursor.fetchmany(page):
                    yield [chain_row(r) for r in batch]
            return
        cursor = self.conn.execute(SQLITE_SELECT + where.replace("notification_id", "e.rowid") +
                                   " ORDER BY e.rowid", params)
        while batch := cursor.fetchmany(page):
            yield [chain_row(r) for r in batch]

    def rows(self, start: int = NO_START, stop: int | None = None) -> Iterator[ChainRow]:
        for batch in self.pages(start, stop):
            yield from batch

    def at(self, positions: Sequence[int]) -> dict[int, tuple[ChainRow, bytes | None]]:
        """Each of these rows with the stored link of the row before it (None: none before)."""
        wanted = sorted(set(positions))
        if not wanted:
            return {}
        if self.pg:
            query = sql.SQL(
                "SELECT " + AT_COLUMNS + ", (SELECT b.event_hash FROM {0} b WHERE b.notification_id < "  # noqa: S608
                "e.notification_id ORDER BY b.notification_id DESC LIMIT 1) FROM {0} e "
                "WHERE e.notification_id = ANY(%s)").format(postgres.events_table(self.db))
            found = self.conn.execute(query, (wanted,)).fetchall()
        else:
            marks = ",".join("?" * len(wanted))
            found = self.conn.execute(
                SQLITE_SELECT.replace("l.event_hash, NULL", "l.event_hash, NULL, (SELECT b.event_hash FROM "  # noqa: S608
                                      "event_chain b WHERE b.position < e.rowid ORDER BY b.position DESC LIMIT 1)")
                + f"WHERE e.rowid IN ({marks})", wanted).fetchall()
        return {int(r[0]): (chain_row(r[:9]), None if r[9] is None else bytes(r[9])) for r in found}

    def links_before(self, positions: Sequence[int]) -> dict[int, bytes | None]:
        """For each position, the stored link of the row before it (None: no row before)."""
        wanted = sorted(set(positions))
        if not wanted:
            return {}
        if self.pg:
            query = sql.SQL("SELECT p, (SELECT b.event_hash FROM {0} b WHERE b.notification_id < p "
                            "ORDER BY b.notification_id DESC LIMIT 1) FROM unnest(%s::bigint[]) AS p"
                            ).format(postgres.events_table(self.db))
            found = self.conn.execute(query, (wanted,)).fetchall()
        else:
            values = ",".join(["(?)"] * len(wanted))
            found = self.conn.execute(f"WITH w(p) AS (VALUES {values}) SELECT p, (SELECT b.event_hash FROM "  # noqa: S608
                                      "event_chain b WHERE b.position < p ORDER BY b.position DESC LIMIT 1) FROM w",
                                      wanted).fetchall()
        return {int(r[0]): None if r[1] is None else bytes(r[1]) for r in found}

    def of_streams(self, streams: Sequence[str]) -> list[ChainRow]:
        """Every row of these streams, in global order."""
        if self.pg:
            query = sql.SQL("SELECT " + PG_COLUMNS + " FROM {0} WHERE originator_id = ANY(%s) "  # noqa: S608
                            "ORDER BY notification_id").format(postgres.events_table(self.db))
            return [chain_row(r) for r in self.conn.execute(query, (list(streams),))]
        marks = ",".join("?" * len(streams))
        text = SQLITE_SELECT + f"WHERE e.originator_id IN ({marks}) ORDER BY e.rowid"
        return [chain_row(r) for r in self.conn.execute(text, list(streams))] if streams else []

    def with_topics(self, topics: Sequence[str], before: int) -> list[ChainRow]:
        """The rows of these topics before a position, in order."""
        if self.pg:
            query = sql.SQL("SELECT " + PG_COLUMNS + " FROM {0} WHERE topic = ANY(%s) AND notification_id < %s "  # noqa: S608
                            "ORDER BY notification_id").format(postgres.events_table(self.db))
            return [chain_row(r) for r in self.conn.execute(query, (list(topics), before))]
        marks = ",".join("?" * len(topics))
        text = SQLITE_SELECT + f"WHERE e.topic IN ({marks}) AND e.rowid < ? ORDER BY e.rowid"
        return [chain_row(r) for r in self.conn.execute(text, [*topics, before])]

    def near(self, position: int, before: int, after: int) -> tuple[list[ChainRow], list[ChainRow]]:
        """Up to `before` rows before the position (nearest last) and `after` rows after it."""
        lower = self._select("< %s ORDER BY {pos} DESC LIMIT %s", (position, before))
        upper = self._select("> %s ORDER BY {pos} LIMIT %s", (position, after))
        return lower[::-1], upper

    def successor_of(self, prev_hash: bytes) -> int | None:
        """The position of the row that was chained right after the link `prev_hash`."""
        if self.pg:
            query = sql.SQL("SELECT notification_id FROM {0} WHERE prev_hash = %s LIMIT 1").format(
                postgres.events_table(self.db))
            found = self.conn.execute(query, (prev_hash,)).fetchone()
        else:
            found = self.conn.execute("SELECT l.position FROM event_chain l JOIN stored_events e "
                                      "ON e.rowid = l.position WHERE l.prev_hash = ? LIMIT 1",
                                      (prev_hash,)).fetchone()
        return int(found[0]) if found else None

    def link_before(self, position: int) -> bytes | None:
        rows, _ = self.near(position, 1, 0)
        return rows[0].event_hash if rows else None

    def anchor_documents(self) -> list[str]:
        """The stored anchors' documents, oldest first."""
        if self.pg:
            query = sql.SQL("SELECT document FROM {0}.aqb_anchors ORDER BY anchor_id").format(
                sql.Identifier(self.db.schema))
            return [str(r[0]) for r in self.conn.execute(query)]
        return [str(r[0]) for r in self.conn.execute("SELECT document FROM aqb_anchors ORDER BY anchor_id")]

    def head(self) -> int:
        if self.pg:
            query = sql.SQL("SELECT max(notification_id) FROM {0}").format(postgres.events_table(self.db))
            found = self.conn.execute(query).fetchone()
        else:
            found = self.conn.execute("SELECT max(rowid) FROM stored_events").fetchone()
        return int(found[0] or 0)

    def count(self) -> int:
        if self.pg:
            found = self.conn.execute(sql.SQL("SELECT count(*) FROM {0}").format(postgres.events_table(self.db)))
        else:
            found = self.conn.execute("SELECT count(*) FROM stored_events")
        return int(found.fetchone()[0])

    def _select(self, condition: str, params: tuple[int, int]) -> list[ChainRow]:
        if self.pg:
            query = sql.SQL("SELECT " + PG_COLUMNS + " FROM {0} WHERE notification_id " +  # noqa: S608
                            condition.format(pos="notification_id")).format(postgres.events_table(self.db))
            return [chain_row(r) for r in self.conn.execute(query, params)]
        text = SQLITE_SELECT + "WHERE e.rowid " + condition.format(pos="e.rowid").replace("%s", "?")
        return [chain_row(r) for r in self.conn.execute(text, params)]

    def _range(self, start: int, stop: int | None) -> tuple[str, tuple[int, ...]]:
        mark = "%s" if self.pg else "?"
        if stop is None:
            return f"WHERE notification_id >= {mark}", (start,)
        return f"WHERE notification_id >= {mark} AND notification_id <= {mark}", (start, stop)


def chain_row(r: Sequence[Any]) -> ChainRow:
    """A plain row tuple of either backend as a ChainRow with bytes (not memoryview or text) fields."""
    state = r[4].encode() if isinstance(r[4], str) else bytes(r[4])
    return ChainRow(r[0], r[1], r[2], r[3], state, r[5], None if r[6] is None else bytes(r[6]),
                    None if r[7] is None else bytes(r[7]), r[8])


@contextmanager
def open_reader(db: Database) -> Iterator[ChainReader]:
    """A read-only, repeatable-read snapshot (PostgreSQL) or a plain connection (SQLite)."""
    if db.backend == "postgresql":
        with postgres.connect(db) as conn:
            conn.isolation_level = IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            yield ChainReader(db, conn)
        return
    lite = sqlite3.connect(readonly_uri(db.sqlite_path), uri=True)
    try:
        lite.execute("BEGIN")
        yield ChainReader(db, lite)
    finally:
        lite.close()

