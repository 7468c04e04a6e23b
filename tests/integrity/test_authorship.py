"""Who recorded it, proven: on PostgreSQL the database stamps the authenticated login into every
row and refuses an envelope that names anyone else; the application checks mandates, not typed
names; and `aqb verify` re-checks every event's author against the registry as it stood."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from ledger.app.principals import MandateSpec
from ledger.application import Meta, open_ledger
from ledger.domain.agreement import Agreement
from ledger.domain.errors import NotAuthorisedError
from ledger.domain.grant import Grant
from ledger.domain.principal import Principal
from ledger.domain.values import (
    Act,
    ActivityKind,
    Actor,
    Budget,
    Category,
    Decision,
    DeviationKind,
    Envelope,
    Mandate,
    PrincipalKind,
    Role,
    Scope,
)
from ledger.persistence.config import database_from_url
from tests.cast import ADMIN, Acting, ensure_logins, login_url
from tests.integrity.conftest import FIRST, admin_of, as_login, migration8_checks_off, run_cli, schema_of, verify_json

HMSI = "a.schneider@HMSI"


def insert_as(url: str, login: str, event: Any) -> None:
    """What a login can do with psql: insert a stored event of its own making."""
    ledger = open_ledger(url)
    stored = ledger.mapper.to_stored_event(event)
    ledger.close()
    with psycopg.connect(as_login(url, login).split("?")[0]) as conn:
        conn.execute(f'INSERT INTO "{schema_of(url)}".aqb_events (originator_id, originator_version, topic, state) '
                     "VALUES (%s, %s, %s, %s)", (stored.originator_id, stored.originator_version, stored.topic,
                                                 stored.state))


def envelope(actor: str, org: str, role: Role, login: str | None, mandate: str | None) -> Envelope:
    return Envelope(Actor(actor, org, role), date(2024, 9, 1), "psql", None, "c", None, "x", login=login,
                    mandate=mandate)


def decision(version: int, env: Envelope) -> Agreement.DeviationDecided:
    return Agreement.DeviationDecided(originator_id=FIRST, originator_version=version,
                                      timestamp=datetime.now(UTC), envelope=env, deviation_id="D1",
                                      decision=Decision.APPROVED, decision_reference=None, conditions=None)


@pytest.fixture
def deviation(pg_url: str) -> Acting:
    """An agreement with a deviation reported by the district (version 2 is its report)."""
    ledger = Acting(pg_url)
    ledger.create_agreement(Meta(HMSI, reason="ZV"), FIRST, [("AQB", Decimal(1000))])
    ledger.report_deviation(Meta("j.weber", reason="Meldung"), FIRST, "underspend", "weniger Teilnehmende")
    return ledger


def test_an_insert_naming_another_login_is_refused_by_the_database(deviation: Acting) -> None:
    url = deviation.url
    forged = decision(3, envelope("a.schneider", "HMSI", Role.MINISTRY, "a.schneider", "a.schneider/M1"))
    with pytest.raises(psycopg.errors.InsufficientPrivilege,
                       match="the event names the login a.schneider, but the login j.weber inserted it"):
        insert_as(url, "j.weber", forged)
    posing = decision(3, envelope("a.schneider", "HMSI", Role.MINISTRY, "j.weber", "a.schneider/M1"))
    with pytest.raises(psycopg.errors.InsufficientPrivilege,
                       match="the login j.weber records as a.schneider: only a registered service login"):
        insert_as(url, "j.weber", posing)
    wrong_org = decision(3, envelope("j.weber", "HMSI", Role.MINISTRY, "j.weber", "j.weber/M1"))
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="j.weber is registered for 06532, the event "
                                                                   "names HMSI"):
        insert_as(url, "j.weber", wrong_org)
    deviation.close()


def test_a_district_deciding_its_own_deviation_is_refused_also_with_psql_and_verify_reports_it_forced_in(
        deviation: Acting) -> None:
    with pytest.raises(NotAuthorisedError, match="j.weber@06532 may not record a decision on a deviation"):
        deviation.decide_deviation(Meta("j.weber", reason="selbst"), FIRST, "D1", "approved")
    own = decision(3, envelope("j.weber", "06532", Role.PARTY, "j.weber", "j.weber/M1"))
    head = deviation.reads.head()
    with pytest.raises(psycopg.errors.InsufficientPrivilege,
                       match="aqb:Agreement.DeviationDecided:v1 is not recorded by an officer of 06532"):
        insert_as(deviation.url, "j.weber", own)  # a decision is the ministry's or RP Kassel's event type
    assert deviation.reads.head() == head
    with migration8_checks_off(deviation.url):  # the owner's way past the database: verify still finds it
        insert_as(deviation.url, "j.weber", own)
    position = deviation.reads.head()
    code, report = verify_json(deviation.url)
    assert code == 10 and report["first_break"] is None
    assert report["authorship"]["violations"] == [{
        "position": position, "kind": "unauthorised",
        "detail": "j.weber@06532 may not record deviation decided: that is for RP Kassel (RPKS) or the ministry "
                  "(HMSI)"}]
    deviation.close()


@pytest.mark.parametrize(("field", "value", "words"), [
    ("reason", "Freigabe\x1b[2J", "holds the invisible character U+001B"),
    ("cause", "a\u202eb", "holds the invisible character U+202E"),
    ("amount", Decimal("-5.00"), "amounts are never negative"),
])
def test_a_writer_inserting_a_value_the_application_refuses_is_reported_by_verify(
        deviation: Acting, field: str, value: object, words: str) -> None:
    """The recording role with psql, its own login and mandate: the database lets the row in (it
    knows who, not what is valid); `aqb verify` names the position and the value."""
    env = envelope("j.weber", "06532", Role.PARTY, "j.weber", "j.weber/M1")
    if field == "amount":
        event: Any = Agreement.ProjectPlanned(
            originator_id=FIRST, originator_version=3, timestamp=datetime.now(UTC), envelope=env, project_id="P1",
            name="Werkstatt", category=Category.QUAL, planned_amount=value, planned_places=None)
    elif field == "reason":
        event = Agreement.DeviationReported(
            originator_id=FIRST, originator_version=3, timestamp=datetime.now(UTC),
            envelope=dataclasses.replace(env, reason=str(value)), deviation_id="D2", kind=DeviationKind.OTHER,
            scope=Scope.AGREEMENT, scope_ref=None, metric=None, planned=None, actual=None, cause="Ursache")
    else:
        event = Agreement.DeviationReported(
            originator_id=FIRST, originator_version=3, timestamp=datetime.now(UTC), envelope=env, deviation_id="D2",
            kind=DeviationKind.OTHER, scope=Scope.AGREEMENT, scope_ref=None, metric=None, planned=None, actual=None,
            cause=str(value))
    insert_as(deviation.url, "j.weber", event)
    position = deviation.reads.head()
    code, report = verify_json(deviation.url)
    assert code == 10
    [found] = [v for v in report["invalid_values"] if v["kind"] == "invalid-value"]
    assert found["position"] == position and words in found["detail"] and found["kind"] == "invalid-value"
    deviation.close()


def test_a_payment_beyond_the_grant_inserted_with_psql_is_reported_by_verify(pg_url: str) -> None:
    """RP Kassel's login with a valid mandate pays, through psql, more than the notice grants."""
    ledger = Acting(pg_url)
    ledger.create_agreement(Meta(HMSI, reason="ZV"), FIRST, [("AQB", Decimal(1000))])
    ledger.apply_for_grant(Meta("j.weber", reason="Antrag"), FIRST, "RPKS-57-T-1", date(2024, 3, 1), Decimal(1000))
    ledger.issue_notice(Meta("k.becker", reason="Bescheid"), "RPKS-57-T-1", date(2024, 5, 1), Decimal(1000),
                        date(2024, 1, 1), date(2024, 12, 31))
    env = envelope("k.becker", "RPKS", Role.GRANT_AUTHORITY, "k.becker", "k.becker/M1")
    paid = Grant.FundsDisbursed(originator_id="RPKS-57-T-1", originator_version=3, timestamp=datetime.now(UTC),
                                envelope=dataclasses.replace(env, reason="Abruf"), value_date=date(2024, 6, 1),
                                amount=Decimal("1000.01"), cash_year=2024)
    insert_as(pg_url, "k.becker", paid)
    broken_at = ledger.reads.head()
    # the application goes on recording what does not add to the break (it would refuse a new one) …
    ledger.submit_proof(Meta("j.weber", reason="Nachweis"), "RPKS-57-T-1", "interim", date(2024, 7, 1),
                        Decimal(1000), Decimal(990))
    code, report = verify_json(pg_url)
    assert code == 10 and report["authorship"]["violations"] == []
    [found] = report["invalid_values"]  # … and verify reports the break once, where it happened
    assert (found["position"], found["kind"]) == (broken_at, "rule-broken")
    assert "above the granted 1,000.00 EUR" in found["detail"]
    ledger.close()


def test_one_login_cannot_make_four_eyes_and_two_logins_can(pg_url: str) -> None:
    ledger = Acting(pg_url)
    ledger.create_agreement(Meta(HMSI, reason="ZV"), FIRST, [("AQB", Decimal(1000))])
    ledger.assess(Meta(HMSI, reason="Beurteilung"), FIRST, "erreicht", "alles gut", {})
    with pytest.raises(NotAuthorisedError, match="assessed A1 and cannot sign it off"):
        ledger.sign_off_assessment(Meta(HMSI), FIRST, "A1", "ich selbst")
    alone = open_ledger(login_url(database_from_url(pg_url), "a.schneider"))
    with pytest.raises(NotAuthorisedError, match="you are connected as login a.schneider; the actor r.klein"):
        alone.sign_off_assessment(Meta("r.klein@HMSI"), FIRST, "A1", "als Kollege")
    alone.close()
    ledger.sign_off_assessment(Meta("r.klein@HMSI"), FIRST, "A1", "Zweitprüfung")
    assert ledger.agreement(FIRST).assessments["A1"].signed_off_by == Actor("r.klein", "HMSI", Role.MINISTRY)
    ledger.close()


def test_a_service_login_records_on_behalf_of_people_but_never_makes_four_eyes(pg_url: str) -> None:
    db = database_from_url(pg_url)
    ensure_logins(db, ["web.portal"])
    admin = Acting(pg_url)
    admin.register_principal(Meta(ADMIN, reason="Portal"), "web.portal", "Web-Portal", "HMSI", "service",
                             [MandateSpec(("on-behalf",))])
    admin.create_agreement(Meta(HMSI, reason="ZV"), FIRST, [("AQB", Decimal(1000))])
    portal = open_ledger(login_url(db, "web.portal"))
    portal.assess(Meta("a.schneider", reason="über das Portal"), FIRST, "erreicht", "gut", {})
    with pytest.raises(NotAuthorisedError, match="login web.portal recorded assessment A1 and cannot also"):
        portal.sign_off_assessment(Meta("r.klein"), FIRST, "A1", "über das Portal")
    entry = portal.entries([FIRST])[-1]
    assert (str(entry.event.envelope.actor), entry.recorded_by, entry.event.envelope.on_behalf) == (
        "a.schneider@HMSI", "web.portal", True)
    portal.close()
    assert verify_json(pg_url)[0] == 0
    admin.close()


@pytest.mark.parametrize("backend", ["postgres", "sqlite"])
def test_a_revoked_mandate_refuses_from_the_revocation_on_and_what_came_before_still_verifies(
        backend: str, request: pytest.FixtureRequest) -> None:
    url = str(request.getfixturevalue("pg_url" if backend == "postgres" else "sqlite_url"))
    ledger = Acting(url)
    ledger.create_agreement(Meta(HMSI, reason="ZV"), FIRST, [("AQB", Decimal(1000))])
    ledger.plan_project(Meta("j.weber", reason="Plan"), FIRST, "Alpha", "QUAL", Decimal(10), 1)
    ledger.revoke_mandate(Meta(ADMIN, reason="Wechsel"), "j.weber", "M1")
    with pytest.raises(NotAuthorisedError, match="j.weber@06532 holds no mandate for a project"):
        ledger.plan_project(Meta("j.weber", reason="Plan"), FIRST, "Beta", "QUAL", Decimal(10), 1)
    assert verify_json(url)[0] == 0
    if backend == "postgres":  # the same act with psql, after the revocation
        planned = ledger.entries([FIRST])[-1].event
        again = dataclasses.replace(planned, originator_version=3, project_id="P2", name="Beta")
        insert_as(url, "j.weber", again)
        code, report = verify_json(url)
        assert code == 10
        assert [v["detail"] for v in report["authorship"]["violations"]] == [
            "mandate j.weber/M1 was not held (revoked, lapsed or never granted) at this position"]
    ledger.close()


def test_a_mandate_is_limited_by_party_ceiling_and_validity(db_url: str) -> None:
    ledger = Acting(db_url)
    if db_url.startswith("postgresql"):
        ensure_logins(database_from_url(db_url), ["t.kurz"])
    ledger.register_principal(Meta(ADMIN, reason="Befristet"), "t.kurz", "Tim Kurz", "RPKS", "person",
                              [MandateSpec(("record", "grant"), party="06532", ceiling=Decimal(500),
                                           valid_until=date(2020, 12, 31))])
    ledger.create_agreement(Meta(HMSI, reason="ZV"), FIRST, [("AQB", Decimal(1000))])
    with pytest.raises(NotAuthorisedError, match="t.kurz@RPKS holds no mandate for a grant application"):
        ledger.apply_for_grant(Meta("t.kurz", reason="Antrag"), FIRST, "RPKS-1", date(2024, 3, 1), Decimal(100))
    ledger.grant_mandate(Meta(ADMIN, reason="verlängert"), "t.kurz",
                         MandateSpec(("record", "grant"), party="06532", ceiling=Decimal(500)))
    ledger.apply_for_grant(Meta("t.kurz", reason="Antrag"), FIRST, "RPKS-1", date(2024, 3, 1), Decimal(100))
    with pytest.raises(NotAuthorisedError, match="of 1,000.00 EUR"):
        ledger.issue_notice(Meta("t.kurz", reason="Bescheid"), "RPKS-1", date(2024, 5, 1), Decimal(1000),
                            date(2024, 1, 1), date(2024, 12, 31))
    ledger.issue_notice(Meta("t.kurz", reason="Bescheid"), "RPKS-1", date(2024, 5, 1), Decimal(500),
                        date(2024, 1, 1), date(2024, 12, 31))
    ledger.create_agreement(Meta(HMSI, reason="ZV"), "AQB-2024-06611", [("AQB", Decimal(1000))])
    with pytest.raises(NotAuthorisedError, match="for party 06611"):
        ledger.apply_for_grant(Meta("t.kurz", reason="Antrag"), "AQB-2024-06611", "RPKS-2", date(2024, 3, 1),
                               Decimal(100))
    assert verify_json(db_url)[0] == 0
    ledger.close()


def test_a_delegation_gives_at_most_its_parent_and_lapses_with_it(db_url: str) -> None:
    ledger = Acting(db_url)
    ledger.grant_mandate(Meta(ADMIN, reason="Referatsleitung"), "a.schneider",
                         MandateSpec(("sign-off",), delegable=True))
    with pytest.raises(NotAuthorisedError, match="wider than mandate M2: acts decide"):
        ledger.delegate_mandate(Meta(HMSI, reason="Vertretung"), "m.weber", "M2", MandateSpec(("decide",)))
    ledger.delegate_mandate(Meta(HMSI, reason="Vertretung"), "a", "M2", MandateSpec(("sign-off",)))
    delegated = ledger.principal("a").mandates["M2"].mandate
    assert (delegated.delegated_from, delegated.delegable) == ("a.schneider/M2", False)
    ledger.revoke_mandate(Meta(ADMIN, reason="Ende"), "a.schneider", "M2")
    assert "M2" not in {m.mandate_id for m in ledger.as_("a").who("a").authority.mandates}
    assert verify_json(db_url)[0] == 0
    ledger.close()


def test_the_holder_of_a_delegation_revokes_it_itself(db_url: str) -> None:
    ledger = Acting(db_url)
    ledger.grant_mandate(Meta(ADMIN, reason="Referatsleitung"), "a.schneider",
                         MandateSpec(("sign-off",), delegable=True))
    ledger.delegate_mandate(Meta(HMSI, reason="Vertretung"), "a", "M2", MandateSpec(("sign-off",)))
    ledger.revoke_mandate(Meta(HMSI, reason="Vertretung endet"), "a", "M2")
    assert ledger.principal("a").mandates["M2"].revoked
    assert verify_json(db_url)[0] == 0
    ledger.close()


def test_an_administrator_never_grants_itself_a_mandate(db_url: str) -> None:
    ledger = Acting(db_url)
    with pytest.raises(NotAuthorisedError, match="it.admin cannot grant a mandate to itself"):
        ledger.grant_mandate(Meta(ADMIN, reason="mehr"), ADMIN, MandateSpec(("decide",)))
    with pytest.raises(NotAuthorisedError, match="a principal of 06532 cannot hold a mandate to decide"):
        ledger.grant_mandate(Meta(ADMIN, reason="mehr"), "j.weber", MandateSpec(("decide",)))
    ledger.close()


def test_the_registry_is_bootstrapped_once_and_only_by_the_owner(bare_pg_url: str) -> None:
    db = database_from_url(bare_pg_url)
    ensure_logins(db, ["j.weber"])
    writer = open_ledger(login_url(db, "j.weber"))
    with pytest.raises(NotAuthorisedError, match="login j.weber is not a member of"):
        writer.bootstrap(Meta(reason="ich"), "j.weber", "Jana Weber", "HMSI", [])
    writer.close()
    owner = open_ledger(bare_pg_url)
    owner.bootstrap(Meta(reason="Einrichtung"), ADMIN, "IT", "HMSI", [])
    first = owner.entries(["PRINCIPAL-it.admin"])[0]
    assert (first.recorded_by, first.event.envelope.mandate) == (db.conninfo["user"], "bootstrap")
    with pytest.raises(Exception, match="already has principals"):
        owner.bootstrap(Meta(reason="nochmal"), "x.y", "X", "HMSI", [])
    owner.close()
    with psycopg.connect(admin_of(bare_pg_url)) as conn:
        stamped = conn.execute(f'SELECT recorded_by FROM "{db.schema}".aqb_events').fetchall()
    assert stamped == [(db.conninfo["user"],)]


def replayed_by_its_login(url: str, position: int) -> int:
    """What a writer can do with psql: insert a recorded event again, unchanged, as the next
    version of its stream, under the login that recorded it; the new row's position."""
    schema = schema_of(url)
    with psycopg.connect(admin_of(url)) as conn:
        row = conn.execute(f'SELECT recorded_by FROM "{schema}".aqb_events WHERE notification_id = %s',
                           (position,)).fetchone()
    assert row is not None
    with psycopg.connect(as_login(url, row[0]).split("?")[0]) as conn:
        inserted = conn.execute(
            f'INSERT INTO "{schema}".aqb_events (originator_id, originator_version, topic, state) '
            f'SELECT originator_id, (SELECT max(originator_version) + 1 FROM "{schema}".aqb_events e '
            f' WHERE e.originator_id = s.originator_id), topic, state FROM "{schema}".aqb_events s '
            "WHERE notification_id = %s RETURNING notification_id", (position,)).fetchone()
    assert inserted is not None
    return int(inserted[0])


@pytest.mark.parametrize(("recorded", "words"), [
    ("deviation", "the deviation id is D1, but the application would have made it D2"),
    ("signature", "has already signed"),
    ("notice", "already has a notice"),
    ("payment", "above the granted"),
    ("sign-off", "was already signed off"),
])
def test_an_event_recorded_again_unchanged_by_its_own_login_with_psql_is_reported_by_verify(
        pg_url: str, recorded: str, words: str) -> None:
    """Each of these is recorded once by its command: a copy of the row, inserted with psql under
    the same login and mandate, passes the database's checks, and verify names the rule it breaks.
    (A decision recorded again is a revision, which its command allows: not in this list.)"""
    ledger = Acting(pg_url)
    ledger.create_agreement(Meta(HMSI, reason="ZV"), FIRST, [("AQB", Decimal(1000))])
    steps = {
        "deviation": lambda: ledger.report_deviation(Meta("j.weber", reason="Meldung"), FIRST, "underspend",
                                                     "weniger Teilnehmende"),
        "signature": lambda: ledger.sign(Meta(HMSI), FIRST, "HMSI", "Heike Hofmann", "Staatsministerin",
                                         "Wiesbaden", date(2024, 7, 1)),
        "notice": lambda: ledger.issue_notice(Meta("k.becker", reason="Bescheid"), "RPKS-57-T-1", date(2024, 5, 1),
                                              Decimal(1000), date(2024, 1, 1), date(2024, 12, 31)),
        "payment": lambda: ledger.disburse(Meta("k.becker", reason="Abruf"), "RPKS-57-T-1", date(2024, 6, 1),
                                           Decimal(600)),
        "sign-off": lambda: ledger.sign_off_assessment(Meta("r.klein@HMSI", reason="geprüft"), FIRST, "A1", "ok"),
    }
    ledger.report_deviation(Meta("j.weber", reason="Meldung"), FIRST, "underspend", "weniger Teilnehmende")
    if recorded in ("notice", "payment"):
        ledger.apply_for_grant(Meta("j.weber", reason="Antrag"), FIRST, "RPKS-57-T-1", date(2024, 3, 1),
                               Decimal(1000))
    if recorded == "payment":
        steps["notice"]()
    if recorded == "sign-off":
        ledger.decide_deviation(Meta(HMSI, reason="ok"), FIRST, "D1", "acknowledged")
        ledger.assess(Meta(HMSI, reason="Beurteilung"), FIRST, "erreicht", "alles gut", {"D1": "considered-accepted"})
    if recorded != "deviation":
        steps[recorded]()
    code, report = verify_json(pg_url)
    assert code == 0, report
    position = replayed_by_its_login(pg_url, ledger.reads.head())
    code, report = verify_json(pg_url)
    assert code == 10 and report["authorship"]["violations"] == []
    [found] = report["invalid_values"]
    assert (found["position"], found["kind"]) == (position, "rule-broken")
    assert words in found["detail"] and "the application would have refused it" in found["detail"]
    ledger.close()


def test_a_grant_on_another_partys_agreement_inserted_with_psql_is_refused_and_reported_by_verify(
        pg_url: str) -> None:
    """A district's login applies, with psql and its own party, for a grant on another party's agreement."""
    ledger = Acting(pg_url)
    ledger.create_agreement(Meta(HMSI, reason="ZV"), SECOND_AGREEMENT, [("AQB", Decimal(1000))])
    env = envelope("j.weber", "06532", Role.PARTY, "j.weber", "j.weber/M1")
    forged = Grant.ApplicationSubmitted(
        originator_id="RPKS-57-T-9", originator_version=1, timestamp=datetime.now(UTC),
        envelope=dataclasses.replace(env, reason="Antrag"), originator_topic="ledger.domain.grant:Grant",
        agreement_id=SECOND_AGREEMENT, party_ags="06532", submitted_on=date(2024, 3, 1),
        amount_requested=Decimal(1000), financing_plan=())
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="which is not a stream of that party"):
        insert_as(pg_url, "j.weber", forged)  # refused by the database itself
    with migration8_checks_off(pg_url):  # the owner's way past it: verify still finds it
        insert_as(pg_url, "j.weber", forged)
    code, report = verify_json(pg_url)
    assert code == 10
    [found] = report["invalid_values"]
    assert found["kind"] == "rule-broken" and "the grant's party is 06532" in found["detail"], found
    ledger.close()


SECOND_AGREEMENT = "AQB-2024-06611"


def test_a_mandate_a_writer_grants_itself_with_psql_authorises_nothing_verify_reports_what_relied_on_it(
        pg_url: str) -> None:
    """a.schneider (record, not administer) inserts into her own registry stream a mandate to
    administer, then registers a principal through the application, which reads her stream."""
    ledger = Acting(pg_url)
    stream = "PRINCIPAL-a.schneider"
    version = max(e.event.originator_version for e in ledger.entries([stream])) + 1
    env = envelope("a.schneider", "HMSI", Role.MINISTRY, "a.schneider", "a.schneider/M1")
    forged = Principal.MandateGranted(originator_id=stream, originator_version=version, timestamp=datetime.now(UTC),
                                      envelope=dataclasses.replace(env, reason="selbst"),
                                      mandate=Mandate("M9", (Act.ADMINISTER,)))
    with pytest.raises(psycopg.errors.InsufficientPrivilege,
                       match="a.schneider grants a mandate to itself or deactivates itself"):
        insert_as(pg_url, "a.schneider", forged)  # refused by the database itself
    with migration8_checks_off(pg_url):  # the owner's way past it: the application and verify still see it
        insert_as(pg_url, "a.schneider", forged)
    forged_at = ledger.reads.head()
    ensure_logins(database_from_url(pg_url), ["m.evil"])
    ledger.register_principal(Meta(HMSI, reason="neu"), "m.evil", "M. Evil", "HMSI",
                              mandates=[MandateSpec(("record",))])
    registered_at = ledger.reads.head()
    code, report = verify_json(pg_url)
    assert code == 10
    flagged = [v["position"] for v in report["authorship"]["violations"]]
    assert flagged == [forged_at, registered_at]  # the registration relied on the forged mandate
    ledger.close()


def test_a_clerk_cannot_record_into_another_partys_agreement_with_psql(pg_url: str) -> None:
    ledger = Acting(pg_url)
    ledger.create_agreement(Meta(HMSI, reason="ZV"), SECOND_AGREEMENT, [("AQB", Decimal(1000))])
    env = dataclasses.replace(envelope("j.weber", "06532", Role.PARTY, "j.weber", "j.weber/M1"), reason="x")
    version = max(e.event.originator_version for e in ledger.entries([SECOND_AGREEMENT])) + 1
    forged = Agreement.DeviationReported(
        originator_id=SECOND_AGREEMENT, originator_version=version, timestamp=datetime.now(UTC), envelope=env,
        deviation_id="D1", kind=DeviationKind.OTHER, scope=Scope.AGREEMENT, scope_ref=None, metric=None,
        planned=None, actual=None, cause="fremd")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="an officer of 06532 records into AQB-2024-06611"):
        insert_as(pg_url, "j.weber", forged)
    ledger.close()


@pytest.mark.parametrize("forged", ["deactivation", "registration"])
def test_a_clerk_cannot_administer_the_registry_with_psql(pg_url: str, forged: str) -> None:
    """A district clerk deactivates the administrator (the database then held the deactivation
    against every act of the administrator), or registers a principal of her own."""
    ledger = Acting(pg_url)
    admin = next(i for i in ledger.stream_ids_with(Principal.Registered.TOPIC))
    env = dataclasses.replace(envelope("j.weber", "06532", Role.PARTY, "j.weber", "j.weber/M1"), reason="x")
    if forged == "deactivation":
        version = max(e.event.originator_version for e in ledger.entries([admin])) + 1
        event: Any = Principal.Deactivated(originator_id=admin, originator_version=version,
                                           timestamp=datetime.now(UTC), envelope=env)
    else:
        event = Principal.Registered(originator_id="PRINCIPAL-m.evil", originator_version=1,
                                     timestamp=datetime.now(UTC), originator_topic=Principal.TOPIC,
                                     envelope=env, login="m.evil",
                                     display_name="M. Evil", organisation="HMSI", kind=PrincipalKind.PERSON,
                                     mandates=(Mandate("M1", (Act.ADMINISTER,)),))
    head = ledger.reads.head()
    with pytest.raises(psycopg.errors.InsufficientPrivilege,
                       match="j.weber holds no mandate j.weber/M[0-9]+ that allows this registry act"):
        insert_as(pg_url, "j.weber", event)
    assert ledger.reads.head() == head
    ledger.close()


def test_a_revocation_of_a_mandate_that_does_not_exist_inserted_with_psql_breaks_no_command(pg_url: str) -> None:
    ledger = Acting(pg_url)
    stream = "PRINCIPAL-k.becker"
    version = max(e.event.originator_version for e in ledger.entries([stream])) + 1
    env = envelope("j.weber", "06532", Role.PARTY, "j.weber", "j.weber/M1")
    with migration8_checks_off(pg_url):  # the database refuses it from a clerk; the owner can force it in
        insert_as(pg_url, "j.weber", Principal.MandateRevoked(
            originator_id=stream, originator_version=version, timestamp=datetime.now(UTC),
            envelope=dataclasses.replace(env, reason="weg"), mandate_id="M77"))
    shown = run_cli(pg_url, "principal", "show", "k.becker", login="k.becker")
    assert shown.exit_code == 0, shown.stderr
    code, report = verify_json(pg_url)
    assert code == 10 and [v["position"] for v in report["authorship"]["violations"]] == [ledger.reads.head()]
    ledger.close()


def _registration(login: str, env: Envelope) -> Principal.Registered:
    return Principal.Registered(originator_id=f"PRINCIPAL-{login}", originator_version=1, timestamp=datetime.now(UTC),
                                originator_topic=Principal.TOPIC, envelope=env, login=login, display_name="M. Evil",
                                organisation="HMSI", kind=PrincipalKind.PERSON,
                                mandates=(Mandate("M1", (Act.ADMINISTER,)),))


def test_an_administrator_whose_mandate_was_revoked_cannot_administer_with_psql(pg_url: str) -> None:
    """a.schneider is made an administrator (M2); while she is one, the database takes her psql
    registration; once M2 is revoked it refuses the next, and so the forged registry stays empty."""
    ledger = Acting(pg_url)
    ledger.grant_mandate(Meta(ADMIN, reason="Vertretung IT"), "a.schneider", MandateSpec(("administer",)))
    env = dataclasses.replace(envelope("a.schneider", "HMSI", Role.MINISTRY, "a.schneider", "a.schneider/M2"),
                              reason="Zugang")
    insert_as(pg_url, "a.schneider", _registration("m.first", env))  # an administrator may, also with psql
    ledger.revoke_mandate(Meta(ADMIN, reason="Vertretung endet"), "a.schneider", "M2")
    head = ledger.reads.head()
    with pytest.raises(psycopg.errors.InsufficientPrivilege,
                       match="a.schneider holds no mandate a.schneider/M2 that allows this registry act"):
        insert_as(pg_url, "a.schneider", _registration("m.evil", env))
    assert ledger.reads.head() == head
    ledger.close()


@pytest.mark.parametrize("forged", ["another's mandate", "a mandate without administer", "no mandate"])
def test_a_registry_act_names_a_mandate_of_its_own_actor_that_administers(pg_url: str, forged: str) -> None:
    named = {"another's mandate": "it.admin/M1", "a mandate without administer": "a.schneider/M1",
             "no mandate": None}[forged]
    env = dataclasses.replace(envelope("a.schneider", "HMSI", Role.MINISTRY, "a.schneider", named), reason="x")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="that allows this registry act"):
        insert_as(pg_url, "a.schneider", _registration("m.evil", env))


def test_a_delegation_or_its_revocation_with_psql_needs_the_delegable_mandate_it_names(pg_url: str) -> None:
    """a.schneider's M1 is not delegable: a mandate 'delegated' from it is refused; nor can she
    revoke a mandate of k.becker that was never delegated from hers."""
    ledger = Acting(pg_url)
    env = dataclasses.replace(envelope("a.schneider", "HMSI", Role.MINISTRY, "a.schneider", "a.schneider/M1"),
                              reason="Vertretung")
    version = max(e.event.originator_version for e in ledger.entries(["PRINCIPAL-a"])) + 1
    delegated = Principal.MandateGranted(originator_id="PRINCIPAL-a", originator_version=version,
                                         timestamp=datetime.now(UTC), envelope=env,
                                         mandate=Mandate("M9", (Act.RECORD,), delegated_from="a.schneider/M1"))
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="that allows this registry act"):
        insert_as(pg_url, "a.schneider", delegated)
    version = max(e.event.originator_version for e in ledger.entries(["PRINCIPAL-k.becker"])) + 1
    revoked = Principal.MandateRevoked(originator_id="PRINCIPAL-k.becker", originator_version=version,
                                       timestamp=datetime.now(UTC), envelope=env, mandate_id="M1")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="that allows this registry act"):
        insert_as(pg_url, "a.schneider", revoked)
    ledger.close()


@pytest.mark.parametrize("forged", ["next year's agreement by the party", "a publication by RP Kassel",
                                    "a grant application by the ministry"])
def test_an_event_type_of_another_organisation_inserted_with_psql_is_refused_by_the_database(
        deviation: Acting, forged: str) -> None:
    """Each event type is recorded only by the kinds of organisation its rule names, also with
    psql: a party cannot take next year's agreement id ahead of the ministry (the command that
    creates it would then be refused for good), RP Kassel publishes nothing of the ministry's,
    the ministry applies for no grant."""
    now = datetime.now(UTC)
    if forged == "next year's agreement by the party":
        login, org = "j.weber", "06532"
        event: Any = Agreement.Recorded(
            originator_id="AQB-2025-06532", originator_version=1, timestamp=now, originator_topic=Agreement.TOPIC,
            envelope=dataclasses.replace(envelope(login, org, Role.PARTY, login, f"{login}/M1"), reason="vorab"),
            year=2025, party_ags="06532", party_name="Lahn-Dill-Kreis", ministry_name="HMSI", budgets=(Budget.AQB,),
            lines=(), measures=(), clauses=(), document_id=None)
    elif forged == "a publication by RP Kassel":
        login, org = "k.becker", "RPKS"
        event = Agreement.Published(
            originator_id=FIRST, originator_version=3, timestamp=now, url="https://example.org/zv.pdf",
            envelope=dataclasses.replace(envelope(login, org, Role.GRANT_AUTHORITY, login, f"{login}/M1"),
                                         reason="x"), published_on=date(2024, 9, 1), sha256=None)
    else:
        login, org = "a.schneider", "HMSI"
        event = Grant.ApplicationSubmitted(
            originator_id="RPKS-9", originator_version=1, timestamp=now, originator_topic=Grant.TOPIC,
            envelope=dataclasses.replace(envelope(login, org, Role.MINISTRY, login, f"{login}/M1"), reason="x"),
            agreement_id=FIRST, party_ags="06532", submitted_on=date(2024, 9, 1), amount_requested=Decimal(100),
            financing_plan=())
    head = deviation.reads.head()
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match=f"is not recorded by an officer of {org}"):
        insert_as(deviation.url, login, event)
    assert deviation.reads.head() == head
    deviation.close()


@pytest.mark.parametrize("forged", ["to itself", "wider acts", "delegable again", "another party", "none"])
def test_a_delegation_inserted_with_psql_gives_at_most_the_mandate_it_comes_from(pg_url: str, forged: str) -> None:
    """j.weber holds a delegable mandate to record for 06532 (M2). With psql she may delegate
    a part of it to s.aurand, never to herself, never wider (administer, a delegable one, another
    party): a party's officer could otherwise make itself an administrator."""
    ledger = Acting(pg_url)
    ledger.grant_mandate(Meta(ADMIN, reason="Vertretung"), "j.weber",
                         MandateSpec(("record",), party="06532", delegable=True))
    target = "PRINCIPAL-j.weber" if forged == "to itself" else "PRINCIPAL-s.aurand"
    acts = (Act.ADMINISTER,) if forged == "wider acts" else (Act.RECORD,)
    mandate = Mandate("M9", acts, "06611" if forged == "another party" else "06532", None, None, None,
                      "j.weber/M2", forged == "delegable again")
    version = max(e.event.originator_version for e in ledger.entries([target])) + 1
    event = Principal.MandateGranted(
        originator_id=target, originator_version=version, timestamp=datetime.now(UTC), mandate=mandate,
        envelope=dataclasses.replace(envelope("j.weber", "06532", Role.PARTY, "j.weber", "j.weber/M2"),
                                     reason="Vertretung"))
    head = ledger.reads.head()
    if forged == "none":
        insert_as(pg_url, "j.weber", event)  # a part of her own, to another: the database lets it in
        assert ledger.reads.head() == head + 1
    else:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="j.weber"):
            insert_as(pg_url, "j.weber", event)
        assert ledger.reads.head() == head
    ledger.close()


def test_a_deactivated_principal_is_not_authorised_to_record(db_url: str) -> None:
    """Who acts is refused as not authorised (exit 6), not as a rule of the act (exit 5)."""
    ledger = Acting(db_url)
    ledger.deactivate_principal(Meta(ADMIN, reason="ausgeschieden"), "a")
    with pytest.raises(NotAuthorisedError, match="principal a is deactivated: it records nothing any more"):
        ledger.create_agreement(Meta("a@HMSI", reason="ZV"), "AQB-2025-06532", [("AQB", Decimal("1"))])
    assert NotAuthorisedError.exit_code == 6
    ledger.close()


def test_an_act_dated_years_before_its_programme_inserted_with_psql_is_reported_by_verify(deviation: Acting) -> None:
    """The database takes a party's §7 activity on its own agreement; no command would date it 2001
    for the 2024 programme, and verify says so at its position."""
    env = dataclasses.replace(envelope("j.weber", "06532", Role.PARTY, "j.weber", "j.weber/M1"),
                              effective=date(2001, 3, 1))
    insert_as(deviation.url, "j.weber", Agreement.ImprovementActivityRecorded(
        originator_id=FIRST, originator_version=3, timestamp=datetime.now(UTC), envelope=env,
        kind=ActivityKind.SURVEY, title="Umfrage", held_on=date(2001, 3, 1)))
    position = deviation.reads.head()
    code, report = verify_json(deviation.url)
    assert code == 10
    [found] = report["invalid_values"]
    assert found["position"] == position and found["kind"] == "rule-broken"
    assert "the act is dated 2001-03-01, before 2023-01-01" in found["detail"]
    deviation.close()
