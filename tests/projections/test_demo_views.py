"""The demo's whole year — import, grant, deviations, judgement, participation, a late
correction — gives the same views live, rebuilt and replayed."""

from __future__ import annotations

from ledger.demo import play_year
from projections.rebuild import rebuild
from projections.sync import catch_up
from tests.cast import Acting
from tests.projections.conftest import FreshUrl
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
