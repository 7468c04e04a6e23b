"""The Grant's rules: RP Kassel's authority, payments within the grant, proofs before reviews."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.domain.errors import (
    DateOrderError,
    GrantStateError,
    InvalidIdentifierError,
    NotAuthorisedError,
    PaymentExceedsGrantError,
)
from ledger.domain.grant import Grant
from ledger.domain.values import ProofKind, ReviewResult
from tests.builders import PARTY, RP, env, eur


def new_grant(actor: str = PARTY) -> Grant:
    return Grant.apply_for(env(actor), "RPKS-57-AQB-2024-017", agreement_id="AQB-2024-06532",
                           party_ags="06532", submitted_on=date(2024, 3, 27),
                           amount_requested=eur("1185000"), financing_plan=())


def granted(amount: str = "1000") -> Grant:
    grant = new_grant()
    grant.issue_notice(env(RP), notice_date=date(2024, 5, 14), amount=eur(amount),
                       period_start=date(2024, 1, 1), period_end=date(2025, 12, 31), cash_schedule=(),
                       conditions=(), interim_proof_due=None, final_proof_due=date(2026, 6, 30))
    return grant


def test_a_file_number_is_not_an_agreement_id() -> None:
    with pytest.raises(InvalidIdentifierError):
        Grant.apply_for(env(PARTY), "AQB-2024-06532", agreement_id="AQB-2024-06532", party_ags="06532",
                        submitted_on=date(2024, 3, 1), amount_requested=eur("1"), financing_plan=())


def test_notice_comes_from_rp_kassel_only() -> None:
    grant = new_grant()
    with pytest.raises(NotAuthorisedError, match="that is for RP Kassel \\(RPKS\\)"):
        grant.approve_early_start(env("a.schneider@HMSI"), date(2024, 3, 28), date(2024, 1, 1))


def test_payments_never_exceed_the_granted_amount_without_an_amendment() -> None:
    grant = granted("1000")
    grant.disburse(env(RP), date(2024, 6, 3), eur("600"), 2024)
    with pytest.raises(PaymentExceedsGrantError, match="above the granted 1,000.00 EUR"):
        grant.disburse(env(RP), date(2024, 9, 2), eur("400.01"), 2024)
    grant.amend_notice(env(RP), date(2024, 10, 1), eur("1200"), ())
    grant.disburse(env(RP), date(2024, 10, 2), eur("600"), 2024)
    assert grant.disbursed == eur("1200")


def test_no_payment_before_a_notice() -> None:
    with pytest.raises(GrantStateError, match="no grant notice yet"):
        new_grant().disburse(env(RP), date(2024, 6, 3), eur("1"), 2024)


def test_an_amendment_cannot_go_below_what_was_paid() -> None:
    grant = granted("1000")
    grant.disburse(env(RP), date(2024, 6, 3), eur("800"), 2024)
    with pytest.raises(PaymentExceedsGrantError, match="already paid"):
        grant.amend_notice(env(RP), date(2024, 10, 1), eur("700"), ())


def test_a_review_needs_a_submitted_proof() -> None:
    grant = granted()
    with pytest.raises(GrantStateError, match="no final proof of use"):
        grant.review_proof(env(RP), kind=ProofKind.FINAL, result=ReviewResult.ACCEPTED, purpose_achieved=True,
                           findings=None, refund_due=eur("0"))
    grant.disburse(env(RP), date(2024, 6, 3), eur("1000"), 2024)
    grant.submit_proof(env(PARTY), kind=ProofKind.FINAL, submitted_on=date(2026, 6, 1), income=eur("1000"),
                       expenses=eur("950"), expense_lines=())
    with pytest.raises(DateOrderError, match="the review is dated 2024-07-01, before the proof it reviews"):
        grant.review_proof(env(RP), kind=ProofKind.FINAL, result=ReviewResult.ACCEPTED, purpose_achieved=True,
                           findings=None, refund_due=eur("0"))
    grant.review_proof(env(RP, effective=date(2026, 7, 15)), kind=ProofKind.FINAL,
                       result=ReviewResult.ACCEPTED_WITH_FINDINGS, purpose_achieved=True,
                       findings="50 EUR unspent", refund_due=eur("50"))
    grant.claim_refund(env(RP, effective=date(2026, 7, 20)), eur("50"), date(2026, 9, 30))
    assert (grant.proven, grant.reclaimed) == (eur("950"), eur("50"))


def test_proven_is_what_a_reviewed_proof_of_use_proves_not_one_submitted_or_rejected() -> None:
    grant = granted()
    grant.disburse(env(RP), date(2024, 6, 3), eur("1000"), 2024)

    def proof(kind: ProofKind, day: date, expenses: str) -> None:
        grant.submit_proof(env(PARTY), kind=kind, submitted_on=day, income=eur("1000"), expenses=eur(expenses),
                           expense_lines=())

    def review(kind: ProofKind, day: date, result: ReviewResult) -> None:
        grant.review_proof(env(RP, effective=day), kind=kind, result=result, purpose_achieved=True, findings=None,
                           refund_due=eur("0"))

    proof(ProofKind.INTERIM, date(2025, 6, 1), "600")
    assert grant.proven is None  # submitted, not yet reviewed
    review(ProofKind.INTERIM, date(2025, 6, 20), ReviewResult.REJECTED)
    assert grant.proven is None
    proof(ProofKind.INTERIM, date(2025, 7, 1), "580")
    assert grant.proven is None  # submitted again: waits for its review
    review(ProofKind.INTERIM, date(2025, 7, 10), ReviewResult.ACCEPTED)
    assert grant.proven == eur("580")
    proof(ProofKind.FINAL, date(2026, 5, 1), "990")
    assert grant.proven == eur("580")  # the final proof counts once it is reviewed
    review(ProofKind.FINAL, date(2026, 5, 20), ReviewResult.ACCEPTED_WITH_FINDINGS)
    assert grant.proven == eur("990")
    proof(ProofKind.FINAL, date(2026, 6, 2), "985")
    assert grant.proven == eur("990")  # submitted again after its review: proven stays what the review accepted
    assert grant.proofs[ProofKind.FINAL].first_submitted_on == date(2026, 5, 1)
