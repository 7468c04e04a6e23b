"""The HTML and PDF dossiers of `status`, `trail`, `explain` and `report compliance`.

Each opens with a header that says what it is and what it stands on: the ledger (without a
password), the position it stands at and the chain link there, whether the chain verified from
the first event to that position (checked now, by `aqb verify`'s code), who produced it and when.
Then the same data the table shows, with pictures: the money through its stages (from
`ledger.domain.figures`, as the status table shows them), a year as a timeline (effective date
against recording, so that late entries stand out), the statewide matrix as a heat map.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from cli.output.charts.data import MatrixRow, MoneyStages, StatusMatrix, Timeline, TimelineEntry
from cli.output.document import Chart, Document, Header, KeyValues, Section, TableSection, ledger_label
from cli.output.files import deliver, document_bytes
from cli.output.neutral import OutputRow
from cli.output.reports import compliance_dossier
from ledger import __version__
from ledger.application import Ledger
from ledger.domain.entry import Entry
from ledger.domain.figures import STAGES
from ledger.integrity.rows import NO_START, open_reader
from ledger.integrity.verify import verify

LATE_AFTER_DAYS = 30  # an entry recorded more than this after its effective date is drawn as late
STAGES_CAPTION = ("announced → agreed (§4) → requested → granted → amended → disbursed → proven → reclaimed → "
                  "refunded; a stage not reached is marked as such, which is not 0.00")


def header(ledger: Ledger, report: str, position: int, actor: str | None) -> Header:
    """What the dossier is and what it stands on; the chain is verified up to `position` now."""
    with open_reader(ledger.db) as reader:
        checked = verify(reader, NO_START, stop=position)
    if checked.ok:
        detail = f"chain verified from position 1 to {position} ({checked.checked} events)"
    else:
        first = checked.problems()[0]
        detail = f"{first.kind} at position {first.position}: {first.detail} (run 'aqb verify')"
    return Header(report=report, ledger=ledger_label(ledger.db.describe()), position=position,
                  chain_link=checked.head_hash.hex() if position else None, chain_verified=checked.ok,
                  chain_detail=detail, produced_by=produced_by(ledger, actor), produced_at=datetime.now(UTC))


def produced_by(ledger: Ledger, actor: str | None) -> str:
    """The PostgreSQL login (and the person it records for), the declared actor, or the OS user."""
    if ledger.login is not None:
        who = f"{ledger.login} (PostgreSQL login)"
        if actor and actor.partition("@")[0] != ledger.login:
            who += f" for {actor}"
    elif actor:
        who = f"{actor} (declared, not authenticated)"
    else:
        who = f"{getpass.getuser()} (operating-system user; no --actor given)"
    return f"{who} with aqb {__version__}"


def write(document: Document, fmt: str, *, locale: str | None, output: Path | None) -> None:
    deliver(document_bytes(fmt, document, locale=locale), output, fmt=fmt)


def money_stages(amounts: Mapping[str, Decimal | None]) -> MoneyStages:
    """The stages as the figures name them (the status table's "total" line over all cash years)."""
    return MoneyStages({stage: amounts.get(stage) for stage in STAGES}, stages=STAGES)


def timeline(entries: Sequence[Entry], year: int) -> Timeline:
    """Each event at its effective date (its recording day when it states none) and its recording."""
    return Timeline(year, [TimelineEntry(e.position, type(e.event).LABEL or type(e.event).__name__,
                                         e.event.envelope.effective or e.recorded_at.date(), e.recorded_at)
                           for e in entries], late_after_days=LATE_AFTER_DAYS)


def timeline_chart(entries: Sequence[Entry], year: int) -> list[Section]:
    found = timeline(entries, year)
    late = [{"position": e.position, "event": e.label, "effective": e.effective, "recorded": e.recorded,
             "days_late": e.delay_days()} for e in found.late()]
    return [
        Chart(f"The year {year}: effective date against recording", found,
              caption="On the grey diagonal an event is recorded on the day it happened; above the red dashed "
                      f"line it was recorded more than {LATE_AFTER_DAYS} days later (late, labelled #position)."),
        TableSection(f"Recorded more than {LATE_AFTER_DAYS} days after the effective date", list(late[0]) if late
                     else ["position", "event", "effective", "recorded", "days_late"], late,
                     numeric=("position", "days_late")),
    ]


def year_of(stream_id: str, entries: Sequence[Entry]) -> int:
    """The budget year of an agreement id (AQB-2024-…), else the year most events took effect in."""
    parts = stream_id.split("-")
    if len(parts) >= 2 and parts[0] == "AQB" and parts[1].isdigit():
        return int(parts[1])
    years = [(e.event.envelope.effective or e.recorded_at.date()).year for e in entries]
    return max(set(years), key=years.count) if years else datetime.now(UTC).year


def trail_document(ledger: Ledger, entries: Sequence[Entry], people: Sequence[OutputRow], numeric: Sequence[str],
                   stream_id: str, caption: str, actor: str | None) -> Document:
    """The trail as a dossier: its year as a timeline, then the trail as people read it."""
    title = f"Audit trail of {stream_id}"
    columns = list(people[0]) if people else ["pos"]
    rows = [{k: _printable(v) for k, v in r.items()} for r in people]
    trail = TableSection(title, columns, rows, numeric=tuple(numeric), caption=caption)
    head = header(ledger, title, ledger.reads.head(), actor)
    return document(title, head, [*timeline_chart(entries, year_of(stream_id, entries)), trail], landscape=True)


MARKS = {"\u26d3": "chain", "\u23f1 ": ""}  # the trail's marks without a glyph in the fonts a PDF uses


def _printable(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    for mark, words in MARKS.items():
        value = value.replace(mark, words)
    return value


def tables(named: Sequence[tuple[str, Sequence[OutputRow], Sequence[str], Sequence[str]]]) -> list[Section]:
    """(title, rows, columns, numeric) as table sections."""
    return [TableSection(title, list(columns), list(rows), numeric=tuple(numeric))
            for title, rows, columns, numeric in named]


def document(title: str, head: Header, sections: Sequence[Section], *, landscape: bool = False) -> Document:
    return Document(title, head, list(sections), landscape=landscape)


def compliance_matrix(head: Header, obligations: Sequence[str], rows: Sequence[OutputRow], *, year: int,
                      judged_on: Any) -> Document:
    """The statewide matrix as a heat map and a table, from the rows the table shows."""
    parties = [r for r in rows if r["party"] != "total"]
    matrix = StatusMatrix(list(obligations), [
        MatrixRow(r["party"], r["name"], has_agreement=False) if all(r[o] == "no agreement" for o in obligations)
        else MatrixRow(r["party"], r["name"], {o: r[o] for o in obligations}) for r in parties])
    return compliance_dossier(head, matrix, year=year, judged_on=judged_on)


def checklist(head: Header, rows: Sequence[OutputRow], columns: Sequence[str], caption: str, entries: Sequence[Entry],
              year: int) -> Document:
    """One agreement's checklist, the table as it is shown, with its year as a timeline."""
    table = TableSection("Obligations", list(columns), list(rows), caption=caption)
    return document(head.report, head, [table, *timeline_chart(entries, year)])


def key_values(title: str, items: Sequence[tuple[str, Any]]) -> KeyValues:
    return KeyValues(title, list(items))
