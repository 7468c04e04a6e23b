"""The PostgreSQL roles of one ledger. Roles are cluster-wide, so their names derive from the
ledger itself — its database and schema (`aqb_<database>` for schema public, `aqb_<database>_<schema>`
otherwise) or an explicit prefix (`AQB_ROLE_PREFIX`) — and two ledgers on one cluster never share
one. All four are group roles (NOLOGIN); people log in as themselves and are members:

- `<prefix>_owner` owns the tables and functions; members run `aqb db migrate`;
- `<prefix>_writer` SELECT and INSERT on the events (through the chain trigger) and anchors;
- `<prefix>_reader` SELECT: auditors, reports, `aqb verify`;
- `<prefix>_projector` writes the read models and their tracking (nobody else may).

Migrate refuses to take over an existing role that holds rights in another database (or in
another schema of this one) unless told to: a password given for one ledger must not open another.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import astuple, dataclass
from typing import Any

from psycopg import sql

from ledger.domain.errors import InvalidInputError, RuleViolationError
from ledger.persistence.config import Database

MAX_NAME = 63  # PostgreSQL's identifier limit
LONGEST_SUFFIX = len("_projector")
_UNSAFE = re.compile(r"[^a-z0-9_]+")


@dataclass(frozen=True)
class Roles:
    owner: str
    writer: str
    reader: str
    projector: str

    def all(self) -> tuple[str, ...]:
        return astuple(self)


def prefix_of(database: str, schema: str) -> str:
    explicit = os.environ.get("AQB_ROLE_PREFIX")
    if explicit:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", explicit) or len(explicit) + LONGEST_SUFFIX > MAX_NAME:
            raise InvalidInputError(f"invalid AQB_ROLE_PREFIX '{explicit}'",
                                    f"lower-case letters, digits and '_', at most {MAX_NAME - LONGEST_SUFFIX}")
        return explicit
    base = "aqb_" + _UNSAFE.sub("_", database.lower()) + ("" if schema == "public" else "_" + schema)
    if len(base) + LONGEST_SUFFIX <= MAX_NAME:
        return base
    digest = hashlib.sha256(f"{database}/{schema}".encode()).hexdigest()[:10]
    return base[:MAX_NAME - LONGEST_SUFFIX - 11] + "_" + digest


def role_names(database: str, schema: str) -> Roles:
    prefix = prefix_of(database, schema)
    return Roles(f"{prefix}_owner", f"{prefix}_writer", f"{prefix}_reader", f"{prefix}_projector")


def roles_of(db: Database, conn: Any) -> Roles:
    """The roles of the ledger this connection is in."""
    row = conn.execute("SELECT current_database()").fetchone()
    return role_names(str(row[0]), db.schema)


def shared_names_v1(schema: str) -> tuple[str, ...]:
    """The names the first ledgers used, shared by every database of the cluster."""
    prefix = os.environ.get("AQB_ROLE_PREFIX") or ("aqb" if schema == "public" else f"aqb_{schema}")
    return tuple(f"{prefix}_{kind}" for kind in ("owner", "writer", "reader"))


def create_roles(conn: Any, db: Database, roles: Roles, *, reuse: bool = False) -> list[str]:
    """Create the group roles that are missing; refuse to reuse one that has rights elsewhere.
    Return the names created."""
    existing = {r[0] for r in conn.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)",
                                           (list(roles.all()),))}
    if not reuse:
        for name in sorted(existing):
            elsewhere = rights_elsewhere(conn, db, name)
            if elsewhere:
                raise RuleViolationError(
                    f"role {name} already holds rights in {', '.join(elsewhere)}: this ledger would share it",
                    "set AQB_ROLE_PREFIX to a prefix of its own, or give --reuse-roles if that is intended",
                )
    created = [n for n in roles.all() if n not in existing]
    for name in created:
        conn.execute(sql.SQL("CREATE ROLE {0} NOLOGIN").format(sql.Identifier(name)))
    return created


def rights_elsewhere(conn: Any, db: Database, role: str) -> list[str]:
    """Other databases, and other schemas of this one, where the role owns or was granted something."""
    databases = conn.execute(
        "SELECT DISTINCT d.datname FROM pg_shdepend s JOIN pg_database d ON d.oid = s.dbid "
        "JOIN pg_roles r ON r.oid = s.refobjid WHERE r.rolname = %s AND d.datname <> current_database() "
        "ORDER BY 1", (role,)).fetchall()
    schemas = conn.execute(
        "SELECT DISTINCT n.nspname FROM pg_namespace n, aclexplode(n.nspacl) a JOIN pg_roles r "
        "ON r.oid = a.grantee WHERE r.rolname = %s AND n.nspname <> %s ORDER BY 1", (role, db.schema)).fetchall()
    return [f"database {r[0]}" for r in databases] + [f"schema {r[0]}" for r in schemas]


def drop_roles(conn: Any, roles: Roles) -> None:
    """For throwaway ledgers (tests): drop the roles once their schema is gone."""
    for name in roles.all():
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {0}").format(sql.Identifier(name)))


def add_login(conn: Any, login: str, group: str, password: str | None = None) -> bool:
    """Make `login` a member of a ledger role, creating the login role when it is missing (no
    password unless given: how people authenticate is pg_hba.conf's business). Return whether
    the login role was created."""
    found = conn.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (login,)).fetchone()
    exists = found is not None
    if exists and not found[0]:  # a group role (this ledger's or another's): its members would all join
        raise InvalidInputError(f"{login} is a group role, not a login",
                                "name a person's (or a service's) login; a ledger's roles are never members "
                                "of one another")
    if not exists:
        conn.execute(sql.SQL("CREATE ROLE {0} LOGIN").format(sql.Identifier(login)))
    if password is not None:
        conn.execute(sql.SQL("ALTER ROLE {0} PASSWORD {1}").format(sql.Identifier(login), sql.Literal(password)))
    conn.execute(sql.SQL("GRANT {0} TO {1}").format(sql.Identifier(group), sql.Identifier(login)))
    return not exists
