"""`rebuild`: replay every event from position zero into a view's other slot, then switch.

Readers keep reading the current slot until the switch, a single short transaction. The build
has its own tracking row (`<view>:build`), written with each batch (thousands of events per
transaction): a rebuild that is killed resumes from that row and ends in the same state as one
that ran through. Views that stand at the same build position are fed from one read of the log.

Appended rows (audit index) are written with each batch. Rows per agreement (budget status,
lifecycle) are rendered once, after the last batch, for every agreement, not after every batch:
an agreement with thousands of events would otherwise be rendered and rewritten thousands of
times. Nobody reads the build slot before the switch, so its rows only need to be right then.
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger.app.core import LedgerCore
from projections.engine import VIEWS, Projector, ViewSpec
from projections.store import BUILD, ViewStore, other
from projections.sync import BATCH, LedgerSource, Progress, run_batches

SWITCH_ATTEMPTS = 5


def prepare(store: ViewStore, spec: ViewSpec, *, fresh: bool = False) -> int:
    """The build's start position: where an interrupted build stopped, or zero on a cleared slot."""
    with store.transaction() as curs:
        live = store.tracking(spec.name, curs, lock=True)
        target = other(live.slot if live else "b")
        build = store.tracking(spec.name + BUILD, curs, lock=True)
        if build is not None and build.slot == target and not fresh:
            return build.position
        store.clear(curs, spec, target)
        store.set_tracking(curs, spec.name + BUILD, 0, target)
        return 0


def rebuild(
    ledger: LedgerCore, names: Sequence[str] = tuple(VIEWS), progress: Progress | None = None,
    *, fresh: bool = False, size: int = BATCH, stop: int | None = None,
) -> dict[str, int]:
    """Rebuild the named views; return the position each stands at after the switch.
    `stop` ends the build early without switching (used to test an interrupted build)."""
    store = ViewStore(ledger.recorder)
    specs = [VIEWS[n] for n in names]
    starts = {spec.name: prepare(store, spec, fresh=fresh) for spec in specs}
    head = ledger.reads.head() if stop is None else stop
    for start in sorted(set(starts.values())):
        group = [s for s in specs if starts[s.name] == start]
        keys = [s.name + BUILD for s in group]
        projectors = run_batches(ledger, store, group, keys, start, head, progress, size, defer=True)
        if stop is None:
            _render_all(ledger, store, projectors, keys)
    if stop is not None:
        return {spec.name: store.position(spec.name + BUILD) for spec in specs}
    return {spec.name: switch(ledger, store, spec) for spec in specs}


def _render_all(ledger: LedgerCore, store: ViewStore, projectors: list[Projector], keys: list[str]) -> None:
    """The agreements' rows, rendered once: every agreement, whether this run folded its events
    or an interrupted run before it did (then its rows are replaced, refolded from history)."""
    for projector, key in zip(projectors, keys, strict=True):
        if projector.spec.render is None:
            continue
        position = store.position(key)
        everyone = LedgerSource(ledger).agreements(position)
        changes = projector.flush(also=everyone)
        store.write(projector.spec, key, position, position, changes)


def switch(ledger: LedgerCore, store: ViewStore, spec: ViewSpec) -> int:
    """Make the built slot the one readers use, once it is at least as far as the live one."""
    key = spec.name + BUILD
    for _attempt in range(SWITCH_ATTEMPTS):
        build = store.tracking(key)
        assert build is not None
        head = ledger.reads.head()
        if build.position < head:
            run_batches(ledger, store, [spec], [key], build.position, head)
        with store.transaction() as curs:
            live = store.tracking(spec.name, curs, lock=True)
            built = store.tracking(key, curs, lock=True)
            assert built is not None
            if live is not None and live.position > built.position:
                continue  # the live view moved on meanwhile: build further, then try again
            store.set_tracking(curs, spec.name, built.position, built.slot)
            store.drop_tracking(curs, key)
            return built.position
    raise RuntimeError(f"view {spec.name}: live writers kept ahead of the rebuild; try again")
