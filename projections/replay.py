"""Views computed straight from the events, without the view tables: time travel and checks.

`snapshot` renders an agreement's view rows under a `Clock` (ledger.domain.clocks): what had
happened by a day (effective dates), what the ledger knew on a day (recorded time), at a
position, or any combination. `replay_all` gives every view's rows from a full replay, to
compare with the maintained tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ledger.app.core import LedgerCore
from ledger.domain.agreement import Agreement
from ledger.domain.base import LedgerEvent
from ledger.domain.clocks import Clock
from ledger.domain.grant import Grant
from ledger.domain.replay import State, aggregates_of, state_under
from projections import audit
from projections.engine import VIEWS
from projections.tables import TableRow


@dataclass(frozen=True)
class Snapshot:
    """An agreement's view rows as they stood under a clock, and the last position it kept."""

    tables: dict[str, list[TableRow]]
    position: int
    basis: str
    agreed_later: date | None = None  # see State.agreed_later


def state(ledger: LedgerCore, agreement_id: str, clock: Clock) -> State:
    return state_under(ledger.agreement_trail(agreement_id), agreement_id, clock)


def snapshot(ledger: LedgerCore, agreement_id: str, clock: Clock) -> Snapshot:
    found = state(ledger, agreement_id, clock)
    tables = render(found.agreement, list(found.grants)) if found.agreement is not None else {}
    return Snapshot(tables, found.position, clock.basis, found.agreed_later)


def render(agreement: Agreement, grants: list[Grant]) -> dict[str, list[TableRow]]:
    tables: dict[str, list[TableRow]] = {}
    for spec in VIEWS.values():
        if spec.render is not None:
            tables.update(spec.render(agreement, grants))
    return tables


def replay_all(ledger: LedgerCore, upto: int | None = None) -> dict[str, list[TableRow]]:
    """Every table of every view, from a replay of the ledger (up to a position), in key order."""
    entries = [ledger.entry(n) for n in ledger.reads.all(stop=upto)]
    aggregates = aggregates_of([e for e in entries if isinstance(e.event, Agreement.Event | Grant.Event)])
    tables: dict[str, list[TableRow]] = {t.name: [] for spec in VIEWS.values() for t in spec.tables}
    for stream_id in sorted(aggregates):
        agreement = aggregates[stream_id]
        if isinstance(agreement, Agreement):
            grants = sorted((g for g in aggregates.values() if isinstance(g, Grant) and g.agreement_id == stream_id),
                            key=lambda g: g.id)
            for table, rows in render(agreement, grants).items():
                tables[table].extend(rows)
    links = {g.id: g.agreement_id for g in aggregates.values() if isinstance(g, Grant)}
    tables[audit.AUDIT.name] = [audit.audit_row(e, _agreement_of(e.event, links)) for e in entries]
    return tables


def _agreement_of(event: LedgerEvent, links: dict[str, str]) -> str | None:
    if isinstance(event, Agreement.Event):
        return event.originator_id
    if isinstance(event, Grant.Event):
        return links.get(event.originator_id)
    return None
