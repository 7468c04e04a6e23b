"""Answers for the CLI: an agreement's status and the statewide overview. One agreement's status
is always computed from its events (the same folds as the views; a handful of milliseconds), so
no row of a view table, however it was changed, can stand in for the ledger. The overview reads
the view tables only when every view stands at the ledger head, and computes from the events
otherwise; its `basis` says which. Frozen dataclasses, not raw rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ledger import reference
from ledger.app.core import LedgerCore
from ledger.domain.agreement import agreement_id as make_agreement_id
from ledger.domain.clocks import Clock
from ledger.domain.errors import InvalidInputError, NotFoundError
from projections import budget, lifecycle
from projections.engine import VIEWS
from projections.replay import snapshot
from projections.store import ViewStore
from projections.tables import Table, TableRow, sort_rows

STATUS_TABLES = (*budget.TABLES, lifecycle.LIFECYCLE)


@dataclass(frozen=True)
class AgreementStatus:
    """One agreement's budget status and lifecycle, and the position they stand at."""

    agreement_id: str
    tables: dict[str, list[dict[str, Any]]]
    position: int
    head: int
    basis: str  # "events" (now, computed), "view" (the view tables), else the clock (Clock.basis)
    agreed_later: date | None = None  # under --on: the agreement itself took effect after the day

    def note(self) -> str | None:
        """What a reader of a status under --on must know when the agreement took effect later."""
        if self.agreed_later is None:
            return None
        return (f"the agreement itself took effect on {self.agreed_later}, after this day: its § 4 budget and "
                "§ 5 projects are shown as they were agreed then")


def as_dicts(table: Table, rows: list[TableRow]) -> list[dict[str, Any]]:
    return [dict(zip(table.names, row, strict=True)) for row in sort_rows(table, rows)]


def views_position(ledger: LedgerCore) -> int:
    """The position the view tables stand at (the oldest of them)."""
    store = ViewStore(ledger.recorder)
    return min(store.position(name) for name in VIEWS)


def status_now(ledger: LedgerCore, agreement_id: str) -> AgreementStatus:
    """The agreement's status now, computed from its events."""
    head = ledger.reads.head()
    found = status_then(ledger, agreement_id, Clock())
    return AgreementStatus(agreement_id, found.tables, head, head, "events")


def status_then(ledger: LedgerCore, agreement_id: str, clock: Clock) -> AgreementStatus:
    head = ledger.reads.head()
    if clock.at is not None and clock.at > head:
        raise InvalidInputError(f"position {clock.at:,} is not in the ledger (its head is at {head:,})",
                                "give --at a position up to the head")
    shot = snapshot(ledger, agreement_id, clock)  # one read of the trail; an unknown id is refused as such
    if not shot.tables:  # recorded, but not yet under this clock
        raise NotFoundError(f"{agreement_id} did not exist yet under this clock ({clock.describe()})",
                            "choose a later day or position (see its first entry with 'aqb trail')")
    tables = {t.name: as_dicts(t, shot.tables.get(t.name, [])) for t in STATUS_TABLES}
    return AgreementStatus(agreement_id, tables, shot.position, head, shot.basis, shot.agreed_later)


@dataclass(frozen=True)
class Overview:
    """The 26 parties of one year, budget figures and lifecycle flags side by side."""

    year: int
    rows: list[dict[str, Any]]
    position: int
    head: int
    basis: str


def overview_now(ledger: LedgerCore, year: int) -> Overview:
    """From the view tables when they stand at the head, else computed from the events."""
    position, head = views_position(ledger), ledger.reads.head()
    if position < head:
        found = overview_then(ledger, year, Clock())
        return Overview(year, found.rows, head, head, "events")
    store = ViewStore(ledger.recorder)
    summary = store.rows("budget", budget.SUMMARY, "WHERE year = ?", (year,))
    cycle = store.rows("lifecycle", lifecycle.LIFECYCLE, "WHERE year = ?", (year,))
    rows = _overview_rows(year, as_dicts(budget.SUMMARY, summary), as_dicts(lifecycle.LIFECYCLE, cycle))
    return Overview(year, rows, position, ledger.reads.head(), "view")


def overview_then(ledger: LedgerCore, year: int, clock: Clock) -> Overview:
    summaries, cycles, position = [], [], 0
    for party in reference.parties().values():
        agreement_id = make_agreement_id(year, party.ags)
        if not ledger.exists(agreement_id):
            continue
        shot = snapshot(ledger, agreement_id, clock)
        summaries += as_dicts(budget.SUMMARY, shot.tables.get(budget.SUMMARY.name, []))
        cycles += as_dicts(lifecycle.LIFECYCLE, shot.tables.get(lifecycle.LIFECYCLE.name, []))
        position = max(position, shot.position)
    return Overview(year, _overview_rows(year, summaries, cycles), position, ledger.reads.head(), clock.basis)


def _overview_rows(year: int, summaries: list[dict[str, Any]], cycles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {r["agreement_id"]: r for r in summaries}
    cycle_by_id = {r["agreement_id"]: r for r in cycles}
    rows = []
    for party in reference.parties().values():
        agreement_id = make_agreement_id(year, party.ags)
        s, c = by_id.get(agreement_id, {}), cycle_by_id.get(agreement_id, {})
        rows.append({
            "party": party.ags, "name": party.display_name, "agreement": agreement_id if s else None,
            "agreed": s.get("agreed"), "granted": s.get("granted"), "disbursed": s.get("disbursed"),
            "undrawn": s.get("undrawn"), "deviations": s.get("deviations"), "undecided": s.get("undecided"),
            "in_force_since": c.get("in_force_since"), "applied_on_time": c.get("application_on_time"),
            "meeting": c.get("meeting_held_on"), "published": c.get("published_on"),
            "final_proof": c.get("final_submitted"), "final_review": c.get("final_review"),
        })
    return rows
