"""Were deviations and reallocations decided, by whom, on what document, and before or after the
money moved? One row per decision — a revised decision never hides the one it revised — judged in
both orders: by effective dates (what the documents say happened first) and by recording (what the
ledger shows was entered first). A decision recorded long after its effective date carries the
late-entry mark, so a backdated approval stands out.

Everything comes from the agreement's state (corrections applied) and the entries' positions and
recorded times."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ledger.domain.agreement import Agreement
from ledger.domain.agreement_state import DecisionState, DeviationState, ReallocationState
from ledger.domain.dates import BERLIN
from ledger.domain.entry import Entry
from ledger.domain.values import Scope
from ledger.lateness import Lateness

NO_MONEY = "no money moved"
BEFORE = "decided before money moved"
AFTER = "money moved before the decision"


@dataclass(frozen=True)
class DecisionRow:
    item: str  # the deviation (D1) or "reallocation"
    what: str
    reported: str  # effective date and position of the report (or of the move)
    decision: str  # the decision, or UNDECIDED
    conditions: str  # of an approval with conditions
    revision: str  # "1 of 1", "2 of 2 (revises 1)"
    decided: date | None  # effective date of the decision
    recorded: date | None  # the day the decision was recorded
    position: int  # where the decision (or, undecided, the report) stands in the ledger
    late: str  # the late-entry mark, if the decision was recorded late
    decided_by: str
    document: str
    money_moved: str
    order: str  # by effective dates
    order_as_recorded: str  # by ledger positions


def decision_rows(agreement: Agreement, entries: Sequence[Entry], lateness: Lateness,
                  *, by: str = "recorded") -> list[DecisionRow]:
    """Every decision of the agreement, in recording order (`by="recorded"`) or by effective date."""
    at = {e.event.originator_version: e for e in entries if e.event.originator_id == agreement.id}
    rows: list[DecisionRow] = []
    for deviation in agreement.deviations.values():
        moves = [m for m in agreement.reallocations if _touches(deviation, m)]
        rows += _deviation_rows(deviation, moves, at, lateness)
    rows += [_move_row(m, at, lateness) for m in agreement.reallocations]
    if by == "effective":
        return sorted(rows, key=lambda r: (r.decided or date.max, r.position))
    return sorted(rows, key=lambda r: r.position)


def _touches(deviation: DeviationState, move: ReallocationState) -> bool:
    return deviation.scope is Scope.PROJECT and deviation.scope_ref in (move.source, move.target)


def _deviation_rows(deviation: DeviationState, moves: list[ReallocationState], at: dict[int, Entry],
                    lateness: Lateness) -> list[DecisionRow]:
    scope = f" {deviation.scope_ref}" if deviation.scope_ref else ""
    what = f"{deviation.kind.value} ({deviation.scope.value}{scope}): {deviation.cause}"
    report = at[deviation.reported_version]
    reported = f"{deviation.effective} (#{report.position})"
    money = _moves(moves, at)
    if not deviation.decisions:
        order = "money moved without a decision" if moves else "open"
        return [DecisionRow(deviation.deviation_id, what, reported, "UNDECIDED", "", "", None, None, report.position,
                            "", "", "", money, order, order)]
    count = len(deviation.decisions)
    return [_decision_row(deviation.deviation_id, what, reported, d, n, count, moves, at, lateness, money)
            for n, d in enumerate(deviation.decisions, start=1)]


def _decision_row(item: str, what: str, reported: str, d: DecisionState, n: int, count: int,
                  moves: list[ReallocationState], at: dict[int, Entry], lateness: Lateness,
                  money: str) -> DecisionRow:
    entry = at[d.version]
    decided = d.effective or entry.event.envelope.effective
    revision = f"{n} of {count}" + (f" (revises {n - 1})" if n > 1 else "")
    document = _document(d.reference, entry)
    return DecisionRow(
        item, what, reported, d.decision.value, d.conditions or "", revision,
        decided, _recorded(entry), entry.position, lateness.mark(entry), str(d.actor), document, money,
        _order([decided <= m.effective for m in moves]),
        _order([entry.position < at[m.version].position for m in moves]))


def _move_row(move: ReallocationState, at: dict[int, Entry], lateness: Lateness) -> DecisionRow:
    entry = at[move.version]
    what = f"{move.amount:,.2f} EUR {move.source} → {move.target}"
    return DecisionRow(
        "reallocation", what, f"{move.effective} (#{entry.position})", "approved with the move", "", "1 of 1",
        move.effective, _recorded(entry), entry.position, lateness.mark(entry), str(move.actor),
        _document(move.approval, entry), f"{move.effective} (#{entry.position})", "decided when money moved",
        "decided when money moved")


def _order(decided_first: list[bool]) -> str:
    if not decided_first:
        return NO_MONEY
    return BEFORE if all(decided_first) else AFTER


def _moves(moves: list[ReallocationState], at: dict[int, Entry]) -> str:
    return "; ".join(f"{m.amount:,.2f} {m.source}→{m.target} on {m.effective} (#{at[m.version].position})"
                     for m in moves) or "none"


def _recorded(entry: Entry) -> date:
    return entry.recorded_at.astimezone(BERLIN).date()


def _document(reference: str | None, entry: Entry) -> str:
    envelope = entry.event.envelope
    parts = [reference or "", envelope.document.reference if envelope.document else ""]
    return "; ".join(p for p in parts if p) or "(none given)"
