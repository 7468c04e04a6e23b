"""Every rule of the ledger, on PostgreSQL and SQLite: the command that breaks it is refused with
its named error, the message a user can act on, the documented exit code — and nothing is written.

The ids of CASES are the rows of the README's rules table (tests/cli/test_docs.py checks both ways)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest

from ledger.application import Ledger, Meta
from ledger.demo import AGREEMENT, GRANT, play_year
from ledger.domain import errors as e
from ledger.domain.dates import today

HMSI, RP, PARTY, READER = "a.schneider@HMSI", "k.becker@RPKS", "j.weber@06532", "r.klein@HMSI"


def at(actor: str, day: str | None = None, reason: str = "Prüfung") -> Meta:
    return Meta(actor, date.fromisoformat(day) if day else None, reason)


def version_of(ledger: Ledger, stream: str, event_type: type, **fields: object) -> int:
    return next(x.event.originator_version for x in ledger.entries([stream]) if isinstance(x.event, event_type)
                and all(getattr(x.event, k) == v for k, v in fields.items()))


def new_deviation(ledger: Ledger, day: str = "2024-11-04") -> str:
    receipt = ledger.report_deviation(at(PARTY, day), AGREEMENT, "project-delayed", "Träger verzögert", "project",
                                      "Jump in")
    assert receipt.item_id is not None
    return receipt.item_id


def correct_planned(ledger: Ledger, name: str, old: str, new: str) -> None:
    from ledger.domain.agreement import Agreement

    version = version_of(ledger, AGREEMENT, Agreement.ProjectPlanned, name=name)
    ledger.correct_agreement(at(HMSI, "2025-01-10"), AGREEMENT, version, [("planned_amount", old, new)], "RL II 3")


def correct_payment(ledger: Ledger, old: str, new: str) -> None:
    from ledger.domain.grant import Grant

    version = version_of(ledger, GRANT, Grant.FundsDisbursed, amount=Decimal(old))
    ledger.correct_grant(at(RP, "2025-01-10"), GRANT, version, [("amount", old, new)], "RL Dez. 57")


def correct_date(ledger: Ledger, field: str, new: str) -> None:
    """Set the date of the first payment to `new`."""
    from ledger.domain.grant import Grant

    paid = next(x.event for x in ledger.entries([GRANT]) if isinstance(x.event, Grant.FundsDisbursed))
    ledger.correct_grant(at(RP), GRANT, paid.originator_version, [(field, getattr(paid, field).isoformat(), new)],
                         "RL Dez. 57")


def correct_value_date(ledger: Ledger, amount: str) -> None:
    """Move a payment's value date into the next year: its cash year is the year of its value date."""
    from ledger.domain.grant import Grant

    version = version_of(ledger, GRANT, Grant.FundsDisbursed, amount=Decimal(amount))
    paid = next(x.event for x in ledger.entries([GRANT]) if x.event.originator_version == version)
    old = paid.value_date
    ledger.correct_grant(at(RP, "2025-01-10"), GRANT, version,
                         [("value_date", old.isoformat(), date(old.year + 1, 1, 15).isoformat())], "RL Dez. 57")


def amend_total(ledger: Ledger, total: Decimal) -> None:
    """An amendment of the agreement to a §4 total below what its projects hold."""
    from ledger.domain.agreement import Agreement
    from ledger.domain.values import Budget, BudgetLine

    def amend(agreement: Agreement) -> None:
        agreement.amend(ledger.envelope(at(HMSI, "2024-12-01", "Kürzung")), ministry_name=agreement.ministry_name,
                        budgets=(Budget.AQB,), lines=(BudgetLine(Budget.AQB, total, None),), measures=(),
                        clauses=(), document_id=None)

    ledger.change(Agreement, AGREEMENT, at(HMSI, "2024-12-01", "Kürzung"), amend)


@dataclass(frozen=True)
class Case:
    error: type[e.LedgerError]
    message: str
    act: Callable[[Ledger], object]
    setup: Callable[[Ledger], object] = lambda _: None


def revise_a1(ledger: Ledger) -> None:
    ledger.assess(at(HMSI, "2025-03-15"), AGREEMENT, "erreicht", "neu bewertet",  # after the demo's correction
                  {"D1": "considered-accepted", "D2": "considered-accepted"}, revises="A1")


CASES: dict[str, Case] = {
    "plan-within-budget": Case(
        e.BudgetExceededError, "above the §4 budget of 1,185,000.00 EUR",
        lambda led: led.plan_project(at(PARTY, "2024-04-02"), AGREEMENT, "Neues Projekt", "QUAL", Decimal("0.01"))),
    "reallocation-within-source": Case(
        e.ReallocationExceedsSourceError, "cannot move 60,000.01 EUR from P4: it holds 60,000.00 EUR",
        lambda led: led.reallocate(at(HMSI, "2024-10-02"), AGREEMENT, "P4", "P1", Decimal("60000.01"), "HMSI 9")),
    "reallocation-two-items": Case(
        e.RuleViolationError, "not from P1 to itself",
        lambda led: led.reallocate(at(HMSI, "2024-10-02"), AGREEMENT, "P1", "Ausbildungsvorbereitung",
                                   Decimal("1"), "HMSI 9")),
    "reallocation-approval": Case(
        e.ApprovalMissingError, "needs the reference of its approval",
        lambda led: led.reallocate(at(HMSI, "2024-10-02"), AGREEMENT, "P1", "P2", Decimal("1"), None)),
    "decision-after-report": Case(
        e.DateOrderError, "the decision on D3 is dated 2024-11-01, before its report (2024-11-04)",
        lambda led: led.decide_deviation(at(HMSI, "2024-11-01"), AGREEMENT, "D3", "acknowledged"),
        setup=new_deviation),
    "decision-once": Case(
        e.DeviationAlreadyDecidedError, "was already decided (acknowledged)",
        lambda led: led.decide_deviation(at(HMSI, "2024-11-01"), AGREEMENT, "D1", "approved")),
    "revision-not-earlier": Case(
        e.DateOrderError, "a revised decision is dated 2024-09-01, before the decision it revises (2024-09-05)",
        lambda led: led.decide_deviation(at(HMSI, "2024-09-01"), AGREEMENT, "D1", "approved", revise=True)),
    "decider-not-reporter": Case(
        e.NotAuthorisedError, "RPKS reported it",
        lambda led: led.decide_deviation(at(RP, "2024-11-05"), AGREEMENT, "D3", "acknowledged"),
        setup=lambda led: led.report_deviation(at(RP, "2024-11-04"), AGREEMENT, "other", "Prüfung RP")),
    "meeting-after-report": Case(
        e.DateOrderError, "a meeting that discusses D3 is dated 2024-10-22, before its report (2024-11-04)",
        lambda led: led.hold_meeting(at(HMSI), AGREEMENT, date(2024, 10, 22), deviations_discussed=["D3"]),
        setup=new_deviation),
    "payment-moves-money": Case(
        e.RuleViolationError, "a payment of 0.00 EUR moves no money",
        lambda led: led.disburse(at(RP, "2024-06-03"), GRANT, date(2024, 6, 3), Decimal("0"))),
    "act-in-programme": Case(
        e.DateOrderError, "the act is dated 2001-03-01, before 2023-01-01: AQB-2024-06532 belongs to the 2024 "
        "programme", lambda led: led.record_activity(at(PARTY, "2001-03-01"), AGREEMENT, "survey", "Umfrage",
                                                     date(2001, 3, 1))),
    "deviation-in-year": Case(
        e.DateOrderError, "a deviation is dated 2023-12-01, before the programme year 2024 began",
        lambda led: led.report_deviation(at(PARTY, "2023-12-01"), AGREEMENT, "other", "vorab")),
    "meeting-in-year": Case(
        e.DateOrderError, "the implementation meeting is dated 2023-11-20, before the programme year 2024 began",
        lambda led: led.hold_meeting(at(HMSI), AGREEMENT, date(2023, 11, 20))),
    "signature-once": Case(
        e.DuplicateSignatureError, "HMSI has already signed AQB-2024-06532",
        lambda led: led.sign(at(HMSI), AGREEMENT, "HMSI", "Heike Hofmann", "Staatsministerin", "Wiesbaden",
                             date(2024, 7, 2))),
    "payment-after-notice": Case(
        e.DateOrderError, "a payment is dated 2024-05-01, before the grant notice (2024-05-14)",
        lambda led: led.disburse(at(RP), GRANT, date(2024, 5, 1), Decimal("1"))),
    "payment-within-cash-year": Case(
        e.PaymentExceedsCashYearError, "above the 900,000.00 EUR the notice schedules",
        lambda led: led.disburse(at(RP), GRANT, date(2024, 12, 2), Decimal("0.01"))),
    "payment-within-grant": Case(
        e.PaymentExceedsGrantError, "to 1,185,000.01 EUR, above the granted 1,185,000.00 EUR",
        lambda led: led.disburse(at(RP), GRANT, date(2025, 3, 2), Decimal("285000.01"))),
    "amendment-not-below-paid": Case(
        e.PaymentExceedsGrantError, "already paid",
        lambda led: led.amend_notice(at(RP), GRANT, date(2024, 12, 1), Decimal("899999.99"),
                                     [(2024, Decimal("899999.99"))])),
    "amendment-cash-years": Case(
        e.CashScheduleError, "needs new ones",
        lambda led: led.amend_notice(at(RP), GRANT, date(2024, 12, 1), Decimal("1000000"), [])),
    "amendment-cash-years-in-period": Case(
        e.CashScheduleError, "cash year 2030 lies outside the grant period 2024-01-01–2025-12-31",
        lambda led: led.amend_notice(at(RP), GRANT, date(2024, 12, 1), Decimal("1185000"),
                                     [(2024, Decimal("900000")), (2030, Decimal("285000"))])),
    "notice-once": Case(
        e.GrantStateError, "already has a notice of 2024-05-14",
        lambda led: led.issue_notice(at(RP), GRANT, date(2024, 6, 1), Decimal("1"), date(2024, 1, 1),
                                     date(2024, 12, 31))),
    "review-needs-proof": Case(
        e.GrantStateError, "has no final proof of use to review",
        lambda led: led.review_proof(at(RP, "2025-07-01"), GRANT, "final", "accepted", purpose_achieved=True)),
    "review-after-proof": Case(
        e.DateOrderError, "the review is dated 2025-06-01, before the proof it reviews (2025-06-20)",
        lambda led: led.review_proof(at(RP, "2025-06-01"), GRANT, "interim", "accepted", purpose_achieved=True),
        setup=lambda led: led.submit_proof(at(PARTY), GRANT, "interim", date(2025, 6, 20), Decimal("900000"),
                                           Decimal("880000"))),
    "refund-claim-within-paid": Case(
        e.RefundExceedsError, "more than the 900,000.00 EUR paid",
        lambda led: led.claim_refund(at(RP, "2025-08-01"), GRANT, Decimal("900000.01"))),
    "refund-received-within-claimed": Case(
        e.RefundExceedsError, "more than the 1,000.00 EUR claimed",
        lambda led: led.receive_refund(at(RP), GRANT, Decimal("1000.01"), date(2025, 9, 1)),
        setup=lambda led: led.claim_refund(at(RP, "2025-08-01"), GRANT, Decimal("1000"))),
    "assessment-treats-every-deviation": Case(
        e.RuleViolationError, "deviation D2 of AQB-2024-06532 has no treatment",
        lambda led: led.assess(at(HMSI, "2025-03-01"), AGREEMENT, "erreicht", "gut", {"D1": "considered-accepted"},
                               revises="A1")),
    "one-standing-judgement": Case(
        e.RuleViolationError, "A1 stands as the judgement of AQB-2024-06532; a second one would stand beside it",
        lambda led: led.assess(at(HMSI, "2025-03-01"), AGREEMENT, "erreicht", "gut",
                               {"D1": "considered-accepted", "D2": "considered-accepted"})),
    "assessment-revision-not-earlier": Case(
        e.DateOrderError, "the revised assessment is dated 2025-02-01, before the assessment it revises (2025-02-20)",
        lambda led: led.assess(at(HMSI, "2025-02-01"), AGREEMENT, "erreicht", "gut",
                               {"D1": "considered-accepted", "D2": "considered-accepted"}, revises="A1")),
    "evidence-not-after-the-judgement": Case(
        e.DateOrderError, "the judgement is dated 2025-03-01, but its evidence (position",
        lambda led: led.assess(at(HMSI, "2025-03-01"), AGREEMENT, "erreicht", "gut",
                               {"D1": "considered-accepted", "D2": "considered-accepted"}, revises="A1")),
    "revision-knows-enough": Case(
        e.RuleViolationError, "the revision of A1 rests on the ledger at position",
        lambda led: led.assess(at(HMSI, "2025-03-01"), AGREEMENT, "erreicht", "gut",
                               {"D1": "considered-accepted", "D2": "considered-accepted"},
                               evidence_position=led.agreement(AGREEMENT).assessments["A1"].evidence_position - 1,
                               revises="A1")),
    "sign-off-four-eyes": Case(
        e.NotAuthorisedError, "assessed A2 and cannot sign it off",
        lambda led: led.sign_off_assessment(at(HMSI, "2025-03-16"), AGREEMENT, "A2", None), setup=revise_a1),
    "sign-off-after-assessment": Case(
        e.DateOrderError, "the sign-off is dated 2025-03-14, before the assessment it signs off (2025-03-15)",
        lambda led: led.sign_off_assessment(at(READER, "2025-03-14"), AGREEMENT, "A2", None), setup=revise_a1),
    "money-with-a-reason": Case(
        e.MissingReasonError, "a refund receipt needs a reason",
        lambda led: led.receive_refund(at(RP, reason=" "), GRANT, Decimal("1"), date(2025, 9, 1)),
        setup=lambda led: led.claim_refund(at(RP, "2025-08-01"), GRANT, Decimal("1000"))),
    "not-in-the-future": Case(
        e.DateOrderError, "after today",
        lambda led: led.report_deviation(at(PARTY, (today() + timedelta(days=1)).isoformat()), AGREEMENT,
                                         "other", "morgen")),
    "correction-keeps-budget": Case(
        e.InvariantError, "above the §4 budget",
        lambda led: correct_planned(led, "Jump in", "135000.00", "135000.01")),
    "correction-keeps-cash-year": Case(
        e.InvariantError, "cash year 2024",
        lambda led: correct_payment(led, "150000.00", "150000.01")),
    "correction-keeps-the-payments-cash-year": Case(
        e.InvariantError, "belongs to cash year 2025, not 2024",
        lambda led: correct_value_date(led, "150000.00")),
    "amendment-keeps-the-plan-within-budget": Case(
        e.InvariantError, "above its §4 budget",
        lambda led: amend_total(led, Decimal("1000000"))),
    "correction-not-in-the-future": Case(
        e.DateOrderError, "the correction would date the act (value_date)",
        lambda led: correct_date(led, "value_date", (today() + timedelta(days=1)).isoformat())),
    "effective-is-the-acts-date": Case(
        e.InvalidInputError, "the act is dated 2024-12-02, but --effective gives 2024-11-02",
        lambda led: led.disburse(at(RP, "2024-11-02"), GRANT, date(2024, 12, 2), Decimal("1"))),
    "correction-not-negative": Case(
        e.InvalidValueError, "invalid planned amount '-1.00': amounts are never negative",
        lambda led: correct_planned(led, "Jump in", "135000.00", "-1.00")),
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_a_broken_rule_is_refused_and_nothing_is_written(ledger: Ledger, rule: str) -> None:
    case = CASES[rule]
    play_year(ledger)  # the demo year, judged and signed off (A1)
    case.setup(ledger)
    head = ledger.reads.head()
    with pytest.raises(case.error) as refused:
        case.act(ledger)
    assert case.message in refused.value.message
    assert refused.value.hint, "every refusal says what to do"
    assert refused.value.exit_code in (3, 4, 5, 6)
    assert ledger.reads.head() == head
