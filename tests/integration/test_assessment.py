"""§6 judgements on PostgreSQL and SQLite: recorded with their evidence, refused when a deviation is
left untreated, signed off by a second person, and explained by replay — including what arrived
later, a tampered event inside the evidence range, and altered indicators."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from ledger.application import Ledger, Meta
from ledger.demo import AGREEMENT, PARTY, play_year
from ledger.domain.errors import EvidenceBeyondHeadError, NotAuthorisedError, RuleViolationError
from tests.integrity.conftest import enable_always

ASSESSOR = Meta("a.schneider@HMSI", reason="Beurteilung")
SECOND = Meta("r.klein@HMSI", reason="Zweitprüfung")
BOTH = {"D1": "considered-accepted", "D2": "considered-with-conditions"}


def assessed(ledger: Ledger) -> int:
    play_year(ledger, judge=False)
    evidence = ledger.reads.head()
    ledger.assess(ASSESSOR, AGREEMENT, "weitgehend erreicht", "Ziele überwiegend erreicht", BOTH)
    return evidence


def test_an_assessment_records_verdict_evidence_and_indicators(ledger: Ledger) -> None:
    evidence = assessed(ledger)
    dossier = ledger.explain(AGREEMENT, "A1")
    assert dossier.assessment.evidence_position == evidence
    assert dossier.assessment.evidence_hash == ledger.chain_hash_at(evidence)
    assert dossier.indicators_match
    assert dossier.chain_ok, dossier.chain_detail
    money = {i.metric: (i.planned, i.actual) for i in dossier.assessment.indicators if i.scope == "money"}
    assert money["granted / disbursed"] == ("1185000.00", "900000.00")


def test_an_untreated_deviation_is_refused_by_name(ledger: Ledger) -> None:
    play_year(ledger, judge=False)
    with pytest.raises(RuleViolationError, match="deviation D2 of AQB-2024-06532 has no treatment"):
        ledger.assess(ASSESSOR, AGREEMENT, "erreicht", "r", {"D1": "considered-accepted"})


def test_the_evidence_position_cannot_lie_beyond_the_head(ledger: Ledger) -> None:
    play_year(ledger, judge=False)
    with pytest.raises(EvidenceBeyondHeadError):
        ledger.assess(ASSESSOR, AGREEMENT, "erreicht", "r", BOTH, evidence_position=ledger.reads.head() + 1)


def test_sign_off_needs_a_second_person_and_a_revision_supersedes(ledger: Ledger) -> None:
    assessed(ledger)
    with pytest.raises(NotAuthorisedError, match="cannot sign it off"):
        ledger.sign_off_assessment(ASSESSOR, AGREEMENT, "A1", None)
    ledger.sign_off_assessment(SECOND, AGREEMENT, "A1", "geprüft")
    ledger.assess(ASSESSOR, AGREEMENT, "teilweise erreicht", "neu bewertet", BOTH, revises="A1")
    agreement = ledger.agreement(AGREEMENT)
    assert agreement.assessments["A1"].superseded_by == "A2"
    assert ledger.explain(AGREEMENT, "A1").superseded_by == "A2"  # the earlier judgement stays explainable


def test_a_deviation_recorded_after_the_assessment_arrives_after_and_is_not_considered(ledger: Ledger) -> None:
    evidence = assessed(ledger)
    ledger.report_deviation(Meta(PARTY, reason="spät"), AGREEMENT, "project-delayed", "Träger insolvent")
    dossier = ledger.explain(AGREEMENT, "A1")
    late = [e for e in dossier.after if getattr(e.event, "deviation_id", None) == "D3"]
    assert late and late[0].position > evidence
    assert "D3" not in dossier.before.agreement.deviations
    assert {t.deviation_id for t in dossier.assessment.treatments} == {"D1", "D2"}


def test_a_tampered_event_inside_the_evidence_range_is_reported(ledger: Ledger, db_url: str) -> None:
    assessed(ledger)
    [reported] = [e.position for e in ledger.entries([AGREEMENT]) if getattr(e.event, "deviation_id", "") == "D1"
                  and type(e.event).__name__ == "DeviationReported"]
    tamper(db_url, position=reported, old=b"Personalwechsel", new=b"Personalmangel!")
    dossier = ledger.explain(AGREEMENT, "A1")
    assert not dossier.chain_ok
    assert f"chain broken at position {reported} (changed-row)" in dossier.chain_detail


def test_altered_indicators_fail_the_recomputation_check(ledger: Ledger, db_url: str) -> None:
    assessed(ledger)
    position = ledger.reads.head()
    places = next(i for i in ledger.explain(AGREEMENT, "A1").assessment.indicators
                  if i.ref == "P7 Jump in" and i.metric.startswith("places"))
    assert places.actual not in (places.planned, "not reported")  # participants were reported
    before = f'"planned":"{places.planned}","actual":"{places.actual}"'.encode()
    after = f'"planned":"{places.planned}","actual":"{places.planned}"'.encode()
    tamper(db_url, position=position, old=before, new=after)
    dossier = ledger.explain(AGREEMENT, "A1")
    assert not dossier.indicators_match
    [(recorded, recomputed)] = dossier.indicator_differences()
    assert recorded is not None and recomputed is not None
    assert (recorded.ref, recorded.actual, recomputed.actual) == ("P7 Jump in", places.planned, places.actual)


def tamper(db_url: str, position: int, old: bytes, new: bytes) -> None:
    """What a superuser can do behind the ledger's back: rewrite a stored event with triggers off."""
    if db_url.startswith("postgresql"):
        base, schema = db_url.split("?schema=")
        with psycopg.connect(base, autocommit=True) as conn:
            table = f'"{schema}".aqb_events'
            conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            state = bytes(conn.execute(f"SELECT state FROM {table} WHERE notification_id = %s",
                                       (position,)).fetchone()[0])
            conn.execute(f"UPDATE {table} SET state = %s WHERE notification_id = %s",
                         (state.replace(old, new), position))
            enable_always(conn, table)
            changed = (new in state.replace(old, new),)
    else:
        with sqlite3.connect(db_url.removeprefix("sqlite://")) as conn:
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
                conn.execute(f'DROP TRIGGER "{name}"')
            state = conn.execute("SELECT state FROM stored_events WHERE rowid = ?", (position,)).fetchone()[0]
            conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (state.replace(old, new), position))
            changed = (new in state.replace(old, new),)
    assert changed and changed[0], "the tamper did not apply"
