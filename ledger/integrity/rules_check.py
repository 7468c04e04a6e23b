"""`aqb verify` re-checks the rules an event could break without breaking the chain: every
agreement and grant is folded along the walk; each event must be one its command would have
recorded on the state before it (`event_rules`: a deviation or notice recorded twice, a second
signature, a decision before its report, a grant on another party's agreement …), and after it
the invariants of the state must hold (projects never below zero and within §4, payments within
the grant and each cash year, refunds within what was claimed and paid). An event inserted past
the application (with psql, under a valid login and mandate) that breaks one is reported with its
position."""

from __future__ import annotations

from dataclasses import dataclass, field

from eventsourcing.domain import OriginatorVersionError

from ledger.domain.base import LedgerAggregate, LedgerEvent
from ledger.domain.errors import InvariantError, LedgerError
from ledger.domain.event_rules import check_event
from ledger.domain.replay import FOLDED, advance


@dataclass
class RuleCheck:
    aggregates: dict[str, LedgerAggregate | None] = field(default_factory=dict)
    unfoldable: set[str] = field(default_factory=set)  # streams that cannot be folded (a gap, a foreign event)
    standing: dict[str, str] = field(default_factory=dict)  # a stream's invariant break, once reported

    def check(self, event: LedgerEvent) -> str | None:
        """Why the state after this event breaks a rule (None: it does not)."""
        if not isinstance(event, FOLDED):
            return None
        stream = event.originator_id
        if stream in self.unfoldable:
            return None
        refused = self._refused(stream, event)
        try:
            found = advance(self.aggregates.get(stream), event)
        except (LedgerError, OriginatorVersionError, AssertionError, ValueError, KeyError, TypeError):
            self.unfoldable.add(stream)  # reported elsewhere (gap, undecodable); not judged here
            return None
        self.aggregates[stream] = found
        if found is None:
            return refused
        broken = self._broken(stream, found, event)  # also when refused: a break it left stands reported
        return refused or broken

    def _broken(self, stream: str, found: LedgerAggregate, event: LedgerEvent) -> str | None:
        """An invariant the state breaks after this event, unless it broke it before (reported then)."""
        try:
            found.check_invariants()
        except InvariantError as exc:
            if self.standing.get(stream) == exc.message:
                return None  # the break reported at an earlier event stands; this event did not cause it
            self.standing[stream] = exc.message
            return f"{exc.message} ({type(event).__qualname__}); the application would have refused it"
        self.standing.pop(stream, None)
        return None

    def _refused(self, stream: str, event: LedgerEvent) -> str | None:
        """Why the command of this event would have refused it on the state before (None: it would not)."""
        try:
            check_event(self.aggregates.get(stream), event)
        except LedgerError as exc:
            return f"{exc.message} ({type(event).__qualname__}); the application would have refused it"
        except (AttributeError, KeyError, TypeError, ValueError):
            return None  # a state the event cannot be asked on: reported elsewhere (a gap, a foreign event)
        return None
