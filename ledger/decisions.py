"""Were deviations and reallocations decided, by whom, on what document, and before or after the
money moved? Answered from an agreement's entries alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ledger.domain.agreement import Agreement
from ledger.domain.entry import Entry
from ledger.domain.values import Envelope, Scope


@dataclass(frozen=True)
class DecisionRow:
    item: str
    what: str
    reported: str  # effective date and position
    decision: str
    decided_by: str
    document: str
    money_moved: str
    order: str


def decision_rows(entries: Sequence[Entry]) -> list[DecisionRow]:
    moves = [(e, e.event) for e in entries if isinstance(e.event, Agreement.FundsReallocated)]
    decisions = [(e, e.event) for e in entries if isinstance(e.event, Agreement.DeviationDecided)]
    rows = []
    for entry in entries:
        event = entry.event
        if isinstance(event, Agreement.DeviationReported):
            mine = [(e, d) for e, d in decisions if d.deviation_id == event.deviation_id]
            related = [(e, m) for e, m in moves if event.scope is Scope.PROJECT
                       and event.scope_ref in (m.from_project, m.to_project)]
            rows.append(_deviation_row(entry, event, mine, related))
        elif isinstance(event, Agreement.FundsReallocated):
            rows.append(_move_row(entry, event, decisions))
    return rows


def _deviation_row(entry: Entry, event: Agreement.DeviationReported,
                   mine: list[tuple[Entry, Agreement.DeviationDecided]],
                   related: list[tuple[Entry, Agreement.FundsReallocated]]) -> DecisionRow:
    scope = f" {event.scope_ref}" if event.scope_ref else ""
    what = f"{event.kind.value} ({event.scope.value}{scope}): {event.cause}"
    reported = _when(entry)
    if not mine:
        return DecisionRow(event.deviation_id, what, reported, "UNDECIDED", "", "", _moves(related),
                           "money moved without a decision" if related else "open")
    last_entry, last = mine[-1]
    decided_on = last_entry.event.envelope.effective
    money = [e.event.envelope.effective for e, _ in related]
    return DecisionRow(event.deviation_id, what, reported,
                       f"{last.decision.value} {_when(last_entry)}" + (" (revised)" if len(mine) > 1 else ""),
                       str(last.envelope.actor), _document(last.envelope, last.decision_reference),
                       _moves(related), _order(decided_on, money))


def _move_row(entry: Entry, event: Agreement.FundsReallocated,
              decisions: list[tuple[Entry, Agreement.DeviationDecided]]) -> DecisionRow:
    moved_on = event.envelope.effective
    what = f"{event.amount:,.2f} EUR {event.from_project} → {event.to_project}"
    before = [(e, d) for e, d in decisions if e.event.envelope.effective <= moved_on]
    backing = f"; deviation decisions up to then: {', '.join(d.deviation_id for _, d in before)}" if before else ""
    return DecisionRow("reallocation", what, _when(entry), f"approved with the move{backing}",
                       str(event.envelope.actor), _document(event.envelope, event.approval_reference),
                       f"{moved_on} (position {entry.position})", "decided when money moved")


def _order(decided_on: date, money: list[date]) -> str:
    if not money:
        return "no money moved"
    if all(decided_on <= m for m in money):
        return "decided before money moved"
    return "money moved before the decision"


def _moves(related: list[tuple[Entry, Agreement.FundsReallocated]]) -> str:
    return "; ".join(f"{m.amount:,.2f} {m.from_project}→{m.to_project} on {m.envelope.effective} (#{e.position})"
                     for e, m in related) or "none"


def _when(entry: Entry) -> str:
    return f"{entry.event.envelope.effective} (#{entry.position})"


def _document(envelope: Envelope, reference: str | None) -> str:
    parts = [reference or "", envelope.document.reference if envelope.document else ""]
    return "; ".join(p for p in parts if p) or "(none given)"
