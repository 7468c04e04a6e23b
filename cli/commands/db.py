"""`aqb db`: the database behind the ledger."""

from __future__ import annotations

import click

from cli.render import emit_receipt
from cli.session import format_option, session
from ledger.application import migrate
from ledger.persistence.config import database_from_url


@click.group()
def db() -> None:
    """The database behind the ledger."""


@db.command("migrate")
@format_option
def migrate_command() -> None:
    """Create or update the ledger's tables and indexes. Run it once, as the role that owns them.

    On PostgreSQL the everyday commands never create tables; an SQLite ledger is migrated
    automatically when it is first opened.

    \b
    Example:
      aqb --database postgresql://postgres@127.0.0.1:5432/aqb db migrate
    """
    s = session()
    database = database_from_url(s.url)
    applied = migrate(database)
    done = ", ".join(applied) if applied else "nothing to do, up to date"
    emit_receipt(s.fmt, f"Migrated {database.describe()}: {done}.",
                 database=database.describe(), applied=applied)


COMMANDS = [db]
