"""The same scenarios on PostgreSQL and on SQLite: a year of the seed agreement, atomic commands,
concurrent writers, exact reloads."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest

from ledger.application import Ledger, Meta
from ledger.demo import AGREEMENT, GRANT, PARTY, RP_KASSEL, play_year
from ledger.domain.agreement import Agreement
from ledger.domain.errors import (
    AlreadyExistsError,
    PaymentExceedsGrantError,
    ReallocationExceedsSourceError,
)
from ledger.domain.values import Decision
from tests.cast import Acting


def test_a_year_of_the_seed_agreement_reloads_with_its_numbers(ledger: Ledger) -> None:
    play_year(ledger)
    agreement = ledger.agreement(AGREEMENT)
    assert agreement.total == Decimal("1185000.00")
    assert agreement.in_force_since == date(2024, 7, 10)
    assert agreement.projects["P4"].current == Decimal("60000.00")  # Selbstlernzentrum after moving 35,000
    assert agreement.projects["P5"].current == Decimal("225000.00")
    assert {d: s.decision.decision for d, s in agreement.deviations.items() if s.decision} == {
        "D1": Decision.ACKNOWLEDGED, "D2": Decision.APPROVED_WITH_CONDITIONS}
    grant = ledger.grant(GRANT)
    assert (grant.granted, grant.disbursed) == (Decimal("1185000.00"), Decimal("900000.00"))


def test_the_trail_covers_agreement_and_grant_in_global_order(ledger: Ledger) -> None:
    registry = ledger.reads.head()  # the registry's own events come first
    play_year(ledger)
    entries = ledger.entries(ledger.trail_ids(AGREEMENT))
    positions = [e.position for e in entries]
    assert positions == sorted(positions) == list(range(registry + 1, ledger.reads.head() + 1))
    streams = {e.event.originator_id for e in entries}
    assert {AGREEMENT, GRANT} < streams
    assert {s[:4] for s in streams - {AGREEMENT, GRANT}} == {"DOC-"}


def test_every_event_reads_back_exactly_as_it_was_saved(ledger: Ledger) -> None:
    play_year(ledger)
    saved = [e.event for e in ledger.entries([AGREEMENT, GRANT])]
    for event in saved:
        again = ledger.mapper.to_domain_event(ledger.mapper.to_stored_event(event))
        assert again == event
    assert all(isinstance(e.event, Agreement.Event) for e in ledger.entries([AGREEMENT]))


def test_a_refused_command_writes_nothing(ledger: Ledger) -> None:
    play_year(ledger)
    head = ledger.reads.head()
    with pytest.raises(ReallocationExceedsSourceError):
        ledger.reallocate(Meta(RP_KASSEL, reason="x"), AGREEMENT, "P4", "P1", Decimal("60000.01"), "HMSI 7")
    with pytest.raises(PaymentExceedsGrantError):
        ledger.disburse(Meta(RP_KASSEL, reason="x"), GRANT, date(2024, 12, 1), Decimal("285000.01"))
    with pytest.raises(AlreadyExistsError):
        ledger.create_agreement(Meta("a@HMSI", reason="again"), AGREEMENT, [("AQB", Decimal(1))])
    assert ledger.reads.head() == head


def test_concurrent_writers_to_one_agreement_all_land_without_gaps(db_url: str) -> None:
    first = Acting(db_url)
    first.create_agreement(Meta("a@HMSI", reason="r"), AGREEMENT, [("AQB", Decimal("1000000"))])
    errors: list[BaseException] = []

    def plan(n: int) -> None:
        writer = Acting(db_url)
        try:
            for k in range(3):
                writer.plan_project(Meta(PARTY, reason="r"), AGREEMENT, f"Projekt {n}-{k}", "QUAL", Decimal(1000))
        except BaseException as exc:
            errors.append(exc)
        finally:
            writer.close()

    threads = [threading.Thread(target=plan, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    entries = first.entries([AGREEMENT])
    assert [e.event.originator_version for e in entries] == list(range(1, 14))
    assert sorted(p.project_id for p in first.agreement(AGREEMENT).projects.values()) == sorted(
        f"P{i}" for i in range(1, 13))
    first.close()
