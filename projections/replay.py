"""Views computed straight from the events, without the view tables: time travel and checks.

- `at` a position, or `as_of` a recorded time: what the ledger knew then; later corrections
  are not applied.
- `effective` a date: what had happened by then (effective dates), with every correction known
  now, including facts recorded later.
- `replay_all`: every view's rows from a full replay, to compare with the maintained tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ledger.app.core import LedgerCore
from ledger.domain.agreement import Agreement
from ledger.domain.base import CorrectionEvent, LedgerEvent
from ledger.domain.dates import BERLIN
from ledger.domain.entry import Entry
from ledger.domain.grant import Grant
from projections import audit
from projections.engine import VIEWS
from projections.folds import AgreementFold, Fold, GrantFold, refold
from projections.tables import Row

Keep = Callable[[Entry], bool]


@dataclass(frozen=True)
class Snapshot:
    """An agreement's view rows as they stood at a point, and that point's position."""

    tables: dict[str, list[Row]]
    position: int
    basis: str  # "at", "as-of", "effective"


def end_of_day(day: date) -> datetime:
    """The first instant after `day` in Hesse, as an aware datetime."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=BERLIN)


def keep_all() -> Keep:
    return lambda _: True


def keep_at(position: int) -> Keep:
    return lambda e: e.position <= position


def keep_recorded_before(instant: datetime) -> Keep:
    return lambda e: e.recorded_at < instant


def keep_as_of(day: date) -> Keep:
    """Everything recorded up to the end of `day` (Hesse's calendar)."""
    return keep_recorded_before(end_of_day(day))


def keep_effective(day: date) -> Keep:
    return lambda e: isinstance(e.event, CorrectionEvent) or e.event.envelope.effective <= day


def snapshot(ledger: LedgerCore, agreement_id: str, keep: Keep, basis: str) -> Snapshot:
    entries = [e for e in ledger.entries(ledger.trail_ids(agreement_id)) if keep(e)]
    folds = fold_streams(entries, agreement_id)
    agreement = folds.get(agreement_id)
    if not isinstance(agreement, AgreementFold):
        agreement = AgreementFold.empty(agreement_id)
    grants = [f for _, f in sorted(folds.items()) if isinstance(f, GrantFold)]
    return Snapshot(render(agreement, grants), max((e.position for e in entries), default=0), basis)


def fold_streams(entries: list[Entry], agreement_id: str | None = None) -> dict[str, Fold]:
    streams: dict[str, list[LedgerEvent]] = {}
    for entry in entries:
        streams.setdefault(entry.event.originator_id, []).append(entry.event)
    folds: dict[str, Fold] = {}
    for stream, events in streams.items():
        fold = refold(events, agreement_id)
        if fold is not None:
            folds[stream] = fold
    return folds


def render(agreement: AgreementFold, grants: list[GrantFold]) -> dict[str, list[Row]]:
    tables: dict[str, list[Row]] = {}
    for spec in VIEWS.values():
        if spec.render is not None:
            tables.update(spec.render(agreement, grants))
    return tables


def replay_all(ledger: LedgerCore, upto: int | None = None) -> dict[str, list[Row]]:
    """Every table of every view, from a replay of the ledger (up to a position), in key order."""
    entries = [ledger.entry(n) for n in ledger.reads.all(stop=upto)]
    folds = fold_streams(entries)
    tables: dict[str, list[Row]] = {t.name: [] for spec in VIEWS.values() for t in spec.tables}
    for stream_id in sorted(folds):
        agreement = folds[stream_id]
        if isinstance(agreement, AgreementFold):
            grants = sorted((f for f in folds.values() if isinstance(f, GrantFold)
                             and f.agreement_id == stream_id), key=lambda g: g.stream_id)
            for table, rows in render(agreement, grants).items():
                tables[table].extend(rows)
    links = {f.stream_id: f.agreement_id for f in folds.values() if isinstance(f, GrantFold)}
    tables[audit.AUDIT.name] = [audit.audit_row(e, _agreement_of(e.event, links)) for e in entries]
    return tables


def _agreement_of(event: LedgerEvent, links: dict[str, str]) -> str | None:
    if isinstance(event, Agreement.Event):
        return event.originator_id
    if isinstance(event, Grant.Event):
        return links.get(event.originator_id)
    return None
