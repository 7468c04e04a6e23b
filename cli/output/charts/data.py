"""What the charts are drawn from: plain values (``Decimal`` money, ``date``/``datetime``, ``str``),
independent of the ledger's domain classes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

STAGES = ("announced", "agreed", "requested", "granted", "amended", "paid", "proven", "reclaimed")
STATUSES = ("PASS", "FAIL", "PENDING", "N/A", "no agreement")
NO_AGREEMENT = "no agreement"


@dataclass(frozen=True)
class MoneyStages:
    """An agreement's money through its stages; a stage not reached is absent (or ``None``)."""

    amounts: Mapping[str, Decimal | None]
    currency: str = "EUR"
    stages: Sequence[str] = STAGES

    def reached(self) -> list[tuple[str, Decimal | None]]:
        return [(stage, self.amounts.get(stage)) for stage in self.stages]


@dataclass(frozen=True)
class TimelineEntry:
    """One event: when it happened in the world, and when the ledger learnt it."""

    position: int
    label: str
    effective: date
    recorded: datetime

    def delay_days(self) -> int:
        return (self.recorded.date() - self.effective).days


@dataclass(frozen=True)
class Timeline:
    """A year's events; an entry recorded more than ``late_after_days`` after its effective date is late."""

    year: int
    entries: Sequence[TimelineEntry]
    late_after_days: int = 30

    def late(self) -> list[TimelineEntry]:
        return [e for e in self.entries if e.delay_days() > self.late_after_days]


@dataclass(frozen=True)
class MatrixRow:
    """One party of the statewide matrix; ``statuses`` maps each obligation to PASS, FAIL, PENDING
    or N/A. A party without an agreement has ``has_agreement=False`` (its cells read "no agreement")."""

    party: str
    name: str
    statuses: Mapping[str, str] = field(default_factory=dict)
    has_agreement: bool = True

    def status(self, obligation: str) -> str:
        if not self.has_agreement:
            return NO_AGREEMENT
        found = self.statuses.get(obligation, "N/A")
        return found if found == NO_AGREEMENT else found.upper()


@dataclass(frozen=True)
class StatusMatrix:
    """Parties × obligations, as ``aqb report compliance`` judges them."""

    obligations: Sequence[str]
    rows: Sequence[MatrixRow]

    def counts(self) -> dict[str, int]:
        found = [r.status(o) for r in self.rows for o in self.obligations]
        return {s: found.count(s) for s in STATUSES if found.count(s)}
