"""Audit index: one row per event, for questions across aggregates.

Answers "which events of party X in year Y, by actor A, of type T, recorded or effective between
two dates, moving how much" without loading any aggregate: position, stream, agreement, party,
year, event type, actor, recorded time (UTC), effective date and the amount the event states.
Rows are appended, never changed: a correction is its own row.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from ledger.domain.agreement import AGREEMENT_ID, Agreement
from ledger.domain.base import LedgerEvent
from ledger.domain.entry import Entry
from ledger.domain.grant import Grant
from projections.tables import Table, TableRow

AUDIT = Table("aqb_view_audit_index", (
    ("position", "bigint"), ("stream_id", "text"), ("stream_type", "text"), ("agreement_id", "text"),
    ("party_ags", "text"), ("year", "int"), ("event_type", "text"), ("actor", "text"),
    ("recorded_at", "time"), ("effective", "date"), ("amount", "money"),
), key=("position",), owner=None,
    indexes=(("agreement_id",), ("party_ags", "year"), ("actor",), ("recorded_at",), ("event_type",)))

TABLES = (AUDIT,)
AMOUNT_FIELDS = ("amount", "amount_requested", "planned_amount", "expenses", "refund_due")


def amount_of(event: LedgerEvent) -> Decimal | None:
    """The one amount an event states (for a recorded agreement: its §4 total)."""
    if isinstance(event, Agreement.Recorded):
        return sum((line.amount for line in event.lines), Decimal("0.00"))
    for name in AMOUNT_FIELDS:
        value = getattr(event, name, None)
        if isinstance(value, Decimal):
            return value
    return None


def stream_type(event: LedgerEvent) -> str:
    if isinstance(event, Agreement.Event):
        return "agreement"
    if isinstance(event, Grant.Event):
        return "grant"
    return type(event).__qualname__.split(".")[0].lower()


@lru_cache(maxsize=4096)
def party_year(agreement_id: str | None) -> tuple[str | None, int | None]:
    """The party and year an agreement id names (None, None: no agreement)."""
    found = AGREEMENT_ID.match(agreement_id or "")
    return (found.group("ags"), int(found.group("year"))) if found else (None, None)


def audit_row(entry: Entry, agreement_id: str | None) -> TableRow:
    event = entry.event
    envelope = event.envelope
    party, year = party_year(agreement_id)
    return (
        entry.position, event.originator_id, stream_type(event), agreement_id, party, year,
        type(event).__qualname__, str(envelope.actor), entry.recorded_at, envelope.effective,
        amount_of(event),
    )
