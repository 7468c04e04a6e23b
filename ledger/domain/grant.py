"""The Grant aggregate: RP Kassel's grant case for one agreement, keyed by its file number.

Its state is the one model of a grant (money stages, cash years, proofs, reviews, refunds); the
rules are in the command methods and `grant_rules`.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.domain import grant_rules as rules
from ledger.domain.agreement import AGREEMENT_ID, valid_amount
from ledger.domain.authority import PARTY_OR_RP, RP_KASSEL, Rule, authorise
from ledger.domain.base import (
    CorrectionEvent,
    LedgerAggregate,
    LedgerCreated,
    LedgerEvent,
    check_in_programme,
    check_reason_given,
)
from ledger.domain.errors import InvalidIdentifierError
from ledger.domain.grant_state import ZERO, CashYearFigures, PaymentState, ProofState, ReviewState
from ledger.domain.values import Act, CashYear, Envelope, PlanLine, ProofKind, ReviewResult

RESERVED_PREFIXES = ("DOC-", "PRINCIPAL-")  # stream ids of documents and principals
_FILE_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./_:-]{2,79}$")


def check_file_number(text: str) -> str:
    number = text.strip()
    if not _FILE_NUMBER.match(number) or AGREEMENT_ID.match(number) or number.upper().startswith(RESERVED_PREFIXES):
        raise InvalidIdentifierError(
            f"invalid grant file number '{text}'",
            "give RP Kassel's file number (Aktenzeichen): 3 to 80 letters, digits, ' ./_:-', "
            "e.g. 'RPKS 57-AQB-2024-017'",
        )
    return number


class Grant(LedgerAggregate):
    TOPIC = "aqb:Grant"

    class Event(LedgerEvent):
        TOPIC = "aqb:Grant.Event"

    class ApplicationSubmitted(LedgerCreated, Event):
        TOPIC = "aqb:Grant.ApplicationSubmitted:v1"
        LABEL = "application submitted"
        RULE = Rule(Act.RECORD, PARTY_OR_RP)
        AMOUNT_FIELD = "amount_requested"
        agreement_id: str
        party_ags: str
        submitted_on: date
        amount_requested: Decimal
        financing_plan: tuple[PlanLine, ...]

        def on(self, agg: Grant) -> None:
            agg.agreement_id, agg.party_ags = self.agreement_id, self.party_ags
            agg.submitted_on, agg.requested = self.submitted_on, self.amount_requested
            agg.financing_plan = self.financing_plan

    class EarlyStartApproved(Event):
        TOPIC = "aqb:Grant.EarlyStartApproved:v1"
        LABEL = "early start approved"
        RULE = Rule(Act.GRANT, RP_KASSEL)
        approved_on: date
        start_from: date

        def on(self, agg: Grant) -> None:
            agg.early_start_from = self.start_from

    class NoticeIssued(Event):
        TOPIC = "aqb:Grant.NoticeIssued:v1"
        LABEL = "grant notice issued"
        RULE = Rule(Act.GRANT, RP_KASSEL)
        AMOUNT_FIELD = "amount"
        notice_date: date
        amount: Decimal
        period_start: date
        period_end: date
        cash_schedule: tuple[CashYear, ...]
        conditions: tuple[str, ...]
        interim_proof_due: date | None
        final_proof_due: date | None

        def on(self, agg: Grant) -> None:
            agg.notice_amount, agg.notice_date = self.amount, self.notice_date
            agg.notice_schedule = self.cash_schedule
            agg.period = (self.period_start, self.period_end)
            agg.proof_due = {ProofKind.INTERIM: self.interim_proof_due, ProofKind.FINAL: self.final_proof_due}

    class NoticeAmended(Event):
        TOPIC = "aqb:Grant.NoticeAmended:v1"
        LABEL = "grant notice amended"
        RULE = Rule(Act.GRANT, RP_KASSEL)
        AMOUNT_FIELD = "amount"
        amended_on: date
        amount: Decimal
        cash_schedule: tuple[CashYear, ...]

        def on(self, agg: Grant) -> None:
            agg.amended, agg.amended_on = self.amount, self.amended_on
            if self.cash_schedule:
                agg.amended_schedule = self.cash_schedule

    class FundsDisbursed(Event):
        TOPIC = "aqb:Grant.FundsDisbursed:v1"
        LABEL = "funds disbursed"
        RULE = Rule(Act.GRANT, RP_KASSEL)
        AMOUNT_FIELD = "amount"
        value_date: date
        amount: Decimal
        cash_year: int

        def on(self, agg: Grant) -> None:
            agg.payments.append(PaymentState(self.value_date, self.amount, self.cash_year, self.originator_version))
            agg.paid_by_year[self.cash_year] = agg.paid_by_year.get(self.cash_year, ZERO) + self.amount

    class ProofOfUseSubmitted(Event):
        TOPIC = "aqb:Grant.ProofOfUseSubmitted:v1"
        LABEL = "proof of use submitted"
        RULE = Rule(Act.RECORD, PARTY_OR_RP)
        kind: ProofKind
        submitted_on: date
        income: Decimal
        expenses: Decimal
        expense_lines: tuple[PlanLine, ...]

        def on(self, agg: Grant) -> None:
            earlier = agg.proofs.get(self.kind)
            first = earlier.first_submitted_on or earlier.submitted_on if earlier is not None else self.submitted_on
            agg.proofs[self.kind] = ProofState(self.submitted_on, self.income, self.expenses, self.originator_version,
                                               first)

    class ProofOfUseReviewed(Event):
        TOPIC = "aqb:Grant.ProofOfUseReviewed:v1"
        LABEL = "proof of use reviewed"
        RULE = Rule(Act.GRANT, RP_KASSEL)
        AMOUNT_FIELD = "refund_due"
        kind: ProofKind
        result: ReviewResult
        purpose_achieved: bool
        findings: str | None
        refund_due: Decimal

        def on(self, agg: Grant) -> None:
            reviewed = agg.proofs.get(self.kind)
            agg.reviews[self.kind] = ReviewState(self.result, self.purpose_achieved, self.refund_due,
                                                 self.originator_version, self.envelope.effective,
                                                 reviewed.expenses if reviewed is not None else None)

    class RefundClaimed(Event):
        TOPIC = "aqb:Grant.RefundClaimed:v1"
        LABEL = "refund claimed"
        RULE = Rule(Act.GRANT, RP_KASSEL)
        AMOUNT_FIELD = "amount"
        amount: Decimal
        due_on: date | None

        def on(self, agg: Grant) -> None:
            agg.reclaimed += self.amount

    class RefundReceived(Event):
        TOPIC = "aqb:Grant.RefundReceived:v1"
        LABEL = "refund received"
        RULE = Rule(Act.GRANT, RP_KASSEL)
        AMOUNT_FIELD = "amount"
        amount: Decimal
        value_date: date

        def on(self, agg: Grant) -> None:
            agg.refunded += self.amount

    class EntryCorrected(CorrectionEvent, Event):
        TOPIC = "aqb:Grant.EntryCorrected:v1"
        LABEL = "entry corrected"
        RULE = Rule(Act.GRANT, RP_KASSEL)

    def __init__(self) -> None:
        super().__init__()
        self.agreement_id = self.party_ags = ""
        self.submitted_on: date | None = None
        self.requested = self.reclaimed = self.refunded = ZERO
        self.financing_plan: tuple[PlanLine, ...] = ()
        self.notice_amount: Decimal | None = None
        self.amended: Decimal | None = None
        self.notice_date: date | None = None
        self.amended_on: date | None = None
        self.period: tuple[date, date] | None = None
        self.early_start_from: date | None = None
        self.notice_schedule: tuple[CashYear, ...] = ()
        self.amended_schedule: tuple[CashYear, ...] = ()
        self.payments: list[PaymentState] = []
        self.paid_by_year: dict[int, Decimal] = {}  # the payments summed per cash year, kept as they come
        self.proof_due: dict[ProofKind, date | None] = {}
        self.proofs: dict[ProofKind, ProofState] = {}
        self.reviews: dict[ProofKind, ReviewState] = {}

    # --- the figures ------------------------------------------------------------------------
    @property
    def file_number(self) -> str:
        return self.id

    @property
    def party(self) -> str | None:
        return self.party_ags

    @property
    def budget_year(self) -> int | None:
        found = AGREEMENT_ID.match(self.agreement_id)
        return int(found["year"]) if found else None

    @property
    def granted(self) -> Decimal:
        """What the notice grants now: the latest amendment, else the notice (0 before it)."""
        return self.amended if self.amended is not None else (self.notice_amount or ZERO)

    @property
    def cash_schedule(self) -> tuple[CashYear, ...]:
        """The cash years as the notice (as amended) schedules them."""
        return self.amended_schedule or self.notice_schedule

    @property
    def disbursed(self) -> Decimal:
        return sum(self.paid_by_year.values(), ZERO)

    def paid_in(self, year: int) -> Decimal:
        return self.paid_by_year.get(year, ZERO)

    @property
    def proven(self) -> Decimal | None:
        """The expenses a reviewed proof of use proves: the final proof's once it was reviewed and
        not rejected, else the interim one's (None while no proof is). A proof submitted again
        after its review leaves proven what the review accepted until it is reviewed again."""
        for kind in (ProofKind.FINAL, ProofKind.INTERIM):
            review = self.reviews.get(kind)
            if review is not None and review.result is not ReviewResult.REJECTED and review.expenses is not None:
                return review.expenses
        return None

    def cash_years(self) -> list[CashYearFigures]:
        """Every cash year scheduled or paid in, with what is scheduled and what was paid."""
        schedule = {c.year: c.amount for c in self.cash_schedule}
        years = sorted(set(schedule) | set(self.paid_by_year))
        return [CashYearFigures(y, schedule.get(y, ZERO) if schedule else None, self.paid_in(y)) for y in years]

    def check_invariants(self) -> None:
        rules.check_grant_invariants(self)

    # --- commands ---------------------------------------------------------------------------
    @classmethod
    def apply_for(cls, envelope: Envelope, file_number: str, **application: Any) -> Grant:
        application["amount_requested"] = valid_amount(application["amount_requested"], "the requested amount")
        envelope = authorise(envelope, cls.ApplicationSubmitted.RULE, "a grant application",
                             application["party_ags"], application["amount_requested"])
        check_reason_given(envelope, "a grant application")
        found = AGREEMENT_ID.match(application["agreement_id"])
        check_in_programme(envelope.effective, int(found["year"]) if found else None, check_file_number(file_number))
        return cls._create(
            cls.ApplicationSubmitted, id=check_file_number(file_number), envelope=envelope,
            **application,
        )

    def approve_early_start(self, envelope: Envelope, approved_on: date, start_from: date) -> None:
        envelope = self.authorise(envelope, self.EarlyStartApproved, "an early start approval")
        rules.check_after_application(self, approved_on, "the early start approval")
        self.trigger_event(self.EarlyStartApproved, envelope=envelope, approved_on=approved_on, start_from=start_from)

    def issue_notice(self, envelope: Envelope, **notice: Any) -> None:
        notice["amount"] = valid_amount(notice["amount"], "the granted amount")
        envelope = self.authorise(envelope, self.NoticeIssued, "a grant notice", notice["amount"])
        check_reason_given(envelope, "a grant notice")
        rules.check_notice(self, notice)
        self.trigger_event(self.NoticeIssued, envelope=envelope, **notice)

    def amend_notice(
        self, envelope: Envelope, amended_on: date, amount: Decimal, cash_schedule: tuple[CashYear, ...]
    ) -> None:
        amount = valid_amount(amount, "the amended amount")
        envelope = self.authorise(envelope, self.NoticeAmended, "a notice amendment", amount)
        check_reason_given(envelope, "a notice amendment")
        rules.check_amendment(self, amended_on, amount, cash_schedule)
        self.trigger_event(
            self.NoticeAmended, envelope=envelope, amended_on=amended_on, amount=amount,
            cash_schedule=cash_schedule,
        )

    def disburse(self, envelope: Envelope, value_date: date, amount: Decimal, cash_year: int) -> None:
        amount = valid_amount(amount, "the paid amount")
        envelope = self.authorise(envelope, self.FundsDisbursed, "a payment", amount)
        check_reason_given(envelope, "a payment")
        rules.check_payment_moves_money(amount)
        rules.check_payment(self, value_date, amount, cash_year)
        self.trigger_event(
            self.FundsDisbursed, envelope=envelope, value_date=value_date, amount=amount,
            cash_year=cash_year,
        )

    def submit_proof(self, envelope: Envelope, **proof: Any) -> None:
        envelope = self.authorise(envelope, self.ProofOfUseSubmitted, "a proof of use")
        proof["income"] = valid_amount(proof["income"], "the income")
        proof["expenses"] = valid_amount(proof["expenses"], "the expenses")
        rules.check_proof(self, proof["submitted_on"])
        self.trigger_event(self.ProofOfUseSubmitted, envelope=envelope, **proof)

    def review_proof(self, envelope: Envelope, **review: Any) -> None:
        review["refund_due"] = valid_amount(review["refund_due"], "the refund due")
        envelope = self.authorise(envelope, self.ProofOfUseReviewed, "a review", review["refund_due"])
        check_reason_given(envelope, "a review")
        rules.check_review(self, review["kind"], review["refund_due"], envelope.effective)
        self.trigger_event(self.ProofOfUseReviewed, envelope=envelope, **review)

    def claim_refund(self, envelope: Envelope, amount: Decimal, due_on: date | None) -> None:
        amount = valid_amount(amount, "the refund")
        envelope = self.authorise(envelope, self.RefundClaimed, "a refund claim", amount)
        check_reason_given(envelope, "a refund claim")
        rules.check_refund_claim(self, amount, envelope.effective, due_on)
        self.trigger_event(self.RefundClaimed, envelope=envelope, amount=amount, due_on=due_on)

    def receive_refund(self, envelope: Envelope, amount: Decimal, value_date: date) -> None:
        amount = valid_amount(amount, "the refund")
        envelope = self.authorise(envelope, self.RefundReceived, "a refund receipt", amount)
        check_reason_given(envelope, "a refund receipt")
        rules.check_refund_receipt(self, amount)
        self.trigger_event(self.RefundReceived, envelope=envelope, amount=amount, value_date=value_date)
