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
from datetime import date
from typing import Any

from ledger.domain import agreement_assessment as assessment_rules
from ledger.domain import agreement_rules as rules
from ledger.domain import grant_rules
from ledger.domain.agreement import AGREEMENT_ID, Agreement
from ledger.domain.base import CorrectionEvent, LedgerAggregate, LedgerEvent, check_in_programme, check_reason_given
from ledger.domain.dates import BERLIN
from ledger.domain.errors import RuleViolationError
from ledger.domain.grant import Grant

Check = Callable[[Any, Any], None]


def check_event(before: LedgerAggregate | None, event: LedgerEvent) -> None:
    """Raise what the command recording `event` would have raised on `before`."""
    if isinstance(event, CorrectionEvent):
        if before is not None:
            before.check_correction(event.corrects_version, event.changes, made_on(event))
            check_reason_given(event.envelope, "a correction")
        return
    check_in_programme(event.envelope.effective, _year(before, event), event.originator_id)
    check = CHECKS.get(type(event))
    if check is not None and (before is not None or type(event) in CREATING):
        check(before, event)


def _year(before: LedgerAggregate | None, event: LedgerEvent) -> int | None:
    """The programme year of the event's agreement or grant (its creating event names it)."""
    if before is not None:
        return before.budget_year
    if isinstance(event, Agreement.Recorded):
        return event.year
    found = AGREEMENT_ID.match(getattr(event, "agreement_id", "") or "")
    return int(found["year"]) if found else None


def made_on(event: LedgerEvent) -> date:
    """The day (Europe/Berlin) an event was made, by the time the application gave it."""
    return event.timestamp.astimezone(BERLIN).date()


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
    _derived("the project id", event.project_id, before.project_id_for(existing))


def _reallocation(before: Agreement, event: Agreement.FundsReallocated) -> None:
    check_reason_given(event.envelope, "a reallocation")
    source, target = before.project_ref(event.from_project), before.project_ref(event.to_project)
    rules.check_reallocation(before, source, target, event.amount, event.approval_reference)


def _deviation(before: Agreement, event: Agreement.DeviationReported) -> None:
    check_reason_given(event.envelope, "a deviation")
    rules.check_not_before_the_year(before, event.envelope.effective, "a deviation")
    _derived("the deviation id", event.deviation_id, before.next_deviation_id())
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
    _derived("the assessment id", event.assessment_id, assessment_rules.next_assessment_id(before))
    assessment_rules.check_one_standing(before, getattr(event, "supersedes", None))
    assessment_rules.check_assessment(before, event.envelope, event.rationale, event.evidence_position,
                                      getattr(event, "supersedes", None))


def _sign_off(before: Agreement, event: Agreement.AssessmentSignedOff) -> None:
    assessment_rules.check_sign_off(before, event.envelope, event.assessment_id)


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
    grant_rules.check_payment_moves_money(event.amount)
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
