"""The Grant aggregate: RP Kassel's grant case for one agreement, keyed by its file number."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.domain.agreement import AGREEMENT_ID, valid_amount
from ledger.domain.authority import PARTY_OR_RP, RP_KASSEL, Rule, authorise
from ledger.domain.base import CorrectionEvent, LedgerAggregate, LedgerCreated, LedgerEvent, check_reason_given
from ledger.domain.errors import GrantStateError, InvalidIdentifierError, PaymentExceedsGrantError
from ledger.domain.values import Act, CashYear, Envelope, PlanLine, ProofKind, ReviewResult

RESERVED_PREFIXES = ("DOC-", "PRINCIPAL-")  # stream ids of documents and principals
_FILE_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./_:-]{2,79}$")
ZERO = Decimal("0.00")


def check_file_number(text: str) -> str:
    number = text.strip()
    if not _FILE_NUMBER.match(number) or AGREEMENT_ID.match(number) or number.upper().startswith(RESERVED_PREFIXES):
        raise InvalidIdentifierError(
            f"invalid grant file number '{text}'",
            "give RP Kassel's file number (Aktenzeichen), e.g. 'RPKS 57-AQB-2024-017'",
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
            agg.granted, agg.notice_date = self.amount, self.notice_date
            agg.cash_schedule = self.cash_schedule
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
            agg.granted = self.amount
            if self.cash_schedule:
                agg.cash_schedule = self.cash_schedule

    class FundsDisbursed(Event):
        TOPIC = "aqb:Grant.FundsDisbursed:v1"
        LABEL = "funds disbursed"
        RULE = Rule(Act.GRANT, RP_KASSEL)
        AMOUNT_FIELD = "amount"
        value_date: date
        amount: Decimal
        cash_year: int

        def on(self, agg: Grant) -> None:
            agg.disbursed += self.amount

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
            agg.proofs[self.kind] = self.originator_version
            if self.kind is ProofKind.FINAL:
                agg.proven = self.expenses

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
            agg.reviews[self.kind] = self.originator_version

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
        self.requested = self.granted = self.disbursed = self.proven = ZERO
        self.reclaimed = self.refunded = ZERO
        self.notice_date: date | None = None
        self.early_start_from: date | None = None
        self.cash_schedule: tuple[CashYear, ...] = ()
        self.proof_due: dict[ProofKind, date | None] = {}
        self.proofs: dict[ProofKind, int] = {}
        self.reviews: dict[ProofKind, int] = {}

    @property
    def file_number(self) -> str:
        return self.id

    @property
    def party(self) -> str | None:
        return self.party_ags

    # --- commands ---------------------------------------------------------------------------
    @classmethod
    def apply_for(cls, envelope: Envelope, file_number: str, **application: Any) -> Grant:
        application["amount_requested"] = valid_amount(application["amount_requested"], "the requested amount")
        envelope = authorise(envelope, cls.ApplicationSubmitted.RULE, "a grant application",
                             application["party_ags"], application["amount_requested"])
        check_reason_given(envelope, "a grant application")
        return cls._create(
            cls.ApplicationSubmitted, id=check_file_number(file_number), envelope=envelope,
            **application,
        )

    def approve_early_start(self, envelope: Envelope, approved_on: date, start_from: date) -> None:
        envelope = self.authorise(envelope, self.EarlyStartApproved, "an early start approval")
        self.trigger_event(self.EarlyStartApproved, envelope=envelope, approved_on=approved_on, start_from=start_from)

    def issue_notice(self, envelope: Envelope, **notice: Any) -> None:
        notice["amount"] = valid_amount(notice["amount"], "the granted amount")
        envelope = self.authorise(envelope, self.NoticeIssued, "a grant notice", notice["amount"])
        check_reason_given(envelope, "a grant notice")
        if self.notice_date is not None:
            raise GrantStateError(
                f"grant {self.id} already has a notice of {self.notice_date}",
                "change it with 'aqb grant amendment'",
            )
        self.trigger_event(self.NoticeIssued, envelope=envelope, **notice)

    def amend_notice(
        self, envelope: Envelope, amended_on: date, amount: Decimal, cash_schedule: tuple[CashYear, ...]
    ) -> None:
        amount = valid_amount(amount, "the amended amount")
        envelope = self.authorise(envelope, self.NoticeAmended, "a notice amendment", amount)
        check_reason_given(envelope, "a notice amendment")
        self.check_notice_issued("amended")
        if amount < self.disbursed:
            raise PaymentExceedsGrantError(
                f"cannot amend to {amount:,.2f} EUR: {self.disbursed:,.2f} EUR are already paid",
                "claim a refund first, or amend to at least the amount paid",
            )
        self.trigger_event(
            self.NoticeAmended, envelope=envelope, amended_on=amended_on, amount=amount,
            cash_schedule=cash_schedule,
        )

    def disburse(self, envelope: Envelope, value_date: date, amount: Decimal, cash_year: int) -> None:
        amount = valid_amount(amount, "the paid amount")
        envelope = self.authorise(envelope, self.FundsDisbursed, "a payment", amount)
        check_reason_given(envelope, "a payment")
        self.check_notice_issued("paid")
        if self.disbursed + amount > self.granted:
            raise PaymentExceedsGrantError(
                f"paying {amount:,.2f} EUR would bring {self.id} to "
                f"{self.disbursed + amount:,.2f} EUR, above the granted {self.granted:,.2f} EUR",
                "amend the grant notice first",
            )
        self.trigger_event(
            self.FundsDisbursed, envelope=envelope, value_date=value_date, amount=amount,
            cash_year=cash_year,
        )

    def submit_proof(self, envelope: Envelope, **proof: Any) -> None:
        envelope = self.authorise(envelope, self.ProofOfUseSubmitted, "a proof of use")
        proof["income"] = valid_amount(proof["income"], "the income")
        proof["expenses"] = valid_amount(proof["expenses"], "the expenses")
        self.check_notice_issued("proven")
        self.trigger_event(self.ProofOfUseSubmitted, envelope=envelope, **proof)

    def review_proof(self, envelope: Envelope, **review: Any) -> None:
        review["refund_due"] = valid_amount(review["refund_due"], "the refund due")
        envelope = self.authorise(envelope, self.ProofOfUseReviewed, "a review", review["refund_due"])
        check_reason_given(envelope, "a review")
        if review["kind"] not in self.proofs:
            raise GrantStateError(
                f"grant {self.id} has no {review['kind'].value} proof of use to review",
                "record it first with 'aqb grant proof'",
            )
        self.trigger_event(self.ProofOfUseReviewed, envelope=envelope, **review)

    def claim_refund(self, envelope: Envelope, amount: Decimal, due_on: date | None) -> None:
        amount = valid_amount(amount, "the refund")
        envelope = self.authorise(envelope, self.RefundClaimed, "a refund claim", amount)
        check_reason_given(envelope, "a refund claim")
        self.trigger_event(self.RefundClaimed, envelope=envelope, amount=amount, due_on=due_on)

    def receive_refund(self, envelope: Envelope, amount: Decimal, value_date: date) -> None:
        amount = valid_amount(amount, "the refund")
        envelope = self.authorise(envelope, self.RefundReceived, "a refund receipt", amount)
        self.trigger_event(self.RefundReceived, envelope=envelope, amount=amount, value_date=value_date)

    def check_notice_issued(self, verb: str) -> None:
        if self.notice_date is None:
            raise GrantStateError(
                f"grant {self.id} cannot be {verb}: no grant notice yet",
                "record the notice first with 'aqb grant notice'",
            )
