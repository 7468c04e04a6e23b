"""Writing a long fold's batches one batch behind it, in a thread of its own (PostgreSQL).

A rebuild folds a batch in Python, then waits while the server stores its rows (the audit index's
COPY and its indexes): about a quarter of its time. With `WriteBehind`, the batch's changes go to
a writer thread with a connection of its own, and the fold of the next batch runs while the
server stores this one. The writes stay in order, each batch with its position in one transaction
(`ViewStore.write` still refuses a batch whose view is no longer where it started). At most one
batch waits, so memory stays that of two batches. The first failure of a write stops the fold at
its next batch and is raised there; `close` waits for the last write and raises its failure.
What was written before a failure stays, with its position, as with any interrupted build.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from queue import Queue
from types import TracebackType

from projections.engine import Changes, ViewSpec
from projections.store import ViewStore

_Batch = tuple[int, int, list[Changes]]  # start, stop, the changes of each view


class WriteBehind:
    def __init__(self, store: ViewStore, specs: Sequence[ViewSpec], keys: Sequence[str]) -> None:
        self.store, self.specs, self.keys = store, list(specs), list(keys)
        self.pending: Queue[_Batch | None] = Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="aqb-view-writer", daemon=True)
        self.thread.start()

    def write(self, start: int, stop: int, changes: list[Changes]) -> None:
        """Hand a batch to the writer (waits while the one before is still waiting)."""
        self._raise()
        self.pending.put((start, stop, changes))

    def close(self) -> None:
        """Wait for every batch handed over; raise the first failure."""
        self.pending.put(None)
        self.thread.join()
        self._raise()

    def __enter__(self) -> WriteBehind:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.close()
            return
        self.pending.put(None)  # the fold failed: stop after what was handed over
        self.thread.join()

    def _run(self) -> None:
        while (batch := self.pending.get()) is not None:
            if self.error is not None:
                continue  # after a failure nothing more is written; the fold stops at its next batch
            start, stop, changes = batch
            try:
                with self.store.transaction() as curs:
                    for spec, key, change in zip(self.specs, self.keys, changes, strict=True):
                        self.store.write(spec, key, start, stop, change, curs)
            except BaseException as exc:  # handed to the fold's thread, raised there
                self.error = exc

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error
