"""A statewide ledger for the benchmarks: 26 parties × some years, generated through the domain
model (every rule checked, every event authorised under the cast's mandates of bench/cast.py) and
saved by the portal login through the chain trigger (stamped, author-checked, chained), many
aggregates per transaction.

Per party and year: an agreement with its allocation, eight projects, both signatures and a
correction; a grant with its application and notice; then rounds of eight payments, a
reallocation, a deviation and its decision, and now and then a meeting, a notice amendment and a
refund claim (about 11 events a round).

Example (as a library): `generate(cast.ledger_for(url), events=1_000_000, years=range(2005, 2025))`
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from bench import cast
from ledger import reference
from ledger.app.core import Meta
from ledger.application import Ledger
from ledger.domain.agreement import Agreement
from ledger.domain.grant import Grant
from ledger.domain.values import (
    Budget,
    BudgetLine,
    Category,
    Decision,
    DeviationKind,
    Envelope,
    FieldChange,
    Measure,
    Scope,
)

CENT = Decimal("0.01")
PROJECTS = (("Ausbildungsvorbereitung", Category.AV), ("Integrative Ausbildung", Category.AUS),
            ("Lernwerkstatt", Category.QUAL), ("Selbstlernzentrum", Category.QUAL),
            ("Kompetenzförderung", Category.QUAL), ("Vital und Aktiv", Category.QUAL),
            ("Jump in", Category.QUAL), ("Fortbildung", Category.PERS))
PER_ROUND = 11  # events of one round, about (8 payments, a reallocation, a deviation, its decision)
PER_PAIR = 16  # events of a new agreement and grant
SAVE_EVENTS = 20_000  # about this many events per save (one transaction)


class Envelopes:
    """Authorised envelopes of the cast, resolved once per actor and dated per event."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.base: dict[str, Envelope] = {}

    def __call__(self, login: str, effective: date, reason: str = "Benchmark") -> Envelope:
        found = self.base.get(login)
        if found is None:
            found = self.base[login] = self.ledger.envelope(Meta(login, date(2000, 1, 1), "Benchmark"))
        return replace(found, effective=effective, reason=reason, correlation_id=uuid.uuid4().hex)


def new_pair(env: Envelopes, year: int, ags: str) -> tuple[Agreement, Grant]:
    ministry, party, rp = cast.MINISTRY, cast.party_login(ags), cast.RP
    a = Agreement.record(
        env(ministry, date(year, 7, 1)), year=year, party_ags=ags, party_name=reference.party(ags).display_name,
        ministry_name="HMSI", budgets=(Budget.AQB,), lines=(BudgetLine(Budget.AQB, Decimal("1185000.00")),),
        measures=(Measure(Category.QUAL, "Qualifizierung", tuple(n for n, _ in PROJECTS)),), clauses=(),
        document_id=None)
    a.announce_allocation(env(ministry, date(year - 1, 12, 15)), Budget.AQB, Decimal("1185000.00"), ())
    for name, category in PROJECTS:
        a.plan_project(env(party, date(year, 3, 27)), name, category, Decimal("140000.00"), 20)
    a.sign(env(ministry, date(year, 7, 1)), party="HMSI", signatory="Ministerin", function="Ministerin",
           organisation="HMSI", organisation_text=None, place="Wiesbaden", signed_on=date(year, 7, 1), raw_text=None)
    a.sign(env(party, date(year, 7, 10)), party=ags, signatory="Landrat", function="Landrat", organisation=ags,
           organisation_text=None, place="Kreisstadt", signed_on=date(year, 7, 10), raw_text=None)
    g = Grant.apply_for(env(party, date(year, 1, 2)), f"RPKS-57-{year}-{ags}", agreement_id=a.id, party_ags=ags,
                        submitted_on=date(year, 1, 2), amount_requested=Decimal("1185000.00"), financing_plan=())
    g.issue_notice(env(rp, date(year, 1, 3)), notice_date=date(year, 1, 3), amount=Decimal("1185000.00"),
                   period_start=date(year, 1, 1), period_end=date(year + 1, 12, 31), cash_schedule=(),
                   conditions=(), interim_proof_due=date(year + 1, 6, 30), final_proof_due=date(year + 2, 6, 30))
    fix = (FieldChange("planned_amount", "140000.00", "140000.50"),)
    a.correct(env(ministry, date(year, 7, 2), "Tippfehler"), 3, fix, None)
    return a, g


def one_round(env: Envelopes, a: Agreement, g: Grant, i: int) -> None:
    """About eleven events: payments, a reallocation, a deviation and its decision, now and then more."""
    party = cast.party_login(a.party_ags)
    day = date(a.year, 1, 4) + timedelta(days=min(i, 360))  # in order: amendments follow notices
    for k in range(8):
        if g.disbursed + Decimal("10.00") <= g.granted:
            g.disburse(env(cast.RP, day), day, Decimal("10.00") + k * CENT, day.year)
    src, dst = (f"P{1 + i % 8}", f"P{1 + (i + 1) % 8}")
    a.reallocate(env(cast.MINISTRY, day), src, dst, Decimal("5.00"), "HMSI II3")
    deviation = a.report_deviation(env(party, day), kind=DeviationKind.UNDERSPEND, scope=Scope.PROJECT,
                                   scope_ref=src, metric="amount", planned="1", actual="0", cause="Bench")
    a.decide_deviation(env(cast.MINISTRY, day), deviation, Decision.ACKNOWLEDGED, None, None)
    if i % 10 == 0:
        a.hold_meeting(env(cast.MINISTRY, day), held_on=day, participants=("HMSI",), agenda=(),
                       deviations_discussed=(), agreed_actions=(), minutes_reference=None)
        g.amend_notice(env(cast.RP, day), day, g.granted + Decimal("100.00"), ())
    if i % 25 == 0:
        g.claim_refund(env(cast.RP, day), Decimal("1.00"), None)


def generate(ledger: Ledger, events: int, years: range, log: Callable[[str], None] = print) -> int:
    """At least `events` events over 26 parties × these years; returns the head position."""
    env = Envelopes(ledger)
    parties = sorted(reference.parties())
    rounds = max(0, (events - PER_PAIR * len(parties) * len(years)) // (PER_ROUND * len(parties) * len(years)) + 1)
    started, written = time.perf_counter(), 0
    for year in years:
        pairs = [new_pair(env, year, ags) for ags in parties]
        pending: list[Agreement | Grant] = []
        for a, g in pairs:
            for i in range(rounds):
                one_round(env, a, g, i)
            pending += [a, g]
            if sum(len(x.pending_events) for x in pending) >= SAVE_EVENTS:
                written += len(ledger.save(*pending))
                pending = []
        written += len(ledger.save(*pending)) if pending else 0
        log(f"  {year}: {written:,} events, {written / (time.perf_counter() - started):,.0f} events/s")
    return ledger.reads.head()
