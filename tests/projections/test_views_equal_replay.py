"""The incrementally maintained views, a full rebuild and a replay of the events agree row for
row, for random valid command sequences, on PostgreSQL and on SQLite."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projections.engine import VIEWS
from projections.rebuild import rebuild
from projections.replay import replay_all
from projections.store import ViewStore
from projections.sync import catch_up
from projections.tables import sort_rows
from tests.cast import Acting
from tests.projections.conftest import FreshUrl
from tests.projections.scenario import KINDS, play, setup

STEPS = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 1), st.integers(1, 60_000)),
                 min_size=1, max_size=30)


def view_tables(ledger):
    store = ViewStore(ledger.recorder)
    return {t.name: sort_rows(t, store.rows(name, t)) for name, spec in VIEWS.items() for t in spec.tables}


def replayed(ledger):
    tables = replay_all(ledger)
    return {t.name: sort_rows(t, tables[t.name]) for spec in VIEWS.values() for t in spec.tables}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS, every=st.integers(1, 4))
def test_live_views_equal_rebuild_and_replay(fresh_url: FreshUrl, steps, every) -> None:
    ledger = Acting(fresh_url())
    try:
        setup(ledger)
        for i, (kind, which, n) in enumerate(steps):
            play(ledger, kind, which, n)
            if i % every == 0:
                catch_up(ledger)  # as a command that wrote does before it returns
        catch_up(ledger)
        live, expected = view_tables(ledger), replayed(ledger)
        assert live == expected
        rebuild(ledger, size=7)
        assert view_tables(ledger) == expected
    finally:
        ledger.close()
