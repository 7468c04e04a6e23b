"""Reads the event store with positions (notification ids): one stream, several, or all."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, Notification
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg import sql

SQLITE_STREAMS = (
    "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events WHERE originator_id IN"
)


class EventReads:
    def __init__(self, recorder: ApplicationRecorder) -> None:
        self.recorder = recorder

    def streams(self, originator_ids: Sequence[str]) -> list[Notification]:
        """Every event of the given streams, in global order."""
        if not originator_ids:
            return []
        rows = self._select_streams(list(originator_ids))
        return [Notification(id=r[0], originator_id=r[1], originator_version=r[2], topic=r[3],
                             state=bytes(r[4])) for r in rows]

    def head(self) -> int:
        return self.recorder.max_notification_id() or 0

    def all(self, start: int = 1, stop: int | None = None, page: int = 2000,
            topics: Sequence[str] = ()) -> Iterator[Notification]:
        """Every event from `start` (inclusive) to `stop` (inclusive), page by page."""
        while True:
            batch = self.recorder.select_notifications(start, page, stop=stop, topics=topics)
            yield from batch
            if len(batch) < page:
                return
            start = batch[-1].id + 1

    def _select_streams(self, ids: list[str]) -> list[Any]:
        recorder = self.recorder
        if isinstance(recorder, PostgresApplicationRecorder):
            query = sql.SQL(
                "SELECT notification_id, originator_id, originator_version, topic, state "
                "FROM {0}.{1} WHERE originator_id = ANY(%s) ORDER BY notification_id"
            ).format(sql.Identifier(recorder.datastore.schema), sql.Identifier(recorder.events_table_name))
            with recorder.datastore.transaction(commit=False) as curs:
                curs.execute(query, (ids,))
                return [tuple(r.values()) for r in curs.fetchall()]
        assert isinstance(recorder, SQLiteApplicationRecorder)
        marks = ",".join("?" * len(ids))
        statement = f"{SQLITE_STREAMS} ({marks}) ORDER BY rowid"
        with recorder.datastore.transaction(commit=False) as curs:
            curs.execute(statement, ids)
            return [tuple(r) for r in curs.fetchall()]
