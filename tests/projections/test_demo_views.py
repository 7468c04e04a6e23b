"""The demo's whole year — import, grant, deviations, judgement, participation, a late
correction — gives the same views live, rebuilt and replayed."""

from __future__ import annotations

from ledger.application import open_ledger
from ledger.demo import play_year
from projections.rebuild import rebuild
from projections.sync import catch_up
from tests.projections.conftest import FreshUrl
from tests.projections.test_views_equal_replay import replayed, view_tables


def test_the_demo_year_is_the_same_live_rebuilt_and_replayed(fresh_url: FreshUrl) -> None:
    ledger = open_ledger(fresh_url())
    save = ledger.save

    def save_then_catch_up(*aggregates: object, **kwargs: object) -> object:
        recordings = save(*aggregates, **kwargs)  # type: ignore[arg-type]
        catch_up(ledger)  # as every writing command does before it returns
        return recordings

    ledger.save = save_then_catch_up  # type: ignore[method-assign]
    try:
        play_year(ledger)
        live = view_tables(ledger)
        assert live == replayed(ledger)
        rebuild(ledger)
        assert view_tables(ledger) == live
    finally:
        ledger.close()
