"""The Grant's rules (docs/domain.md and what the grant process implies), each a named guard with a
message that says what to do."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ledger.domain.agreement_rules import check_not_before, check_schedule_adds_up
from ledger.domain.errors import (
    CashScheduleError,
    GrantStateError,
    InvariantError,
    PaymentExceedsCashYearError,
    PaymentExceedsGrantError,
    RefundExceedsError,
    RuleViolationError,
)
from ledger.domain.values import CashYear, ProofKind

if TYPE_CHECKING:
    from ledger.domain.grant import Grant


def _eur(amount: Decimal) -> str:
    return f"{amount:,.2f} EUR"


def check_notice_issued(grant: Grant, verb: str) -> date:
    if grant.notice_date is None:
        raise GrantStateError(f"grant {grant.id} cannot be {verb}: no grant notice yet",
                              "record the notice first with 'aqb grant notice'")
    return grant.notice_date


def check_after_application(grant: Grant, day: date, what: str) -> None:
    if grant.submitted_on is not None:
        check_not_before(day, grant.submitted_on, what, f"the application ({grant.submitted_on})",
                         "an act on a grant follows its application")


def check_notice(grant: Grant, notice: Mapping[str, Any]) -> None:
    if grant.notice_date is not None:
        raise GrantStateError(f"grant {grant.id} already has a notice of {grant.notice_date}",
                              "change it with 'aqb grant amendment'")
    day, start, end = notice["notice_date"], notice["period_start"], notice["period_end"]
    check_after_application(grant, day, "the grant notice")
    if end < start:
        raise RuleViolationError(f"the grant period ends ({end}) before it starts ({start})",
                                 "check --period-start and --period-end")
    schedule: Sequence[CashYear] = notice["cash_schedule"]
    check_schedule_adds_up(schedule, notice["amount"], "the notice's cash years")
    check_schedule_in_period(schedule, (start, end), CashScheduleError)
    interim, final = notice["interim_proof_due"], notice["final_proof_due"]
    for due, what in ((interim, "the interim proof"), (final, "the final proof")):
        if due is not None:
            check_not_before(due, day, f"{what} is due", f"the notice ({day})", "proofs are due after the notice")
    if interim is not None and final is not None and final < interim:
        raise RuleViolationError(f"the final proof is due ({final}) before the interim proof ({interim})",
                                 "check --interim-due and --final-due")


def check_amendment(grant: Grant, amended_on: date, amount: Decimal, schedule: Sequence[CashYear]) -> None:
    issued = check_notice_issued(grant, "amended")
    last = grant.amended_on or issued
    check_not_before(amended_on, last, "the amendment", f"the notice it amends ({last})",
                     "an amendment follows the notice")
    if amount < grant.disbursed:
        raise PaymentExceedsGrantError(
            f"cannot amend to {_eur(amount)}: {_eur(grant.disbursed)} are already paid",
            "claim a refund first, or amend to at least the amount paid",
        )
    if not schedule and grant.cash_schedule and amount != grant.granted:
        raise CashScheduleError(f"the notice schedules cash years; amending it to {_eur(amount)} needs new ones",
                                "give --cash-year YEAR=AMOUNT for every year")
    check_schedule_adds_up(schedule, amount, "the amended cash years")
    check_schedule_in_period(schedule, grant.period, CashScheduleError)
    for year in (c.year for c in grant.cash_years()):
        scheduled = next((c.amount for c in schedule if c.year == year), None) if schedule else None
        if schedule and grant.paid_in(year) > (scheduled or Decimal(0)):
            raise PaymentExceedsCashYearError(
                f"cash year {year} already holds payments of {_eur(grant.paid_in(year))}, more than the "
                f"{_eur(scheduled or Decimal(0))} the amendment schedules", "schedule at least what was paid")


def check_schedule_in_period(schedule: Sequence[CashYear], period: tuple[date, date] | None,
                             error: type[RuleViolationError]) -> None:
    """Every cash year of a schedule lies in the grant period (a notice's, or an amendment's of it)."""
    if period is None:
        return
    start, end = period
    outside = [c.year for c in schedule if not start.year <= c.year <= end.year]
    if outside:
        raise error(f"cash year {outside[0]} lies outside the grant period {start}–{end}",
                    "schedule cash years within the period")


def check_payment_moves_money(amount: Decimal) -> None:
    if amount == 0:
        raise RuleViolationError("a payment of 0.00 EUR moves no money", "give the amount paid out")


def check_payment(grant: Grant, value_date: date, amount: Decimal, cash_year: int) -> None:
    issued = check_notice_issued(grant, "paid")
    check_not_before(value_date, issued, "a payment", f"the grant notice ({issued})",
                     "money is paid on a notice, never before it")
    if cash_year != value_date.year:
        raise CashScheduleError(f"a payment of {value_date} belongs to cash year {value_date.year}, not {cash_year}",
                                "the cash year of a payment is the year of its value date")
    if grant.disbursed + amount > grant.granted:
        raise PaymentExceedsGrantError(
            f"paying {_eur(amount)} would bring {grant.id} to {_eur(grant.disbursed + amount)}, above the granted "
            f"{_eur(grant.granted)}", "amend the grant notice first",
        )
    schedule = {c.year: c.amount for c in grant.cash_schedule}
    if schedule and grant.paid_in(cash_year) + amount > schedule.get(cash_year, Decimal(0)):
        raise PaymentExceedsCashYearError(
            f"paying {_eur(amount)} in cash year {cash_year} would bring it to "
            f"{_eur(grant.paid_in(cash_year) + amount)}, above the {_eur(schedule.get(cash_year, Decimal(0)))} "
            "the notice schedules", "amend the notice's cash years first ('aqb grant amendment --cash-year')",
        )


def check_proof(grant: Grant, submitted_on: date) -> None:
    issued = check_notice_issued(grant, "proven")
    check_not_before(submitted_on, issued, "a proof of use", f"the grant notice ({issued})",
                     "a proof of use follows the notice")


def check_review(grant: Grant, kind: ProofKind, refund_due: Decimal, reviewed_on: date) -> None:
    proof = grant.proofs.get(kind)
    if proof is None:
        raise GrantStateError(f"grant {grant.id} has no {kind.value} proof of use to review",
                              "record it first with 'aqb grant proof'")
    check_not_before(reviewed_on, proof.submitted_on, "the review", f"the proof it reviews ({proof.submitted_on})",
                     "a proof is reviewed after it was submitted")
    if refund_due > grant.disbursed:
        raise RefundExceedsError(f"a refund of {_eur(refund_due)} is more than the {_eur(grant.disbursed)} paid",
                                 "a refund is at most what was paid")


def check_refund_claim(grant: Grant, amount: Decimal, claimed_on: date, due_on: date | None) -> None:
    check_notice_issued(grant, "reclaimed")
    if grant.reclaimed + amount > grant.disbursed:
        raise RefundExceedsError(
            f"claiming {_eur(amount)} would reclaim {_eur(grant.reclaimed + amount)}, more than the "
            f"{_eur(grant.disbursed)} paid", "reclaim at most what was paid")
    if due_on is not None:
        check_not_before(due_on, claimed_on, "the refund's due date", f"its claim ({claimed_on})",
                         "a refund falls due after it is claimed")


def check_refund_receipt(grant: Grant, amount: Decimal) -> None:
    if grant.refunded + amount > grant.reclaimed:
        raise RefundExceedsError(
            f"receiving {_eur(amount)} would bring refunds received to {_eur(grant.refunded + amount)}, more than "
            f"the {_eur(grant.reclaimed)} claimed",
            "record the refund claim first ('aqb grant refund' without --received)")


def check_grant_invariants(grant: Grant) -> None:
    """What must hold of a grant's state whatever was recorded or corrected."""
    if grant.disbursed > grant.granted:
        raise InvariantError(f"{grant.id} would have paid {_eur(grant.disbursed)}, above the granted "
                             f"{_eur(grant.granted)}", "correct the payment, or amend the notice first")
    check_schedule_in_period(grant.cash_schedule, grant.period, InvariantError)
    for year in grant.cash_years():
        if not year.within:
            raise InvariantError(f"cash year {year.year} of {grant.id} would hold {_eur(year.paid)}, above the "
                                 f"scheduled {_eur(year.scheduled or Decimal(0))}",
                                 "correct the payment or the schedule")
    if grant.refunded > grant.reclaimed or grant.reclaimed > grant.disbursed:
        raise InvariantError(f"{grant.id} would have refunds ({_eur(grant.refunded)} received, "
                             f"{_eur(grant.reclaimed)} claimed) beyond what was paid or claimed", "correct the refund")
