"""`aqb demo`: a realistic year of the seed agreement, in a fresh ledger."""

from __future__ import annotations

from datetime import datetime

import click

from cli.commands.trail import show_trail
from cli.render import console
from cli.session import format_option, session
from ledger.application import migrate, open_ledger
from ledger.demo import play_year
from ledger.domain.errors import LedgerNotEmptyError
from ledger.persistence.config import database_from_url, default_sqlite_path


@click.command()
@format_option
def demo() -> None:
    """Write the seed agreement (Lahn-Dill-Kreis 2024) and a realistic year around it into a fresh
    ledger, then print its audit trail.

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
    if database.backend == "postgresql":
        migrate(database)
    ledger = open_ledger(url)
    try:
        if ledger.reads.head() > 0:
            raise LedgerNotEmptyError(
                f"the ledger at {database.describe()} already holds events",
                "give an empty database, or leave out --database to get a new SQLite file",
            )
        agreement_id = play_year(ledger)
        entries = ledger.entries(ledger.trail_ids(agreement_id))
        show_trail(entries, s.fmt, f"Audit trail of {agreement_id}", f"{len(entries)} events; times in UTC")
    finally:
        ledger.close()
    if s.fmt == "table":
        console().print(f"\nDemo ledger: {database.describe()}\nExplore it with: "
                        f"AQB_DATABASE_URL='{url}' aqb agreement show {agreement_id}")


def _new_demo_url() -> str:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    path = default_sqlite_path().with_name(f"demo-{stamp}.sqlite3")
    return f"sqlite://{path}"


COMMANDS = [demo]
