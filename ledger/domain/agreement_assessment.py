"""The §6 judgement as rules of the Agreement: assess, revise, sign off (four eyes). The events
(TargetAchievementAssessed, AssessmentRevised, AssessmentSignedOff) are nested in Agreement."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.domain import calendar
from ledger.domain.agreement_rules import check_not_before
from ledger.domain.agreement_state import AssessmentState
from ledger.domain.errors import (
    AssessmentNotFoundError,
    MissingReasonError,
    NotAuthorisedError,
    RuleViolationError,
)
from ledger.domain.values import DeviationTreatment, Envelope, Indicator, Verdict

if TYPE_CHECKING:
    from ledger.domain.agreement import Agreement


def record_assessment(
    agreement: Agreement, envelope: Envelope, *, verdict: Verdict, rationale: str, indicators: tuple[Indicator, ...],
    treatments: tuple[DeviationTreatment, ...], known_deviations: tuple[str, ...],
    evidence_position: int, evidence_hash: str | None, supersedes: str | None = None,
) -> str:
    """Record the §6 judgement; every deviation known at the evidence position needs a treatment."""
    event_class = agreement.AssessmentRevised if supersedes else agreement.TargetAchievementAssessed
    envelope = agreement.authorise(envelope, event_class, "an assessment")
    check_every_deviation_treated(agreement, treatments, known_deviations)
    check_assessment(agreement, envelope, rationale, evidence_position, supersedes)
    check_one_standing(agreement, supersedes)
    assessment_id = next_assessment_id(agreement)
    agreement.trigger_event(
        event_class, envelope=envelope, assessment_id=assessment_id, verdict=verdict,
        rationale=rationale.strip(), indicators=indicators, treatments=treatments,
        evidence_position=evidence_position, evidence_hash=evidence_hash, supersedes=supersedes,
    )
    return assessment_id


def check_one_standing(agreement: Agreement, supersedes: str | None) -> None:
    """One judgement stands at a time: a second one revises it (two side by side: which holds?)."""
    standing = [a.assessment_id for a in agreement.assessments.values() if not a.superseded_by]
    if supersedes is None and standing:
        raise RuleViolationError(f"{standing[-1]} stands as the judgement of {agreement.id}; a second one would "
                                 "stand beside it", f"to judge again, revise it (--revises {standing[-1]})")


def record_sign_off(agreement: Agreement, envelope: Envelope, assessment_id: str, note: str | None) -> None:
    """The second pair of eyes: another actor of the ministry confirms the judgement."""
    envelope = agreement.authorise(envelope, agreement.AssessmentSignedOff, "a sign-off")
    check_sign_off(agreement, envelope, assessment_id)
    agreement.trigger_event(agreement.AssessmentSignedOff, envelope=envelope, assessment_id=assessment_id, note=note)


def next_assessment_id(agreement: Agreement) -> str:
    return f"A{len(agreement.assessments) + 1}"


def check_assessment(agreement: Agreement, envelope: Envelope, rationale: str, evidence_position: int,
                     supersedes: str | None) -> None:
    """A judgement states its rationale, falls in or after its year, and a revision revises the
    current judgement, after it and knowing at least what it knew (the treatments aside)."""
    if not rationale.strip():
        raise MissingReasonError("an assessment (its rationale)")
    check_not_before(envelope.effective, calendar.year_start(agreement.year), "the assessment",
                     f"the programme year {agreement.year} began", "a year is judged in or after it")
    if supersedes is not None:
        earlier = check_assessment_is_current(agreement, supersedes)
        if earlier.effective is not None:
            check_not_before(envelope.effective, earlier.effective, "the revised assessment",
                             f"the assessment it revises ({earlier.effective})",
                             "a revision is dated when it was made, never before the judgement it revises")
        check_revision_knows_enough(earlier, evidence_position)


def check_sign_off(agreement: Agreement, envelope: Envelope, assessment_id: str) -> None:
    """The current judgement, not signed off yet, by another person and login, after it."""
    assessment = check_assessment_is_current(agreement, assessment_id)
    if assessment.signed_off_by is not None:
        raise RuleViolationError(f"assessment {assessment_id} was already signed off by "
                                 f"{assessment.signed_off_by}", "a revision can be signed off anew")
    check_four_eyes(envelope, assessment)
    if assessment.effective is not None:
        check_not_before(envelope.effective, assessment.effective, "the sign-off",
                         f"the assessment it signs off ({assessment.effective})", "a sign-off follows the judgement")


def check_revision_knows_enough(earlier: AssessmentState, evidence_position: int) -> None:
    """A revision rests on at least what the judgement it revises knew."""
    if evidence_position < earlier.evidence_position:
        raise RuleViolationError(
            f"the revision of {earlier.assessment_id} rests on the ledger at position {evidence_position}, before "
            f"the position {earlier.evidence_position} {earlier.assessment_id} rested on",
            f"give --evidence {earlier.evidence_position} or later (or leave it out: the head)")


def check_four_eyes(envelope: Envelope, assessment: AssessmentState) -> None:
    """Two different people, and (where logins are authenticated) two different logins: a
    service account recording for both people does not make four eyes."""
    if envelope.actor.user == assessment.assessor.user:
        raise NotAuthorisedError(f"{envelope.actor} assessed {assessment.assessment_id} and cannot sign it off",
                                 "a second, different person of the ministry signs off (four eyes)")
    if envelope.login is not None and envelope.login == assessment.assessor_login:
        raise NotAuthorisedError(f"login {envelope.login} recorded assessment {assessment.assessment_id} and "
                                 "cannot also record its sign-off", "the second person signs off with their own login")


def check_assessment_is_current(agreement: Agreement, assessment_id: str) -> AssessmentState:
    assessment = agreement.assessments.get(assessment_id)
    if assessment is None:
        raise AssessmentNotFoundError(agreement.id, assessment_id)
    if assessment.superseded_by:
        raise RuleViolationError(f"assessment {assessment_id} was superseded by {assessment.superseded_by}",
                                 f"work on {assessment.superseded_by}")
    return assessment


def check_every_deviation_treated(
    agreement: Agreement, treatments: tuple[DeviationTreatment, ...], known: tuple[str, ...]
) -> None:
    treated = [t.deviation_id for t in treatments]
    for deviation_id in treated:
        agreement.deviation(deviation_id)
    untreated = [d for d in known if d not in treated]
    if untreated:
        raise RuleViolationError(
            f"deviation {untreated[0]} of {agreement.id} has no treatment in this assessment",
            f"say how it was taken into account: --deviation {untreated[0]}=considered-accepted "
            "(or considered-with-conditions, not-accepted)",
        )
    if len(set(treated)) != len(treated):
        raise RuleViolationError("a deviation is treated twice", "give each deviation once")
