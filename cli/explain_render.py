"""Rendering the dossier of a judgement: a rich report, JSON, Markdown, a spreadsheet (the
indicator check), or an HTML/PDF dossier."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.panel import Panel

from cli import dossiers
from cli.describe import describe, label
from cli.output.document import Chart, Document, Header
from cli.output.locale import Locale, resolve, text
from cli.output.neutral import json_text, markup_safe
from cli.render import console, emit_table, emit_text, plain
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


INDICATOR_COLUMNS = ["scope", "ref", "metric", "planned", "actual"]
NUMERIC = ("planned", "current", "places", "position")


def render_dossier(d: Dossier, fmt: str, *, locale: str | None = None, output: Path | None = None,
                   head: Header | None = None) -> None:
    """The judgement in a format; html and pdf need the dossier's `head` (see cli.dossiers.header)."""
    data = dossier_dict(d)
    if fmt == "json":
        emit_text(json_text(plain(data)) + "\n", output)
    elif fmt == "markdown":
        emit_text(markdown(data, resolve(locale)) + "\n", output)
    elif fmt in ("csv", "csv-de", "xlsx"):
        emit_table(data["indicators"], INDICATOR_COLUMNS, fmt, title=f"Indicators of {data['agreement']}",
                   caption="recorded with the assessment", locale=locale, output=output)
    elif fmt in ("html", "pdf"):
        assert head is not None
        dossiers.write(explain_document(d, data, head), fmt, locale=locale, output=output)
    else:
        _rich(data, resolve(locale))


def _rich(data: dict[str, Any], locale: Locale) -> None:
    out, a = console(), data["assessment"]
    out.print(Panel(f"[bold]{markup_safe(a['verdict'])}[/bold] — {markup_safe(a['rationale'])}\n"
                    f"assessed by {markup_safe(a['assessor'])}"
                    + (f" (login {markup_safe(a['login'])})" if a["login"] else " (declared)")
                    + (f" under mandate {markup_safe(a['mandate'])}" if a["mandate"] else "")
                    + f" at position {a['position']} ({text(a['recorded'], locale)} UTC); signed off by "
                    f"{markup_safe(a['signed_off_by']) if a['signed_off_by'] else '[red]nobody yet[/red]'}"
                    + (f" on {text(a['signed_off_on'], locale)}" if a["signed_off_on"] else "")
                    + f"\nmade on {text(a['made_on'], locale)}, due {text(a['due'], locale)}: "
                    + ("[green]on time[/green]" if a["on_time"] else "[red]after the deadline (late)[/red]")
                    + (f"\n[yellow]superseded by {a['superseded_by']}[/yellow]" if a["superseded_by"] else ""),
                    title=f"{data['agreement']} · {markup_safe(data['party'])} {data['year']} · assessment {a['id']}"))
    ev = data["evidence"]
    out.print(f"[bold]What the assessor knew[/bold]: the ledger as of position {ev['position']} "
              f"(chain hash {(ev['chain_hash'] or '')[:16]}…)")
    out.print(markup_safe(_budget_line(data["budget"], locale)))
    for title, rows, columns in _sections(data):
        emit_table(rows, columns, "table", title=title, numeric=NUMERIC, locale=locale)
    c = data["checks"]
    mark = "[green]✔[/green]" if c["indicators_match"] else "[red]✘[/red]"
    out.print(f"{mark} recorded indicators {'equal' if c['indicators_match'] else 'DIFFER FROM'} "
              f"a recomputation from the replay ({len(data['indicators'])} indicators)")
    for diff in c["indicator_differences"]:
        out.print(markup_safe(f"   recorded {diff['recorded']} · recomputed {diff['recomputed']}"))
    out.print(f"{'[green]✔[/green]' if c['chain_ok'] else '[red]✘[/red]'} {markup_safe(c['chain'])}")


def _budget_line(b: dict[str, Any], locale: Locale) -> str:
    lines = ", ".join(f"{ln['budget'].value} {text(ln['amount'], locale)}" for ln in b["lines"])
    return (f"§4 {lines} EUR · requested {text(b['requested'], locale)} · granted {text(b['granted'], locale)} · "
            f"disbursed {text(b['disbursed'], locale)} · proven {text(b['proven'], locale) or '(no reviewed proof)'} · "
            f"unallocated {text(b['unallocated'], locale)}")


def _sections(data: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]], list[str]]]:
    after = data["evidence"]["position"]
    return [
        ("§5 projects", data["projects"], ["id", "name", "category", "planned", "current", "places"]),
        ("Deviations and how the judgement took them into account", data["deviations"],
         ["id", "kind", "effective", "decision", "decided_by", "treatment", "cause"]),
        ("Autumn implementation meeting", data["meetings"],
         ["held_on", "participants", "deviations_discussed", "agreed_actions"]),
        (f"Late entries the assessor saw (recorded long after their effective date, up to position {after})",
         data["late_in_evidence"], ["position", "recorded", "effective", "late", "event", "actor", "details"]),
        (f"Arrived after position {after} — not known to the assessor", data["arrived_after"],
         ["position", "recorded", "effective", "late", "event", "actor", "details"]),
    ]


def explain_document(d: Dossier, data: dict[str, Any], head: Header) -> Document:
    """The judgement as a dossier: the verdict, what the assessor knew (the money through its
    stages as a picture), what arrived later, and the checks."""
    a, ev, c = data["assessment"], data["evidence"], data["checks"]
    verdict = dossiers.key_values("Judgement", [
        ("agreement", data["agreement"]), ("party", data["party"]), ("year", data["year"]),
        ("assessment", a["id"]), ("verdict", a["verdict"]), ("rationale", a["rationale"]),
        ("assessed by", a["assessor"]), ("login", a["login"] or "(declared)"), ("mandate", a["mandate"]),
        ("recorded", a["recorded"]), ("at position", a["position"]),
        ("made on", a["made_on"]), ("due", a["due"]), ("on time", a["on_time"]),
        ("signed off by", a["signed_off_by"] or "nobody yet"), ("signed off on", a["signed_off_on"]),
        ("superseded by", a["superseded_by"])])
    knew = dossiers.key_values("What the assessor knew", [("the ledger as of position", ev["position"]),
                                                          ("chain link there", ev["chain_hash"])])
    money = figures.stages(d.before.known, d.before.grants).as_dict()
    stages = Chart(f"Money through its stages at position {ev['position']} (EUR)", dossiers.money_stages(money),
                   caption=dossiers.STAGES_CAPTION)
    named: list[tuple[str, Any, list[str], tuple[str, ...]]] = [
        (title, rows, columns, NUMERIC) for title, rows, columns in _sections(data)]
    named.append(("Indicators recorded with the assessment", data["indicators"], INDICATOR_COLUMNS, ()))
    checks = dossiers.key_values("Checks", [
        ("indicators recomputed from the replay", "equal" if c["indicators_match"] else "DIFFERENT"),
        ("chain up to the evidence", c["chain"])])
    return dossiers.document(f"Judgement {a['id']} on {data['agreement']}", head,
                             [verdict, knew, stages, *dossiers.tables(named), checks])


def markdown(data: dict[str, Any], locale: Locale = "en") -> str:
    """The dossier as Markdown: what the table shows (the same sections), for files kept with the case."""
    a, ev, c = data["assessment"], data["evidence"], data["checks"]
    lines = [f"# Judgement {a['id']} on {data['agreement']} ({data['party']} {data['year']})", "",
             f"- **Verdict:** {a['verdict']}", f"- **Rationale:** {a['rationale']}",
             f"- **Assessed by** {a['assessor']}" + (f" (login {a['login']})" if a["login"] else " (declared)")
             + (f" under mandate {a['mandate']}" if a["mandate"] else "")
             + f" at position {a['position']} ({text(a['recorded'], locale)} UTC)",
             f"- **Signed off by** {a['signed_off_by'] or 'nobody yet'}"
             + (f" on {text(a['signed_off_on'], locale)}" if a["signed_off_on"] else ""),
             f"- **Made on** {text(a['made_on'], locale)}, due {text(a['due'], locale)}: "
             + ("on time" if a["on_time"] else "after the deadline (late)"),
             *([f"- **Superseded by** {a['superseded_by']}"] if a["superseded_by"] else []),
             f"- **Evidence:** the ledger as of position {ev['position']}, chain hash `{ev['chain_hash']}`",
             f"- **Budget then:** {_budget_line(data['budget'], locale)}", ""]
    for title, rows, columns in _sections(data):
        lines += _md_table(title, rows, columns, locale)
    lines += _md_table("Indicators recorded with the assessment", data["indicators"], INDICATOR_COLUMNS, locale)
    verdict = "equal" if c["indicators_match"] else "DIFFERENT"
    lines += ["## Checks", "", f"- Indicators recomputed from the replay: {verdict}", f"- Chain: {c['chain']}", ""]
    return "\n".join(lines)


def _md_table(title: str, rows: list[dict[str, Any]], columns: list[str], locale: Locale) -> list[str]:
    out = [f"## {title}", "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(_md_cell(r[c], locale) for c in columns) + " |" for r in rows]
    return [*out, ""] if rows else [f"## {title}", "", "(none)", ""]


def _md_cell(value: Any, locale: Locale) -> str:
    return text(value, locale).replace("|", "\\|").replace("\n", "<br>")
