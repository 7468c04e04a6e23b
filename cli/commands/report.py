"""`aqb report compliance`: the obligations of each agreement, PASS/FAIL/PENDING/N/A, with evidence."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import click

from cli import dossiers
from cli.clock import clock_options
from cli.errors import COMPLIANCE_FAIL, ComplianceFailedError
from cli.formats import REPORT_DOSSIER
from cli.output.document import Document
from cli.output.files import DOCUMENTS
from cli.output.neutral import json_text
from cli.params import whole
from cli.render import emit_table, emit_text, plain
from cli.session import Session, format_option, session
from ledger import settings
from ledger.app.reports import AgreementReport
from ledger.compliance import Status, obligations
from ledger.domain.clocks import Clock
from ledger.domain.errors import IntegrityBreakError
from ledger.lateness import Lateness


@click.group()
def report() -> None:
    """Reports for auditors."""


@report.command()
@click.option("--year", type=whole(2000, 2100), help="Budget year (default: the year of the day judged).")
@click.option("--party", metavar="AGS", help="Only this party: its full checklist.")
@click.option("--exit-code", "exit_code", is_flag=True,
              help=f"Exit {COMPLIANCE_FAIL} when any obligation is FAIL (for monitoring jobs).")
@clock_options()
@format_option(formats=REPORT_DOSSIER)
def compliance(year: int | None, party: str | None, exit_code: bool, clock: Clock) -> None:
    """Check each agreement's obligations: both signatures; application by 31 March; grant notice;
    autumn meeting by year end; every deviation decided; an assessment that treats every deviation
    (signed off, where AQB_FOUR_EYES asks for it, the default); published file = signed file;
    proofs of use on time and reviewed; payments within the grant per cash year.

    The day judged is --on (else --as-known-on, else today); PENDING means not yet due on that
    day. --on judges with what had happened by the day, --as-known-on with what the ledger knew
    on it (a fact recorded later is left out); both together: what had happened by --on as the
    ledger knew it on --as-known-on. With --party, one agreement's checklist with the positions of
    the evidence; without, the statewide matrix of all 26 parties. CSV and spreadsheets give one
    row per party and obligation; html and pdf a dossier (the matrix as a heat map). With
    --exit-code it exits 11 when any obligation is FAIL.

    \b
    Example:
      aqb report compliance --year 2024 --party 06532
      aqb report compliance --year 2024 --on 2025-04-01 --format csv > matrix-2024.csv
      aqb report compliance --year 2024 --party 06532 --on 2025-03-31 --as-known-on 2025-04-15
      aqb report compliance --year 2024 --on 2025-04-01 --format pdf --output compliance-2024.pdf
      aqb report compliance --year 2024 --party 06532 --on 2025-04-01 --exit-code
    """
    s = session()
    eyes = settings.four_eyes()
    reports = s.ledger().compliance_year(year or clock.day.year, clock, four_eyes=eyes, party=party)
    caption = (f"judged on {clock.day}: {clock.describe()}; sign-off {'required' if eyes else 'not required'} "
               "(AQB_FOUR_EYES); PENDING = not yet due"
               + ("" if s.ledger().authenticated else "; actors declared, not authenticated (embedded SQLite ledger)"))
    if s.fmt in DOCUMENTS:
        dossiers.write(compliance_document(s, reports, year or clock.day.year, clock, caption), s.fmt,
                       locale=s.locale, output=s.output)
    elif s.fmt == "json":
        emit_text(json_text(plain([_as_dict(r) for r in reports])) + "\n", s.output)
    elif s.fmt in ("csv", "csv-de", "xlsx"):
        emit_table(long_rows(reports), ["agreement", "party", "obligation", "status", "detail", "positions"], s.fmt,
                   title=f"Compliance {year or clock.day.year}", caption=caption, locale=s.locale, output=s.output)
    elif party:
        emit_table(long_rows(reports), ["obligation", "status", "detail", "positions"], s.fmt,
                   title=f"Compliance of {reports[0].agreement_id} ({reports[0].party_name})", caption=caption,
                   locale=s.locale)
    else:
        rows = _matrix(reports)
        emit_table(rows, ["party", "name", *obligations()], s.fmt,
                   title=f"Compliance {year or clock.day.year}: 26 parties × obligations", caption=caption,
                   locale=s.locale)
    broken = [r for r in reports if r.broken]
    if broken:
        left_out = ", ".join(r.agreement_id for r in broken)
        raise IntegrityBreakError(f"the report leaves out {left_out}: {broken[0].broken}",
                                  "the other parties are judged above; run 'aqb verify'")
    if exit_code:
        fail_if_any(reports)


def fail_if_any(reports: list[AgreementReport]) -> None:
    """--exit-code: a monitoring job learns that an obligation is FAIL."""
    failed = [(r.agreement_id, c.obligation) for r in reports for c in r.checks or () if c.status is Status.FAIL]
    if failed:
        named = ", ".join(f"{agreement} {obligation}" for agreement, obligation in failed[:3])
        raise ComplianceFailedError(f"{len(failed)} obligations FAIL ({named}{', …' if len(failed) > 3 else ''})")


def compliance_document(s: Session, reports: list[AgreementReport], year: int, clock: Clock,
                        caption: str) -> Document:
    """One party's checklist with its year as a timeline, or the statewide matrix as a heat map."""
    ledger = s.ledger()
    if len(reports) == 1 and reports[0].checks is not None:
        r = reports[0]
        head = dossiers.header(ledger, f"Compliance of {r.agreement_id} ({r.party_name}), judged on {clock.day}",
                               ledger.reads.head(), s.actor)
        entries = ledger.entries(ledger.trail_ids(r.agreement_id))
        return dossiers.checklist(head, long_rows(reports), ["obligation", "status", "detail", "positions"],
                                  caption, entries, year)
    head = dossiers.header(ledger, f"Compliance {year}: the statewide matrix, judged on {clock.day}",
                           ledger.reads.head(), s.actor)
    return dossiers.compliance_matrix(head, obligations(), _matrix(reports), year=year, judged_on=clock.day)


def _as_dict(r: AgreementReport) -> dict[str, Any]:
    return {"agreement": r.agreement_id, "party": r.party_ags, "name": r.party_name, "broken": r.broken,
            "recorded": r.checks is not None or r.broken is not None,
            "checks": [{"obligation": c.obligation, "status": c.status.value, "detail": c.detail,
                        "positions": list(c.positions)} for c in r.checks or ()]}


def long_rows(reports: list[AgreementReport]) -> list[dict[str, Any]]:
    rows = []
    for r in reports:
        if r.broken:
            rows.append({"agreement": r.agreement_id, "party": r.party_ags, "obligation": "agreement readable",
                         "status": "BROKEN", "detail": r.broken, "positions": ""})
        elif r.checks is None:
            rows.append({"agreement": r.agreement_id, "party": r.party_ags, "obligation": "agreement recorded",
                         "status": "no agreement", "detail": "no agreement in the ledger (under the clock judged)",
                         "positions": ""})
        rows += [{"agreement": r.agreement_id, "party": r.party_ags, "obligation": c.obligation,
                  "status": c.status.value, "detail": c.detail, "positions": " ".join(map(str, c.positions))}
                 for c in r.checks or ()]
    return rows


def _matrix(reports: list[AgreementReport]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for r in reports:
        row: dict[str, Any] = {"party": r.party_ags, "name": r.party_name}
        for name in obligations():
            row[name] = "BROKEN" if r.broken else "no agreement" if r.checks is None else next(
                c.status.value for c in r.checks if c.obligation == name)
        rows.append(row)
    totals: dict[str, Any] = {"party": "total", "name": ""}
    for name in obligations():
        counts = [row[name] for row in rows]
        kinds = [*(s.value for s in Status), "no agreement", "BROKEN"]
        totals[name] = ", ".join(f"{counts.count(k)} {k}" for k in kinds if counts.count(k))
    return [*rows, totals]


@report.command()
@click.option("--year", type=whole(2000, 2100), required=True, help="Budget year of the agreements.")
@click.option("--party", metavar="AGS", help="Only this party's agreement.")
@click.option("--days", type=whole(0, 3650), help="Late after this many days (default: AQB_LATE_DAYS, "
              "else 10).")
@click.option("--worst", type=whole(1, 1000), default=10, show_default=True,
              help="How many of the latest entries to list.")
@format_option
def late(year: int, party: str | None, days: int | None, worst: int) -> None:
    """Was the ledger kept up to date? The recording lag (days from an event's effective date to
    the day the database recorded it; GoBD "zeitgerechte Erfassung") per party, actor and event
    type — entries, late entries, median and longest lag — and the worst cases.

    \b
    Example:
      aqb report late --year 2024
      aqb report late --year 2024 --party 06532 --days 30 --format csv
    """
    s = session()
    lateness = Lateness(days) if days is not None else Lateness.configured()
    found = s.ledger().late_entries(year, lateness, party=party, worst=worst)
    groups = [{"by": g.by, "key": g.key, "entries": g.entries, "late": g.late, "share_late": g.share_late,
               "median_days": g.median_days, "max_days": g.max_days} for g in found.groups]
    worst_rows = [asdict(w) for w in found.worst]
    if s.fmt == "json":
        emit_text(json_text(plain({"year": year, "threshold_days": found.threshold, "entries": found.entries,
                                   "late": found.late, "groups": groups, "worst": worst_rows})) + "\n", s.output)
        return
    caption = (f"{found.late} of {found.entries} entries recorded more than {found.threshold} days after their "
               "effective date")
    if s.fmt in ("csv", "csv-de", "xlsx"):
        emit_table(groups, ["by", "key", "entries", "late", "share_late", "median_days", "max_days"], s.fmt,
                   title=f"Recording lag {year}", caption=caption, locale=s.locale, output=s.output)
        return
    emit_table(groups, ["by", "key", "entries", "late", "share_late", "median_days", "max_days"], s.fmt,
               title=f"Recording lag {year}" + (f", party {party}" if party else ""), caption=caption,
               numeric=["entries", "late", "median_days", "max_days"], locale=s.locale)
    emit_table(worst_rows, ["position", "stream", "event", "actor", "effective", "recorded", "lag_days"], s.fmt,
               title=f"The {len(worst_rows)} latest entries", numeric=["position", "lag_days"], locale=s.locale)


COMMANDS = [report]
