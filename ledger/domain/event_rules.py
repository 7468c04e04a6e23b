"""The rules of the command that records an event, asked of an event already recorded.

`check_event(before, event)` raises the error the command would have raised, had it been asked on
`before` (the aggregate as it stood before the event) for what the event says. It calls the same
rule functions the commands call (`agreement_rules`, `grant_rules`, `agreement_assessment`), with
the event's fields, and checks what a command derives itself (the next deviation, project and
assessment id, a project's id by its name, the party of a grant's agreement). `aqb verify` asks it
of every event, so a row inserted past the application (with psql, under a valid login and
mandate) that no command could have produced is reported; `check_corrected_state` asks it of
every event after a correction, so a correction cannot make an entry one its command would refuse.

What no field of the event records cannot be asked again: which deviations the assessor knew at
the evidence position (the application takes them from the ledger then), and whether a second
decision was given as a revision (a second decision is one). Mandates are the authorship check's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger.domain import agreement_assessment as assessment_rules
from ledger.domain import agreement_rules as rules
from ledger.domain import calendar, grant_rules
from ledger.domain.agreement import Agreement
from ledger.domain.base import CorrectionEvent, LedgerAggregate, LedgerEvent, check_reason_given
from ledger.domain.errors import RuleViolationError
from ledger.domain.grant import Grant

Check = Callable[[Any, Any], None]


def check_event(before: LedgerAggregate | None, event: LedgerEvent) -> None:
    """Raise what the command recording `event` would have raised on `before`."""
    if isinstance(event, CorrectionEvent):
        if before is not None:
            before.check_correction(event.corrects_version, event.changes)
            check_reason_given(event.envelope, "a correction")
        return
    check = CHECKS.get(type(event))
    if check is not None and (before is not None or type(event) in CREATING):
        check(before, event)


def _derived(what: str, recorded: object, expected: object) -> None:
    if recorded != expected:
        raise RuleViolationError(f"{what} is {recorded}, but the application would have made it {expected}",
                                 "the application derives it from the state before the event")


# --- agreements ------------------------------------------------------------------------------
def _amended(_before: Agreement, event: Agreement.Amended) -> None:
    check_reason_given(event.envelope, "an amendment")


def _allocation(_before: Agreement, event: Agreement.AllocationAnnounced) -> None:
    check_reason_given(event.envelope, "an allocation")
    rules.check_schedule_adds_up(event.cash_schedule, event.amount, "the announced cash years")


def _project(before: Agreement, event: Agreement.ProjectPlanned) -> None:
    check_reason_given(event.envelope, "a planned project amount")
    existing = before.find_project_by_name(event.name)
    rules.check_not_planned_yet(event.name, existing)
    rules.check_within_budget(before, event.name, event.planned_amount)
    _derived("the project id", event.project_id,
             existing.project_id if existing else f"P{len(before.projects) + 1}")


def _reallocation(before: Agreement, event: Agreement.FundsReallocated) -> None:
    check_reason_given(event.envelope, "a reallocation")
    source, target = before.project_ref(event.from_project), before.project_ref(event.to_project)
    rules.check_reallocation(before, source, target, event.amount, event.approval_reference)


def _deviation(before: Agreement, event: Agreement.DeviationReported) -> None:
    check_reason_given(event.envelope, "a deviation")
    _derived("the deviation id", event.deviation_id, f"D{len(before.deviations) + 1}")
    _derived("the deviation's scope", event.scope_ref, rules.scope_ref(before, event.scope, event.scope_ref))


def _decision(before: Agreement, event: Agreement.DeviationDecided) -> None:
    check_reason_given(event.envelope, "a decision")
    deviation = before.deviation(event.deviation_id)
    rules.check_decision(event.envelope, deviation, event.decision, event.conditions,
                         revise=deviation.decision is not None)


def _signature(before: Agreement, event: Agreement.Signed) -> None:
    rules.check_signature(before, event.party, event.organisation)


def _meeting(before: Agreement, event: Agreement.ImplementationMeetingHeld) -> None:
    rules.check_meeting(before, event.held_on, [before.deviation(d) for d in event.deviations_discussed])


def _publication(before: Agreement, event: Agreement.Published) -> None:
    rules.check_not_before_the_year(before, event.published_on, "a publication")


def _participation(before: Agreement, event: Agreement.ParticipationReported) -> None:
    rules.check_counts({"period_start": event.period_start, "period_end": event.period_end,
                        "entries": event.entries, "exits": event.exits, "outcomes": event.outcomes})
    _derived("the project", event.project_id, before.project_ref(event.project_id))


def _assessment(before: Agreement, event: Agreement.TargetAchievementAssessed) -> None:
    if not event.rationale.strip():
        raise RuleViolationError("an assessment states its rationale", "give --rationale")
    _derived("the assessment id", event.assessment_id, f"A{len(before.assessments) + 1}")
    rules.check_not_before(event.envelope.effective, calendar.year_start(before.year), "the assessment",
                           f"the programme year {before.year} began", "a year is judged in or after it")
    supersedes = getattr(event, "supersedes", None)
    if supersedes is not None:
        earlier = assessment_rules.check_assessment_is_current(before, supersedes)
        if earlier.effective is not None:
            rules.check_not_before(event.envelope.effective, earlier.effective, "the revised assessment",
                                   f"the assessment it revises ({earlier.effective})",
                                   "a revision is dated when it was made, never before the judgement it revises")
        assessment_rules.check_revision_knows_enough(earlier, event.evidence_position)


def _sign_off(before: Agreement, event: Agreement.AssessmentSignedOff) -> None:
    found = assessment_rules.check_assessment_is_current(before, event.assessment_id)
    if found.signed_off_by is not None:
        raise RuleViolationError(f"assessment {event.assessment_id} was already signed off by {found.signed_off_by}",
                                 "a revision can be signed off anew")
    assessment_rules.check_four_eyes(event.envelope, found)
    if found.effective is not None:
        rules.check_not_before(event.envelope.effective, found.effective, "the sign-off",
                               f"the assessment it signs off ({found.effective})", "a sign-off follows the judgement")


# --- grants ----------------------------------------------------------------------------------
def _application(_before: None, event: Grant.ApplicationSubmitted) -> None:
    check_reason_given(event.envelope, "a grant application")
    _derived("the grant's party", event.party_ags, rules.parse_agreement_id(event.agreement_id)[1])


def _early_start(before: Grant, event: Grant.EarlyStartApproved) -> None:
    grant_rules.check_after_application(before, event.approved_on, "the early start approval")


def _notice(before: Grant, event: Grant.NoticeIssued) -> None:
    check_reason_given(event.envelope, "a grant notice")
    grant_rules.check_notice(before, {name: getattr(event, name) for name in (
        "notice_date", "amount", "period_start", "period_end", "cash_schedule", "interim_proof_due",
        "final_proof_due")})


def _amendment(before: Grant, event: Grant.NoticeAmended) -> None:
    check_reason_given(event.envelope, "a notice amendment")
    grant_rules.check_amendment(before, event.amended_on, event.amount, event.cash_schedule)


def _payment(before: Grant, event: Grant.FundsDisbursed) -> None:
    check_reason_given(event.envelope, "a payment")
    grant_rules.check_payment(before, event.value_date, event.amount, event.cash_year)


def _proof(before: Grant, event: Grant.ProofOfUseSubmitted) -> None:
    grant_rules.check_proof(before, event.submitted_on)


def _review(before: Grant, event: Grant.ProofOfUseReviewed) -> None:
    check_reason_given(event.envelope, "a review")
    grant_rules.check_review(before, event.kind, event.refund_due, event.envelope.effective)


def _refund_claim(before: Grant, event: Grant.RefundClaimed) -> None:
    check_reason_given(event.envelope, "a refund claim")
    grant_rules.check_refund_claim(before, event.amount, event.envelope.effective, event.due_on)


def _refund_receipt(before: Grant, event: Grant.RefundReceived) -> None:
    check_reason_given(event.envelope, "a refund receipt")
    grant_rules.check_refund_receipt(before, event.amount)


CHECKS: dict[type[Any], Check] = {
    Agreement.Amended: _amended,
    Agreement.AllocationAnnounced: _allocation,
    Agreement.ProjectPlanned: _project,
    Agreement.FundsReallocated: _reallocation,
    Agreement.DeviationReported: _deviation,
    Agreement.DeviationDecided: _decision,
    Agreement.Signed: _signature,
    Agreement.ImplementationMeetingHeld: _meeting,
    Agreement.Published: _publication,
    Agreement.ParticipationReported: _participation,
    Agreement.TargetAchievementAssessed: _assessment,
    Agreement.AssessmentRevised: _assessment,
    Agreement.AssessmentSignedOff: _sign_off,
    Grant.ApplicationSubmitted: _application,
    Grant.EarlyStartApproved: _early_start,
    Grant.NoticeIssued: _notice,
    Grant.NoticeAmended: _amendment,
    Grant.FundsDisbursed: _payment,
    Grant.ProofOfUseSubmitted: _proof,
    Grant.ProofOfUseReviewed: _review,
    Grant.RefundClaimed: _refund_claim,
    Grant.RefundReceived: _refund_receipt,
}
CREATING = frozenset({Grant.ApplicationSubmitted})  # asked with no state before
# Events whose command checks nothing of the state (their values are the validation layer's).
UNCHECKED = frozenset({Agreement.Recorded, Agreement.ImprovementActivityRecorded})
