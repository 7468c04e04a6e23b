"""Value objects carried inside events. All frozen; collections are tuples; money is Decimal."""

from __future__ import annotations

import re
from dataclasses import dataclass
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


_ACTOR = re.compile(r"^(?P<user>[^@\s][^@]*)@(?P<org>[A-Za-z0-9]+)$")


@dataclass(frozen=True)
class Actor:
    """Who did it: a user at an organisation (HMSI, RPKS or a party's AGS)."""

    user: str
    organisation: str
    role: Role

    @staticmethod
    def parse(text: str) -> Actor:
        found = _ACTOR.match(text.strip())
        if not found:
            raise InvalidIdentifierError(
                f"invalid actor '{text}': expected NAME@ORG",
                "e.g. m.weber@HMSI, k.schmidt@RPKS or s.aurand@06532",
            )
        org = found.group("org").upper()
        return Actor(found.group("user"), org, role_of(org))

    def __str__(self) -> str:
        return f"{self.user}@{self.organisation}"


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
class Envelope:
    """What every event carries besides its own facts (DOMAIN.md §5). The recorded time is the
    event's `timestamp` (UTC), set when the command ran."""

    actor: Actor
    effective: date
    reason: str | None
    document: DocumentRef | None
    correlation_id: str
    causation_id: str | None
    software_version: str


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
