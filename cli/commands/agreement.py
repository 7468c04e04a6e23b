"""`aqb agreement`: create, list and show agreements."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import click

from cli.output.locale import Locale, text
from cli.output.neutral import markup_safe
from cli.params import AMOUNT, PLAN_LINE, document_ref, envelope_options, whole
from cli.render import console, emit_object, emit_receipt, emit_table
from cli.session import format_option, receipt_option, session
from ledger.domain.agreement import Agreement, agreement_id
from ledger.domain.agreement_state import PublicationState
from ledger.domain.values import CLAUSES


@click.group()
def agreement() -> None:
    """Create, list and show agreements (Zielvereinbarungen)."""


@agreement.command("create")
@click.option("--year", type=whole(2000, 2100), required=True, help="Budget year.")
@click.option("--party", "ags", required=True, metavar="AGS", help="The party's AGS, e.g. 06532.")
@click.option("--amount", type=AMOUNT, help="The §4 amount of the AQB line.")
@click.option("--line", "lines", type=PLAN_LINE, multiple=True, metavar="BUDGET=AMOUNT",
              help="A §4 budget line (AQB, AMB, TZA, SPRACH); repeat for several.")
@click.option("--ministry-name", help="The ministry as written (default: its name in that year).")
@click.option("--clause", "clauses", type=click.Choice(CLAUSES), multiple=True,
              help="A clause the agreement holds; repeat. Default: all of the AQB template's "
                   f"({', '.join(CLAUSES)}).")
@envelope_options
@receipt_option
def create(year: int, ags: str, amount: Decimal | None, lines: tuple[tuple[str, Decimal], ...],
           ministry_name: str | None, clauses: tuple[str, ...], reason: str | None, effective: Any,
           document: str | None, document_file: Any) -> None:
    """Record a new agreement by hand (the importer records one from its document).

    \b
    Example:
      aqb --actor a.schneider@HMSI agreement create --year 2025 --party 06532 \\
          --amount 1.185.000 --reason "ZV 2025 unterzeichnet" --document "ZV 2025 Lahn-Dill-Kreis"
    """
    s = session()
    all_lines = ([("AQB", amount)] if amount is not None else []) + [(b.upper(), a) for b, a in lines]
    if not all_lines:
        raise click.UsageError("give the §4 amount with --amount or --line BUDGET=AMOUNT")
    meta = s.meta(reason, effective, document_ref(document, document_file))
    receipt = s.ledger().create_agreement(meta, agreement_id(year, ags.strip()), all_lines,
                                          ministry_name=ministry_name, clauses=clauses or None)
    emit_receipt(s.fmt, f"Recorded agreement {receipt.stream_id} at position {receipt.position}.",
                 agreement=receipt.stream_id, position=receipt.position)


@agreement.command("list")
@click.option("--year", type=whole(2000, 2100), help="Only this budget year.")
@format_option
def list_command(year: int | None) -> None:
    """List the agreements in the ledger.

    \b
    Example:
      aqb agreement list --year 2024 --format csv
      aqb agreement list --format csv-de --output agreements.csv
    """
    s = session()
    rows = [_summary(a) for a in s.ledger().agreements() if year is None or a.year == year]
    emit_table(rows, ["agreement", "year", "party", "name", "amount", "projects", "deviations",
                      "in_force_since"], s.fmt, title="Agreements", numeric=["amount"],
               caption=f"{len(rows)} agreements", locale=s.locale, output=s.output)


def _summary(a: Agreement) -> dict[str, Any]:
    return {"agreement": a.id, "year": a.year, "party": a.party_ags, "name": a.party_name,
            "amount": a.total, "projects": len(a.projects), "deviations": len(a.deviations),
            "in_force_since": a.entered_into_force, "content_version": a.content_version,
            "version_in_force_since": a.in_force_since}


@agreement.command("show")
@click.argument("agreement_id", metavar="AGREEMENT_ID")
@format_option
def show(agreement_id: str) -> None:
    """Show an agreement as it stands now: §4 lines, projects, deviations and signatures. A
    project that an amendment's §5 no longer lists stays, with its money, and shows the version
    that dropped it (dropped_in_version).

    \b
    Example:
      aqb agreement show AQB-2024-06532
      aqb agreement show AQB-2024-06532 --format xlsx --output AQB-2024-06532.xlsx
    """
    s = session()
    agg = s.ledger().agreement(agreement_id)
    emit_object(details(agg), s.fmt, lambda obj: _render(obj, s.locale), title=f"Agreement {agg.id}",
                locale=s.locale, output=s.output)


def details(a: Agreement) -> dict[str, Any]:
    return {
        **_summary(a), "ministry": a.ministry_name, "version": a.version,
        "lines": [{"budget": ln.budget, "amount": ln.amount, "as_written": ln.raw} for ln in a.lines],
        "unallocated": a.unallocated,
        "projects": [{"id": p.project_id, "name": p.name, "category": p.category, "planned": p.planned,
                      "places": p.places, "moved_in": p.moved_in, "moved_out": p.moved_out,
                      "current": p.current, "entries": p.entries, "exits": p.exits, "dropped_in_version": p.dropped_in}
                     for p in a.projects.values()],
        "deviations": [{"id": d.deviation_id, "kind": d.kind, "scope": d.scope, "ref": d.scope_ref,
                        "cause": d.cause, "reported_by": str(d.reported_by),
                        "decision": d.decision.decision if d.decision else None,
                        "decided_by": str(d.decision.actor) if d.decision else None}
                       for d in a.deviations.values()],
        "signatures": [{"version": content, "party": g.party, "signatory": g.signatory, "function": g.function,
                        "place": g.place, "signed_on": g.signed_on}
                       for (content, _), g in a.signatures.items()],
        "clauses": list(a.clauses),
        "signed_document_sha256": a.signed_document_sha256,
        "publications": [_publication(a, p) for p in a.publications],
    }


def _publication(a: Agreement, p: PublicationState) -> dict[str, Any]:
    signed = a.signed_document_sha256
    return {"url": p.url, "published_on": p.published_on, "sha256": p.sha256,
            "equals_signed_document": None if signed is None or p.sha256 is None else p.sha256 == signed}


def _version_line(obj: dict[str, Any], locale: Locale) -> str:
    if obj["content_version"] == 1:
        return ""
    since = text(obj["version_in_force_since"], locale) or "not yet signed by both"
    return f" · amended: version {obj['content_version']} in force since {since}"


def _render(obj: dict[str, Any], locale: Locale) -> None:
    out = console()
    out.print(markup_safe(f"{obj['agreement']}  {obj['name']} {obj['year']} · {obj['ministry']}"), style="bold")
    out.print(markup_safe(f"§4 {text(obj['amount'], locale)} EUR · unallocated {text(obj['unallocated'], locale)} "
                          f"EUR · in force since {text(obj['in_force_since'], locale) or '(not both signed)'}"
                          + _version_line(obj, locale)))
    for title, rows, columns in (
        ("Projects (§5)", obj["projects"],
         ["id", "name", "category", "planned", "moved_in", "moved_out", "current", "places", "entries", "exits"]
         + (["dropped_in_version"] if any(p["dropped_in_version"] for p in obj["projects"]) else [])),
        ("Deviations", obj["deviations"], ["id", "kind", "scope", "ref", "decision", "decided_by", "cause"]),
        ("Signatures", obj["signatures"], ["version", "party", "signatory", "function", "place", "signed_on"]),
        ("Publications (§7): is the published file the signed document?", obj["publications"],
         ["published_on", "url", "sha256", "equals_signed_document"]),
    ):
        emit_table(rows, columns, "table", title=title, numeric=NUMERIC, locale=locale)


NUMERIC = ("planned", "moved_in", "moved_out", "current", "places", "entries", "exits")


COMMANDS = [agreement]
