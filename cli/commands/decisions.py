"""`aqb decisions ID`: every deviation and reallocation, decided by whom, on what document,
before or after money moved."""

from __future__ import annotations

from dataclasses import asdict

import click

from cli.render import emit_table
from cli.session import format_option, session
from ledger.decisions import decision_rows


@click.command()
@click.argument("agreement_id", metavar="AGREEMENT_ID")
@format_option
def decisions(agreement_id: str) -> None:
    """Each deviation and reallocation of an agreement: when it was reported, its decision (or
    UNDECIDED), who decided on what document, the money that moved, and whether the decision came
    before or after the money moved. Dates are effective dates; #n are ledger positions.

    \b
    Example:
      aqb decisions AQB-2024-06532
    """
    s = session()
    ledger = s.ledger()
    ledger.agreement(agreement_id)
    rows = [asdict(r) for r in decision_rows(ledger.entries([agreement_id.strip()]))]
    emit_table(rows, ["item", "what", "reported", "decision", "decided_by", "document", "money_moved", "order"],
               s.fmt, title=f"Decisions on {agreement_id.strip()}", caption="dates are effective dates; #n positions",
               locale=s.locale, output=s.output)


COMMANDS = [decisions]
