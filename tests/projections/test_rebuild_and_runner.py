"""Rebuilds survive being killed; one runner per view; the live runner follows new events."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import psycopg
import pytest

from ledger.application import Meta
from ledger.demo import play_year
from ledger.persistence.config import database_from_url
from projections.rebuild import rebuild
from projections.runner import RunnerBusyError, follow, take_lock
from projections.store import StaleViewError, ViewStore
from tests.cast import Acting
from tests.projections.scenario import MINISTRY, meta
from tests.projections.test_views_equal_replay import replayed, view_tables


class Killed(Exception):
    pass


def test_a_rebuild_killed_halfway_and_started_again_ends_in_the_same_state(db_url: str) -> None:
    ledger = Acting(db_url)
    try:
        play_year(ledger)
        batches = []

        def kill_after_two(n: int) -> None:
            batches.append(n)
            if len(batches) == 2:
                raise Killed

        with pytest.raises(Killed):
            rebuild(ledger, size=5, progress=kill_after_two)
        store = ViewStore(ledger.recorder)
        assert store.position("budget:build") == 10  # two batches committed, then the kill
        rebuild(ledger, size=5)
        assert view_tables(ledger) == replayed(ledger)
        assert store.tracking("budget:build") is None
    finally:
        ledger.close()


def test_a_rebuild_whose_build_another_writer_moves_stops_with_the_error_and_writes_no_more(db_url: str) -> None:
    """Batches are written one behind the fold (PostgreSQL): a write refused because the build's
    position moved under it stops the rebuild, which raises the refusal, and nothing after it lands."""
    ledger = Acting(db_url)
    try:
        play_year(ledger)
        store = ViewStore(ledger.recorder)
        moved = []

        def move_the_build(n: int) -> None:
            if not moved:
                with store.transaction() as curs:
                    build = store.tracking("audit:build", curs, lock=True)
                    assert build is not None
                    store.set_tracking(curs, "audit:build", 3, build.slot)  # another writer's position
                moved.append(n)

        with pytest.raises(StaleViewError, match="audit:build is no longer at position"):
            rebuild(ledger, size=5, progress=move_the_build)
        assert store.position("audit:build") == 3  # nothing written after the refusal
        assert store.tracking("budget").slot == "a"  # never switched
        rebuild(ledger, size=5, fresh=True)
        assert view_tables(ledger) == replayed(ledger)
    finally:
        ledger.close()


def test_readers_see_the_old_slot_until_the_rebuild_switches(db_url: str) -> None:
    ledger = Acting(db_url)
    try:
        play_year(ledger)
        store = ViewStore(ledger.recorder)
        rebuild(ledger, size=5, stop=10)
        assert store.tracking("budget").slot == "a"
        rebuild(ledger)
        assert store.tracking("budget").slot == "b"
        assert view_tables(ledger) == replayed(ledger)
    finally:
        ledger.close()


def test_two_runners_for_one_view_never_both_run(pg_url: str) -> None:
    db = database_from_url(pg_url)
    first = take_lock(db, "budget")
    try:
        with pytest.raises(RunnerBusyError):
            take_lock(db, "budget")
        take_lock(db, "audit").close()  # another view is free
    finally:
        first.close()
    take_lock(db, "budget").close()  # free again once the first runner is gone


def test_the_live_runner_follows_new_events_and_resumes_after_a_restart(pg_url: str) -> None:
    db = database_from_url(pg_url)
    ledger = Acting(pg_url)
    try:
        play_year(ledger)
        for attempt in range(2):
            started, stop = threading.Event(), threading.Event()
            thread = threading.Thread(target=follow, args=(db, "budget", started, stop), daemon=True)
            thread.start()
            assert started.wait(10)
            with pytest.raises(RunnerBusyError):
                follow(db, "budget")
            receipt = ledger.announce_allocation(meta(MINISTRY, attempt), "AQB-2024-06532",
                                                 Decimal("1000.00") + attempt)
            _wait_for(ViewStore(ledger.recorder), "budget", receipt.position)
            stop.set()
            thread.join(10)
            assert not thread.is_alive()
        assert view_tables(ledger)["aqb_view_budget_lines"] == replayed(ledger)["aqb_view_budget_lines"]
    finally:
        ledger.close()


def _wait_for(store: ViewStore, view: str, position: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while store.position(view) < position:
        assert time.monotonic() < deadline, f"{view} did not reach {position}"
        time.sleep(0.01)


def test_the_live_runner_reconnects_after_losing_the_database_and_says_so(pg_url: str) -> None:
    db = database_from_url(pg_url)
    ledger = Acting(pg_url)
    said: list[str] = []
    started, stop = threading.Event(), threading.Event()
    thread = threading.Thread(target=follow, args=(db, "audit", started, stop, said.append), daemon=True)
    try:
        thread.start()
        assert started.wait(10)
        with psycopg.connect(pg_url.split("?", maxsplit=1)[0], autocommit=True) as admin:  # as a server restart would
            killed = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE application_name = 'aqb projections run audit'").fetchone()
        assert killed is not None and killed[0] >= 2  # the lock's connection, the listener, the reader
        receipt = ledger.create_agreement(Meta(MINISTRY, reason="ZV"), "AQB-2025-06532", [("AQB", Decimal(1))])
        _wait_for(ViewStore(ledger.recorder), "audit", receipt.position, timeout=20)
        assert any("lost the database" in s and "reconnecting in 0.5 s" in s for s in said), said
        assert "view audit: reconnected" in said
    finally:
        stop.set()
        thread.join(10)
        ledger.close()
