"""`aqb status ID` and `aqb overview --year Y`: where a budget stands, now or at a point in time."""

from __future__ import annotations

from typing import Any

import click

from cli import dossiers
from cli.clock import clock_options
from cli.formats import DOSSIER
from cli.output.document import Chart, Document, Header
from cli.output.files import DOCUMENTS
from cli.params import whole
from cli.render import console, emit_object, emit_table
from cli.session import format_option, session
from ledger.domain.clocks import Clock
from projections import budget, lifecycle
from projections.queries import AgreementStatus, overview_now, overview_then, status_now, status_then

KEYS = {budget.LINES.name: "stages", budget.ITEMS.name: "items", budget.DEVIATIONS.name: "deviations",
        budget.SUMMARY.name: "summary", lifecycle.LIFECYCLE.name: "lifecycle"}
MONEY = ["announced", "agreed", "requested", "granted", "amended", "disbursed", "proven", "reclaimed",
         "refunded", "planned", "moved_in", "moved_out", "current", "undrawn"]


def _caption(words: str, position: int, head: int) -> str:
    return f"{words}; stands at position {position:,}, ledger head {head:,}"


@click.command()
@click.argument("agreement_id", metavar="AGREEMENT_ID")
@clock_options(positions=True)
@format_option(formats=DOSSIER)
def status(agreement_id: str, clock: Clock) -> None:
    """Where an agreement's budget stands: money stages per line and cash year, projects and
    categories, deviations with their decisions, and the lifecycle (signatures, application,
    notice, meeting, publication, proofs of use).

    \b
    Example:
      aqb status AQB-2024-06532
      aqb status AQB-2024-06532 --on 2024-09-30
      aqb status AQB-2024-06532 --on 2024-09-30 --format json
      aqb status AQB-2024-06532 --locale de
      aqb status AQB-2024-06532 --format pdf --output status-06532.pdf
    """
    s = session()
    ledger, agreement_id = s.ledger(), agreement_id.strip()
    found = status_now(ledger, agreement_id) if clock.now else status_then(ledger, agreement_id, clock)
    words = "now, computed from the events" if clock.now else clock.describe()
    note = found.note()
    if note is not None:
        words += f"; {note}"
    if s.fmt in DOCUMENTS:
        dossiers.write(status_dossier(found, words, dossiers.header(
            ledger, f"Budget status of {agreement_id}: {words}", found.position, s.actor)), s.fmt,
            locale=s.locale, output=s.output)
        return
    sections = {KEYS[name]: rows for name, rows in found.tables.items()}
    emit_object({"agreement": agreement_id, "basis": found.basis, "position": found.position,
                 "head": found.head, "agreement_in_effect_from": found.agreed_later, "note": note, **sections},
                s.fmt, lambda _: show_status(found, words, s.locale),
                title=f"Status of {agreement_id}", locale=s.locale, output=s.output)


def status_tables(found: AgreementStatus) -> list[tuple[str, list[dict[str, Any]], list[str]]]:
    """(title, rows, columns) of each status table, as people read them."""
    sections = ((budget.LINES, "Money stages (EUR) per line and cash year (0: all years)"),
                (budget.ITEMS, "Projects and categories (EUR)"), (budget.DEVIATIONS, "Deviations"),
                (budget.SUMMARY, "Summary (EUR)"), (lifecycle.LIFECYCLE, "Lifecycle"))
    found_tables = []
    for table, title in sections:
        rows = found.tables[table.name]
        columns = [c for c in table.names if c != "agreement_id"]
        if table in (budget.SUMMARY, lifecycle.LIFECYCLE):
            rows = [{"field": c, "value": r[c]} for r in rows for c in columns]
            columns = ["field", "value"]
        found_tables.append((f"{found.agreement_id}: {title}", rows, columns))
    return found_tables


def show_status(found: AgreementStatus, words: str, locale: str | None = None) -> None:
    """The status tables for people, each captioned with what it stands for."""
    caption = _caption(words, found.position, found.head)
    for title, rows, columns in status_tables(found):
        emit_table(rows, columns, "table", title=title, caption=caption, numeric=MONEY, locale=locale)
    console().print()


def status_dossier(found: AgreementStatus, words: str, head: Header) -> Document:
    """The status as a dossier: the money stages as a picture, then every table."""
    total = next((r for r in found.tables[budget.LINES.name]
                  if r["line"] == budget.TOTAL and r["cash_year"] == budget.ALL_YEARS), {})
    basis = dossiers.key_values("Basis", [("agreement", found.agreement_id), ("judged", words),
                                          ("stands at position", found.position), ("ledger head", found.head)])
    stages = Chart("Money through its stages (EUR), all lines and cash years", dossiers.money_stages(total),
                   caption=dossiers.STAGES_CAPTION)
    named = [(title, rows, columns, MONEY) for title, rows, columns in status_tables(found)]
    return dossiers.document(f"Budget status of {found.agreement_id}", head,
                             [basis, stages, *dossiers.tables(named)])


@click.command()
@click.option("--year", type=whole(2000, 2100), required=True, help="Budget year.")
@clock_options()
@format_option
def overview(year: int, clock: Clock) -> None:
    """All 26 parties of a year side by side: agreed, granted, disbursed, undrawn, deviations,
    and the lifecycle flags (in force, application on time, meeting, publication, proofs).

    \b
    Example:
      aqb overview --year 2024
      aqb overview --year 2024 --on 2024-12-31 --as-known-on 2025-01-15 --format csv
      aqb --locale de overview --year 2024 --format xlsx --output overview-2024.xlsx
    """
    s = session()
    ledger = s.ledger()
    found = overview_now(ledger, year) if clock.now else overview_then(ledger, year, clock)
    words = clock.describe() if not clock.now else (
        "now, from the view tables (at the ledger head)" if found.basis == "view"
        else "now, computed from the events (the view tables lag behind)")
    rows = found.rows if s.fmt != "table" else [_for_people(r) for r in found.rows]
    columns = list(rows[0]) if rows else ["party"]
    emit_table(rows, columns, s.fmt, title=f"Statewide overview {year}",
               caption=_caption(words, found.position, found.head), numeric=[*MONEY, "deviations", "undecided"],
               locale=s.locale, output=s.output)


def _for_people(row: dict[str, Any]) -> dict[str, Any]:
    """A narrower row for the terminal: party with name, deviations with the undecided ones."""
    deviations = f"{row['deviations']} ({row['undecided']} open)" if row["deviations"] is not None else None
    return {"party": f"{row['party']} {row['name']}", "agreed": row["agreed"], "granted": row["granted"],
            "disbursed": row["disbursed"], "undrawn": row["undrawn"], "deviations": deviations,
            "in_force": row["in_force_since"], "applied_in_time": row["applied_on_time"], "meeting": row["meeting"],
            "published": row["published"], "final_proof": row["final_proof"]}


COMMANDS = [status, overview]
