"""The two clocks of a judgement, and which entries each keeps.

- `on` D: what had *happened* by D — every event whose effective date is on or before D, with
  every correction the ledger knows (a correction says what the fact really was; one that
  corrects the date of the act itself — a payment's value date, a signature's day — moves the
  act to that day).
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

from ledger.domain.base import ACT_DATES, CorrectionEvent
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
        if self.on is not None:
            kept = self._with_corrected_days(everything, kept)
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

    def _with_corrected_days(self, everything: list[Entry], kept: list[bool]) -> list[bool]:
        """Under `on`: an act whose own date a kept correction changed happened on the corrected day."""
        moved: dict[tuple[str, int], date] = {}
        for entry, keep in zip(everything, kept, strict=True):
            if keep and isinstance(entry.event, CorrectionEvent):
                for change in entry.event.changes:
                    day = _day(change.new) if change.field in ACT_DATES else None
                    if day is not None:
                        moved[(entry.event.originator_id, entry.event.corrects_version)] = day
        if not moved:
            return kept
        held = Clock(known_on=self.known_on, at=self.at, before=self.before)
        assert self.on is not None
        return [keep if (day := moved.get((e.event.originator_id, e.event.originator_version))) is None
                or isinstance(e.event, CorrectionEvent) else held.keeps(e) and day <= self.on
                for e, keep in zip(everything, kept, strict=True)]

    def _may_anchor(self, entry: Entry) -> bool:
        """A creating event can be pulled in only if the ledger held it at the clock's point."""
        return self.keeps(entry) or (self.on is not None and Clock(known_on=self.known_on, at=self.at,
                                                                   before=self.before).keeps(entry))


def _day(text: str) -> date | None:
    """A corrected date as the trail holds it (None: none, or not a date: verify reports that)."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
