"""Live following on PostgreSQL: LISTEN on the events channel, and on every notification (and
once a second anyway) bring the view up to date — the same batches, folds and transactions as
a rebuild or a command's catch-up, so live and rebuilt views are one computation.

One runner per view, by a session-level advisory lock held on a connection of its own. When the
database goes away (a restart, a network cut), the runner says so on stderr, waits with back-off
(0.5 s, doubling to 30 s), reconnects, says so, and resumes from the view's tracking position.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable
from typing import Any

import click
import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError
from psycopg import sql

from ledger.app.core import LedgerCore
from ledger.domain.errors import ConflictError, DatabaseUnavailableError, InvalidInputError
from ledger.persistence import postgres
from ledger.persistence.config import CONNINFO, EVENTS_TABLE, Database
from projections.sync import Following

WAKE_SECONDS = 1.0
FIRST_DELAY, MAX_DELAY = 0.5, 30.0
RUNNER_LOCK_CLASS = 0x41514231  # "AQB1": first key of the one-runner-per-view lock
LOST = (DatabaseUnavailableError, psycopg.OperationalError, psycopg.InterfaceError, OperationalError,
        InterfaceError)
Say = Callable[[str], None]


class RunnerBusyError(ConflictError):
    def __init__(self, view: str, holder: str) -> None:
        super().__init__(f"a runner for view '{view}' is already running ({holder})",
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
            if not self.conn.closed:
                self.conn.execute(lock_statement(self.db, self.view, "pg_advisory_unlock"))
        except psycopg.Error:
            pass  # the session is gone, and the lock with it
        finally:
            self.conn.close()


def take_lock(db: Database, view: str) -> RunnerLock:
    """The view's runner lock until it is closed; refuses when another session holds it."""
    conn = postgres.connect(db, autocommit=True)
    row = conn.execute(lock_statement(db, view)).fetchone()
    if not (row and row[0]):
        holder = _holder(conn, db, view)
        conn.close()
        raise RunnerBusyError(view, holder)
    return RunnerLock(db, view, conn)


def _holder(conn: psycopg.Connection[Any], db: Database, view: str) -> str:
    row = conn.execute(
        "SELECT a.usename, a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.classid = %s AND l.objid = hashtext(%s)::oid AND l.granted",
        (RUNNER_LOCK_CLASS, f"{db.schema}.{view}")).fetchone()
    return f"held by login {row[0]}, process {row[1]}" if row else "its lock is held"


def require_postgres(db: Database) -> None:
    """Live following listens for the ledger's notifications, which only PostgreSQL sends."""
    if db.backend != "postgresql":
        raise InvalidInputError("live following needs PostgreSQL",
                                "on SQLite the views are brought up to date after each command")


def follow(db: Database, view: str, started: threading.Event | None = None,
           stop: threading.Event | None = None, say: Say | None = None) -> None:
    """Follow the ledger into one view until `stop` is set (or for ever), reconnecting after a
    lost connection."""
    require_postgres(db)
    tell = say or (lambda text: click.echo(text, err=True))
    stop = stop or threading.Event()
    delay, lost = FIRST_DELAY, False
    while not stop.is_set():
        try:
            _follow_once(db, view, started, stop, on_ready=_reconnected(tell, view) if lost else _quiet)
            return
        except LOST as exc:
            tell(f"view {view}: lost the database ({_first_line(exc)}); reconnecting in {delay:g} s")
            lost = True
            stop.wait(delay)
            delay = min(delay * 2, MAX_DELAY)


def named(db: Database, view: str) -> Database:
    """The database as this runner connects to it: named, so it shows in pg_stat_activity."""
    conninfo = {**db.conninfo, "application_name": f"aqb projections run {view}"}
    return dataclasses.replace(db, conninfo=conninfo, env={**db.env, CONNINFO: json.dumps(conninfo)})


def _follow_once(db: Database, view: str, started: threading.Event | None, stop: threading.Event,
                 on_ready: Callable[[], object]) -> None:
    db = named(db, view)
    lock = take_lock(db, view)
    ledger = LedgerCore(db)
    listener = postgres.connect(db, autocommit=True)
    try:
        listener.execute(sql.SQL("LISTEN {0}").format(sql.Identifier(EVENTS_TABLE)))
        following = Following(ledger, view, forget_reads=True)
        following.catch_up()
        on_ready()
        if started is not None:
            started.set()
        while not stop.is_set():
            for _ in listener.notifies(timeout=WAKE_SECONDS, stop_after=1):
                pass
            following.catch_up()
    finally:
        listener.close()
        ledger.close()
        lock.close()


def _reconnected(tell: Say, view: str) -> Callable[[], None]:
    return lambda: tell(f"view {view}: reconnected")


def _quiet() -> None:
    """Nothing to say on the first connection."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
