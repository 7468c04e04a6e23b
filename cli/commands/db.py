"""`aqb db`: the database behind the ledger — migrate it, and give logins their ledger role."""

from __future__ import annotations

import click

from cli.render import emit_receipt
from cli.session import receipt_option, session
from ledger.application import migrate
from ledger.domain.errors import InvalidInputError, NotAuthorisedError
from ledger.integrity import roles
from ledger.persistence import postgres
from ledger.persistence.config import database_from_url

ROLE_KINDS = ("writer", "reader", "projector", "owner")


@click.group()
def db() -> None:
    """The database behind the ledger."""


@db.command("migrate")
@click.option("--reuse-roles", is_flag=True, help="Take over existing roles of these names even if they hold "
              "rights in another database or schema (PostgreSQL).")
@receipt_option
def migrate_command(reuse_roles: bool) -> None:
    """Create or update the ledger's tables, triggers and, on PostgreSQL, its four roles
    (`aqb_<database>[_<schema>]_owner`, `_writer`, `_reader`, `_projector`; `AQB_ROLE_PREFIX`
    overrides the prefix). Run it as a superuser or a member of the owner role; then bootstrap
    the first administrator with `aqb principal bootstrap`.

    On PostgreSQL the everyday commands never create tables. An SQLite ledger is created by this
    command (or `aqb demo`); other commands never create one.

    \b
    Example:
      aqb --database postgresql://postgres@127.0.0.1:5432/aqb db migrate
      aqb --database sqlite:///srv/aqb/ledger.sqlite3 db migrate
    """
    s = session()
    database = database_from_url(s.url)
    done = migrate(database, reuse_roles=reuse_roles)
    parts = [", ".join(done.applied) if done.applied else "no migration pending, up to date"]
    if done.roles:
        parts.append("roles " + ", ".join(done.roles.all()) + (f" (created {', '.join(done.created_roles)})"
                                                               if done.created_roles else ""))
    if done.revoked:
        parts.append(f"took this ledger's rights from the shared roles {', '.join(done.revoked)}")
    if done.restored:
        parts.append(f"restored the database's guard, which had been changed ({'; '.join(done.restored)})")
    emit_receipt(s.fmt, f"Migrated {database.describe()}: {'; '.join(parts)}.", database=database.describe(),
                 applied=done.applied, roles=list(done.roles.all()) if done.roles else [],
                 created_roles=done.created_roles, revoked_shared_roles=done.revoked, restored_guard=done.restored)


@db.command("add-login")
@click.argument("login")
@click.option("--as", "kind", type=click.Choice(ROLE_KINDS), default="writer", show_default=True,
              help="The ledger role the login joins.")
@receipt_option
def add_login_command(login: str, kind: str) -> None:
    """Make a PostgreSQL login a member of one of the ledger's roles, creating the login (without a
    password: set one, or a pg_hba.conf rule, as your site authenticates people) when it is
    missing. Run it as a superuser or a role with CREATEROLE. The person is then registered as a
    principal, with mandates, by an administrator (`aqb principal register`).

    \b
    Example:
      aqb --database postgresql://postgres@db:5432/aqb db add-login j.weber --as writer
    """
    s = session()
    database = database_from_url(s.url)
    if database.backend != "postgresql":
        raise InvalidInputError("logins exist only on PostgreSQL",
                                "the embedded SQLite ledger is single-user: actors are declared with --actor")
    with postgres.connect(database, autocommit=True) as conn:
        names = roles.roles_of(database, conn)
        group = getattr(names, kind)
        allowed = conn.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = session_user"
                               ).fetchone()
        if not (allowed and allowed[0]):
            raise NotAuthorisedError("only a superuser or a role with CREATEROLE adds logins",
                                     "ask the database administrator")
        created = roles.add_login(conn, login, group)
    emit_receipt(s.fmt, f"Login {login} {'created and ' if created else ''}made a member of {group}.",
                 login=login, role=group, created=created)


COMMANDS = [db]
