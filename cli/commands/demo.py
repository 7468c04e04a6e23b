"""`aqb demo`: a realistic year of the seed agreement, in a fresh ledger."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timedelta
from pathlib import Path

import click

from cli.commands.principal import show_principals
from cli.commands.report import long_rows
from cli.commands.status import show_status
from cli.commands.trail import show_trail
from cli.explain_render import render_dossier
from cli.render import console, emit_table
from cli.session import format_option, session
from ledger.application import Ledger, migrate, open_ledger
from ledger.compliance import obligations
from ledger.decisions import decision_rows
from ledger.demo import Team, assemble, play_year
from ledger.domain.clocks import Clock
from ledger.domain.dates import today
from ledger.domain.errors import LedgerNotEmptyError
from ledger.integrity import anchoring, anchors
from ledger.lateness import Lateness
from ledger.persistence.config import Database, database_from_url, default_sqlite_path
from projections.queries import status_now
from projections.sync import catch_up

REPORT_DAY = date(2025, 4, 1)  # after the judgement's deadline, before the first proof of use is due


@click.command()
@format_option
def demo() -> None:
    """Import the real seed agreement (Lahn-Dill-Kreis 2024) into a fresh ledger and play a
    realistic year around it, including the §6 judgement with a sign-off and a late correction;
    then print the audit trail, the budget status, the judgement explained, the compliance report
    (and the same under the two clocks), the decisions in both orders, the late entries, and the
    chain verified and anchored (a new key and the anchor file are written beside the ledger). With
    another --format than table, only the trail is written.

    Without --database (or AQB_DATABASE_URL) the demo writes its own new SQLite file; a database
    that is given must be empty: the demo never writes into a ledger that holds events.

    \b
    Example:
      aqb demo
      aqb --database postgresql://postgres@127.0.0.1:5432/aqb_demo demo
    """
    s = session()
    url = s.url or _new_demo_url()
    database = database_from_url(url)
    if database.backend == "sqlite" and Path(database.sqlite_path).exists():
        open_ledger(url).close()  # an existing file must be a ledger (and is checked for events below)
    migrate(database)
    ledger = open_ledger(url, create=True)
    team: Team | None = None
    try:
        if ledger.reads.head() > 0:
            raise LedgerNotEmptyError(
                f"the ledger at {database.describe()} already holds events",
                "give an empty database, or leave out --database to get a new SQLite file",
            )
        team = assemble(ledger)
        agreement_id = play_year(team)
        catch_up(ledger)  # the views, as a projector following live keeps them
        entries = ledger.entries(ledger.trail_ids(agreement_id))
        show_trail(entries, s.fmt, f"Audit trail of {agreement_id}", f"{len(entries)} events; times in UTC",
                   ledger.reads.links([e.position for e in entries]), authenticated=ledger.authenticated,
                   locale=s.locale, output=s.output)
        if s.fmt == "table":
            _epilogue(ledger, agreement_id, url, s.locale)
    finally:
        if team is not None:
            team.close(keep=ledger)
        ledger.close()


def _epilogue(ledger: Ledger, agreement_id: str, url: str, locale: str) -> None:
    """After the trail: the principals, the budget status, the judgement explained, the compliance
    report, the chain verified and anchored with a fresh key, and how to go on."""
    out = console()
    out.rule("aqb principal list")
    show_principals(ledger, locale=locale)
    out.rule("aqb status " + agreement_id)
    show_status(status_now(ledger, agreement_id), "now, computed from the events", locale)
    out.rule("aqb explain " + agreement_id)
    render_dossier(ledger.explain(agreement_id), "table", locale=locale)
    out.rule(f"aqb report compliance --year 2024 --party 06532 --on {REPORT_DAY}")
    report = ledger.compliance(agreement_id, Clock(on=REPORT_DAY), four_eyes=True)
    emit_table(long_rows([report]), ["obligation", "status", "detail", "positions"], "table",
               title=f"Compliance of {agreement_id}", caption=f"judged on {REPORT_DAY}; PENDING = not yet due",
               locale=locale)
    _two_clocks(ledger, agreement_id)
    out.rule("aqb decisions " + agreement_id)
    emit_table([asdict(r) for r in decision_rows(*ledger.agreement_with_entries(agreement_id), Lateness.configured())],
               ["item", "decision", "decided", "recorded", "late", "order", "order_as_recorded"], "table",
               title=f"Decisions on {agreement_id}, by effective date and as recorded", locale=locale)
    late = ledger.late_entries(2024, Lateness.configured())
    out.print(f"aqb report late --year 2024: {late.late} of {late.entries} entries were recorded more than "
              f"{late.threshold} days after their effective date — this demo records a whole past year today, "
              "so all of them are; in a real ledger only what was entered late is.")
    out.rule("aqb verify · aqb anchor create")
    stem = _stem(ledger.db)
    key = stem.with_name(stem.name + ".anchor.key")
    public, _ = anchors.keygen(key)
    anchor = anchoring.create(ledger.db, anchors.load_private(key))
    anchor_file = stem.with_name(stem.name + ".anchor.json")
    anchor_file.write_text(anchor.to_json(), encoding="utf-8")
    out.print(f"Chain verified: {anchor.tree_size} events, head at position {anchor.position}, "
              f"link {anchor.head_hash[:16]}…\nAnchor signed and written to {anchor_file} "
              f"(public key {public})")
    out.print(f"\nDemo ledger: {ledger.db.describe()}\nExplore it with: "
              f"export AQB_DATABASE_URL='{url}'; aqb agreement show {agreement_id}")


def _two_clocks(ledger: Ledger, agreement_id: str) -> None:
    """The same obligations under three clocks: what had happened by two days, and what the ledger
    knew yesterday (nothing: the demo recorded it all today)."""
    yesterday = today() - timedelta(days=1)
    clocks = {"--on 2024-12-31": Clock(on=date(2024, 12, 31)), f"--on {REPORT_DAY}": Clock(on=REPORT_DAY),
              f"--on {REPORT_DAY} --as-known-on {yesterday}": Clock(on=REPORT_DAY, known_on=yesterday)}
    judged = {name: ledger.compliance(agreement_id, clock, four_eyes=True) for name, clock in clocks.items()}
    rows = []
    for obligation in obligations():
        row = {"obligation": obligation}
        for name, report in judged.items():
            row[name] = "no agreement" if report.checks is None else next(
                c.status.value for c in report.checks if c.obligation == obligation)
        rows.append(row)
    emit_table(rows, ["obligation", *clocks], "table", title="The two clocks: what had happened by a day, "
               "and what the ledger knew on a day", caption="the assessment of 2025-02-20 had not happened by "
               "2024-12-31; yesterday the ledger knew nothing of this year")


def _stem(database: Database) -> Path:
    if database.backend == "sqlite":
        return Path(database.sqlite_path).with_suffix("")
    return default_sqlite_path().with_name(f"demo-{datetime.now().strftime('%Y%m%d-%H%M%S')}")


def _new_demo_url() -> str:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    path = default_sqlite_path().with_name(f"demo-{stamp}.sqlite3")
    return f"sqlite://{path}"


COMMANDS = [demo]
