"""Live following on PostgreSQL: the library's `ProjectionRunner` (LISTEN/NOTIFY) feeding one
view, one runner per view guaranteed by a session-level advisory lock.

The runner first catches the view up in batches, then processes each new event in its own
transaction (rows and tracking together). It resumes from the view's tracking position after a
restart. When a command's own catch-up got there first, the runner's write is refused as stale
and the event is skipped: the rows are the same, computed by the same folds.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner
from psycopg import sql

from ledger.app.core import LedgerCore
from ledger.domain.base import LedgerEvent
from ledger.domain.errors import ConflictError, InvalidInputError
from ledger.persistence import postgres
from ledger.persistence.config import APP_NAME, Database
from projections.engine import VIEWS, Projector, ViewSpec
from projections.store import StaleViewError, ViewStore
from projections.sync import LedgerSource, catch_up

NUDGE_SECONDS = 1.0
RUNNER_LOCK_CLASS = 0x41514231  # "AQB1": first key of the one-runner-per-view lock


class RunnerBusyError(ConflictError):
    def __init__(self, view: str) -> None:
        super().__init__(f"a runner for view '{view}' is already running",
                         "one runner per view: stop the other one first, or let it do the work")


def lock_statement(db: Database, view: str, function: str = "pg_try_advisory_lock") -> sql.Composed:
    return sql.SQL("SELECT {0}({1}, hashtext({2}))").format(
        sql.Identifier(function), sql.Literal(RUNNER_LOCK_CLASS), sql.Literal(f"{db.schema}.{view}"))


class RunnerLock:
    """A connection holding a view's runner lock. `close()` releases the lock explicitly before
    closing: a closed connection's session may linger a moment on the server, and with it a lock
    that is only released when the session ends."""

    def __init__(self, db: Database, view: str, conn: psycopg.Connection[Any]) -> None:
        self.db, self.view, self.conn = db, view, conn

    def close(self) -> None:
        try:
            self.conn.execute(lock_statement(self.db, self.view, "pg_advisory_unlock"))
        finally:
            self.conn.close()


def take_lock(db: Database, view: str) -> RunnerLock:
    """The view's runner lock until it is closed; refuses when another runner holds it."""
    conn = postgres.connect(db, autocommit=True)
    row = conn.execute(lock_statement(db, view)).fetchone()
    if not (row and row[0]):
        conn.close()
        raise RunnerBusyError(view)
    return RunnerLock(db, view, conn)


def feed_class(db: Database) -> type[LedgerCore]:
    """The application class the library's runner constructs (it passes only an env)."""

    class LedgerFeed(LedgerCore):
        name = APP_NAME  # the events table is named after the application

        def __init__(self, env: Any = None) -> None:  # noqa: ARG002 (the runner passes it)
            super().__init__(db)

    return LedgerFeed


class LiveProjection(Projection[PostgresTrackingRecorder]):
    """Feeds each event to a projector and writes its rows with the new position."""

    spec: ViewSpec
    store: ViewStore
    projector: Projector

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        position = tracking.notification_id
        assert isinstance(domain_event, LedgerEvent)
        start = self.projector.position
        changes = self.projector.batch([(position, domain_event)])
        try:
            self.store.write(self.spec, self.spec.name, start, position, changes)
        except StaleViewError:
            if self.store.position(self.spec.name) < position:
                raise


def live_classes(ledger: LedgerCore, spec: ViewSpec, start: int) -> tuple[type[Any], type[Any]]:
    store = ViewStore(ledger.recorder)
    attrs = {"spec": spec, "store": store, "projector": Projector(spec, LedgerSource(ledger), start)}
    projection = type(f"aqb_live_{spec.name}", (LiveProjection,), attrs)

    class ViewTracking(PostgresTrackingRecorder):
        def max_tracking_id(self, application_name: str) -> int | None:  # noqa: ARG002
            return store.position(spec.name)

    return projection, ViewTracking


def follow(db: Database, view: str, started: threading.Event | None = None,
           stop: threading.Event | None = None) -> None:
    """Follow the ledger into one view until `stop` is set (or forever)."""
    if db.backend != "postgresql":
        raise InvalidInputError("live following needs PostgreSQL",
                                "on SQLite the views are brought up to date after each command")
    lock = take_lock(db, view)
    ledger = LedgerCore(db)
    try:
        start = catch_up(ledger, [view])[view]
        projection, tracking = live_classes(ledger, VIEWS[view], start)
        with ProjectionRunner(application_class=feed_class(db), projection_class=projection,
                              view_class=tracking, env=db.env) as runner:
            if started is not None:
                started.set()
            nudged = time.monotonic()
            while stop is None or not stop.is_set():
                runner.run_forever(timeout=0.2)
                if time.monotonic() - nudged >= NUDGE_SECONDS:
                    _nudge(ledger)
                    nudged = time.monotonic()
    finally:
        ledger.close()
        lock.close()


def _nudge(ledger: LedgerCore) -> None:
    """NOTIFY the events channel: the subscription's LISTEN starts in a thread of its own, so an
    event committed before it listens would wait for the next write; a nudge makes it re-read."""
    recorder = ledger.recorder
    assert isinstance(recorder, PostgresApplicationRecorder)
    with recorder.datastore.get_connection() as conn:
        conn.execute(sql.SQL("NOTIFY {0}").format(sql.Identifier(recorder.channel_name)))
