"""Per-stream folds: the facts of one agreement or grant stream that the read models need.

A fold is advanced event by event (`advance`) and rebuilt from a stream's history when an
`EntryCorrected` arrives (`refold`): corrected fields are laid over the events they correct,
exactly as the aggregates do, so a view kept current live equals one rebuilt from scratch.
Folding reads no clock and does no I/O. Folds tolerate gaps (an `--effective` view leaves out
events that had not happened yet), so a decision without its deviation is simply skipped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ledger import reference
from ledger.domain.agreement import AGREEMENT_ID, Agreement
from ledger.domain.agreement_state import UNALLOCATED
from ledger.domain.base import CorrectionEvent, LedgerEvent, coerce_field
from ledger.domain.grant import Grant
from ledger.domain.values import Measure

ZERO = Decimal("0.00")


@dataclass
class ProjectFold:
    project_id: str
    name: str
    category: str
    planned: Decimal | None = None
    places: int | None = None
    moved_in: Decimal = ZERO
    moved_out: Decimal = ZERO

    @property
    def current(self) -> Decimal:
        return (self.planned or ZERO) + self.moved_in - self.moved_out


@dataclass
class DeviationFold:
    deviation_id: str
    kind: str
    scope: str
    scope_ref: str | None
    metric: str | None
    planned: str | None
    actual: str | None
    effective: date
    reported_by: str
    decisions: list[tuple[str, str]] = field(default_factory=list)  # (decision, actor)


@dataclass
class AgreementFold:
    stream_id: str
    year: int
    party_ags: str
    party_name: str
    version: int = 0
    lines: dict[str, Decimal] = field(default_factory=dict)
    announced: dict[str, Decimal] = field(default_factory=dict)
    announced_cash: dict[str, dict[int, Decimal]] = field(default_factory=dict)
    projects: dict[str, ProjectFold] = field(default_factory=dict)
    deviations: dict[str, DeviationFold] = field(default_factory=dict)
    signatures: dict[str, tuple[str, date | None]] = field(default_factory=dict)
    meetings: list[date] = field(default_factory=list)
    published_on: date | None = None

    @staticmethod
    def empty(stream_id: str) -> AgreementFold:
        found = AGREEMENT_ID.match(stream_id)
        year, ags = (int(found.group("year")), found.group("ags")) if found else (0, "")
        party = reference.party(ags)
        return AgreementFold(stream_id, year, ags, party.display_name if party else "")


@dataclass
class GrantFold:
    stream_id: str
    agreement_id: str
    party_ags: str
    version: int = 0
    submitted_on: date | None = None
    requested: Decimal | None = None
    notice_on: date | None = None
    granted: Decimal | None = None
    granted_cash: dict[int, Decimal] = field(default_factory=dict)
    amended: Decimal | None = None
    amended_cash: dict[int, Decimal] = field(default_factory=dict)
    disbursed_cash: dict[int, Decimal] = field(default_factory=dict)
    proven: Decimal | None = None
    reclaimed: Decimal | None = None
    refunded: Decimal | None = None
    proof_due: dict[str, date | None] = field(default_factory=dict)
    proof_submitted: dict[str, date] = field(default_factory=dict)
    reviews: dict[str, str] = field(default_factory=dict)

    @property
    def current_grant(self) -> Decimal | None:
        return self.amended if self.amended is not None else self.granted


Fold = AgreementFold | GrantFold


def _plus(total: Decimal | None, amount: Decimal) -> Decimal:
    return (total or ZERO) + amount


# --- agreement steps ----------------------------------------------------------------------------
def _recorded(f: AgreementFold, e: Agreement.Recorded) -> None:
    f.year, f.party_ags, f.party_name = e.year, e.party_ags, e.party_name
    f.lines = {}
    for line in e.lines:
        f.lines[line.budget.value] = f.lines.get(line.budget.value, ZERO) + line.amount
    _add_projects(f, e.measures)


def _content_amended(f: AgreementFold, e: Agreement.Amended) -> None:
    """A new version: its §4 lines, new §5 projects; both parties sign the new version again."""
    f.lines = {}
    for line in e.lines:
        f.lines[line.budget.value] = f.lines.get(line.budget.value, ZERO) + line.amount
    _add_projects(f, e.measures)
    f.signatures = {}


def _add_projects(f: AgreementFold, measures: Iterable[Measure]) -> None:
    """§5 projects not yet known by name get the next id (as the aggregate numbers them)."""
    names = {p.name.strip().casefold() for p in f.projects.values()}
    for measure in measures:
        for name in measure.projects:
            if name.strip().casefold() not in names:
                pid = f"P{len(f.projects) + 1}"
                f.projects[pid] = ProjectFold(pid, name, measure.category.value)
                names.add(name.strip().casefold())


def _announced(f: AgreementFold, e: Agreement.AllocationAnnounced) -> None:
    f.announced[e.budget.value] = e.amount
    f.announced_cash[e.budget.value] = {c.year: c.amount for c in e.cash_schedule}


def _planned(f: AgreementFold, e: Agreement.ProjectPlanned) -> None:
    project = f.projects.setdefault(e.project_id, ProjectFold(e.project_id, e.name, e.category.value))
    project.name, project.category = e.name, e.category.value
    project.planned, project.places = e.planned_amount, e.planned_places


def _reallocated(f: AgreementFold, e: Agreement.FundsReallocated) -> None:
    if e.from_project != UNALLOCATED:
        _project(f, e.from_project).moved_out += e.amount
    if e.to_project != UNALLOCATED:
        _project(f, e.to_project).moved_in += e.amount


def _project(f: AgreementFold, project_id: str) -> ProjectFold:
    return f.projects.setdefault(project_id, ProjectFold(project_id, project_id, ""))


def _deviation(f: AgreementFold, e: Agreement.DeviationReported) -> None:
    f.deviations[e.deviation_id] = DeviationFold(
        e.deviation_id, e.kind.value, e.scope.value, e.scope_ref, e.metric, e.planned, e.actual,
        e.envelope.effective, str(e.envelope.actor),
    )


def _decided(f: AgreementFold, e: Agreement.DeviationDecided) -> None:
    deviation = f.deviations.get(e.deviation_id)
    if deviation is not None:
        deviation.decisions.append((e.decision.value, str(e.envelope.actor)))


def _signed(f: AgreementFold, e: Agreement.Signed) -> None:
    role = "ministry" if e.party == reference.MINISTRY else "party"
    f.signatures[role] = (e.signatory, e.signed_on)


def _meeting(f: AgreementFold, e: Agreement.ImplementationMeetingHeld) -> None:
    f.meetings.append(e.held_on)


def _published(f: AgreementFold, e: Agreement.Published) -> None:
    f.published_on = e.published_on


# --- grant steps --------------------------------------------------------------------------------
def _applied(f: GrantFold, e: Grant.ApplicationSubmitted) -> None:
    f.agreement_id, f.party_ags = e.agreement_id, e.party_ags
    f.submitted_on, f.requested = e.submitted_on, e.amount_requested


def _notice(f: GrantFold, e: Grant.NoticeIssued) -> None:
    f.notice_on, f.granted = e.notice_date, e.amount
    f.granted_cash = {c.year: c.amount for c in e.cash_schedule}
    f.proof_due = {"interim": e.interim_proof_due, "final": e.final_proof_due}


def _amended(f: GrantFold, e: Grant.NoticeAmended) -> None:
    f.amended = e.amount
    if e.cash_schedule:
        f.amended_cash = {c.year: c.amount for c in e.cash_schedule}


def _disbursed(f: GrantFold, e: Grant.FundsDisbursed) -> None:
    f.disbursed_cash[e.cash_year] = f.disbursed_cash.get(e.cash_year, ZERO) + e.amount


def _proof(f: GrantFold, e: Grant.ProofOfUseSubmitted) -> None:
    f.proof_submitted[e.kind.value] = e.submitted_on
    if e.kind.value == "final":
        f.proven = e.expenses


def _review(f: GrantFold, e: Grant.ProofOfUseReviewed) -> None:
    f.reviews[e.kind.value] = e.result.value


def _claimed(f: GrantFold, e: Grant.RefundClaimed) -> None:
    f.reclaimed = _plus(f.reclaimed, e.amount)


def _received(f: GrantFold, e: Grant.RefundReceived) -> None:
    f.refunded = _plus(f.refunded, e.amount)


STEPS: dict[type[Any], Callable[[Any, Any], None]] = {
    Agreement.Recorded: _recorded, Agreement.Amended: _content_amended,
    Agreement.AllocationAnnounced: _announced,
    Agreement.ProjectPlanned: _planned, Agreement.FundsReallocated: _reallocated,
    Agreement.DeviationReported: _deviation, Agreement.DeviationDecided: _decided,
    Agreement.Signed: _signed, Agreement.ImplementationMeetingHeld: _meeting,
    Agreement.Published: _published,
    Grant.ApplicationSubmitted: _applied, Grant.NoticeIssued: _notice, Grant.NoticeAmended: _amended,
    Grant.FundsDisbursed: _disbursed, Grant.ProofOfUseSubmitted: _proof,
    Grant.ProofOfUseReviewed: _review, Grant.RefundClaimed: _claimed, Grant.RefundReceived: _received,
}


def new_fold(event: LedgerEvent, agreement_id: str | None = None) -> Fold | None:
    """An empty fold for the stream of this event; None for streams no view follows."""
    if isinstance(event, Agreement.Event):
        return AgreementFold.empty(event.originator_id)
    if isinstance(event, Grant.Event):
        if isinstance(event, Grant.ApplicationSubmitted):
            return GrantFold(event.originator_id, event.agreement_id, event.party_ags)
        return GrantFold(event.originator_id, agreement_id or "", "") if agreement_id else None
    return None


def advance(fold: Fold, event: LedgerEvent) -> None:
    """Apply one (uncorrected or already corrected) event; corrections are handled by `refold`."""
    step = STEPS.get(type(event))
    if step is not None:
        step(fold, event)
    fold.version = event.originator_version


def refold(events: Iterable[LedgerEvent], agreement_id: str | None = None) -> Fold | None:
    """The fold of one stream from its events (in version order), corrections laid over."""
    history = list(events)
    overlays = corrections_of(history)
    fold: Fold | None = None
    for event in history:
        fold = fold or new_fold(event, agreement_id)
        if fold is None:
            return None
        if not isinstance(event, CorrectionEvent):
            advance(fold, corrected(event, overlays.get(event.originator_version)))
        fold.version = event.originator_version
    return fold


def corrections_of(events: Iterable[LedgerEvent]) -> dict[int, dict[str, str]]:
    overlays: dict[int, dict[str, str]] = {}
    for event in events:
        if isinstance(event, CorrectionEvent):
            overlay = overlays.setdefault(event.corrects_version, {})
            overlay.update({c.field: c.new for c in event.changes})
    return overlays


def corrected(event: LedgerEvent, overlay: dict[str, str] | None) -> LedgerEvent:
    if not overlay:
        return event
    values = {name: coerce_field(type(event), name, text) for name, text in overlay.items()}
    return dataclasses.replace(event, **values)  # type: ignore[type-var]
