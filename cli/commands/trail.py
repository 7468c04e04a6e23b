"""`aqb trail ID`: the chronological audit trail of an agreement or grant."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import click

from cli import dossiers
from cli.describe import describe, label
from cli.formats import DOSSIER
from cli.output.files import DOCUMENTS
from cli.params import DATE
from cli.render import cell, emit_table
from cli.session import format_option, session
from ledger.domain.base import CorrectionEvent
from ledger.domain.entry import Entry
from ledger.domain.values import Envelope
from ledger.lateness import Lateness, lag_days
from projections.audit import amount_of

COLUMNS = ["position", "recorded", "effective", "lag_days", "late", "stream", "entry", "event", "actor", "login",
           "declared", "mandate", "reason", "amount", "document", "details", "chain", "corrects", "corrected_by",
           "facts"]
MONEY_FIELDS = {"amount", "planned_amount", "amount_requested", "income", "expenses", "refund_due"}
ENVELOPE_FIELDS = {"originator_id", "originator_version", "timestamp", "envelope", "originator_topic"}


@click.command()
@click.argument("stream_id", metavar="ID")
@click.option("--type", "event_type", metavar="T", help="Only events whose name contains T, e.g. deviation.")
@click.option("--actor", "actor_filter", metavar="A", help="Only events by this actor (LOGIN, LOGIN@ORG or an ORG).")
@click.option("--from", "--since", "since", type=DATE, help="Only events recorded on or after this date "
              "[alias --since].")
@click.option("--to", "--until", "until", type=DATE, help="Only events recorded on or before this date "
              "[alias --until].")
@click.option("--money", is_flag=True, help="Only events that state money (every stage from announcement to "
              "refund) and corrections of money fields.")
@click.option("--late", "only_late", is_flag=True, help="Only late entries: recorded more than AQB_LATE_DAYS "
              "days (default 10) after their effective date.")
@format_option(formats=DOSSIER)
def trail(stream_id: str, event_type: str | None, actor_filter: str | None, since: date | None,
          until: date | None, money: bool, only_late: bool) -> None:
    """The audit trail of an agreement (with its grants and source documents) or of one grant:
    position, recorded time (UTC), effective date, event, actor, reason, amounts, document. An
    entry recorded more than AQB_LATE_DAYS days (default 10) after its effective date is marked
    late (⏱), with the days in between.

    \b
    Example:
      aqb trail AQB-2024-06532
      aqb trail AQB-2024-06532 --type deviation --from 2024-09-01 --format csv
      aqb trail AQB-2024-06532 --money --format xlsx --output money-06532.xlsx
      aqb trail AQB-2024-06532 --late
      aqb trail AQB-2024-06532 --format html --output trail-06532.html
    """
    s = session()
    ledger = s.ledger()
    lateness = Lateness.configured()
    entries = [e for e in ledger.trail(stream_id)
               if _matches(e, event_type, actor_filter, since, until) and (not money or _states_money(e))
               and (not only_late or lateness.late(e))]
    caption = f"{len(entries)} events; ledger head at position {ledger.reads.head():,}; times in UTC"
    links = ledger.reads.links([e.position for e in entries])
    if s.fmt in DOCUMENTS:
        rows = trail_rows(entries, links)
        dossiers.write(dossiers.trail_document(ledger, entries, for_people(rows), PEOPLE_NUMERIC, stream_id.strip(),
                                               caption, s.actor), s.fmt, locale=s.locale, output=s.output)
        return
    show_trail(entries, s.fmt, f"Audit trail of {stream_id.strip()}", caption, links,
               authenticated=ledger.authenticated, locale=s.locale, output=s.output)


def show_trail(entries: list[Entry], fmt: str, title: str, caption: str,
               links: Mapping[int, bytes] | None = None, *, authenticated: bool = False,
               locale: str | None = None, output: Path | None = None) -> None:
    """All columns for scripts; for people, the facts folded into fewer, wider columns. A
    corrected event stays in the trail with a marker; its correction names it."""
    rows = trail_rows(entries, links or {})
    late = sum(1 for r in rows if r["late"])
    caption += f"; {late} late (recorded more than {Lateness.configured().days} days after the effective date: ⏱)"
    caption += "; logins authenticated by PostgreSQL" if authenticated else \
        "; actors declared, not authenticated (embedded SQLite ledger)"
    if fmt != "table":
        emit_table(rows, COLUMNS, fmt, title=title, caption=caption, locale=locale, output=output)
        return
    people = for_people(rows)
    emit_table(people, list(people[0]) if people else ["pos"], fmt, title=title, caption=caption,
               numeric=PEOPLE_NUMERIC, locale=locale)


PEOPLE_NUMERIC = ("pos", "amount (EUR)")


def trail_rows(entries: list[Entry], links: Mapping[int, bytes]) -> list[dict[str, Any]]:
    """Every column of the trail, with the chain, correction and late marks."""
    rows = [row(e) for e in entries]
    mark_chain_and_corrections(rows, entries, links)
    lateness = Lateness.configured()
    for r, e in zip(rows, entries, strict=True):
        r["lag_days"], r["late"] = lag_days(e), lateness.late(e)
    return rows


def for_people(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The trail's facts folded into the columns people read."""
    return [{"pos": r["position"], "recorded (UTC)": r["recorded"], "effective": r["effective"],
             "event": f"{r['event']}\n{_short(r['stream'])} #{r['entry']}{_marks(r)}",
             "actor": who(r) + (f"\nunder {r['mandate']}" if r["mandate"] else ""),
             "amount (EUR)": _amount_shown(r), "what and why": _what(r)} for r in rows]


def _amount_shown(r: dict[str, Any]) -> Any:
    """The amount, or for an event that states several (a proof of use) each with its name."""
    amounts = r.get("amounts") or {}
    return "; ".join(f"{k} {cell(v)}" for k, v in amounts.items()) if len(amounts) > 1 else r["amount"]


def mark_chain_and_corrections(rows: list[dict[str, Any]], entries: list[Entry],
                               links: Mapping[int, bytes]) -> None:
    """Chain link (short) per row; `corrects` on a correction, `corrected_by` on what it corrects."""
    where = {(e.event.originator_id, e.event.originator_version): e.position for e in entries}
    fixes: dict[int, list[int]] = {}
    for r, e in zip(rows, entries, strict=True):
        r["chain"] = links[e.position].hex()[:12] if e.position in links else None
        if isinstance(e.event, CorrectionEvent):
            r["corrects"] = f"{e.event.originator_id}#{e.event.corrects_version}"
            target = where.get((e.event.originator_id, e.event.corrects_version))
            if target is not None:
                fixes.setdefault(target, []).append(e.position)
    for r in rows:
        r["corrected_by"] = ", ".join(str(p) for p in fixes.get(r["position"], [])) or None


def who(r: dict[str, Any]) -> str:
    """The actor, and how we know: an authenticated login, a login recording for someone, or declared."""
    if r["declared"]:
        return f"{r['actor']} (declared)"
    if r["login"] != r["actor"].partition("@")[0]:
        return f"{r['actor']} via login {r['login']}"
    return str(r["actor"])


def _marks(r: dict[str, Any]) -> str:
    marks = [f"⏱ late: recorded {r['lag_days']} days after" if r.get("late") else "",
             f"⛓ {r['chain']}" if r.get("chain") else "",
             f"✎ corrects {r['corrects']}" if r.get("corrects") else "",
             f"⚑ CORRECTED by pos {r['corrected_by']}" if r.get("corrected_by") else ""]
    return "".join(f"\n{m}" for m in marks if m)


def _short(text: str) -> str:
    """Long hashes shortened for people: DOC-7844153a4d1d…"""
    return re.sub(r"\b([0-9a-f]{12})[0-9a-f]{52}\b", r"\1…", text)


def _what(r: dict[str, Any]) -> str:
    parts = [r["details"], f"reason: {r['reason']}" if r["reason"] else "",
             f"document: {_short(r['document'])}" if r["document"] else ""]
    return "\n".join(p for p in parts if p)


def row(entry: Entry) -> dict[str, Any]:
    event = entry.event
    envelope: Envelope = event.envelope
    amounts = event.amounts()
    return {
        "position": entry.position, "recorded": entry.recorded_at, "effective": envelope.effective,
        "stream": event.originator_id, "entry": event.originator_version, "event": label(event),
        "actor": str(envelope.actor), "login": entry.recorded_by or envelope.login, "declared": envelope.declared,
        "mandate": envelope.mandate, "reason": envelope.reason,
        "amount": amount_of(event), "amounts": amounts,  # the one amount an index keeps; every amount stated
        "document": _document(envelope), "details": describe(event),
        "facts": {k: v for k, v in vars(event).items() if k not in ENVELOPE_FIELDS},
    }


def _states_money(e: Entry) -> bool:
    event = e.event
    if isinstance(event, CorrectionEvent):
        return any(c.field in MONEY_FIELDS for c in event.changes)
    return bool(event.amounts())


def _document(envelope: Envelope) -> str | None:
    doc = envelope.document
    if doc is None:
        return None
    return doc.reference + (f" sha256:{doc.sha256}" if doc.sha256 else "")


def _matches(e: Entry, event_type: str | None, actor: str | None, since: date | None, until: date | None) -> bool:
    event, recorded_on = e.event, e.recorded_at.date()
    if event_type:
        wanted = event_type.lower().replace("-", "").replace("_", "").replace(" ", "")
        names = (type(event).__name__.lower(), label(event).replace(" ", ""))
        if not any(wanted in n for n in names):
            return False
    if actor:
        who = event.envelope.actor
        if actor.strip().lower() not in (str(who).lower(), who.user.lower(), who.organisation.lower()):
            return False
    return (since is None or recorded_on >= since) and (until is None or recorded_on <= until)


COMMANDS = [trail]
