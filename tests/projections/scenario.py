"""Random but valid command sequences for the read-model tests, played through the service."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal

from ledger.app.core import Meta
from ledger.application import Ledger
from ledger.domain.errors import LedgerError

MINISTRY, RP, PARTY = "a.schneider@HMSI", "k.becker@RPKS", "j.weber@06532"
AGREEMENTS = ("AQB-2024-06532", "AQB-2024-06611")
PARTIES = {"AQB-2024-06532": "j.weber@06532", "AQB-2024-06611": "x.meier@06611"}
KINDS = ("announce", "plan", "reallocate", "deviation", "decide", "sign", "apply", "notice", "amend",
         "disburse", "proof", "review", "refund", "meeting", "publish", "correct_plan", "correct_pay")


def meta(actor: str, day: int, reason: str = "weil") -> Meta:
    return Meta(actor, date(2024, 1, 1).replace(month=1 + day % 12, day=1 + day % 28), reason)


def grant_id(agreement_id: str) -> str:
    return f"RPKS-57-{agreement_id}"


def setup(ledger: Ledger) -> None:
    for agreement_id in AGREEMENTS:
        ledger.create_agreement(meta(MINISTRY, 0), agreement_id, [("AQB", Decimal("500000.00"))],
                                [("QUAL", "Qualifizierung", ["Alpha", "Beta"])])


def play(ledger: Ledger, kind: str, which: int, n: int) -> None:
    """One command; those the ledger refuses (a rule, a missing grant) are simply refused."""
    agreement_id = AGREEMENTS[which % 2]
    amount = Decimal(n).quantize(Decimal("0.01"))
    with contextlib.suppress(LedgerError):
        COMMANDS[kind](ledger, agreement_id, amount, n)


def _correct_last(ledger: Ledger, stream: str, topic_field: str, amount: Decimal, grant: bool) -> None:
    entries = [e for e in ledger.entries([stream]) if hasattr(e.event, topic_field)
               and type(e.event).__name__ != "EntryCorrected"]
    if not entries:
        return
    event = entries[-1].event
    aggregate = ledger.grant(stream) if grant else ledger.agreement(stream)
    old = str(aggregate.corrected(event).__dict__[topic_field])
    change = [(topic_field, old, f"{amount:.2f}")]
    if grant:
        ledger.correct_grant(meta(RP, 11), stream, event.originator_version, change)
    else:
        ledger.correct_agreement(meta(MINISTRY, 11), stream, event.originator_version, change)


COMMANDS = {
    "announce": lambda led, a, amt, n: led.announce_allocation(meta(MINISTRY, n), a, amt, "AQB",
                                                          [(2024, amt), (2025 + n % 2, amt)]),
    "plan": lambda led, a, amt, n: led.plan_project(meta(PARTIES[a], n), a, ["Alpha", "Beta", f"G{n % 3}"][n % 3],
                                                "QUAL", amt, n % 30),
    "reallocate": lambda led, a, amt, n: led.reallocate(meta(MINISTRY, n), a, ["unallocated", "P1", "P2"][n % 3],
                                                    ["P2", "unallocated", "P1"][n % 3], amt, f"HMSI {n}"),
    "deviation": lambda led, a, amt, n: led.report_deviation(meta(PARTIES[a], n), a, "underspend", "Ursache",
                                                         "project", "P1", "amount", "1", str(n)),
    "decide": lambda led, a, amt, n: led.decide_deviation(meta(MINISTRY, n), a, f"D{1 + n % 2}", "acknowledged",
                                                      revise=n % 2 == 0),
    "sign": lambda led, a, amt, n: led.sign(meta(MINISTRY, n), a, ["HMSI", a[-5:]][n % 2], "Name", "Amt", "Ort",
                                        date(2024, 7, 1 + n % 20)),
    "apply": lambda led, a, amt, n: led.apply_for_grant(meta(PARTIES[a], n), a, grant_id(a), date(2024, 1 + n % 6, 1),
                                                    amt),
    "notice": lambda led, a, amt, n: led.issue_notice(meta(RP, n), grant_id(a), date(2024, 5, 1), amt * 10,
                                                  date(2024, 1, 1), date(2025, 12, 31), [(2024, amt)],
                                                  final_proof_due=date(2026, 6, 30)),
    "amend": lambda led, a, amt, n: led.amend_notice(meta(RP, n), grant_id(a), date(2024, 9, 1), amt * 20,
                                                 [(2025, amt)]),
    "disburse": lambda led, a, amt, n: led.disburse(meta(RP, n), grant_id(a), date(2024 + n % 2, 6, 1), amt),
    "proof": lambda led, a, amt, n: led.submit_proof(meta(PARTIES[a], n), grant_id(a), "final", date(2026, 5, 1),
                                                 amt, amt),
    "review": lambda led, a, amt, n: led.review_proof(meta(RP, n), grant_id(a), "final", "accepted",
                                                  purpose_achieved=True),
    "refund": lambda led, a, amt, n: led.claim_refund(meta(RP, n), grant_id(a), amt),
    "meeting": lambda led, a, amt, n: led.hold_meeting(meta(MINISTRY, n), a, date(2024, 10, 1 + n % 20)),
    "publish": lambda led, a, amt, n: led.publish(meta(MINISTRY, n), a, "https://example.org/zv.pdf",
                                              date(2024, 8, 1)),
    "correct_plan": lambda led, a, amt, n: _correct_last(led, a, "planned_amount", amt, grant=False),
    "correct_pay": lambda led, a, amt, n: _correct_last(led, grant_id(a), "amount", amt, grant=True),
}
