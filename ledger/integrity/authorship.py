"""Authorship, re-checked after the fact: walk the events in global order with the registry as
it stood at each position, and say of every event whether its login, its actor and the mandate
it names hold — the same check (`ledger.domain.authority.authorise`) a command ran when it
recorded the event. An event inserted past the application (psql, COPY, a disabled trigger) is
judged exactly like one the application wrote.

Events before the registry's bootstrap are counted as declared (their actors were typed in, as
the first ledgers did); so are events with no stamped login after it (the embedded SQLite
ledger), whose mandates are checked nevertheless.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from ledger.domain.agreement import AGREEMENT_ID, Agreement
from ledger.domain.authority import BOOTSTRAP, covering, mandate_for
from ledger.domain.base import LedgerEvent
from ledger.domain.dates import BERLIN
from ledger.domain.document import Document
from ledger.domain.errors import LedgerError
from ledger.domain.grant import Grant
from ledger.domain.principal import Principal, check_delegation, usable_mandates
from ledger.domain.values import Act, Authority, Mandate, PrincipalKind

UNAUTHORISED = "unauthorised"


@dataclass(frozen=True)
class Violation:
    position: int
    detail: str
    kind: str = UNAUTHORISED


@dataclass
class Authorship:
    """The registry replayed so far, and what the events checked against it showed."""

    principals: dict[str, Principal] = field(default_factory=dict)
    grant_parties: dict[str, str] = field(default_factory=dict)
    violations: list[Violation] = field(default_factory=list)
    checked: int = 0
    before_registry: int = 0
    declared: int = 0
    # the usable mandates of each login asked for, as the registry stands (forgotten at every
    # registry event: a revocation, a deactivation or a delegation's source changes them)
    usable: dict[str, tuple[Mandate, ...]] = field(default_factory=dict)

    def check(self, position: int, event: LedgerEvent, recorded_at: datetime | None, recorded_by: str | None,
              *, stamped: bool) -> None:
        """Judge one event (then let it change the registry, if it is a registry event)."""
        bootstrap = isinstance(event, Principal.Registered) and event.envelope.mandate == BOOTSTRAP
        if not self.principals and not bootstrap:
            self.before_registry += 1
        else:
            problem = self._problem(event, recorded_by, _day(recorded_at), stamped=stamped, bootstrap=bootstrap)
            if problem:
                self.violations.append(Violation(position, problem))
            self.checked += 1
            self.declared += event.envelope.login is None
            if problem and isinstance(event, Principal.Event):
                return  # an unauthorised registry event gives and takes nothing: what relies on it is judged without it
        self._learn(position, event)

    def _problem(self, event: LedgerEvent, recorded_by: str | None, day: date, *, stamped: bool,  # noqa: PLR0911
                 bootstrap: bool) -> str | None:  # one return per way an author can be wrong
        envelope, actor = event.envelope, event.envelope.actor
        if stamped and recorded_by != envelope.login:
            return f"the database stamped login {recorded_by or '(none)'}, the event names {envelope.login or '(none)'}"
        if bootstrap:
            return "a second bootstrap: the registry had principals already" if self.principals else None
        principal = self.principals.get(actor.user)
        if principal is None:
            return f"{actor} is not a registered principal at this position"
        if principal.organisation != actor.organisation:
            return f"{actor.user} is registered for {principal.organisation}, the event names {actor.organisation}"
        if not principal.active:
            return f"{actor.user} was deactivated before this position"
        if envelope.on_behalf and not self._may_record_for_others(envelope.login or "", day):
            return f"login {envelope.login} recorded as {actor.user} without a usable on-behalf mandate"
        return self._mandate_problem(event, principal, day)

    def _mandate_problem(self, event: LedgerEvent, principal: Principal, day: date) -> str | None:
        envelope = event.envelope
        holder, _, mandate_id = (envelope.mandate or "").partition("/")
        if isinstance(event, Principal.MandateGranted) and event.mandate.delegated_from:
            return self._delegation_problem(event, principal, day)
        if isinstance(event, Principal.MandateRevoked) and holder == principal.login:
            revoked = self.principals.get(event.originator_id.removeprefix("PRINCIPAL-"))
            state = revoked.mandates.get(event.mandate_id) if revoked else None
            if state is not None and state.mandate.delegated_from == envelope.mandate:
                return None  # the delegator takes back its own delegation
        if holder != principal.login:
            return f"the event names mandate {envelope.mandate or '(none)'}, not one of {principal.login}"
        usable = [m for m in self._usable(principal) if m.mandate_id == mandate_id]
        if not usable:
            return f"mandate {envelope.mandate} was not held (revoked, lapsed or never granted) at this position"
        authority = Authority(principal.login, tuple(usable), day, envelope.login, envelope.on_behalf)
        try:
            mandate_for(envelope.actor, authority, type(event).RULE, type(event).LABEL or type(event).__name__,
                        self._party(event), event.authorised_amount())
        except LedgerError as exc:
            return exc.message
        return None

    def _delegation_problem(self, event: Principal.MandateGranted, principal: Principal, day: date) -> str | None:
        parent_ref = event.mandate.delegated_from or ""
        holder, _, parent_id = parent_ref.partition("/")
        if holder != principal.login or event.envelope.mandate != parent_ref:
            return f"{principal.login} delegated mandate {parent_ref}, which is not its own"
        parent = next((m for m in self._usable(principal) if m.mandate_id == parent_id), None)
        if parent is None or not (parent.valid_from is None or parent.valid_from <= day) or \
                not (parent.valid_until is None or day <= parent.valid_until):
            return f"mandate {parent_ref} was not usable when it was delegated"
        try:
            check_delegation(parent, event.mandate)
        except LedgerError as exc:
            return exc.message
        return None

    def _may_record_for_others(self, login: str, day: date) -> bool:
        service = self.principals.get(login)
        if service is None or not service.active or service.kind is not PrincipalKind.SERVICE:
            return False
        return covering(self._usable(service), Act.ON_BEHALF, None, None, day) is not None

    def _usable(self, principal: Principal) -> tuple[Mandate, ...]:
        found = self.usable.get(principal.login)
        if found is None:
            found = self.usable[principal.login] = usable_mandates(principal, self.principals.get)
        return found

    def _party(self, event: LedgerEvent) -> str | None:
        if isinstance(event, Agreement.Event):
            found = AGREEMENT_ID.match(event.originator_id)
            return found.group("ags") if found else None
        if isinstance(event, Grant.ApplicationSubmitted):
            return event.party_ags
        if isinstance(event, Grant.Event):
            return self.grant_parties.get(event.originator_id)
        if isinstance(event, Document.Imported):
            return event.agreement_id[-5:]
        return None

    def _learn(self, position: int, event: LedgerEvent) -> None:
        if isinstance(event, Principal.Event):
            self.usable.clear()
            login = event.originator_id.removeprefix("PRINCIPAL-")
            try:
                self.principals[login] = event.mutate(self.principals.get(login))  # type: ignore[assignment]
            except Exception:
                self.violations.append(Violation(position, f"registry event of {login} out of order"))
        elif isinstance(event, Grant.ApplicationSubmitted):
            self.grant_parties[event.originator_id] = event.party_ags


def _day(recorded_at: datetime | None) -> date:
    return recorded_at.astimezone(BERLIN).date() if recorded_at else date.min
