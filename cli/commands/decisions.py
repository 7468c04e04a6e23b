"""`aqb decisions ID`: every decision on a deviation and every reallocation, by whom, on what
document, before or after money moved — by effective dates and by recording."""

from __future__ import annotations

from dataclasses import asdict

import click

from cli.render import emit_table
from cli.session import format_option, session
from ledger.decisions import decision_rows
from ledger.lateness import Lateness

COLUMNS = ["item", "what", "reported", "decision", "conditions", "revision", "decided", "recorded", "position", "late",
           "decided_by", "document", "money_moved", "order", "order_as_recorded"]


@click.command()
@click.argument("agreement_id", metavar="AGREEMENT_ID")
@click.option("--by", type=click.Choice(["recorded", "effective"]), default="recorded", show_default=True,
              help="Order of the rows: as recorded (ledger positions) or by effective date.")
@format_option
def decisions(agreement_id: str, by: str) -> None:
    """Each decision on a deviation (every one: a revision never hides what it revised) and each
    reallocation: when it was reported, the decision, who decided on what document, the money that
    moved, and whether the decision came before or after the money moved — judged twice, by
    effective dates ("order") and by the order the ledger recorded them ("order_as_recorded").
    A decision recorded more than AQB_LATE_DAYS days (default 10) after its effective date is
    marked late. The table shows both orders; JSON and CSV give the rows in the order of --by.

    \b
    Example:
      aqb decisions AQB-2024-06532
      aqb decisions AQB-2024-06532 --by effective --format csv
    """
    s = session()
    ledger, agreement_id = s.ledger(), agreement_id.strip()
    (agreement, entries), lateness = ledger.agreement_with_entries(agreement_id), Lateness.configured()
    rows = [asdict(r) for r in decision_rows(agreement, entries, lateness, by=by)]
    caption = (f"order: by effective dates; order_as_recorded: by ledger positions; late: recorded more than "
               f"{lateness.days} days after the effective date")
    if s.fmt != "table":
        emit_table(rows, COLUMNS, s.fmt, title=f"Decisions on {agreement_id}", caption=caption, locale=s.locale,
                   output=s.output)
        return
    emit_table(rows, [c for c in COLUMNS if c not in ("what", "reported", "conditions")], "table",
               title=f"Decisions on {agreement_id}, as recorded", caption=caption, locale=s.locale)
    by_effective = [asdict(r) for r in decision_rows(agreement, entries, lateness, by="effective")]
    emit_table(by_effective, ["decided", "item", "decision", "revision", "recorded", "position", "late", "order"],
               "table", title="The same decisions by effective date", caption="what the documents say came first",
               locale=s.locale)


COMMANDS = [decisions]
