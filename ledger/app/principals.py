"""The registry of the ledger's principals: bootstrap, register, grant, delegate, revoke,
deactivate, and the reads of who may do what."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ledger import __version__
from ledger.app.core import LedgerCore, Meta, Receipt
from ledger.domain.dates import today
from ledger.domain.errors import NotAuthorisedError, RuleViolationError
from ledger.domain.principal import Principal, check_login, check_organisation, principal_id
from ledger.domain.values import Act, Actor, Envelope, Mandate, PrincipalKind, role_of
from ledger.integrity import roles
from ledger.persistence import postgres


@dataclass(frozen=True)
class MandateSpec:
    """A mandate as a caller asks for it (its id is given when it is recorded)."""

    acts: tuple[str, ...]
    party: str | None = None
    ceiling: Decimal | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    delegable: bool = False

    def mandate(self) -> Mandate:
        return Mandate("", tuple(dict.fromkeys(Act(a) for a in self.acts)), self.party, self.ceiling,
                       self.valid_from, self.valid_until, None, self.delegable)


class PrincipalCommands(LedgerCore):
    def bootstrap(self, meta: Meta, login: str, display_name: str, organisation: str,
                  mandates: Sequence[MandateSpec]) -> Receipt:
        """The ledger's first principal (an administrator), recorded by the database owner
        (PostgreSQL) or the single user (SQLite), while no principal exists."""
        self.begin()
        check_login(login)
        organisation = check_organisation(organisation)
        if self.principal_logins():
            raise RuleViolationError("this ledger already has principals: it was bootstrapped before",
                                     "an administrator registers new principals with 'aqb principal register'")
        self.check_may_bootstrap()
        specs = [MandateSpec(("administer",)), *mandates]
        envelope = Envelope(Actor(login, organisation, role_of(organisation)), meta.effective or today(),
                            meta.reason or "bootstrap of the ledger's registry", meta.document,
                            meta.correlation_id or uuid.uuid4().hex, None, __version__, login=self.login)
        principal = Principal.register(envelope, login=login, display_name=display_name, organisation=organisation,
                                       kind=PrincipalKind.PERSON, mandates=[s.mandate() for s in specs],
                                       bootstrap=True)
        return self.create(principal)

    def check_may_bootstrap(self) -> None:
        """On PostgreSQL only a member of the ledger's owner role (the database itself checks too)."""
        if self.db.backend != "postgresql":
            return
        with postgres.connect(self.db) as conn:
            owner = roles.roles_of(self.db, conn).owner
            row = conn.execute("SELECT pg_has_role(session_user, %s, 'MEMBER')", (owner,)).fetchone()
        if not (row and row[0]):
            raise NotAuthorisedError(f"login {self.login} is not a member of {owner}",
                                     "the ledger's owner (who ran 'aqb db migrate') bootstraps its registry")

    def register_principal(self, meta: Meta, login: str, display_name: str, organisation: str,
                           kind: str = "person", mandates: Sequence[MandateSpec] = ()) -> Receipt:
        self.begin()
        principal = Principal.register(self.envelope(meta), login=check_login(login), display_name=display_name,
                                       organisation=organisation, kind=PrincipalKind(kind),
                                       mandates=[s.mandate() for s in mandates])
        return self.create(principal)

    def grant_mandate(self, meta: Meta, login: str, spec: MandateSpec) -> Receipt:
        return self.change(Principal, principal_id(login), meta,
                           lambda p: p.grant(self.envelope(meta), spec.mandate()))[1]

    def delegate_mandate(self, meta: Meta, login: str, parent_id: str, spec: MandateSpec) -> Receipt:
        return self.change(Principal, principal_id(login), meta,
                           lambda p: p.delegate(self.envelope(meta), parent_id, spec.mandate()))[1]

    def revoke_mandate(self, meta: Meta, login: str, mandate_id: str) -> Receipt:
        return self.change(Principal, principal_id(login), meta, lambda p: p.revoke(self.envelope(meta), mandate_id))[1]

    def deactivate_principal(self, meta: Meta, login: str) -> Receipt:
        return self.change(Principal, principal_id(login), meta, lambda p: p.deactivate(self.envelope(meta)))[1]

    # --- reads ----------------------------------------------------------------------------------
    def principal_logins(self) -> list[str]:
        return [i.removeprefix("PRINCIPAL-") for i in self.stream_ids_with(Principal.Registered.TOPIC)]

    def principals(self) -> list[Principal]:
        return [self.principal(login) for login in self.principal_logins()]

    def principal(self, login: str) -> Principal:
        found = self.principal_or_none(check_login(login))
        if found is None:
            raise NotAuthorisedError(f"{login} is not a registered principal of this ledger",
                                     "list them with 'aqb principal list'")
        return found

