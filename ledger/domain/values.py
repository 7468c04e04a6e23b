"""Value objects carried inside events. All frozen; collections are tuples; money is Decimal."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum

from ledger import reference
from ledger.domain.errors import InvalidIdentifierError


class Role(Enum):
    MINISTRY = "ministry"
    GRANT_AUTHORITY = "grant-authority"
    PARTY = "party"
    OTHER = "other"


class Budget(Enum):
    AQB = "AQB"  # Ausbildungs- und Qualifizierungsbudget
    AMB = "AMB"  # Arbeitsmarktbudget (older agreements)
    TZA = "TZA"  # earmarked: Teilzeitausbildung
    SPRACH = "SPRACH"  # earmarked: Sprachförderung


def budget_of(code: str) -> Budget:
    """A §4 budget by its code, as a person gives it ("aqb" too); refused naming the codes."""
    try:
        return Budget(code.strip().upper())
    except ValueError:
        raise InvalidIdentifierError(f"unknown budget '{code}'",
                                     f"a §4 line is one of {', '.join(b.value for b in Budget)}") from None


class Category(Enum):
    AV = "AV"
    AUS = "AUS"
    QUAL = "QUAL"
    PERS = "PERS"
    TZA = "TZA"
    SPRACH = "SPRACH"


class DeviationKind(Enum):
    UNDERSPEND = "underspend"
    OVERSPEND = "overspend"
    REALLOCATION = "reallocation"
    PLACES_SHORTFALL = "places-shortfall"
    PARTICIPANTS_SHORTFALL = "participants-shortfall"
    PROJECT_CANCELLED = "project-cancelled"
    PROJECT_DELAYED = "project-delayed"
    COFUNDING_CHANGED = "cofunding-changed"
    OTHER = "other"


class Scope(Enum):
    AGREEMENT = "agreement"
    CATEGORY = "category"
    PROJECT = "project"


class Decision(Enum):
    ACKNOWLEDGED = "acknowledged"
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved-with-conditions"
    REJECTED = "rejected"


class ProofKind(Enum):
    INTERIM = "interim"  # Zwischennachweis
    FINAL = "final"  # Verwendungsnachweis


class ReviewResult(Enum):
    ACCEPTED = "accepted"
    ACCEPTED_WITH_FINDINGS = "accepted-with-findings"
    REJECTED = "rejected"


class Verdict(Enum):
    """The ministry's judgement of target achievement (§6); labels as the ministry writes them."""

    ACHIEVED = "erreicht"
    LARGELY_ACHIEVED = "weitgehend erreicht"
    PARTLY_ACHIEVED = "teilweise erreicht"
    NOT_ACHIEVED = "nicht erreicht"


class Treatment(Enum):
    """How a deviation was taken into account in the judgement (§6)."""

    ACCEPTED = "considered-accepted"
    WITH_CONDITIONS = "considered-with-conditions"
    NOT_ACCEPTED = "not-accepted"


class ActivityKind(Enum):
    SURVEY = "survey"
    CONFERENCE = "conference"
    OTHER = "other"


# The clauses of the AQB agreement template: §6 (in-year deviations taken into account; the autumn
# implementation meeting), §7 (publication on "Arbeitswelt Hessen"), the UN-CRPD commitment.
CLAUSES = ("deviation-clause", "autumn-meeting", "publication", "un-crpd")


class Act(Enum):
    """What a mandate lets its holder do."""

    RECORD = "record"  # record the facts of agreements and grants (for a party, or any)
    DECIDE = "decide"  # decide deviations, approve reallocations, correct agreement entries
    GRANT = "grant"  # issue grant notices and amendments, payments, reviews, refunds (RP Kassel)
    ASSESS = "assess"  # judge target achievement (§6)
    SIGN_OFF = "sign-off"  # the second pair of eyes on a judgement
    ADMINISTER = "administer"  # register principals, grant and revoke mandates
    ON_BEHALF = "on-behalf"  # a service account records on behalf of other principals


class PrincipalKind(Enum):
    PERSON = "person"
    SERVICE = "service"  # a technical login (e.g. a web front-end) that records on behalf of people


LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
_ACTOR = re.compile(r"^(?P<user>[^@\s]+)(?:@(?P<org>[A-Za-z0-9]+))?$")


@dataclass(frozen=True)
class Actor:
    """Who did it: a principal (its login) at an organisation (HMSI, RPKS or a party's AGS)."""

    user: str
    organisation: str
    role: Role

    @staticmethod
    def parse(text: str) -> Actor:
        """`NAME@ORG`, as events of the first ledgers name their actors."""
        login, org = parse_actor(text)
        if org is None:
            raise InvalidIdentifierError(f"invalid actor '{text}': expected NAME@ORG",
                                         "e.g. m.weber@HMSI, k.schmidt@RPKS or s.aurand@06532")
        return Actor(login, org, role_of(org))

    def __str__(self) -> str:
        return f"{self.user}@{self.organisation}"


def parse_actor(text: str) -> tuple[str, str | None]:
    """`LOGIN` or `LOGIN@ORG` → (login, organisation or None)."""
    found = _ACTOR.match(text.strip())
    login = found.group("user").lower() if found else ""
    if not found or not LOGIN.match(login):
        raise InvalidIdentifierError(
            f"invalid actor '{text}': expected a login, optionally with its organisation (LOGIN@ORG)",
            "a login is lower-case letters, digits, '.', '_' or '-', e.g. a.schneider or a.schneider@HMSI",
        )
    org = found.group("org")
    return login, org.upper() if org else None


def role_of(organisation: str) -> Role:
    if organisation == reference.MINISTRY:
        return Role.MINISTRY
    if organisation == reference.GRANT_AUTHORITY:
        return Role.GRANT_AUTHORITY
    if reference.party(organisation):
        return Role.PARTY
    return Role.OTHER


@dataclass(frozen=True)
class DocumentRef:
    """The source document of an event: kind, reference (Aktenzeichen, file name, URL), its date,
    the SHA-256 of the file where a file is involved, and the section it comes from."""

    kind: str
    reference: str
    issued_on: date | None = None
    sha256: str | None = None
    section: str | None = None


@dataclass(frozen=True)
class Mandate:
    """What a principal may do: acts, optionally only for one party, up to an amount, within a
    validity period (recording days, inclusive); optionally delegated from a mandate of another
    holder (`login/M2`), and optionally delegable by its own holder."""

    mandate_id: str  # M1, M2 … within its principal
    acts: tuple[Act, ...]
    party: str | None = None
    ceiling: Decimal | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    delegated_from: str | None = None
    delegable: bool = False


@dataclass(frozen=True)
class Authority:
    """What the recording principal may do, resolved by the application from the registry when
    a command runs (never stored: the event names the mandate it used)."""

    principal: str  # the acting principal's login
    mandates: tuple[Mandate, ...]  # usable now: not revoked, parent still held
    today: date  # the recording day, for validity periods
    login: str | None = None  # the login that recorded (None: declared, not authenticated)
    on_behalf: bool = False  # login is a service account recording for the principal

    def ref(self, mandate: Mandate) -> str:
        return f"{self.principal}/{mandate.mandate_id}"


@dataclass(frozen=True)
class Envelope:
    """What every event carries besides its own facts (docs/domain.md). The recorded time is the
    database's `recorded_at` of the row, not the event's own `timestamp`.

    `login` is the authenticated database login that recorded the event (on PostgreSQL stamped
    and checked by the database itself); None means declared, not authenticated (the embedded
    SQLite ledger, and events written before principals existed). `mandate` names the mandate
    (`login/M1`) the act was recorded under. `authority` is transient: it is never stored."""

    actor: Actor
    effective: date
    reason: str | None
    document: DocumentRef | None
    correlation_id: str
    causation_id: str | None
    software_version: str
    login: str | None = None
    mandate: str | None = None
    authority: Authority | None = field(default=None, compare=False, repr=False, metadata={"transient": True})

    @property
    def declared(self) -> bool:
        """The actor was named by the caller, not authenticated by the database."""
        return self.login is None

    @property
    def on_behalf(self) -> bool:
        return self.login is not None and self.login != self.actor.user


@dataclass(frozen=True)
class BudgetLine:
    budget: Budget
    amount: Decimal
    raw: str | None = None  # as written in the source document


@dataclass(frozen=True)
class CashYear:
    year: int
    amount: Decimal


@dataclass(frozen=True)
class Measure:
    """A §5 measure category with its projects, as agreed."""

    category: Category
    label: str
    projects: tuple[str, ...]


@dataclass(frozen=True)
class FieldChange:
    """One corrected field: its name, the value recorded, the value it should have had (both as
    text, exactly as shown in the trail)."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class PlanLine:
    """A line of a financing plan or a proof of use: category or project, and an amount."""

    item: str
    amount: Decimal


@dataclass(frozen=True)
class Indicator:
    """Plan against actual for one scope, as computed from the ledger: e.g. project P3, amount,
    planned 160000.00, actual 160000.00. Values are text so that counts and money both fit."""

    scope: str
    ref: str
    metric: str
    planned: str
    actual: str


@dataclass(frozen=True)
class DeviationTreatment:
    deviation_id: str
    treatment: Treatment
    note: str | None = None


@dataclass(frozen=True)
class Count:
    """A number of people with an outcome (e.g. "Ausbildung begonnen", 4): counts only, never
    personal data."""

    label: str
    count: int
