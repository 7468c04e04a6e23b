"""The three dossiers an auditor keeps, built from plain values (see :mod:`cli.output.charts.data`):

- :func:`budget_dossier`: one agreement's money through its stages, its projects and deviations;
- :func:`timeline_dossier`: a year's events, effective against recorded, late entries listed;
- :func:`compliance_dossier`: the statewide matrix of parties × obligations.

Each returns a :class:`~cli.output.document.Document`; render it with
:func:`cli.output.files.document_bytes` (``html`` or ``pdf``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from cli.output.charts.data import MoneyStages, StatusMatrix, Timeline
from cli.output.document import Chart, Document, Header, KeyValues, Paragraph, Section, TableSection
from cli.output.neutral import OutputRow

PROJECT_COLUMNS = ("id", "name", "category", "planned", "current", "places")
DEVIATION_COLUMNS = ("id", "kind", "effective", "decision", "decided_by", "cause")


def budget_dossier(
    header: Header, *, agreement_id: str, party: str, year: int, stages: MoneyStages,
    projects: Sequence[OutputRow] = (), deviations: Sequence[OutputRow] = (), notes: str = "",
) -> Document:
    """An agreement's budget: the stages as a chart and as figures, then projects and deviations."""
    figures = stages.reached()
    sections: list[Section] = [
        KeyValues("Agreement", [("agreement", agreement_id), ("party", party), ("year", year)]),
        Chart("Money through its stages (EUR)", stages,
              caption="announced → agreed (§4) → requested → granted → amended → paid → proven → reclaimed; "
                      "a stage not reached yet is marked as such"),
        KeyValues(f"Stages ({stages.currency})", figures),
        TableSection("§5 projects", PROJECT_COLUMNS, projects, numeric=("planned", "current", "places")),
        TableSection("Deviations", DEVIATION_COLUMNS, deviations),
    ]
    if notes:
        sections.append(Paragraph(notes, title="Notes"))
    return Document(f"Budget of {agreement_id} · {party} {year}", header, sections)


def timeline_dossier(header: Header, timeline: Timeline, *, subject: str) -> Document:
    """A year on a timeline: when each event happened against when the ledger learnt it."""
    late = timeline.late()
    rows = [{"position": e.position, "event": e.label, "effective": e.effective, "recorded": e.recorded,
             "days_late": e.delay_days()} for e in late]
    summary = (f"{len(late)} of {len(timeline.entries)} entries were recorded more than "
               f"{timeline.late_after_days} days after their effective date.")
    return Document(f"{subject}: the year {timeline.year} on a timeline", header, [
        Paragraph(summary),
        Chart("Effective date against recording time", timeline,
              caption="On the grey diagonal an event is recorded on the day it happened; above the red dashed "
                      f"line it was recorded more than {timeline.late_after_days} days later "
                      "(late, labelled #position)."),
        TableSection("Late entries", ["position", "event", "effective", "recorded", "days_late"], rows,
                     numeric=["position", "days_late"]),
    ])


def compliance_dossier(header: Header, matrix: StatusMatrix, *, year: int, judged_on: date) -> Document:
    """The statewide matrix: a heat map and the same statuses as a table, with totals."""
    rows = [{"party": r.party, "name": r.name, **{o: r.status(o) for o in matrix.obligations}} for r in matrix.rows]
    totals = ", ".join(f"{count} {status}" for status, count in matrix.counts().items())
    return Document(f"Compliance {year}: {len(matrix.rows)} parties × obligations", header, [
        KeyValues("Basis", [("judged on", judged_on), ("PENDING", "not yet due on that day"), ("all cells", totals)]),
        Chart("Statewide matrix", matrix, caption="PASS, FAIL, PENDING (not yet due), N/A, or no agreement "
                                                  "recorded for the party"),
        TableSection("Statuses", ["party", "name", *matrix.obligations], rows),
    ], landscape=True)
