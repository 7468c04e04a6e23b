"""Builders for tests: envelopes and a seeded agreement, on the aggregates directly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger.domain.agreement import Agreement
from ledger.domain.authority import GRANTABLE
from ledger.domain.values import (
    Act,
    Actor,
    Authority,
    Budget,
    BudgetLine,
    Category,
    Envelope,
    Mandate,
    Measure,
)

MINISTRY = "a.schneider@HMSI"
RP = "k.becker@RPKS"
PARTY = "j.weber@06532"
OTHER_PARTY = "x.meier@06611"


def env(actor: str = MINISTRY, reason: str | None = "because", effective: date = date(2024, 7, 1),
        acts: tuple[Act, ...] | None = None, login: str | None = None) -> Envelope:
    """An envelope as the application makes it: the actor with a mandate for every act its
    organisation may hold (or the `acts` given), resolved for today."""
    who = Actor.parse(actor)
    granted = acts if acts is not None else tuple(sorted(GRANTABLE[who.role] - {Act.ON_BEHALF}, key=str))
    authority = Authority(who.user, (Mandate("M1", granted),), date(2024, 7, 1), login)
    return Envelope(who, effective, reason, None, "corr", None, "test", login=login, authority=authority)


def eur(text: str) -> Decimal:
    return Decimal(text).quantize(Decimal("0.01"))


def seeded_agreement() -> Agreement:
    """The seed agreement: 1,185,000 EUR, projects P1 (AV) and P2, P3 (QUAL) planned."""
    agreement = Agreement.record(
        env(), year=2024, party_ags="06532", party_name="Landkreis Lahn-Dill-Kreis",
        ministry_name="Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales",
        budgets=(Budget.AQB,), lines=(BudgetLine(Budget.AQB, eur("1185000"), "1.185.000 Euro"),),
        measures=(Measure(Category.AV, "Ausbildungsvorbereitung", ("Ausbildungsvorbereitung",)),
                  Measure(Category.QUAL, "Qualifizierungsprojekte", ("Lernwerkstatt digital", "Jump in"))),
        clauses=("deviation-clause",), document_id=None,
    )
    agreement.plan_project(env(PARTY), "Ausbildungsvorbereitung", Category.AV, eur("210000"), 24)
    agreement.plan_project(env(PARTY), "Lernwerkstatt digital", Category.QUAL, eur("160000"), 30)
    agreement.plan_project(env(PARTY), "Jump in", Category.QUAL, eur("135000"), 18)
    return agreement
