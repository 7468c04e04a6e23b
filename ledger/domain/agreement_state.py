"""Mutable state parts of an Agreement, assigned only by its events. Every view, report and
command reads these (with corrections laid over by the aggregate): there is no second model."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ledger.domain.values import Actor, Category, Decision, DeviationKind, DeviationTreatment, Scope, Verdict

UNALLOCATED = "unallocated"
ZERO = Decimal("0.00")


@dataclass
class ProjectState:
    project_id: str
    name: str
    category: Category
    planned: Decimal | None = None  # None: named in §5, no amount planned yet
    places: int | None = None
    moved_in: Decimal = ZERO
    moved_out: Decimal = ZERO
    entries: int = 0  # participants who started (ParticipationReported), counts only
    exits: int = 0
    reported_periods: int = 0
    dropped_in: int | None = None  # the content version whose §5 no longer lists it (an amendment)

    @property
    def current(self) -> Decimal:
        return (self.planned or ZERO) + self.moved_in - self.moved_out


@dataclass
class DecisionState:
    decision: Decision
    actor: Actor
    version: int
    reference: str | None
    conditions: str | None
    effective: date | None = None


@dataclass
class DeviationState:
    deviation_id: str
    kind: DeviationKind
    scope: Scope
    scope_ref: str | None
    metric: str | None
    planned: str | None
    actual: str | None
    cause: str
    reported_by: Actor
    reported_version: int
    effective: date
    decisions: list[DecisionState] = field(default_factory=list)

    @property
    def decision(self) -> DecisionState | None:
        return self.decisions[-1] if self.decisions else None


@dataclass
class ReallocationState:
    """A move of money between two items of §5 (or the unallocated rest), with its approval."""

    source: str
    target: str
    amount: Decimal
    approval: str | None
    actor: Actor
    version: int
    effective: date


@dataclass
class SignatureState:
    party: str
    signatory: str
    function: str
    organisation: str
    place: str | None
    signed_on: date | None
    version: int


@dataclass
class MeetingState:
    held_on: date
    version: int
    participants: tuple[str, ...] = ()
    deviations_discussed: tuple[str, ...] = ()
    agreed_actions: tuple[str, ...] = ()
    minutes_reference: str | None = None


@dataclass
class PublicationState:
    url: str
    published_on: date
    sha256: str | None
    version: int


@dataclass
class AssessmentState:
    assessment_id: str
    verdict: Verdict
    assessor: Actor
    version: int
    evidence_position: int
    supersedes: str | None = None
    superseded_by: str | None = None
    signed_off_by: Actor | None = None
    assessor_login: str | None = None  # the login that recorded it (None: declared)
    effective: date | None = None  # the day the judgement was made
    treatments: tuple[DeviationTreatment, ...] = ()
    signed_off_on: date | None = None
    signed_off_version: int | None = None
