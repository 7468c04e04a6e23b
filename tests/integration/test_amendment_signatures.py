"""An amendment's signatures belong to the amended version: under any clock the version before it
stays in force, with its own signatures, until both parties have signed the new one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger.application import Meta
from ledger.domain.agreement import Agreement
from ledger.domain.clocks import Clock
from ledger.domain.values import Budget, BudgetLine
from projections.queries import status_then
from tests.cast import Acting

A = "AQB-2025-06611"
HMSI = "a.schneider@HMSI"
CITY = "x.meier"


def on(day: str, reason: str = "ZV") -> Meta:
    return Meta(HMSI, date.fromisoformat(day), reason)


def lifecycle(ledger: Acting, clock: Clock) -> dict[str, object]:
    [row] = status_then(ledger.owner, A, clock).tables["aqb_view_lifecycle"]
    return row


def test_an_amendment_signed_later_leaves_the_version_before_in_force_under_every_clock(ledger: Acting) -> None:
    ledger.create_agreement(on("2025-06-01"), A, [("AQB", Decimal("1420000"))])
    ledger.sign(on("2025-06-23"), A, "HMSI", "Heike Hofmann", "Staatsministerin", "Wiesbaden", date(2025, 6, 23))
    ledger.sign(Meta(CITY, date(2025, 6, 30), "ZV"), A, "06611", "Sven Schoeller", "Oberbürgermeister", "Kassel",
                date(2025, 6, 30))

    def amend(agreement: Agreement) -> None:
        envelope = ledger.as_("a.schneider").envelope(on("2025-11-10", "Neufassung"))
        agreement.amend(envelope, ministry_name=agreement.ministry_name, budgets=(Budget.AQB,),
                        lines=(BudgetLine(Budget.AQB, Decimal("1450000.00"), None),),
                        measures=agreement.measures, clauses=agreement.clauses, document_id=None)

    ledger.change(Agreement, A, on("2025-11-10", "Neufassung"), amend)
    amended_at = ledger.reads.head()
    ledger.sign(on("2025-11-03", "Neufassung"), A, "HMSI", "Heike Hofmann", "Staatsministerin", "Wiesbaden",
                date(2025, 11, 3))

    # by effective dates, 5 November: the ministry had signed the amendment, which took effect on the 10th
    before = lifecycle(ledger, Clock(on=date(2025, 11, 5)))
    assert (before["ministry_signed_on"], before["party_signed_on"], before["in_force_since"]) == (
        date(2025, 6, 23), date(2025, 6, 30), date(2025, 6, 30))
    # at the amendment's position: version 2 unsigned, version 1 in force with its signatures
    held = lifecycle(ledger, Clock(at=amended_at))
    assert (held["ministry_signed_on"], held["in_force_since"]) == (date(2025, 6, 23), date(2025, 6, 30))
    ledger.sign(Meta(CITY, date(2025, 11, 10), "Neufassung"), A, "06611", "Sven Schoeller", "Oberbürgermeister",
                "Kassel", date(2025, 11, 10))
    now = lifecycle(ledger, Clock(on=date(2025, 12, 31)))
    assert (now["ministry_signed_on"], now["party_signed_on"], now["in_force_since"]) == (
        date(2025, 11, 3), date(2025, 11, 10), date(2025, 11, 10))
    agreement = ledger.agreement(A)
    assert (agreement.entered_into_force, agreement.version_in_force, agreement.in_force_since) == (
        date(2025, 6, 30), 2, date(2025, 11, 10))
    signed = [e.event for e in ledger.entries([A]) if isinstance(e.event, Agreement.Signed)]
    assert [s.content_version for s in signed] == [1, 1, 2, 2]

