"""Each compliance rule with pass, fail and pending cases, dates on both sides of each deadline,
on PostgreSQL and SQLite."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from ledger.application import Ledger, Meta
from ledger.compliance import Status
from ledger.domain.clocks import Clock
from ledger.domain.errors import PaymentExceedsCashYearError
from ledger.importer.read import read_source, seed_document_path

ID = "AQB-2024-06532"
FILE = "RPKS-57-AQB-2024-017"
HMSI = Meta("a.schneider@HMSI", reason="r")
RP = Meta("k.becker@RPKS", reason="r")
PARTY = Meta("j.weber@06532", reason="r")


def on(meta: Meta, day: date) -> Meta:
    return replace(meta, effective=day)


def status(ledger: Ledger, obligation: str, on: date, *, four_eyes: bool = True) -> Status:
    report = ledger.compliance(ID, Clock(on=on), four_eyes=four_eyes)
    assert report.checks is not None
    return next(c.status for c in report.checks if c.obligation == obligation)


def bare(ledger: Ledger) -> Ledger:
    ledger.create_agreement(on(HMSI, date(2024, 1, 10)), ID, [("AQB", Decimal("1000000"))],
                            clauses=["autumn-meeting"])
    return ledger


def granted(ledger: Ledger, submitted: date = date(2024, 3, 27)) -> Ledger:
    bare(ledger).apply_for_grant(PARTY, ID, FILE, submitted, Decimal("1000000"))
    ledger.issue_notice(RP, FILE, date(2024, 5, 14), Decimal("1000000"), date(2024, 1, 1), date(2025, 12, 31),
                        [(2024, Decimal("800000")), (2025, Decimal("200000"))], (), date(2025, 6, 30), None)
    return ledger


def test_signatures(ledger: Ledger) -> None:
    bare(ledger).sign(HMSI, ID, "HMSI", "Heike Hofmann", "Staatsministerin", "Wiesbaden", date(2024, 7, 1))
    assert status(ledger, "signatures", date(2024, 12, 31)) is Status.PENDING
    assert status(ledger, "signatures", date(2025, 1, 1)) is Status.FAIL
    ledger.sign(PARTY, ID, "06532", "Stephan Aurand", "Kreisbeigeordneter", "Wetzlar", date(2024, 7, 10))
    assert status(ledger, "signatures", date(2025, 1, 1)) is Status.PASS


def test_a_proof_submitted_again_is_judged_by_its_first_day(ledger: Ledger) -> None:
    """An interim proof in on time, reviewed, then corrected after its deadline: on time, and the
    corrected figures await their review (it was a FAIL: "submitted late")."""
    granted(ledger)
    ledger.disburse(on(RP, date(2024, 6, 1)), FILE, date(2024, 6, 1), Decimal("1000"))
    ledger.submit_proof(on(PARTY, date(2025, 6, 20)), FILE, "interim", date(2025, 6, 20), Decimal("1000"),
                        Decimal("900"))
    ledger.review_proof(on(RP, date(2025, 6, 25)), FILE, "interim", "accepted", purpose_achieved=True)
    assert status(ledger, "proofs of use", date(2025, 7, 1)) is Status.PASS
    ledger.submit_proof(on(PARTY, date(2025, 7, 15)), FILE, "interim", date(2025, 7, 15), Decimal("1000"),
                        Decimal("880"))
    report = ledger.compliance(ID, Clock(on=date(2025, 8, 1)), four_eyes=True)
    assert report.checks is not None
    check = next(c for c in report.checks if c.obligation == "proofs of use")
    assert (check.status, check.detail) == (Status.PENDING, "interim proof of 2025-07-15 (submitted again) not yet "
                                                            "reviewed")
    assert ledger.grant(FILE).proven == Decimal("900")


def test_signatures_after_the_year_end_are_late(ledger: Ledger) -> None:
    bare(ledger).sign(HMSI, ID, "HMSI", "Heike Hofmann", "Staatsministerin", "Wiesbaden", date(2024, 12, 20))
    ledger.sign(PARTY, ID, "06532", "Stephan Aurand", "Kreisbeigeordneter", "Wetzlar", date(2025, 2, 10))
    report = ledger.compliance(ID, Clock(on=date(2025, 3, 1)), four_eyes=True)
    assert report.checks is not None
    check = next(c for c in report.checks if c.obligation == "signatures")
    assert (check.status, check.detail) == (Status.FAIL, "both signed; in force since 2025-02-10, after the "
                                                         "deadline 2024-12-31 (late)")


def test_an_amendment_signed_after_the_year_does_not_undo_the_entry_into_force(ledger: Ledger) -> None:
    from ledger.domain.agreement import Agreement

    bare(ledger).sign(HMSI, ID, "HMSI", "Heike Hofmann", "Staatsministerin", "Wiesbaden", date(2024, 7, 1))
    ledger.sign(PARTY, ID, "06532", "Stephan Aurand", "Kreisbeigeordneter", "Wetzlar", date(2024, 7, 10))

    def amend(agreement: Agreement) -> None:
        agreement.amend(ledger.envelope(on(HMSI, date(2025, 1, 20))), ministry_name=agreement.ministry_name,
                        budgets=agreement.budgets, lines=agreement.lines, measures=agreement.measures,
                        clauses=agreement.clauses, document_id=None)

    ledger.change(Agreement, ID, on(HMSI, date(2025, 1, 20)), amend)
    ledger.sign(HMSI, ID, "HMSI", "Heike Hofmann", "Staatsministerin", "Wiesbaden", date(2025, 2, 1))
    report = ledger.compliance(ID, Clock(on=date(2025, 3, 1)), four_eyes=True)
    assert report.checks is not None
    check = next(c for c in report.checks if c.obligation == "signatures")
    assert (check.status, check.detail) == (Status.PASS, "both signed; in force since 2024-07-10; version 2 awaits "
                                                         "the signature of 06532")
    assert ledger.agreement(ID).entered_into_force == date(2024, 7, 10)


@pytest.mark.parametrize(("submitted", "expected"), [(date(2024, 3, 31), Status.PASS), (date(2024, 4, 1), Status.FAIL)])
def test_application_by_31_march(ledger: Ledger, submitted: date, expected: Status) -> None:
    bare(ledger)
    assert status(ledger, "application by 31 March", date(2024, 3, 31)) is Status.PENDING
    assert status(ledger, "application by 31 March", date(2024, 4, 1)) is Status.FAIL
    ledger.apply_for_grant(PARTY, ID, FILE, submitted, Decimal("1000000"))
    assert status(ledger, "application by 31 March", date(2024, 4, 2)) is expected


def test_applications_above_the_budget_and_late_say_both(ledger: Ledger) -> None:
    bare(ledger).apply_for_grant(PARTY, ID, FILE, date(2024, 4, 2), Decimal("1000001"))
    report = ledger.compliance(ID, Clock(on=date(2024, 4, 5)), four_eyes=True)
    assert report.checks is not None
    found = next(c for c in report.checks if c.obligation == "application by 31 March")
    assert found.status is Status.FAIL
    assert found.detail == ("1 application(s) request 1,000,001.00 EUR, above the § 4 budget of 1,000,000.00 EUR; "
                            "the first submitted 2024-04-02 (due 2024-03-31), after the deadline 2024-03-31 (late)")


def test_grant_notice(ledger: Ledger) -> None:
    bare(ledger).apply_for_grant(PARTY, ID, FILE, date(2024, 3, 1), Decimal("1"))
    assert status(ledger, "grant notice", date(2024, 12, 31)) is Status.PENDING
    assert status(ledger, "grant notice", date(2025, 1, 1)) is Status.FAIL
    ledger.issue_notice(RP, FILE, date(2024, 5, 14), Decimal("1"), date(2024, 1, 1), date(2024, 12, 31))
    assert status(ledger, "grant notice", date(2025, 1, 1)) is Status.PASS


def test_autumn_meeting_by_year_end(ledger: Ledger) -> None:
    bare(ledger)
    assert status(ledger, "autumn meeting", date(2024, 12, 31)) is Status.PENDING
    assert status(ledger, "autumn meeting", date(2025, 1, 1)) is Status.FAIL
    ledger.hold_meeting(HMSI, ID, date(2025, 1, 15))
    assert status(ledger, "autumn meeting", date(2025, 2, 1)) is Status.FAIL  # held, but too late
    report = ledger.compliance(ID, Clock(on=date(2025, 2, 1)), four_eyes=True)
    assert report.checks is not None
    late = next(c for c in report.checks if c.obligation == "autumn meeting")
    assert "held 2025-01-15" in late.detail and "late" in late.detail and "no implementation meeting" not in late.detail
    ledger.hold_meeting(HMSI, ID, date(2024, 10, 22))
    assert status(ledger, "autumn meeting", date(2025, 2, 1)) is Status.PASS


def test_deviations_decided(ledger: Ledger) -> None:
    bare(ledger)
    assert status(ledger, "deviations decided", date(2025, 1, 1)) is Status.NA
    ledger.report_deviation(on(PARTY, date(2024, 9, 1)), ID, "underspend", "c")
    assert status(ledger, "deviations decided", date(2024, 8, 31)) is Status.NA  # not yet reported
    assert status(ledger, "deviations decided", date(2024, 12, 31)) is Status.PENDING
    assert status(ledger, "deviations decided", date(2025, 1, 1)) is Status.FAIL
    ledger.decide_deviation(on(HMSI, date(2024, 11, 5)), ID, "D1", "acknowledged")
    assert status(ledger, "deviations decided", date(2024, 11, 4)) is Status.PENDING  # not yet decided
    assert status(ledger, "deviations decided", date(2025, 1, 1)) is Status.PASS


def test_a_decision_after_the_year_end_is_late(ledger: Ledger) -> None:
    bare(ledger).report_deviation(on(PARTY, date(2024, 9, 1)), ID, "underspend", "c")
    ledger.decide_deviation(on(HMSI, date(2025, 1, 20)), ID, "D1", "acknowledged")
    assert status(ledger, "deviations decided", date(2025, 1, 10)) is Status.FAIL
    report = ledger.compliance(ID, Clock(on=date(2025, 2, 1)), four_eyes=True)
    assert report.checks is not None
    check = next(c for c in report.checks if c.obligation == "deviations decided")
    assert check.status is Status.FAIL and "D1 decided 2025-01-20" in check.detail and "(late)" in check.detail


def test_a_deviation_reported_after_the_year_is_due_by_the_judgement_and_sums_are_held_to_the_budget(
        ledger: Ledger) -> None:
    """A deviation reported in January cannot be decided by 31 December: it is due by the
    judgement's deadline. Applications and notices together stay within the § 4 budget."""
    bare(ledger).report_deviation(on(PARTY, date(2025, 1, 20)), ID, "underspend", "c")
    assert status(ledger, "deviations decided", date(2025, 2, 1)) is Status.PENDING
    ledger.decide_deviation(on(HMSI, date(2025, 3, 20)), ID, "D1", "acknowledged")
    assert status(ledger, "deviations decided", date(2025, 4, 2)) is Status.PASS
    total = ledger.agreement(ID).total
    ledger.apply_for_grant(on(PARTY, date(2024, 3, 1)), ID, "RPKS-57-AQB-2024-001", date(2024, 3, 1), total)
    assert status(ledger, "application by 31 March", date(2024, 4, 1)) is Status.PASS
    ledger.apply_for_grant(on(PARTY, date(2024, 3, 2)), ID, "RPKS-57-AQB-2024-002", date(2024, 3, 2), Decimal("1"))
    assert status(ledger, "application by 31 March", date(2024, 4, 1)) is Status.FAIL
    for number, amount in (("001", total), ("002", Decimal("1"))):
        ledger.issue_notice(on(RP, date(2024, 5, 1)), f"RPKS-57-AQB-2024-{number}", date(2024, 5, 1), amount,
                            date(2024, 1, 1), date(2024, 12, 31))
    report = ledger.compliance(ID, Clock(on=date(2024, 6, 1)), four_eyes=True)
    assert report.checks is not None
    notice = next(c for c in report.checks if c.obligation == "grant notice")
    assert notice.status is Status.FAIL and "above the § 4 budget" in notice.detail


def test_assessment_treats_every_deviation_and_is_signed_off(ledger: Ledger) -> None:
    bare(ledger).report_deviation(on(PARTY, date(2024, 9, 1)), ID, "underspend", "c")
    assert status(ledger, "assessment", date(2025, 3, 31)) is Status.PENDING
    assert status(ledger, "assessment", date(2025, 4, 1)) is Status.FAIL
    ledger.assess(on(HMSI, date(2025, 3, 10)), ID, "erreicht", "gut", {"D1": "considered-accepted"})
    assert status(ledger, "assessment", date(2025, 3, 31)) is Status.PENDING  # awaits the second person
    assert status(ledger, "assessment", date(2025, 4, 1)) is Status.FAIL  # no sign-off by the deadline
    assert status(ledger, "assessment", date(2025, 4, 1), four_eyes=False) is Status.PASS
    ledger.sign_off_assessment(Meta("r.klein@HMSI", effective=date(2025, 3, 12)), ID, "A1", None)
    assert status(ledger, "assessment", date(2025, 4, 1)) is Status.PASS
    assert status(ledger, "assessment", date(2025, 3, 11)) is Status.PENDING  # not yet signed off that day
    ledger.report_deviation(on(PARTY, date(2024, 12, 1)), ID, "other", "late")
    assert status(ledger, "assessment", date(2025, 4, 1)) is Status.FAIL


def test_a_deviation_reported_after_the_judgement_deadline_is_a_late_report_not_a_late_judgement(
        ledger: Ledger) -> None:
    """A1 judged in time treats every deviation there was; D2 is reported on 2 April, after the
    deadline: the report is late (not its decision, nor A1), and A1 awaits a revision. The revision
    that treats D2 is made after the deadline, as it must be, and is not late: A1 was in time."""
    bare(ledger).report_deviation(on(PARTY, date(2024, 9, 1)), ID, "underspend", "c")
    ledger.decide_deviation(on(HMSI, date(2024, 10, 1)), ID, "D1", "acknowledged")
    ledger.assess(on(HMSI, date(2025, 3, 10)), ID, "erreicht", "gut", {"D1": "considered-accepted"})
    ledger.sign_off_assessment(Meta("r.klein@HMSI", effective=date(2025, 3, 12)), ID, "A1", None)
    assert status(ledger, "assessment", date(2025, 4, 1)) is Status.PASS
    ledger.report_deviation(on(PARTY, date(2025, 4, 2)), ID, "other", "nachgemeldet")

    def check(obligation: str, day: date) -> tuple[Status, str]:
        report = ledger.compliance(ID, Clock(on=day), four_eyes=True)
        assert report.checks is not None
        found = next(c for c in report.checks if c.obligation == obligation)
        return found.status, found.detail

    assert check("assessment", date(2025, 4, 5)) == (
        Status.PENDING, "A1 (erreicht) of 2025-03-10 was made in time; D2 (reported 2025-04-02) came after it: "
        "revise the judgement to treat it")
    assert check("deviations decided", date(2025, 4, 5)) == (
        Status.FAIL, "D2 reported 2025-04-02, after the judgement deadline 2025-03-31 (late report); undecided: D2")
    ledger.decide_deviation(on(HMSI, date(2025, 4, 20)), ID, "D2", "acknowledged")
    ledger.assess(on(HMSI, date(2025, 4, 22)), ID, "erreicht", "mit D2",
                  {"D1": "considered-accepted", "D2": "considered-accepted"}, revises="A1")
    assert check("assessment", date(2025, 4, 25))[0] is Status.PENDING  # the revision awaits its sign-off
    ledger.sign_off_assessment(Meta("r.klein@HMSI", effective=date(2025, 4, 23)), ID, "A2", None)
    assert check("assessment", date(2025, 4, 25)) == (
        Status.PASS, "A2: erreicht, made 2025-04-22 (revising A1 of 2025-03-10, made in time) (due 2025-03-31), "
        "treats every deviation")
    assert check("deviations decided", date(2025, 4, 25)) == (
        Status.FAIL, "D2 reported 2025-04-02, after the judgement deadline 2025-03-31 (late report)")


def test_published_file_equals_the_signed_one(ledger: Ledger) -> None:
    source = read_source(seed_document_path())
    ledger.import_documents(HMSI, [source])
    assert status(ledger, "published = signed", date(2024, 12, 31)) is Status.PENDING
    assert status(ledger, "published = signed", date(2025, 1, 1)) is Status.FAIL
    ledger.publish(HMSI, ID, "https://example.org/other.pdf", date(2024, 8, 1), "ab" * 32)
    assert status(ledger, "published = signed", date(2024, 9, 1)) is Status.FAIL
    ledger.publish(HMSI, ID, "https://example.org/zv.pdf", date(2024, 8, 2), source.sha256)
    assert status(ledger, "published = signed", date(2024, 9, 1)) is Status.PASS


def test_proofs_of_use_on_time_and_reviewed(ledger: Ledger) -> None:
    granted(ledger)
    assert status(ledger, "proofs of use", date(2025, 6, 30)) is Status.PENDING
    assert status(ledger, "proofs of use", date(2025, 7, 1)) is Status.FAIL
    ledger.submit_proof(PARTY, FILE, "interim", date(2025, 6, 30), Decimal("800000"), Decimal("780000"))
    assert status(ledger, "proofs of use", date(2025, 7, 1)) is Status.PENDING  # not yet reviewed
    ledger.review_proof(on(RP, date(2025, 7, 1)), FILE, "interim", "accepted", purpose_achieved=True)
    assert status(ledger, "proofs of use", date(2025, 7, 1)) is Status.PASS


def test_a_late_proof_of_use_fails(ledger: Ledger) -> None:
    granted(ledger)
    ledger.submit_proof(PARTY, FILE, "interim", date(2025, 7, 1), Decimal("1"), Decimal("1"))
    assert status(ledger, "proofs of use", date(2025, 7, 2)) is Status.FAIL


def test_payments_within_the_grant_per_cash_year(ledger: Ledger) -> None:
    granted(ledger)
    assert status(ledger, "payments within grant", date(2024, 12, 31)) is Status.NA
    ledger.disburse(RP, FILE, date(2024, 6, 1), Decimal("800000"))
    assert status(ledger, "payments within grant", date(2024, 12, 31)) is Status.PASS
    assert status(ledger, "payments within grant", date(2024, 5, 31)) is Status.NA  # not yet paid that day
    with pytest.raises(PaymentExceedsCashYearError, match="above the 800,000.00 EUR the notice schedules"):
        ledger.disburse(RP, FILE, date(2024, 12, 1), Decimal("100000"))  # within the grant, beyond 2024's cash
    ledger.disburse(RP, FILE, date(2025, 2, 1), Decimal("200000"))
    assert status(ledger, "payments within grant", date(2025, 3, 1)) is Status.PASS


def test_the_statewide_matrix_lists_all_26_parties(ledger: Ledger) -> None:
    bare(ledger)
    reports = ledger.compliance_year(2024, Clock(on=date(2025, 1, 1)), four_eyes=True)
    assert len(reports) == 26
    assert [r.agreement_id for r in reports if r.checks is not None] == [ID]
