"""The Principal aggregate: one person or service login of the ledger, its organisation and its
mandates. Who may record what is itself history: registered, mandate granted, mandate revoked,
deactivated — each an event with actor, reason and effective date like every other.

The first registration of a ledger is its bootstrap: recorded by the database owner (on
PostgreSQL) or the single user (SQLite), under the mandate `bootstrap`, before any principal
exists. From then on principals are registered and given mandates by principals holding the
`administer` mandate; a holder of a delegable mandate may delegate a part of it to another
principal, and revoke that delegation again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from ledger import reference
from ledger.domain.authority import ADMINISTRATORS, BOOTSTRAP, Rule, authorise, check_grantable
from ledger.domain.base import LedgerAggregate, LedgerCreated, LedgerEvent
from ledger.domain.errors import InvalidIdentifierError, NotAuthorisedError, RuleViolationError
from ledger.domain.values import LOGIN, Act, Envelope, Mandate, PrincipalKind

PREFIX = "PRINCIPAL-"
ADMINISTER = Rule(Act.ADMINISTER, ADMINISTRATORS)


def principal_id(login: str) -> str:
    return PREFIX + check_login(login)


def check_login(login: str) -> str:
    if not LOGIN.match(login):
        raise InvalidIdentifierError(f"invalid login '{login}'",
                                     "lower-case letters, digits, '.', '_' or '-', at most 63, e.g. a.schneider")
    return login


def check_organisation(organisation: str) -> str:
    code = organisation.strip().upper()
    if code not in (reference.MINISTRY, reference.GRANT_AUTHORITY) and reference.party(code) is None:
        raise InvalidIdentifierError(f"invalid organisation '{organisation}'",
                                     "HMSI, RPKS or the AGS of one of the 26 parties, e.g. 06532")
    return code


@dataclass
class MandateState:
    mandate: Mandate
    granted_version: int
    revoked_version: int | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_version is not None


class Principal(LedgerAggregate):
    TOPIC = "aqb:Principal"

    class Event(LedgerEvent):
        TOPIC = "aqb:Principal.Event"
        RULE: ClassVar[Rule] = ADMINISTER

    class Registered(LedgerCreated, Event):
        TOPIC = "aqb:Principal.Registered:v1"
        LABEL = "principal registered"
        login: str
        display_name: str
        organisation: str
        kind: PrincipalKind
        mandates: tuple[Mandate, ...]

        def on(self, agg: Principal) -> None:
            agg.login, agg.display_name, agg.organisation = self.login, self.display_name, self.organisation
            agg.kind = self.kind
            for mandate in self.mandates:
                agg.mandates[mandate.mandate_id] = MandateState(mandate, self.originator_version)

    class MandateGranted(Event):
        TOPIC = "aqb:Principal.MandateGranted:v1"
        LABEL = "mandate granted"
        mandate: Mandate

        def on(self, agg: Principal) -> None:
            agg.mandates[self.mandate.mandate_id] = MandateState(self.mandate, self.originator_version)

    class MandateRevoked(Event):
        TOPIC = "aqb:Principal.MandateRevoked:v1"
        LABEL = "mandate revoked"
        mandate_id: str

        def on(self, agg: Principal) -> None:
            revoked = agg.mandates.get(self.mandate_id)
            if revoked is not None:  # the command revokes only a held mandate; a row inserted past it changes nothing
                revoked.revoked_version = self.originator_version

    class Deactivated(Event):
        TOPIC = "aqb:Principal.Deactivated:v1"
        LABEL = "principal deactivated"

        def on(self, agg: Principal) -> None:
            agg.active = False

    def __init__(self) -> None:
        super().__init__()
        self.login = self.display_name = self.organisation = ""
        self.kind = PrincipalKind.PERSON
        self.active = True
        self.mandates: dict[str, MandateState] = {}

    # --- commands ---------------------------------------------------------------------------
    @classmethod
    def register(cls, envelope: Envelope, *, login: str, display_name: str, organisation: str,
                 kind: PrincipalKind, mandates: Sequence[Mandate], bootstrap: bool = False) -> Principal:
        """A new principal with its first mandates (numbered M1, M2 …)."""
        organisation = check_organisation(organisation)
        if bootstrap:
            envelope = replace(envelope, mandate=BOOTSTRAP)
        else:
            envelope = authorise(envelope, ADMINISTER, "a principal", None)
        if not display_name.strip():
            raise RuleViolationError("a principal needs a display name", "give --name 'Vorname Nachname'")
        numbered = tuple(replace(m, mandate_id=f"M{i}") for i, m in enumerate(mandates, start=1))
        for mandate in numbered:
            check_mandate(organisation, kind, mandate)
        return cls._create(cls.Registered, id=principal_id(login), envelope=envelope, login=login,
                           display_name=display_name.strip(), organisation=organisation, kind=kind,
                           mandates=numbered)

    def grant(self, envelope: Envelope, mandate: Mandate) -> str:
        """A further mandate given by an administrator (never by the principal itself)."""
        envelope = authorise(envelope, ADMINISTER, "a mandate", None)
        self.check_active()
        if envelope.actor.user == self.login:
            raise NotAuthorisedError(f"{self.login} cannot grant a mandate to itself",
                                     "another administrator grants it (two people)")
        return self._grant(envelope, replace(mandate, delegated_from=None))

    def delegate(self, envelope: Envelope, parent_id: str, mandate: Mandate) -> str:
        """A part of a delegable mandate of the acting principal, given to this principal."""
        authority = envelope.authority
        holder = envelope.actor.user
        parent = next((m for m in authority.mandates if m.mandate_id == parent_id), None) if authority else None
        if parent is None:
            raise NotAuthorisedError(f"{holder} holds no usable mandate {parent_id}",
                                     f"see the mandates with 'aqb principal show {holder}'")
        self.check_active()
        if holder == self.login:
            raise RuleViolationError(f"{holder} cannot delegate to itself", "name another principal")
        check_delegation(parent, mandate)
        ref = f"{holder}/{parent_id}"
        return self._grant(replace(envelope, mandate=ref), replace(mandate, delegated_from=ref, delegable=False))

    def revoke(self, envelope: Envelope, mandate_id: str) -> None:
        """A mandate stops working from this event on; what was recorded under it stays valid."""
        state = self.mandate(mandate_id)
        if state.revoked:
            raise RuleViolationError(f"mandate {self.login}/{mandate_id} is already revoked", "nothing to do")
        delegator = (state.mandate.delegated_from or "").partition("/")[0]
        if delegator and envelope.actor.user == delegator:
            envelope = replace(envelope, mandate=state.mandate.delegated_from)
        else:
            envelope = authorise(envelope, ADMINISTER, "a revocation", None)
        self.trigger_event(self.MandateRevoked, envelope=envelope, mandate_id=mandate_id)

    def deactivate(self, envelope: Envelope) -> None:
        envelope = authorise(envelope, ADMINISTER, "a deactivation", None)
        self.check_active()
        if envelope.actor.user == self.login:
            raise NotAuthorisedError(f"{self.login} cannot deactivate itself", "another administrator does")
        self.trigger_event(self.Deactivated, envelope=envelope)

    def _grant(self, envelope: Envelope, mandate: Mandate) -> str:
        numbered = replace(mandate, mandate_id=f"M{len(self.mandates) + 1}")
        check_mandate(self.organisation, self.kind, numbered)
        self.trigger_event(self.MandateGranted, envelope=envelope, mandate=numbered)
        return numbered.mandate_id

    # --- queries ----------------------------------------------------------------------------
    def mandate(self, mandate_id: str) -> MandateState:
        try:
            return self.mandates[mandate_id]
        except KeyError:
            raise RuleViolationError(f"{self.login} has no mandate {mandate_id}",
                                     f"see its mandates with 'aqb principal show {self.login}'") from None

    def check_active(self) -> None:
        if not self.active:
            raise RuleViolationError(f"principal {self.login} is deactivated", "register a new principal")


Lookup = Callable[[str], Principal | None]


def usable_mandates(principal: Principal, lookup: Lookup) -> tuple[Mandate, ...]:
    """The mandates a principal can act under now: not revoked, and a delegated one only while
    its holder is active and still holds the mandate it came from."""
    if not principal.active:
        return ()
    usable = []
    for state in principal.mandates.values():
        if state.revoked:
            continue
        if state.mandate.delegated_from:
            holder_login, _, parent_id = state.mandate.delegated_from.partition("/")
            holder = lookup(holder_login)
            parent = holder.mandates.get(parent_id) if holder is not None and holder.active else None
            if parent is None or parent.revoked:
                continue
        usable.append(state.mandate)
    return tuple(usable)


def check_mandate(organisation: str, kind: PrincipalKind, mandate: Mandate) -> None:
    if not mandate.acts:
        raise RuleViolationError("a mandate names at least one act", "give --act, e.g. --act record")
    check_grantable(organisation, mandate)
    service = kind is PrincipalKind.SERVICE
    if service != (mandate.acts == (Act.ON_BEHALF,)):
        raise RuleViolationError(
            "a service login holds exactly the mandate to record on behalf of others; a person never does",
            "register a web front-end as --kind service with --act on-behalf",
        )
    if mandate.valid_from and mandate.valid_until and mandate.valid_until < mandate.valid_from:
        raise RuleViolationError("the mandate's validity ends before it starts", "check --from and --until")
    if mandate.party is not None and reference.party(mandate.party) is None:
        raise InvalidIdentifierError(f"invalid party '{mandate.party}'", "the AGS of one of the 26 parties")


def check_delegation(parent: Mandate, mandate: Mandate) -> None:
    """A delegation gives at most what its parent gives, and cannot be delegated further."""
    if not parent.delegable or parent.delegated_from:
        raise NotAuthorisedError(f"mandate {parent.mandate_id} may not be delegated",
                                 "only a mandate granted as delegable, and not itself delegated")
    wider = [a.value for a in mandate.acts if a not in parent.acts]
    problems = [f"acts {', '.join(wider)}" if wider else "",
                "another party" if parent.party and mandate.party != parent.party else "",
                "a higher ceiling" if parent.ceiling is not None and (
                    mandate.ceiling is None or mandate.ceiling > parent.ceiling) else "",
                "an earlier start" if parent.valid_from and (
                    mandate.valid_from is None or mandate.valid_from < parent.valid_from) else "",
                "a later end" if parent.valid_until and (
                    mandate.valid_until is None or mandate.valid_until > parent.valid_until) else ""]
    wider_parts = [p for p in problems if p]
    if wider_parts:
        raise NotAuthorisedError(f"the delegation is wider than mandate {parent.mandate_id}: "
                                 f"{', '.join(wider_parts)}", "delegate at most what the mandate gives")
