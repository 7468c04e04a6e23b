"""Grant commands of the application service (RP Kassel's grant case for an agreement)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from ledger.app.core import LedgerCore, Meta, Receipt
from ledger.domain.grant import Grant, check_file_number
from ledger.domain.values import CashYear, FieldChange, PlanLine, ProofKind, ReviewResult

ZERO = Decimal("0.00")


class GrantCommands(LedgerCore):
    def apply_for_grant(
        self, meta: Meta, agreement_id: str, file_number: str, submitted_on: date,
        amount: Decimal, financing_plan: Sequence[tuple[str, Decimal]] = (),
    ) -> Receipt:
        self.begin()
        agreement = self.agreement(agreement_id)
        grant = Grant.apply_for(
            self.envelope(replace(meta, causation_id=f"{agreement.id}@1"), submitted_on),
            check_file_number(file_number), agreement_id=agreement.id,
            party_ags=agreement.party_ags, submitted_on=submitted_on, amount_requested=amount,
            financing_plan=tuple(PlanLine(item, a) for item, a in financing_plan),
        )
        return self.create(grant)

    def approve_early_start(self, meta: Meta, file_number: str, approved_on: date, start_from: date) -> Receipt:
        return self.change(Grant, file_number, meta, lambda g: g.approve_early_start(
            self.envelope(meta, approved_on), approved_on, start_from))[1]

    def issue_notice(
        self, meta: Meta, file_number: str, notice_date: date, amount: Decimal,
        period_start: date, period_end: date, cash_schedule: Sequence[tuple[int, Decimal]] = (),
        conditions: Sequence[str] = (), interim_proof_due: date | None = None,
        final_proof_due: date | None = None,
    ) -> Receipt:
        return self.change(Grant, file_number, meta, lambda g: g.issue_notice(
            self.envelope(meta, notice_date), notice_date=notice_date, amount=amount,
            period_start=period_start, period_end=period_end,
            cash_schedule=tuple(CashYear(y, a) for y, a in cash_schedule),
            conditions=tuple(conditions), interim_proof_due=interim_proof_due,
            final_proof_due=final_proof_due))[1]

    def amend_notice(
        self, meta: Meta, file_number: str, amended_on: date, amount: Decimal,
        cash_schedule: Sequence[tuple[int, Decimal]] = (),
    ) -> Receipt:
        return self.change(Grant, file_number, meta, lambda g: g.amend_notice(
            self.envelope(meta, amended_on), amended_on, amount,
            tuple(CashYear(y, a) for y, a in cash_schedule)))[1]

    def disburse(
        self, meta: Meta, file_number: str, value_date: date, amount: Decimal, cash_year: int | None = None
    ) -> Receipt:
        return self.change(Grant, file_number, meta, lambda g: g.disburse(
            self.envelope(meta, value_date), value_date, amount, cash_year or value_date.year))[1]

    def submit_proof(
        self, meta: Meta, file_number: str, kind: str, submitted_on: date, income: Decimal,
        expenses: Decimal, expense_lines: Sequence[tuple[str, Decimal]] = (),
    ) -> Receipt:
        return self.change(Grant, file_number, meta, lambda g: g.submit_proof(
            self.envelope(meta, submitted_on), kind=ProofKind(kind), submitted_on=submitted_on,
            income=income, expenses=expenses,
            expense_lines=tuple(PlanLine(i, a) for i, a in expense_lines)))[1]

    def review_proof(
        self, meta: Meta, file_number: str, kind: str, result: str, *, purpose_achieved: bool,
        findings: str | None = None, refund_due: Decimal = ZERO,
    ) -> Receipt:
        return self.change(Grant, file_number, meta, lambda g: g.review_proof(
            self.envelope(meta), kind=ProofKind(kind), result=ReviewResult(result),
            purpose_achieved=purpose_achieved, findings=findings, refund_due=refund_due))[1]

    def claim_refund(self, meta: Meta, file_number: str, amount: Decimal, due_on: date | None = None) -> Receipt:
        return self.change(Grant, file_number, meta, lambda g: g.claim_refund(
            self.envelope(meta), amount, due_on))[1]

    def receive_refund(self, meta: Meta, file_number: str, amount: Decimal, value_date: date) -> Receipt:
        return self.change(Grant, file_number, meta, lambda g: g.receive_refund(
            self.envelope(meta, value_date), amount, value_date))[1]

    def correct_grant(
        self, meta: Meta, file_number: str, version: int, changes: Sequence[tuple[str, str, str]],
        approver: str | None = None,
    ) -> Receipt:
        fixes = tuple(FieldChange(f, old, new) for f, old, new in changes)
        cause = f"{file_number}@{version}"
        return self.change(Grant, file_number, meta, lambda g: g.correct(
            self.envelope(replace(meta, causation_id=cause)), version, fixes, approver))[1]
