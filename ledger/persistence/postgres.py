"""PostgreSQL: the library's factory and recorder as the ledger uses them, and connections.

- The factory hands the library's connection pool the libpq parameters of the URL (sslmode,
  service, passfile …) instead of the five it knows.
- Writers are serialised by the events table's statement trigger, which locks a table that only
  the trigger's owner may lock (a reader cannot take it, as it could an advisory lock), with a
  bounded wait: the recorder sets `lock_timeout` and reports a timeout as a conflict, at once.
- A save may name streams it read but does not write (the recording principal's registry
  stream): after the insert, under the write lock, their versions must still be the ones read,
  or the save fails as a conflict and the command is run again on fresh state.
- A command's save is one statement, `aqb_save(events, ids, versions, lock timeout)` (migration
  7), run in autocommit as its own transaction: one round trip, no BEGIN and COMMIT of their own
  (about 0.3 ms a command less than the pipelined BEGIN … COMMIT). The function runs with the
  caller's rights (it does only what the caller could do with its own INSERT); `aqb verify` checks
  its body like the guard's. A ledger not migrated to 7 yet, or whose function was dropped, is
  written through the pipeline.
- No save can hang on its size. psycopg's pipeline mode flushes libpq's output buffer once per
  queued command and then waits for results: a statement larger than the socket takes at that
  moment stays partly unsent, while the server waits for its end (`ClientRead`) — a deadlock
  (reproduced with one INSERT of ~11,000 events, several megabytes). So only a small save (one
  command's events) is pipelined; a larger one is sent in ordinary round trips, in statements of
  at most `STATEMENT_EVENTS` events and about `STATEMENT_BYTES` bytes, all in one transaction.

The library's methods and attributes used here below its documented interface are listed, and
checked against the installed release, in tests/integration/test_library_contract.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from eventsourcing.persistence import PersistenceError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore, PostgresFactory
from psycopg import errors, sql
from psycopg.rows import dict_row

from ledger.domain.errors import ConflictError, DatabaseUnavailableError, NotMigratedError
from ledger.persistence.config import CONNINFO, EVENTS_TABLE, Database, hide_secrets

LOCK_TABLE = "aqb_write_lock"
CHECK_VERSIONS = "aqb_check_versions"
SAVE = "aqb_save"
Expect = Mapping[str, int]
PIPELINED_BYTES = 16 * 1024  # a save up to this size goes in one pipelined round trip
STATEMENT_EVENTS = 1000  # the most events in one INSERT of a larger save
STATEMENT_BYTES = 1 << 20  # and about the most bytes of state


SAVE_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.aqb_save(events {schema}.stored_event_text[], ids text[], versions bigint[],
                                            lock_wait text) RETURNS SETOF bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $f$
BEGIN
  PERFORM set_config('lock_timeout', lock_wait, true);
  PERFORM pg_notify({channel}, '');
  RETURN QUERY INSERT INTO {table} (originator_id, originator_version, topic, state)
    SELECT e.originator_id, e.originator_version, e.topic, e.state FROM unnest(events) AS e
    RETURNING notification_id;
  IF cardinality(ids) > 0 THEN  -- after the insert, whose statement trigger took the write lock
    PERFORM {schema}.{check}(ids, versions);
  END IF;
END $f$
"""
CHANNEL = EVENTS_TABLE.replace(".", "_")  # the library's channel of new events


class WriteLockTimeoutError(ConflictError):
    def __init__(self, seconds: int) -> None:
        super().__init__(f"another writer held the ledger's write lock for more than {seconds} s",
                         "nothing was written; run the command again (or find the session holding it: "
                         "pg_stat_activity)")


class LedgerPostgresFactory(PostgresFactory):
    """The library's factory, with the pool connecting by the URL's libpq parameters."""

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        use_conninfo(self.datastore, json.loads(self.env.get(CONNINFO) or "{}"))


def use_conninfo(datastore: PostgresDatastore, params: dict[str, str]) -> None:
    datastore.pool.kwargs = {**params, "row_factory": dict_row}


def datastore(db: Database) -> PostgresDatastore:
    """A datastore of the library for this database (for migrations)."""
    store = PostgresDatastore(db.conninfo.get("dbname", ""), db.conninfo.get("host", ""),
                              db.conninfo.get("port", "5432"), db.conninfo.get("user", ""), "",
                              schema=db.schema, originator_id_type="text")
    use_conninfo(store, db.conninfo)
    return store


class AdvisoryLockRecorder(PostgresApplicationRecorder):
    """The library's recorder without its table lock (the trigger takes the writers' lock, which
    the append-only runtime role could not take itself), with a bounded wait for that lock and
    the check of streams read but not written."""

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = EVENTS_TABLE) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.lock_table_statements = [sql.SQL("SET LOCAL lock_timeout = '{0}s'").format(datastore.lock_timeout)]
        # We never use the library's insert function: do not create it.
        del self.sql_create_statements[self.create_insert_function_statement_index]
        self.check_versions = sql.SQL("SELECT {0}.{1}(%s, %s)").format(
            sql.Identifier(datastore.schema), sql.Identifier(CHECK_VERSIONS))
        self.save_statement = sql.SQL("SELECT id FROM {0}.{1}(%s, %s, %s, %s) AS saved(id)").format(
            sql.Identifier(datastore.schema), sql.Identifier(SAVE))
        self.one_statement = False  # set by open_ledger when the ledger has migration 7's function

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """The library's insert (pipelined, one transaction), without its blanket retry of
        operational errors: a lock timeout is a conflict to report now, not to retry ten times."""
        try:
            return self._insert(stored_events, **kwargs)
        except Exception as exc:
            if isinstance(exc.__cause__, errors.LockNotAvailable) or "lock timeout" in str(exc):
                raise WriteLockTimeoutError(self.datastore.lock_timeout) from None
            raise

    def _insert(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Insert, check and commit in one round trip. When a statement fails, the server skips
        the rest of the round trip (the COMMIT too) and the transaction is rolled back: nothing is
        committed, and the first error is the one raised (not the skipped COMMIT's)."""
        if not stored_events:
            return None
        if sum(len(e.state) for e in stored_events) > PIPELINED_BYTES:
            return self._insert_in_statements(stored_events, kwargs.get("expect") or {})
        if self.one_statement:
            try:
                return self._insert_in_one_statement(stored_events, kwargs.get("expect") or {})
            except PersistenceError as exc:
                if not isinstance(exc.__cause__, errors.UndefinedFunction):
                    raise
                self.one_statement = False  # dropped since the ledger was opened: nothing ran, save as before it
        with self.datastore.get_connection() as conn, conn.cursor() as curs, conn.cursor() as check:
            with conn.pipeline(), conn.transaction():  # BEGIN … INSERT, check, COMMIT: one round trip
                self._insert_stored_events(curs, stored_events, **kwargs)
                self._check_expected(check, kwargs.get("expect") or {})  # after the insert's lock
            return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)

    def _insert_in_one_statement(self, stored_events: Sequence[StoredEvent], expect: Expect) -> list[int]:
        """Insert and check in one statement of its own transaction (the pool's connections
        are in autocommit): one round trip."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.save_statement, (self._rows(stored_events), list(expect), list(expect.values()),
                                               f"{self.datastore.lock_timeout}s"))
            return [row["id"] for row in curs.fetchall()]

    def _insert_in_statements(self, stored_events: Sequence[StoredEvent], expect: Expect) -> list[int]:
        """A large save without the pipeline: bounded INSERT statements in one transaction."""
        ids: list[int] = []
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._lock_table(curs)
            self._notify_channel(curs)
            for chunk in statements(stored_events):
                curs.execute(self.insert_events_statement, (self._rows(chunk),))
                ids += [row["notification_id"] for row in curs.fetchall()]
            self._check_expected(curs, expect)
        return ids

    def _rows(self, stored_events: Sequence[StoredEvent]) -> list[Any]:
        """The events as the library's composite type, for its `unnest` insert."""
        return [self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
                for e in stored_events]

    def _check_expected(self, curs: Any, expect: Expect) -> None:
        if expect:
            curs.execute(self.check_versions, (list(expect), list(expect.values())))


def statements(stored_events: Sequence[StoredEvent]) -> Iterator[Sequence[StoredEvent]]:
    """The events in runs of at most STATEMENT_EVENTS events and about STATEMENT_BYTES bytes each."""
    start, size = 0, 0
    for end, event in enumerate(stored_events):
        if end > start and (end - start >= STATEMENT_EVENTS or size + len(event.state) > STATEMENT_BYTES):
            yield stored_events[start:end]
            start, size = end, 0
        size += len(event.state)
    yield stored_events[start:]


def connect(db: Database, **overrides: Any) -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(**{**db.conninfo, **overrides})
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseUnavailableError(f"cannot reach PostgreSQL at {db.describe()}: {hide_secrets(first)}",
                                       _hint(first)) from None


def _hint(why: str) -> str:
    """What to do about a failed connection: the server answered (a login or database it does not
    have, a password it refused), or it did not."""
    if "role" in why and "does not exist" in why:
        return "the server has no such login: ask its administrator ('aqb db add-login'), or fix the URL's user"
    if "database" in why and "does not exist" in why:
        return "the server has no such database: create it (createdb), or fix the URL's database name"
    if "password authentication failed" in why:
        return "the password was refused: check it (PGPASSWORD, ~/.pgpass, or the URL)"
    return "start the server (docker compose up -d) or fix --database / AQB_DATABASE_URL"


@dataclass(frozen=True)
class Ready:
    login: str  # the authenticated login of the session
    one_statement_save: bool  # the ledger has migration 7's save function


def check_ready(db: Database) -> Ready:
    """Fail fast, with a clear message, when the server is down or the tables are missing;
    say who is connected and whether a save can be one statement."""
    with connect(db) as conn:
        row = conn.execute(
            "SELECT to_regclass(%s), session_user::text, EXISTS (SELECT FROM pg_proc p JOIN pg_namespace n "
            "ON n.oid = p.pronamespace WHERE n.nspname = %s AND p.proname = %s)",
            (f'"{db.schema}".{EVENTS_TABLE}', db.schema, SAVE),
        ).fetchone()
    if row is None or row[0] is None:
        raise NotMigratedError(db.describe())
    return Ready(str(row[1]), bool(row[2]))


def save_signature(db: Database) -> str:
    return f'("{db.schema}".stored_event_text[], text[], bigint[], text)'


def events_table(db: Database) -> sql.Composed:
    return sql.SQL("{0}.{1}").format(sql.Identifier(db.schema), sql.Identifier(EVENTS_TABLE))


def stored_event(row: Any) -> StoredEvent:
    return StoredEvent(row[1], row[2], row[3], bytes(row[4]))

