"""The two clocks of a judgement, and which entries each keeps.

- `on` D: what had *happened* by D — every event whose effective date is on or before D, with
  every correction the ledger knows (a correction says what the fact really was).
- `known_on` K: what the ledger *knew* on K — every event recorded by the end of K (Hesse's
  calendar), corrections included only when they too were recorded by then.
- `at` N: what the ledger held at position N.

They combine: `--on 2024-12-31 --as-known-on 2025-01-15` is what had happened by the end of
2024 as far as the ministry could see it on 15 January. The day a judgement is made is `on`,
else `known_on`, else today.

A stream exists from its first kept event: when a later event of a stream is kept, its creating
event (which names the agreement or grant) is kept as well, so that a project planned in March
is visible on 31 March although the agreement that holds it was signed in July.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from eventsourcing.domain import CanInitAggregate

from ledger.domain.base import CorrectionEvent
from ledger.domain.dates import BERLIN, today
from ledger.domain.entry import Entry


def end_of_day(day: date) -> datetime:
    """The first instant after `day` in Hesse, as an aware datetime."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=BERLIN)


@dataclass(frozen=True)
class Clock:
    on: date | None = None  # what had happened by this day (effective dates)
    known_on: date | None = None  # what the ledger knew on this day (recorded time)
    at: int | None = None  # what the ledger held at this position
    before: datetime | None = None  # what was recorded before this instant

    @property
    def now(self) -> bool:
        return self.on is None and self.known_on is None and self.at is None and self.before is None

    @property
    def day(self) -> date:
        """The day a judgement under this clock is made."""
        return self.on or self.known_on or today()

    @property
    def basis(self) -> str:
        parts = [name for name, value in (("effective", self.on), ("as-known", self.known_on), ("at", self.at),
                                          ("recorded-before", self.before)) if value is not None]
        return "+".join(parts) or "events"

    def describe(self) -> str:
        parts = []
        if self.on is not None:
            parts.append(f"what had happened by {self.on} (effective dates)")
        if self.known_on is not None:
            parts.append(f"as the ledger knew it on {self.known_on} (recorded time)")
        if self.at is not None:
            parts.append(f"as the ledger held it at position {self.at:,}")
        if self.before is not None:
            parts.append(f"as recorded before {self.before.isoformat()}")
        return ", ".join(parts) or "now, with everything recorded"

    def keeps(self, entry: Entry) -> bool:
        if self.at is not None and entry.position > self.at:
            return False
        if self.known_on is not None and entry.recorded_at >= end_of_day(self.known_on):
            return False
        if self.before is not None and entry.recorded_at >= self.before:
            return False
        if self.on is not None and not isinstance(entry.event, CorrectionEvent):
            return entry.event.envelope.effective <= self.on
        return True

    def select(self, entries: Iterable[Entry]) -> list[Entry]:
        """The entries this clock keeps, in position order, with the creating event of every stream
        that has a kept event."""
        everything = list(entries)
        if self.now:
            return everything
        kept = [self.keeps(e) for e in everything]
        creators = {e.event.originator_id: i for i, e in enumerate(everything)
                    if isinstance(e.event, CanInitAggregate) and self._may_anchor(e)}
        # a correction is kept whatever its date, but takes in no creating event of its own: it
        # corrects an entry only where that entry is kept
        streams = {everything[i].event.originator_id for i, k in enumerate(kept)
                   if k and not isinstance(everything[i].event, CorrectionEvent)}
        for stream in streams:
            if stream in creators:
                kept[creators[stream]] = True
        return [e for e, k in zip(everything, kept, strict=True) if k]

    def _may_anchor(self, entry: Entry) -> bool:
        """A creating event can be pulled in only if the ledger held it at the clock's point."""
        return self.keeps(entry) or (self.on is not None and Clock(known_on=self.known_on, at=self.at,
                                                                   before=self.before).keeps(entry))
