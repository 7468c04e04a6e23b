"""`aqb verify` re-checks the rules an event could break without breaking the chain: every
agreement and grant is folded along the walk, and after each of its events the invariants of its
state must hold (projects never below zero and within §4, payments within the grant and each cash
year, refunds within what was claimed and paid). An event inserted past the application (with
psql, under a valid login and mandate) that breaks one is reported with its position."""

from __future__ import annotations

from dataclasses import dataclass, field

from eventsourcing.domain import OriginatorVersionError

from ledger.domain.base import LedgerAggregate, LedgerEvent
from ledger.domain.errors import InvariantError, LedgerError
from ledger.domain.replay import FOLDED, advance


@dataclass
class RuleCheck:
    aggregates: dict[str, LedgerAggregate | None] = field(default_factory=dict)
    unfoldable: set[str] = field(default_factory=set)  # streams that cannot be folded (a gap, a foreign event)

    def check(self, event: LedgerEvent) -> str | None:
        """Why the state after this event breaks a rule (None: it does not)."""
        if not isinstance(event, FOLDED):
            return None
        stream = event.originator_id
        if stream in self.unfoldable:
            return None
        try:
            found = advance(self.aggregates.get(stream), event)
        except (LedgerError, OriginatorVersionError, AssertionError, ValueError, KeyError, TypeError):
            self.unfoldable.add(stream)  # reported elsewhere (gap, undecodable); not judged here
            return None
        self.aggregates[stream] = found
        if found is None:
            return None
        try:
            found.check_invariants()
        except InvariantError as exc:
            return f"{exc.message} ({type(event).__qualname__}); the application would have refused it"
        return None
