"""One line per event for trails: the facts that matter to an auditor, in plain words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger.domain.agreement import Agreement
from ledger.domain.base import LedgerEvent, show_value
from ledger.domain.document import Document
from ledger.domain.grant import Grant

Describer = Callable[[Any], str]


def _recorded(e: Agreement.Recorded) -> str:
    lines = "; ".join(f"{line.budget.value} {line.amount:,.2f}" for line in e.lines)
    projects = sum(len(m.projects) for m in e.measures)
    return f"{e.party_name} {e.year}: {lines}; {len(e.measures)} categories, {projects} projects"


def _changes(e: Any) -> str:
    fixed = "; ".join(f"{c.field} {c.old or '∅'} → {c.new or '∅'}" for c in e.changes)
    return f"corrects entry {e.corrects_version}: {fixed}"


def _assessed(e: Agreement.TargetAchievementAssessed) -> str:
    treated = ", ".join(f"{t.deviation_id} {t.treatment.value}" for t in e.treatments) or "no deviation"
    revises = f", supersedes {e.supersedes}" if e.supersedes else ""
    return f"{e.assessment_id} {e.verdict.value}{revises}; evidence position {e.evidence_position}; {treated}"


DESCRIBERS: dict[type[Any], Describer] = {
    Agreement.Recorded: _recorded,
    Agreement.AllocationAnnounced: lambda e: f"{e.budget.value}; cash years "
    + ", ".join(f"{c.year}: {c.amount:,.2f}" for c in e.cash_schedule),
    Agreement.ProjectPlanned: lambda e: f"{e.project_id} {e.name} ({e.category.value})"
    + (f", {e.planned_places} places" if e.planned_places is not None else ""),
    Agreement.FundsReallocated: lambda e: f"{e.from_project} → {e.to_project}"
    + (f", approval {e.approval_reference}" if e.approval_reference else ""),
    Agreement.DeviationReported: lambda e: f"{e.deviation_id} {e.kind.value} ({e.scope.value}"
    + (f" {e.scope_ref}" if e.scope_ref else "") + f"): {e.cause}"
    + (f"; {e.metric} planned {e.planned}, actual {e.actual}" if e.metric else ""),
    Agreement.DeviationDecided: lambda e: f"{e.deviation_id} {e.decision.value}"
    + (f", ref {e.decision_reference}" if e.decision_reference else "")
    + (f", conditions: {e.conditions}" if e.conditions else ""),
    Agreement.Signed: lambda e: f"{e.party}: {e.signatory}, {e.function}, "
    f"{e.place or '(no place)'}, {show_value(e.signed_on) or '(no date)'}"
    + (f"; signs version {e.content_version}" if (e.content_version or 1) > 1 else ""),
    Agreement.ImplementationMeetingHeld: lambda e: f"{e.held_on}; {len(e.participants)} participants; "
    f"discussed {', '.join(e.deviations_discussed) or 'no deviation'}",
    Agreement.Published: lambda e: f"{e.url}" + (f" sha256 {e.sha256[:12]}…" if e.sha256 else ""),
    Agreement.ImprovementActivityRecorded: lambda e: f"{e.kind.value}: {e.title}",
    Agreement.ParticipationReported: lambda e: f"{e.project_id} {e.period_start}–{e.period_end}: {e.entries} entries, "
    f"{e.exits} exits" + "".join(f"; {c.label} {c.count}" for c in e.outcomes),
    Agreement.EntryCorrected: _changes,
    Agreement.Amended: lambda e: "new version: " + "; ".join(f"{ln.budget.value} {ln.amount:,.2f}" for ln in e.lines),
    Agreement.TargetAchievementAssessed: _assessed,
    Agreement.AssessmentRevised: _assessed,
    Agreement.AssessmentSignedOff: lambda e: f"{e.assessment_id} signed off" + (f": {e.note}" if e.note else ""),
    Grant.ApplicationSubmitted: lambda e: f"for {e.agreement_id}, submitted {e.submitted_on}",
    Grant.EarlyStartApproved: lambda e: f"start from {e.start_from}",
    Grant.NoticeIssued: lambda e: f"notice of {e.notice_date}, period {e.period_start}–{e.period_end}",
    Grant.NoticeAmended: lambda e: f"amended {e.amended_on}; cash years "
    + ", ".join(f"{c.year}: {c.amount:,.2f}" for c in e.cash_schedule),
    Grant.FundsDisbursed: lambda e: f"value date {e.value_date}, cash year {e.cash_year}",
    Grant.ProofOfUseSubmitted: lambda e: f"{e.kind.value} proof submitted {e.submitted_on}",
    Grant.ProofOfUseReviewed: lambda e: f"{e.kind.value}: {e.result.value}"
    + ("" if e.purpose_achieved else ", purpose not achieved"),
    Grant.RefundClaimed: lambda e: "due " + (show_value(e.due_on) or "(no date)"),
    Grant.RefundReceived: lambda e: f"value date {e.value_date}",
    Grant.EntryCorrected: _changes,
    Document.Imported: lambda e: f"{e.file_name} sha256 {e.sha256}; {e.classification}; "
    f"{len(e.warnings)} parse warnings; {e.importer_version}",
}


def describe(event: LedgerEvent) -> str:
    describer = DESCRIBERS.get(type(event))
    return describer(event) if describer else ""


def label(event: LedgerEvent) -> str:
    return type(event).LABEL or type(event).__name__
