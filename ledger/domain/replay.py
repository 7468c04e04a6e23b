"""An aggregate from a list of its events, outside a repository: for the read models, which fold
the log themselves, and for time travel, where events that had not happened yet by a date are
left out (`loose`: versions may then have gaps, and each event is applied where it fits — the
events' `on` methods tolerate a missing project, deviation or assessment)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from eventsourcing.domain import CanInitAggregate

from ledger.domain.agreement import Agreement
from ledger.domain.base import LedgerAggregate, LedgerEvent
from ledger.domain.clocks import Clock
from ledger.domain.entry import Entry
from ledger.domain.grant import Grant

FOLDED = (Agreement.Event, Grant.Event)  # the events of the streams with a state to fold


def replay(events: Iterable[LedgerEvent], *, loose: bool = False) -> LedgerAggregate | None:
    aggregate: LedgerAggregate | None = None
    for event in events:
        aggregate = advance(aggregate, event, loose=loose)
    return aggregate


def advance(aggregate: LedgerAggregate | None, event: LedgerEvent, *, loose: bool = False) -> LedgerAggregate | None:
    """The aggregate after one more event (None while its creating event is missing)."""
    if aggregate is None:
        if not isinstance(event, CanInitAggregate):
            return None  # the stream's start had not happened yet
        created = event.mutate(None)
        return created if isinstance(created, LedgerAggregate) else None
    if not loose:
        event.mutate(aggregate)
        return aggregate
    event.apply(aggregate)
    aggregate.version = event.originator_version
    return aggregate


def aggregates_of(entries: Iterable[Entry], *, loose: bool = False) -> dict[str, LedgerAggregate]:
    """The aggregate of every stream in these entries (each stream's events in order)."""
    streams: dict[str, list[LedgerEvent]] = {}
    for entry in entries:
        streams.setdefault(entry.event.originator_id, []).append(entry.event)
    found: dict[str, LedgerAggregate] = {}
    for stream, events in streams.items():
        aggregate = replay(events, loose=loose)
        if aggregate is not None:
            found[stream] = aggregate
    return found


@dataclass(frozen=True)
class State:
    """An agreement and its grants as a clock sees them, with the entries it kept."""

    agreement: Agreement | None
    grants: tuple[Grant, ...]
    entries: tuple[Entry, ...]
    # under --on: the day the agreement itself took effect, when that is after the clock's day (its
    # creating event was taken in only because later-kept events need it: §4 and §5 as agreed then)
    agreed_later: date | None = None

    @property
    def position(self) -> int:
        return max((e.position for e in self.entries), default=0)

    @property
    def known(self) -> Agreement:
        """The agreement, for callers that established it existed under the clock."""
        if self.agreement is None:
            raise LookupError("the agreement did not exist under this clock")
        return self.agreement


def state_under(everything: Sequence[Entry], agreement_id: str, clock: Clock) -> State:
    """An agreement's trail (its entries and its grants') folded with what the clock keeps."""
    entries = clock.select(everything)
    aggregates = aggregates_of(entries, loose=len(entries) != len(everything))
    agreement = aggregates.get(agreement_id)
    grants = tuple(g for _, g in sorted(aggregates.items()) if isinstance(g, Grant))
    created = next((e.event.envelope.effective for e in entries if e.event.originator_id == agreement_id
                    and isinstance(e.event, CanInitAggregate)), None)
    later = created if clock.on is not None and created is not None and created > clock.on else None
    return State(agreement if isinstance(agreement, Agreement) else None, grants, tuple(entries), later)
