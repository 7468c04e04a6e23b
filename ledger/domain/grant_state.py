"""Mutable state parts of a Grant, assigned only by its events (the one model of a grant)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ledger.domain.values import ReviewResult

ZERO = Decimal("0.00")


@dataclass
class PaymentState:
    value_date: date
    amount: Decimal
    cash_year: int
    version: int


@dataclass
class ProofState:
    submitted_on: date
    income: Decimal
    expenses: Decimal
    version: int
    first_submitted_on: date | None = None  # a proof submitted again keeps the day it first came in


@dataclass
class ReviewState:
    result: ReviewResult
    purpose_achieved: bool
    refund_due: Decimal
    version: int
    reviewed_on: date | None = None
    expenses: Decimal | None = None  # what the reviewed proof stated


@dataclass(frozen=True)
class CashYearFigures:
    """One cash year of a grant: what the notice (as amended) schedules, and what was paid."""

    year: int
    scheduled: Decimal | None  # None: the notice schedules no cash years
    paid: Decimal

    @property
    def within(self) -> bool:
        return self.scheduled is None or self.paid <= self.scheduled
