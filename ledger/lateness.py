"""Late entries: how long after its effective date an event was recorded (GoBD "zeitgerechte
Erfassung"). The lag is counted in days of Hesse's calendar between the effective date and the day
the database recorded the row; an entry is late when the lag exceeds AQB_LATE_DAYS
(ledger.settings). Trail, decisions, explain and `aqb report late` mark and count them with these
functions, and only these."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from statistics import median

from ledger import settings
from ledger.domain.dates import BERLIN
from ledger.domain.entry import Entry


def lag_days(entry: Entry) -> int:
    """Days from the effective date to the day of recording (0: recorded the day it happened)."""
    recorded = entry.recorded_at.astimezone(BERLIN).date()
    return (recorded - entry.event.envelope.effective).days


@dataclass(frozen=True)
class Lateness:
    """The threshold of a late entry, in days."""

    days: int

    @classmethod
    def configured(cls) -> Lateness:
        return cls(settings.late_days())

    def late(self, entry: Entry) -> bool:
        return lag_days(entry) > self.days

    def mark(self, entry: Entry) -> str:
        """'' for a timely entry, else e.g. 'late: recorded 41 days after its effective date'."""
        lag = lag_days(entry)
        return f"late: recorded {lag} days after its effective date" if lag > self.days else ""

    def short(self, entry: Entry) -> str:
        """'' or e.g. '+41 d' for narrow columns."""
        lag = lag_days(entry)
        return f"+{lag} d" if lag > self.days else ""


@dataclass(frozen=True)
class LagGroup:
    """Recording lag of one party, actor or event type."""

    by: str  # "party", "actor" or "event"
    key: str
    entries: int
    late: int
    median_days: int
    max_days: int

    @property
    def share_late(self) -> str:
        return f"{100 * self.late / self.entries:.0f} %" if self.entries else "–"


@dataclass(frozen=True)
class LateEntry:
    position: int
    stream: str
    event: str
    actor: str
    effective: date
    recorded: date
    lag_days: int


@dataclass(frozen=True)
class LateReport:
    threshold: int
    entries: int
    late: int
    groups: tuple[LagGroup, ...]
    worst: tuple[LateEntry, ...]


def late_report(entries: Sequence[tuple[Entry, str]], lateness: Lateness, *, worst: int = 10) -> LateReport:
    """Lag per party, actor and event type, and the worst cases. Each entry comes with the party
    (AGS) whose agreement it belongs to."""
    lags = [(e, party, lag_days(e)) for e, party in entries]
    groups: list[LagGroup] = []
    for by in ("party", "actor", "event"):
        buckets: dict[str, list[int]] = {}
        for e, party, lag in lags:
            key = party if by == "party" else str(e.event.envelope.actor) if by == "actor" else label_of(e)
            buckets.setdefault(key, []).append(lag)
        groups += [LagGroup(by, key, len(v), sum(1 for x in v if x > lateness.days), int(median(v)), max(v))
                   for key, v in sorted(buckets.items())]
    ranked = sorted(lags, key=lambda t: (-t[2], t[0].position))[:worst]
    return LateReport(lateness.days, len(lags), sum(1 for _, _, lag in lags if lag > lateness.days), tuple(groups),
                      tuple(LateEntry(e.position, e.event.originator_id, label_of(e), str(e.event.envelope.actor),
                                      e.event.envelope.effective, e.recorded_at.astimezone(BERLIN).date(), lag)
                            for e, _, lag in ranked if lag > lateness.days))


def label_of(entry: Entry) -> str:
    return str(getattr(type(entry.event), "LABEL", type(entry.event).__name__))
