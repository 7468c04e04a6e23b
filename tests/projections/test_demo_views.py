"""The demo's whole year — import, grant, deviations, judgement, participation, a late
correction — gives the same views live, rebuilt and replayed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledger.demo import play_year
from projections import store
from projections.engine import VIEWS
from projections.rebuild import rebuild
from projections.sync import Following, catch_up
from tests.cast import Acting
from tests.projections.conftest import FreshUrl
from tests.projections.scenario import MINISTRY, meta
from tests.projections.test_views_equal_replay import replayed, view_tables


def test_the_demo_year_is_the_same_live_rebuilt_and_replayed(fresh_url: FreshUrl) -> None:
    ledger = Acting(fresh_url())
    ledger.after = catch_up  # as a projector following live does after every write
    try:
        play_year(ledger)
        live = view_tables(ledger)
        assert live == replayed(ledger)
        rebuild(ledger)
        assert view_tables(ledger) == live
    finally:
        ledger.close()


def test_a_runner_that_keeps_its_folds_gives_the_same_views_whatever_moves_them_meanwhile(fresh_url: FreshUrl) -> None:
    """The live runner keeps its projector between catch-ups (only the new event is folded, only
    its agreement's changed rows written). Its views stay the replay's when it follows event by
    event, when a command's catch-up or a rebuild moved them on meanwhile, and when it has to
    set its folds aside for holding too many streams."""
    ledger = Acting(fresh_url())
    kept = [Following(ledger.owner, view) for view in VIEWS]
    small = [Following(ledger.owner, view, keep=1) for view in VIEWS]  # sets its folds aside all the time
    ledger.after = lambda owner: [f.catch_up() for f in (kept if owner.reads.head() % 3 else small)]
    try:
        agreement = play_year(ledger)
        assert view_tables(ledger) == replayed(ledger)
        ledger.after = None
        amounts = iter(Decimal(n) for n in range(100, 110))
        ledger.announce_allocation(meta(MINISTRY, 1), agreement, next(amounts))
        catch_up(ledger.owner)  # another writer moves the views on
        ledger.announce_allocation(meta(MINISTRY, 2), agreement, next(amounts))
        rebuild(ledger.owner)  # and a rebuild switches their slots
        ledger.announce_allocation(meta(MINISTRY, 3), agreement, next(amounts))
        for following in kept:
            following.catch_up()
        assert view_tables(ledger) == replayed(ledger)
    finally:
        ledger.close()


def test_a_runner_keeps_no_rows_it_read_between_catch_ups(fresh_url: FreshUrl) -> None:
    """The rows a read remembers (for the integrity probe of a read command) would grow without
    end in a runner that follows for days; it lets them go after every catch-up."""
    ledger = Acting(fresh_url())
    following = Following(ledger.owner, "budget", forget_reads=True)  # as the runner follows
    ledger.after = lambda _owner: following.catch_up()
    try:
        play_year(ledger)
        assert following.catch_up() == ledger.reads.head()
        assert ledger.owner.reads.seen == {}
    finally:
        ledger.close()


def test_views_written_by_copy_are_the_replay_s(fresh_url: FreshUrl, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large batches go to PostgreSQL by binary COPY (typed by each column's kind); with every
    batch sent that way, live and rebuilt views are still the replay's, row for row."""
    monkeypatch.setattr(store, "COPY_THRESHOLD", 0)
    ledger = Acting(fresh_url())
    ledger.after = catch_up
    try:
        play_year(ledger)
        assert view_tables(ledger) == replayed(ledger)
        rebuild(ledger.owner, size=7)
        assert view_tables(ledger) == replayed(ledger)
    finally:
        ledger.close()
