"""Bringing views up to date: the event store as a projector's source, and `catch_up`.

`catch_up(ledger)` is what a command that wrote calls before it returns (and what SQLite, which
has no live subscription, relies on): for each view, the events after its position are folded in
batches, each batch's rows and position in one transaction. When nothing is behind it costs one
head query and one tracking read per view.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from queue import Full, Queue
from typing import Any

from ledger.app.core import LedgerCore
from ledger.domain.agreement import Agreement
from ledger.domain.base import LedgerEvent
from ledger.domain.grant import Grant
from ledger.persistence.decode import long_fold_gc
from ledger.persistence.reads import Row
from projections.behind import WriteBehind
from projections.engine import VIEWS, Positioned, Projector, ViewSpec, sharing
from projections.store import StaleViewError, ViewStore

BATCH = 5000
Progress = Callable[[int], None]  # told how many events are done so far


class LedgerSource:
    """History of single streams and the grant → agreement links, read from the event store."""

    def __init__(self, ledger: LedgerCore) -> None:
        self.ledger = ledger

    def history(self, stream_id: str, upto: int) -> list[LedgerEvent]:
        return [self.event(n) for n in self.ledger.reads.streams([stream_id], upto)]

    def agreements(self, upto: int) -> list[str]:
        """Ids of every agreement recorded up to position `upto`."""
        found = self.ledger.reads.all(1, upto, topics=[Agreement.Recorded.TOPIC]) if upto > 0 else []
        return [str(n.originator_id) for n in found]

    def applications(self, upto: int) -> list[tuple[str, str]]:
        if upto <= 0:
            return []
        found = self.ledger.reads.all(1, upto, topics=[Grant.ApplicationSubmitted.TOPIC])
        return [(str(n.originator_id), str(getattr(self.event(n), "agreement_id", ""))) for n in found]

    def event(self, row: Row) -> LedgerEvent:
        return self.ledger.decoder.event(row)


def batches(ledger: LedgerCore, start: int, stop: int, size: int = BATCH) -> Iterator[list[Positioned]]:
    """Events after `start` up to `stop`, read through the checked decoder, in lists of `size`."""
    for page in prefetched_pages(ledger, start, stop, size):
        yield ledger.decoder.entries(page)


def prefetched_pages(ledger: LedgerCore, start: int, stop: int, size: int) -> Iterator[Sequence[Row]]:
    """Pages of the log after `start` up to `stop`; the next page is read in a thread while the
    caller maps and folds this one (reading waits on the server, folding on the CPU)."""
    pages: Queue[Sequence[Row] | BaseException | None] = Queue(maxsize=2)
    done = threading.Event()

    def read() -> None:
        position = start + 1
        try:
            while not done.is_set():
                page = ledger.reads.page(position, size, stop)
                if page:
                    _put(pages, page, done)
                if len(page) < size:
                    break
                position = page[-1].id + 1
        except BaseException as exc:  # handed to the caller, raised there
            _put(pages, exc, done)
            return
        _put(pages, None, done)

    reader = threading.Thread(target=read, name="aqb-log-reader", daemon=True)
    reader.start()
    try:
        while (item := pages.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        done.set()
        reader.join(timeout=5)


def _put(pages: Queue[Any], item: object, done: threading.Event) -> None:
    while not done.is_set():
        try:
            pages.put(item, timeout=0.1)
        except Full:
            continue
        return


def run_batches(
    ledger: LedgerCore, store: ViewStore, specs: Sequence[ViewSpec], keys: Sequence[str], start: int,
    stop: int, progress: Progress | None = None, size: int = BATCH, *, defer: bool = False,
    projectors: Sequence[Projector] = (),
) -> list[Projector]:
    """Fold events (start, stop] into views that all stand at `start`; return the projectors
    (with `defer`, their agreements' rows still to be flushed). `projectors` continues ones that
    stand at `start` (a live runner's), else new ones start there."""
    if not projectors:
        source = LedgerSource(ledger)
        projectors = [Projector(spec, source, start) for spec in specs]
        order = sharing(projectors)
    else:
        order = list(projectors)
    position, done = start, 0
    # a deferred fold (a rebuild) on PostgreSQL writes one batch behind, while it folds the next
    writer = WriteBehind(store, specs, keys) if defer and store.backend == "postgresql" else None
    with long_fold_gc() as set_aside, writer or contextlib.nullcontext():
        for batch in batches(ledger, start, stop, size):
            made = {id(p): p.batch(batch, defer=defer) for p in order}
            changes = [made[id(p)] for p in projectors]
            stop_at = batch[-1].position
            if writer is not None:
                writer.write(position, stop_at, changes)
            else:
                with store.transaction() as curs:
                    for spec, key, change in zip(specs, keys, changes, strict=True):
                        store.write(spec, key, position, stop_at, change, curs)
            position = stop_at
            set_aside()
            done += len(batch)
            if progress is not None:
                progress(done)
    return list(projectors)


class Following:
    """A view brought up to date again and again, with the projector kept between catch-ups (a
    live runner's): the folds of the streams it has seen and the rows it wrote last, so a new
    event costs the fold of that event and the diff of its agreement's rows, not a replay of its
    streams' history. The projector is set aside (and the next catch-up starts fresh, refolding
    what it needs) whenever the view's position is not the one it left it at — another writer
    moved it — and when it holds the folds of more than `keep` streams, which bounds the runner's
    memory. With `forget_reads`, the rows read are let go after each catch-up (they are kept for
    a read command's probe; a runner follows for days)."""

    def __init__(self, ledger: LedgerCore, view: str, keep: int = 5000, *, forget_reads: bool = False) -> None:
        self.ledger, self.spec, self.keep, self.forget_reads = ledger, VIEWS[view], keep, forget_reads
        self.store = ViewStore(ledger.recorder)
        self.projector: Projector | None = None

    def catch_up(self, head: int | None = None) -> int:
        """Bring the view to `head` (default: the head of the ledger); return its position."""
        try:
            return self._catch_up(self.ledger.reads.head() if head is None else head)
        finally:
            if self.forget_reads:
                self.ledger.reads.seen.clear()

    def _catch_up(self, head: int) -> int:
        for _attempt in range(5):
            position = self.store.position(self.spec.name)
            if position >= head:
                return position
            try:
                self._advance(position, head)
                return head
            except StaleViewError:
                self.projector = None  # someone else moved it on: start again from where it stands
        return self.store.position(self.spec.name)

    def _advance(self, position: int, head: int) -> None:
        projector = self.projector
        if projector is None or projector.position != position or len(projector.aggregates) > self.keep:
            projector = self.projector = Projector(self.spec, LedgerSource(self.ledger), position)
        try:
            run_batches(self.ledger, self.store, [self.spec], [self.spec.name], position, head,
                        projectors=[projector])
        except BaseException:
            self.projector = None  # what it folded may not have been written
            raise


def may_write_views(ledger: LedgerCore) -> bool:
    """SQLite: always. PostgreSQL: when the login is a projector (or the views' owner)."""
    return ViewStore(ledger.recorder).writable()


def catch_up(ledger: LedgerCore, views: Iterable[str] = tuple(VIEWS)) -> dict[str, int]:
    """Bring every view to the head of the ledger; return each view's position."""
    head = ledger.reads.head()
    return {name: Following(ledger, name).catch_up(head) for name in views}
