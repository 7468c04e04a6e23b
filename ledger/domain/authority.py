"""Who may record what: the rule of each event (an act and the organisations that may do it) and
the check against the recording principal's mandates.

The same check runs when a command records an event (`authorise`, with the authority the
application resolved from the registry) and when `aqb verify` re-checks a recorded event against
the registry as it stood at that position. A mandate covers an act when it names the act, its
party limit (if any) is the event's party, its ceiling (if any) is not below the event's amount,
and the recording day lies within its validity period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from ledger import reference
from ledger.domain.errors import NotAuthorisedError
from ledger.domain.values import Act, Actor, Authority, Envelope, Mandate, Role, role_of

MINISTRY_ONLY = frozenset({Role.MINISTRY})
MINISTRY_OR_PARTY = frozenset({Role.MINISTRY, Role.PARTY})
DECIDERS = frozenset({Role.MINISTRY, Role.GRANT_AUTHORITY})
REPORTERS = frozenset({Role.MINISTRY, Role.GRANT_AUTHORITY, Role.PARTY})
RP_KASSEL = frozenset({Role.GRANT_AUTHORITY})
PARTY_OR_RP = frozenset({Role.PARTY, Role.GRANT_AUTHORITY})
ADMINISTRATORS = frozenset({Role.MINISTRY, Role.GRANT_AUTHORITY})
ORGANISATIONS = {Role.MINISTRY: "the ministry (HMSI)", Role.GRANT_AUTHORITY: "RP Kassel (RPKS)",
                 Role.PARTY: "the party", Role.OTHER: "no organisation"}
BOOTSTRAP = "bootstrap"  # the mandate named by the first registration of a ledger

# Which acts a mandate may give to a principal of each kind of organisation.
GRANTABLE: dict[Role, frozenset[Act]] = {
    Role.MINISTRY: frozenset({Act.RECORD, Act.DECIDE, Act.ASSESS, Act.SIGN_OFF, Act.ADMINISTER, Act.ON_BEHALF}),
    Role.GRANT_AUTHORITY: frozenset({Act.RECORD, Act.DECIDE, Act.GRANT, Act.ADMINISTER, Act.ON_BEHALF}),
    Role.PARTY: frozenset({Act.RECORD, Act.ON_BEHALF}),
    Role.OTHER: frozenset(),
}


@dataclass(frozen=True)
class Rule:
    """The act an event needs and the organisations whose principals may do it."""

    act: Act
    roles: frozenset[Role]


def authorise(envelope: Envelope, rule: Rule, what: str, party: str | None,
              amount: Decimal | None = None) -> Envelope:
    """The envelope under the mandate that covers this act; refuses when none does."""
    mandate = mandate_for(envelope.actor, envelope.authority, rule, what, party, amount)
    assert envelope.authority is not None
    return replace(envelope, mandate=envelope.authority.ref(mandate))


def mandate_for(actor: Actor, authority: Authority | None, rule: Rule, what: str, party: str | None,
                amount: Decimal | None = None) -> Mandate:
    """The mandate of this authority that covers the act; refuses when none does (`authorise`
    without the envelope, for `aqb verify`, which only judges)."""
    check_actor_role(actor, rule.roles, what, party)
    if authority is None:
        raise NotAuthorisedError(f"{actor} may not record {what}: no authority was resolved",
                                 "record through the ledger's application")
    mandate = covering(authority.mandates, rule.act, party, amount, authority.today)
    if mandate is None:
        raise NotAuthorisedError(
            f"{actor} holds no mandate for {what}{_for(party)}{_up_to(amount)} (the act '{rule.act.value}')",
            f"an administrator grants one: aqb principal grant {authority.principal} --act {rule.act.value}"
            + (f" --party {party}" if party and party in reference.parties() else ""),
        )
    return mandate


def covering(mandates: Iterable[Mandate], act: Act, party: str | None, amount: Decimal | None,
             day: date) -> Mandate | None:
    """The first mandate that covers this act, or None."""
    return next((m for m in mandates if covers(m, act, party, amount, day)), None)


def covers(mandate: Mandate, act: Act, party: str | None, amount: Decimal | None, day: date) -> bool:
    return (act in mandate.acts and (mandate.party is None or mandate.party == party)
            and (mandate.ceiling is None or amount is None or amount <= mandate.ceiling)
            and (mandate.valid_from is None or mandate.valid_from <= day)
            and (mandate.valid_until is None or day <= mandate.valid_until))


def check_actor_role(actor: Actor, allowed: frozenset[Role], what: str, party: str | None) -> None:
    """The actor's organisation must hold one of the allowed roles; a party acts only for itself."""
    if actor.role not in allowed:
        names = " or ".join(ORGANISATIONS[r] for r in sorted(allowed, key=lambda r: r.value))
        raise NotAuthorisedError(
            f"{actor} may not record {what}: that is for {names}",
            f"an officer of {names} records it",
        )
    if actor.role is Role.PARTY and party is not None and actor.organisation != party:
        raise NotAuthorisedError(f"{actor} may not record {what} for party {party}",
                                 "a party records only for its own agreements")


def check_grantable(organisation: str, mandate: Mandate) -> None:
    """A mandate gives only acts that the principal's organisation may do."""
    role = role_of(organisation)
    refused = [a.value for a in mandate.acts if a not in GRANTABLE[role]]
    if refused:
        raise NotAuthorisedError(
            f"a principal of {organisation} cannot hold a mandate to {', '.join(refused)}",
            "decisions, grant acts, assessments and administration belong to HMSI or RP Kassel",
        )
    if role is Role.PARTY and mandate.party not in (None, organisation):
        raise NotAuthorisedError(f"a principal of {organisation} cannot act for party {mandate.party}",
                                 "a party's principals act only for their own party")


def _for(party: str | None) -> str:
    return f" for party {party}" if party and party in reference.parties() else ""


def _up_to(amount: Decimal | None) -> str:
    return f" of {amount:,.2f} EUR" if amount is not None else ""
