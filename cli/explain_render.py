"""Rendering the dossier of a judgement: a rich report, JSON, Markdown (CSV: the indicator check)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import click
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from cli.describe import describe, label
from cli.render import cell, console, emit_table, plain
from ledger.app.explain import Dossier
from ledger.domain import calendar, figures
from ledger.lateness import Lateness

ZERO = Decimal("0.00")


def dossier_dict(d: Dossier) -> dict[str, Any]:
    a, past = d.assessment, d.before.known
    treatments = {t.deviation_id: t for t in a.treatments}
    grants = d.before.grants
    money = figures.stages(past, grants)
    lateness = Lateness.configured()
    return {
        "agreement": d.agreement_id, "party": past.party_name, "year": past.year,
        "assessment": {"id": a.assessment_id, "verdict": a.verdict.value, "rationale": a.rationale,
                       "assessor": str(a.envelope.actor), "login": a.envelope.login, "mandate": a.envelope.mandate,
                       "recorded": a.timestamp, "position": d.assessment_position,
                       "made_on": a.envelope.effective, "due": calendar.judgement_deadline(past.year),
                       "on_time": a.envelope.effective <= calendar.judgement_deadline(past.year),
                       "supersedes": a.supersedes, "superseded_by": d.superseded_by,
                       "signed_off_by": str(d.sign_off.event.envelope.actor) if d.sign_off else None,
                       "signed_off": d.sign_off.event.timestamp if d.sign_off else None,
                       "signed_off_on": d.sign_off.event.envelope.effective if d.sign_off else None},
        "evidence": {"position": a.evidence_position, "chain_hash": a.evidence_hash},
        "budget": {"lines": [{"budget": ln.budget, "amount": ln.amount} for ln in past.lines],
                   "announced": {b.value: v for b, v in past.announced.items()},
                   **{stage: getattr(money, stage) for stage in ("requested", "granted", "disbursed", "proven")},
                   "unallocated": past.unallocated},
        "projects": [{"id": p.project_id, "name": p.name, "category": p.category, "planned": p.planned,
                      "current": p.current, "places": p.places} for p in past.projects.values()],
        "deviations": [{"id": dv.deviation_id, "kind": dv.kind, "cause": dv.cause, "effective": dv.effective,
                        "decision": dv.decision.decision if dv.decision else None,
                        "decided_by": str(dv.decision.actor) if dv.decision else None,
                        "treatment": treatments[dv.deviation_id].treatment if dv.deviation_id in treatments else None}
                       for dv in past.deviations.values()],
        "meetings": [{"held_on": m.held_on, "participants": list(m.participants),
                      "deviations_discussed": list(m.deviations_discussed), "agreed_actions": list(m.agreed_actions)}
                     for m in past.meetings],
        "arrived_after": [{"position": e.position, "recorded": e.recorded_at,
                           "effective": e.event.envelope.effective, "late": lateness.mark(e), "event": label(e.event),
                           "actor": str(e.event.envelope.actor), "details": describe(e.event)} for e in d.after],
        "late_in_evidence": [{"position": e.position, "recorded": e.recorded_at,
                              "effective": e.event.envelope.effective, "late": lateness.mark(e),
                              "event": label(e.event), "actor": str(e.event.envelope.actor),
                              "details": describe(e.event)} for e in d.before.entries if lateness.late(e)],
        "checks": {"indicators_match": d.indicators_match,
                   "indicator_differences": [{"recorded": r, "recomputed": c} for r, c in d.indicator_differences()],
                   "chain_ok": d.chain_ok, "chain": d.chain_detail},
        "indicators": [{"scope": i.scope, "ref": i.ref, "metric": i.metric, "planned": i.planned, "actual": i.actual}
                       for i in a.indicators],
    }


def render_dossier(d: Dossier, fmt: str) -> None:
    data = dossier_dict(d)
    if fmt == "json":
        click.echo(json.dumps(plain(data), indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(markdown(data))
    elif fmt == "csv":
        emit_table(data["indicators"], ["scope", "ref", "metric", "planned", "actual"], "csv")
    else:
        _rich(data)


def _rich(data: dict[str, Any]) -> None:
    out, a = console(), data["assessment"]
    out.print(Panel(f"[bold]{escape(a['verdict'])}[/bold] — {escape(a['rationale'])}\n"
                    f"assessed by {escape(a['assessor'])}"
                    + (f" (login {escape(a['login'])})" if a["login"] else " (declared)")
                    + (f" under mandate {escape(a['mandate'])}" if a["mandate"] else "")
                    + f" at position {a['position']} ({cell(a['recorded'])} UTC); "
                    f"signed off by {a['signed_off_by'] or '[red]nobody yet[/red]'}"
                    + (f" on {a['signed_off_on']}" if a["signed_off_on"] else "")
                    + f"\nmade on {a['made_on']}, due {a['due']}: "
                    + ("[green]on time[/green]" if a["on_time"] else "[red]after the deadline (late)[/red]")
                    + (f"\n[yellow]superseded by {a['superseded_by']}[/yellow]" if a["superseded_by"] else ""),
                    title=f"{data['agreement']} · {escape(data['party'])} {data['year']} · assessment {a['id']}"))
    ev = data["evidence"]
    out.print(f"[bold]What the assessor knew[/bold]: the ledger as of position {ev['position']} "
              f"(chain hash {(ev['chain_hash'] or '')[:16]}…)")
    b = data["budget"]
    lines = ", ".join(f"{ln['budget'].value} {cell(ln['amount'])}" for ln in b["lines"])
    out.print(f"§4 {lines} EUR · requested "
              f"{cell(b['requested'])} · granted {cell(b['granted'])} · disbursed {cell(b['disbursed'])} · "
              f"proven {cell(b['proven'])} · unallocated {cell(b['unallocated'])}")
    _table(out, "§5 projects", data["projects"], ["id", "name", "category", "planned", "current", "places"])
    _table(out, "Deviations and how the judgement took them into account", data["deviations"],
           ["id", "kind", "effective", "decision", "decided_by", "treatment", "cause"])
    _table(out, "Autumn implementation meeting", data["meetings"],
           ["held_on", "participants", "deviations_discussed", "agreed_actions"])
    _table(out, f"Late entries the assessor saw (recorded long after their effective date, up to position "
           f"{ev['position']})", data["late_in_evidence"], ["position", "recorded", "effective", "late", "event",
                                                           "actor", "details"])
    _table(out, f"Arrived after position {ev['position']} — not known to the assessor", data["arrived_after"],
           ["position", "recorded", "effective", "late", "event", "actor", "details"])
    c = data["checks"]
    mark = "[green]✔[/green]" if c["indicators_match"] else "[red]✘[/red]"
    out.print(f"{mark} recorded indicators {'equal' if c['indicators_match'] else 'DIFFER FROM'} "
              f"a recomputation from the replay ({len(data['indicators'])} indicators)")
    for diff in c["indicator_differences"]:
        out.print(f"   recorded {diff['recorded']} · recomputed {diff['recomputed']}")
    out.print(f"{'[green]✔[/green]' if c['chain_ok'] else '[red]✘[/red]'} {escape(c['chain'])}")


def _table(out: Any, title: str, rows: list[dict[str, Any]], columns: list[str]) -> None:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column.replace("_", " "))
    for row in rows:
        table.add_row(*(escape(cell(row[c])) for c in columns))
    if not rows:
        table.add_row(*(["(none)"] + [""] * (len(columns) - 1)))
    out.print(table)


def markdown(data: dict[str, Any]) -> str:
    a, ev, c = data["assessment"], data["evidence"], data["checks"]
    lines = [f"# Judgement {a['id']} on {data['agreement']} ({data['party']} {data['year']})", "",
             f"- **Verdict:** {a['verdict']}", f"- **Rationale:** {a['rationale']}",
             f"- **Assessed by** {a['assessor']}" + (f" (login {a['login']})" if a["login"] else " (declared)")
             + (f" under mandate {a['mandate']}" if a["mandate"] else "")
             + f" at position {a['position']} ({cell(a['recorded'])} UTC)",
             f"- **Signed off by** {a['signed_off_by'] or 'nobody yet'}"
             + (f" on {a['signed_off_on']}" if a["signed_off_on"] else ""),
             f"- **Made on** {a['made_on']}, due {a['due']}: "
             + ("on time" if a["on_time"] else "after the deadline (late)"),
             f"- **Evidence:** the ledger as of position {ev['position']}, chain hash `{ev['chain_hash']}`", ""]
    lines += _md_table("§5 projects", data["projects"], ["id", "name", "category", "planned", "current", "places"])
    lines += _md_table("Deviations", data["deviations"], ["id", "kind", "decision", "decided_by", "treatment", "cause"])
    lines += _md_table("Autumn implementation meeting", data["meetings"], ["held_on", "participants", "agreed_actions"])
    lines += _md_table("Late entries the assessor saw", data["late_in_evidence"],
                       ["position", "effective", "late", "event", "actor", "details"])
    lines += _md_table(f"Arrived after position {ev['position']}", data["arrived_after"],
                       ["position", "effective", "late", "event", "actor", "details"])
    verdict = "equal" if c["indicators_match"] else "DIFFERENT"
    lines += ["## Checks", "", f"- Indicators recomputed from the replay: {verdict}", f"- Chain: {c['chain']}", ""]
    return "\n".join(lines)


def _md_table(title: str, rows: list[dict[str, Any]], columns: list[str]) -> list[str]:
    out = [f"## {title}", "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(cell(r[c]).replace("|", "\\|") for c in columns) + " |" for r in rows]
    return [*out, ""] if rows else [f"## {title}", "", "(none)", ""]
