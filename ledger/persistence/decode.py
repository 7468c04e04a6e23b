"""Stored rows → events, in one place: a row that cannot be read as a ledger event (unknown topic,
damaged JSON, missing fields, no envelope) is an integrity break of its own, named by position."""

from __future__ import annotations

import dataclasses
import gc
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

from eventsourcing.persistence import Mapper

from ledger.domain.agreement import AGREEMENT_ID, Agreement
from ledger.domain.base import LedgerCreated, LedgerEvent
from ledger.domain.document import Document
from ledger.domain.entry import Entry
from ledger.domain.errors import LedgerError, UndecodableEventError
from ledger.domain.grant import Grant, check_file_number
from ledger.domain.principal import PREFIX as PRINCIPAL_PREFIX
from ledger.domain.principal import Principal
from ledger.domain.values import Envelope
from ledger.integrity.link import EPOCH
from ledger.persistence.reads import Row


class Decoder:
    def __init__(self, mapper: Mapper[Any]) -> None:
        self.mapper = mapper
        self._fields: dict[type[Any], frozenset[str]] = {}  # each event class read: the fields it must have
        self._fits: set[tuple[str, type[Any]]] = set()  # (stream, event class) found to belong together

    def event(self, row: Row) -> LedgerEvent:
        try:
            event = self.mapper.to_domain_event(row)  # type: ignore[arg-type]
        except Exception as exc:
            raise UndecodableEventError(row.id, row.originator_id, row.originator_version, _why(exc)) from None
        fields = self._fields.get(type(event))
        if fields is None:
            if not isinstance(event, LedgerEvent):
                raise UndecodableEventError(row.id, row.originator_id, row.originator_version,
                                            f"topic {row.topic} is not a ledger event")
            fields = self._fields[type(event)] = _field_names(type(event))
        state = vars(event)
        if not state.keys() >= fields or type(state.get("envelope")) is not Envelope:
            missing = sorted(fields - state.keys())
            raise UndecodableEventError(row.id, row.originator_id, row.originator_version,
                                        f"fields missing: {', '.join(missing) or 'envelope'}")
        if (row.originator_version == 1) is not isinstance(event, LedgerCreated) or (
                (row.originator_id, type(event)) not in self._fits and not self._belongs(row.originator_id, event)):
            raise UndecodableEventError(
                row.id, row.originator_id, row.originator_version,
                f"{type(event).__qualname__} does not belong in {row.originator_id} as version "
                f"{row.originator_version} (each kind of event goes into its own kind of stream, which its "
                "creating event starts)")
        return cast(LedgerEvent, event)

    def _belongs(self, stream: str, event: Any) -> bool:
        """The event's kind of stream is the stream's (database migration 9 checks the same)."""
        if isinstance(event, Agreement.Event):
            fits = AGREEMENT_ID.match(stream) is not None and stream.isascii()
        elif isinstance(event, Principal.Event):
            fits = stream.startswith(PRINCIPAL_PREFIX) and len(stream) > len(PRINCIPAL_PREFIX)
        elif isinstance(event, Document.Event):
            fits = DOCUMENT_ID.match(stream) is not None
        else:
            fits = isinstance(event, Grant.Event) and _file_number(stream)
        if fits:
            self._fits.add((stream, type(event)))
        return fits  # its class was checked to be a ledger event when first read

    def entry(self, row: Row) -> Entry:
        return Entry.stamped(row.id, self.event(row), row.recorded_at or EPOCH, row.recorded_by)

    def entries(self, rows: Sequence[Row]) -> list[Entry]:
        """Many rows at once. Decoding makes many small dicts and no reference cycles, so the
        cyclic garbage collector, which runs after every few hundred new objects, is held off
        meanwhile (it would otherwise take about a third of the time)."""
        stamped, event = Entry.stamped, self.event
        with paused_gc(len(rows) > 100):
            return [stamped(r.id, event(r), r.recorded_at or EPOCH, r.recorded_by) for r in rows]


class RecentEntries:
    """The entries of the rows read lately, by the whole row as stored: a long-lived writer (a
    service, a batch) loads the same streams again and again, and a row never changes (append
    only; a row changed by force is another key, and decoded afresh). At most `limit` rows are
    kept, the oldest dropped first."""

    def __init__(self, decoder: Decoder, limit: int = 20_000) -> None:
        self.decoder, self.limit = decoder, limit
        self.kept: dict[Row, Entry] = {}

    def entries(self, rows: Sequence[Row]) -> list[Entry]:
        kept, found = self.kept, []
        for row in rows:
            entry = kept.get(row)
            if entry is None:
                entry = self.decoder.entry(row)
                if len(kept) >= self.limit:
                    del kept[next(iter(kept))]
                kept[row] = entry
            found.append(entry)
        return found


@contextmanager
def paused_gc(pause: bool = True) -> Iterator[None]:
    """The cyclic garbage collector held off inside (if it was on)."""
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def long_fold_gc() -> Iterator[Callable[[], None]]:
    """For a long fold (a rebuild, a verify, a catch-up): the cyclic collector held off, and what
    a batch left alive set aside from it after each batch (`gc.freeze`), so no collection walks
    the folds' state again and again as it grows with the log (a third of a rebuild's time at a
    million events).
    Objects without cycles — events, entries, rows — are freed by reference counting as always;
    cyclic garbage waits for the end, when everything set aside is handed back to the collector.
    Yields the call to make after each batch."""
    if not gc.isenabled():
        yield lambda: None
        return
    gc.disable()
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()
        gc.enable()


DOCUMENT_ID = re.compile(r"DOC-[0-9a-f]{64}\Z")


def _file_number(stream: str) -> bool:
    try:
        return check_file_number(stream) == stream
    except LedgerError:
        return False


def _field_names(cls: type[Any]) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


def _why(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return (text[:200] + "…") if len(text) > 200 else text or type(exc).__name__
