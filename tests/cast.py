"""The people of the tests, as principals of a ledger: registered with mandates by an
administrator after the registry's bootstrap, and — on PostgreSQL — each with a login of their
own (a member of the ledger's writer role; the test cluster trusts local logins, so no password).

`Acting` is a ledger as the cast uses it: every command whose Meta names an actor runs through
that actor's own connection (on PostgreSQL its own login, authenticated by the server), exactly
as separate people would record; reads go through the owner's connection.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import psycopg
from psycopg import conninfo as libpq
from psycopg import sql

from ledger.app.core import Meta
from ledger.app.principals import MandateSpec
from ledger.application import Ledger, migrate, open_ledger
from ledger.demo import DEMO_LOGIN
from ledger.domain.authority import GRANTABLE
from ledger.domain.values import Act, DocumentRef, parse_actor, role_of
from ledger.integrity import roles
from ledger.persistence.config import Database, database_from_url

ADMIN = "it.admin"
CAST: dict[str, tuple[str, str]] = {
    "a.schneider": ("Anna Schneider", "HMSI"), "r.klein": ("Robert Klein", "HMSI"), "a": ("A. Test", "HMSI"),
    "m.weber": ("Maria Weber", "HMSI"), "k.becker": ("Katrin Becker", "RPKS"), "k.schmidt": ("Karl Schmidt", "RPKS"),
    "j.weber": ("Jana Weber", "06532"), "s.aurand": ("Stephan Aurand", "06532"), "x.meier": ("Xaver Meier", "06611"),
}


def acts_for(organisation: str) -> tuple[str, ...]:
    """Every act a principal of this organisation may hold, but administering and recording for others."""
    allowed = GRANTABLE[role_of(organisation)] - {Act.ADMINISTER, Act.ON_BEHALF}
    return tuple(sorted(a.value for a in allowed))


def login_url(db: Database, login: str) -> str:
    """The same ledger, reached as another login."""
    return libpq.make_conninfo(**{**db.conninfo, "user": login}) + f" schema={db.schema}"


def ensure_logins(db: Database, logins: list[str]) -> None:
    """PostgreSQL logins for these people, members of the ledger's writer role. They are throwaway
    logins like the demo's, and marked as such (the demo may then reuse them on the test server)."""
    with psycopg.connect(**db.conninfo, autocommit=True) as conn:
        writer = roles.roles_of(db, conn).writer
        for login in logins:
            roles.add_login(conn, login, writer)
            conn.execute(sql.SQL("COMMENT ON ROLE {0} IS {1}").format(sql.Identifier(login), sql.Literal(DEMO_LOGIN)))


def prepare(url: str, cast: dict[str, tuple[str, str]] = CAST) -> None:
    """A migrated ledger with its registry: the administrator bootstrapped, the cast registered."""
    db = database_from_url(url)
    migrate(db)
    if db.backend == "postgresql":
        ensure_logins(db, [ADMIN, *cast])
    owner = open_ledger(url, create=True)
    try:
        owner.bootstrap(Meta(reason="Testaufbau"), ADMIN, "IT-Administration", "HMSI", [])
    finally:
        owner.close()
    admin = open_ledger(login_url(db, ADMIN) if db.backend == "postgresql" else url)
    try:
        actor = None if db.backend == "postgresql" else ADMIN
        for login, (name, organisation) in cast.items():
            admin.register_principal(Meta(actor, reason="Zugang"), login, name, organisation, "person",
                                     [MandateSpec(acts_for(organisation))])
    finally:
        admin.close()


REGISTRY_SIZE = 1 + len(CAST)


class Acting:
    """A ledger whose write commands run through the connection of the actor their Meta names."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.owner = open_ledger(url)
        self.people: dict[str, Ledger] = {}
        self.after: Callable[[Ledger], object] | None = None  # run after every write (e.g. a catch-up)

    def as_(self, login: str) -> Ledger:
        if self.owner.db.backend != "postgresql":
            return self.owner
        if login not in self.people:
            self.people[login] = open_ledger(login_url(self.owner.db, login))
        return self.people[login]

    def ledger(self, login: str) -> Acting:
        """As `ledger.demo.Team`: the ledger a principal records through."""
        return self

    def meta(self, login: str, effective: str, reason: str | None = None, document: str | None = None) -> Meta:
        reference = DocumentRef("reference", document) if document else None
        return Meta(login, date.fromisoformat(effective), reason, reference)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.owner, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            meta = next((a for a in (*args, *kwargs.values()) if isinstance(a, Meta)), None)
            if meta is None or not meta.actor:
                return attr(*args, **kwargs)
            result = getattr(self.as_(parse_actor(meta.actor)[0]), name)(*args, **kwargs)
            if self.after is not None:
                self.after(self.owner)
            return result
        return call

    def close(self) -> None:
        for ledger in self.people.values():
            ledger.close()
        self.owner.close()
