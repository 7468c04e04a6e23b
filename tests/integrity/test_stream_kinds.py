"""Each kind of event in its own kind of stream, started by its creating event: a payment in an
agreement's stream, a grant application under a principal's id or a second creating event would
make the stream unreadable (or take an id a command has yet to create). The database refuses such
a row (migration 9); forced in past it by the owner, reads and `aqb verify` name its position."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from ledger.application import Meta
from ledger.domain.agreement import Agreement
from ledger.domain.grant import Grant
from ledger.domain.values import Actor, DeviationKind, Envelope, Role, Scope
from tests.cast import Acting
from tests.integrity.conftest import migration8_checks_off, run_cli, verify_json
from tests.integrity.test_authorship import insert_as

A = "AQB-2024-06532"
GRANT = "RPKS-57-AQB-2024-001"


def env(login: str, org: str, role: Role) -> Envelope:
    return Envelope(Actor(login, org, role), date(2024, 9, 1), "psql", None, "c", None, "x", login=login,
                    mandate=f"{login}/M1")


@pytest.fixture
def granted(pg_url: str) -> Acting:
    ledger = Acting(pg_url)
    ledger.create_agreement(Meta("a.schneider@HMSI", date(2024, 3, 1), "ZV"), A, [("AQB", Decimal(100000))])
    ledger.apply_for_grant(Meta("j.weber", date(2024, 3, 2), "Antrag"), A, GRANT, date(2024, 3, 2),
                           Decimal(1000))
    return ledger


def forged(kind: str, ledger: Acting) -> tuple[str, Any]:
    now = datetime.now(UTC)
    rp = env("k.becker", "RPKS", Role.GRANT_AUTHORITY)
    if kind == "a payment in the agreement's stream":
        version = max(e.event.originator_version for e in ledger.entries([A])) + 1
        return "k.becker", Grant.FundsDisbursed(originator_id=A, originator_version=version, timestamp=now,
                                                envelope=rp, value_date=date(2024, 9, 1), amount=Decimal(5),
                                                cash_year=2024)
    if kind == "a grant application under a principal's id":
        return "j.weber", Grant.ApplicationSubmitted(
            originator_id="PRINCIPAL-p.future", originator_version=1, timestamp=now, originator_topic=Grant.TOPIC,
            envelope=env("j.weber", "06532", Role.PARTY), agreement_id=A, party_ags="06532",
            submitted_on=date(2024, 9, 1), amount_requested=Decimal(5), financing_plan=())
    if kind == "a second application in the grant's stream":
        version = max(e.event.originator_version for e in ledger.entries([GRANT])) + 1
        return "j.weber", Grant.ApplicationSubmitted(
            originator_id=GRANT, originator_version=version, timestamp=now, originator_topic=Grant.TOPIC,
            envelope=env("j.weber", "06532", Role.PARTY), agreement_id=A, party_ags="06532",
            submitted_on=date(2024, 9, 1), amount_requested=Decimal(5), financing_plan=())
    # a stream started by a deviation report: no agreement was ever recorded under the id
    return "j.weber", Agreement.DeviationReported(
        originator_id="AQB-2025-06532", originator_version=1, timestamp=now,
        envelope=env("j.weber", "06532", Role.PARTY), deviation_id="D1", kind=DeviationKind.OTHER,
        scope=Scope.AGREEMENT, scope_ref=None, metric=None, planned=None, actual=None, cause="vorab")


KINDS = ["a payment in the agreement's stream", "a grant application under a principal's id",
         "a second application in the grant's stream", "a stream started without its creating event"]


@pytest.mark.parametrize("kind", KINDS)
def test_an_event_outside_its_kind_of_stream_is_refused_by_the_database(granted: Acting, kind: str) -> None:
    login, event = forged(kind, granted)
    head = granted.reads.head()
    with pytest.raises(psycopg.errors.CheckViolation, match="does not belong in .* as version"):
        insert_as(granted.url, login, event)
    assert granted.reads.head() == head
    granted.close()


@pytest.mark.parametrize("kind", KINDS[:3])
def test_one_forced_in_by_the_owner_is_named_by_reads_and_verify_and_breaks_no_command(granted: Acting,
                                                                                        kind: str) -> None:
    login, event = forged(kind, granted)
    with migration8_checks_off(granted.url):
        insert_as(granted.url, login, event)
    position = granted.reads.head()
    code, report = verify_json(granted.url)
    assert code == 10 and f"position {position}" in str(report), report
    status = run_cli(granted.url, "status", A)
    assert status.exit_code == 10, status.output
    assert len(status.stderr.strip().splitlines()) == 1 and f"position {position}" in status.stderr
    assert "does not belong in" in status.stderr
    granted.close()
