"""A realistic year of the seed agreement (Lahn-Dill-Kreis 2024), played through the application
service exactly as users would record it, each step by the principal whose act it is. The
agreement, its §4 amount, its projects and both signatures are imported from the real document;
the year around it (amounts per project, deviations, payments) is illustrative.

The cast: an administrator bootstraps the registry and registers four people with their
mandates. On PostgreSQL each of them records through a login of their own (created for the demo,
with a random password known only to this process); on SQLite their names are declared.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from psycopg import conninfo as libpq
from psycopg import sql

from ledger.app.core import Meta
from ledger.app.principals import MandateSpec
from ledger.application import Ledger, open_ledger
from ledger.domain.errors import RuleViolationError
from ledger.domain.values import DocumentRef
from ledger.integrity import roles
from ledger.persistence import postgres
from ledger.persistence.config import Database

AGREEMENT = "AQB-2024-06532"
GRANT = "RPKS-57-AQB-2024-017"
ADMIN = "it.admin"
MINISTRY = "a.schneider"
RP_KASSEL = "k.becker"
PARTY = "j.weber"
SECOND_READER = "r.klein"
DEMO_LOGIN = "aqb demo login"  # the comment on the PostgreSQL logins the demo creates
CAST: tuple[tuple[str, str, str, tuple[MandateSpec, ...]], ...] = (
    (MINISTRY, "Anna Schneider", "HMSI", (MandateSpec(("record", "decide", "assess")),)),
    (SECOND_READER, "Robert Klein", "HMSI", (MandateSpec(("sign-off",)),)),
    (RP_KASSEL, "Katrin Becker", "RPKS", (MandateSpec(("record", "grant"), ceiling=Decimal("2000000.00")),)),
    (PARTY, "Jana Weber", "06532", (MandateSpec(("record",), party="06532"),)),
)


@dataclass
class Team:
    """The demo's principals, each with the ledger they record through."""

    opened: dict[str, Ledger] = field(default_factory=dict)
    opener: Callable[[str], Ledger] | None = None
    declared: bool = True

    def ledger(self, login: str) -> Ledger:
        if login not in self.opened:
            assert self.opener is not None
            self.opened[login] = self.opener(login)
        return self.opened[login]

    def meta(self, login: str, effective: str, reason: str | None = None, document: str | None = None) -> Meta:
        return Meta(login if self.declared else None, date.fromisoformat(effective), reason,
                    DocumentRef("reference", document) if document else None)

    def close(self, keep: Ledger | None = None) -> None:
        for ledger in self.opened.values():
            if ledger is not keep:
                ledger.close()


def assemble(owner: Ledger) -> Team:
    """Bootstrap the registry (as the ledger's owner) and register the cast (as the administrator)."""
    team = Team(declared=owner.db.backend == "sqlite")
    if team.declared:
        team.opener = lambda _: owner
    else:
        team.opener = _logins(owner.db, [ADMIN, *(c[0] for c in CAST)])
    owner.bootstrap(Meta(None, date(2023, 12, 1), "Einrichtung des AQB-Ledgers"), ADMIN, "IT-Administration HMSI",
                    "HMSI", [])
    admin = team.ledger(ADMIN)
    for login, name, organisation, mandates in CAST:
        admin.register_principal(team.meta(ADMIN, "2023-12-01", f"Zugang für {name}"), login, name, organisation,
                                 "person", mandates)
    return team


def _logins(db: Database, logins: list[str]) -> Callable[[str], Ledger]:
    """PostgreSQL logins for the cast, members of the ledger's writer role, with fresh passwords."""
    passwords = {login: secrets.token_urlsafe(18) for login in logins}
    with postgres.connect(db, autocommit=True) as conn:
        writer = roles.roles_of(db, conn).writer
        for login, password in passwords.items():
            _demo_login(conn, login, writer, password)

    def opener(login: str) -> Ledger:
        params = {**db.conninfo, "user": login, "password": passwords[login]}
        return open_ledger(libpq.make_conninfo(**params) + f" schema={db.schema}")
    return opener


def _demo_login(conn: Any, login: str, writer: str, password: str) -> None:
    found = conn.execute(
        "SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = %s", (login,)).fetchone()
    if found is not None and found[0] != DEMO_LOGIN:
        raise RuleViolationError(f"the login {login} exists on this server and is not a demo login",
                                       "run the demo on a cluster without it, or leave out --database")
    roles.add_login(conn, login, writer, password)
    conn.execute(sql.SQL("COMMENT ON ROLE {0} IS {1}").format(sql.Identifier(login), sql.Literal(DEMO_LOGIN)))

PROJECTS: tuple[tuple[str, str, int, int | None], ...] = (
    ("Ausbildungsvorbereitung", "AV", 210_000, 24),
    ("Integrative Ausbildung Plus", "AUS", 245_000, 12),
    ("Lernwerkstatt digital", "QUAL", 160_000, 30),
    ("Selbstlernzentrum", "QUAL", 95_000, 40),
    ("Kompetenzförderung für Menschen im Langzeitbezug", "QUAL", 190_000, 25),
    ("ViA - Vital und Aktiv", "QUAL", 120_000, 20),
    ("Jump in", "QUAL", 135_000, 18),
    ("Fortbildung für Mitarbeitende", "PERS", 30_000, None),
)


PARTICIPATION: tuple[tuple[str, int, int, tuple[tuple[str, int], ...]], ...] = (
    ("Ausbildungsvorbereitung", 26, 4, (("Ausbildung begonnen", 11),)),
    ("Integrative Ausbildung Plus", 12, 1, (("Ausbildung im 2. Jahr", 11),)),
    ("Jump in", 12, 3, (("Arbeit aufgenommen", 4),)),
)


def eur(amount: int) -> Decimal:
    return Decimal(amount).quantize(Decimal("0.01"))


def play_year(team: Team, *, judge: bool = True) -> str:
    """Import the real agreement from the copy shipped in the package, then record its year (with
    the §6 judgement and a late correction unless `judge` is false)."""
    team.ledger(MINISTRY).import_documents(team.meta(MINISTRY, "2024-07-10", "Zielvereinbarung 2024 eingegangen"),
                                           [_seed_document()])
    _budget_and_application(team)
    _deviations_and_meeting(team)
    _payments_and_publication(team)
    if judge:
        _judgement_and_late_correction(team)
    return AGREEMENT


def _budget_and_application(team: Team) -> None:
    ministry, party, rp = team.ledger(MINISTRY), team.ledger(PARTY), team.ledger(RP_KASSEL)
    say = team.meta
    ministry.announce_allocation(
        say(MINISTRY, "2023-12-15", "AQB-Mittelverteilung 2024 nach Haushaltsplan", "Erlass HMSI II 3 vom 15.12.2023"),
        AGREEMENT, eur(1_185_000), "AQB", [(2024, eur(985_000)), (2025, eur(200_000))])
    plan = [(name, eur(amount)) for name, _, amount, _ in PROJECTS]
    party.apply_for_grant(say(PARTY, "2024-03-27", "Antrag auf Zuwendung AQB 2024", "Antrag vom 27.03.2024"),
                          AGREEMENT, GRANT, date(2024, 3, 27), eur(1_185_000), plan)
    for name, category, amount, places in PROJECTS:
        party.plan_project(say(PARTY, "2024-03-27", "Finanzierungsplan zum Antrag", "Antrag vom 27.03.2024"),
                           AGREEMENT, name, category, eur(amount), places)
    rp.approve_early_start(say(RP_KASSEL, "2024-03-28", document="RP KS Dez. 57, Schreiben 28.03.2024"),
                           GRANT, date(2024, 3, 28), date(2024, 1, 1))
    rp.issue_notice(
        say(RP_KASSEL, "2024-05-14", "Zuwendungsbescheid AQB 2024", "Bescheid vom 14.05.2024"), GRANT,
        date(2024, 5, 14), eur(1_185_000), date(2024, 1, 1), date(2025, 12, 31),
        [(2024, eur(985_000)), (2025, eur(200_000))], ["ANBest-GK", "Mittelabruf nach Bedarf"],
        date(2025, 6, 30), date(2026, 6, 30))


def _deviations_and_meeting(team: Team) -> None:
    ministry, party, rp = team.ledger(MINISTRY), team.ledger(PARTY), team.ledger(RP_KASSEL)
    say = team.meta
    party.report_deviation(
        say(PARTY, "2024-08-20", "Meldung an HMSI vom 20.08.2024"), AGREEMENT, "participants-shortfall",
        "Personalwechsel beim Träger, Maßnahmebeginn verschoben", "project", "Jump in", "places", "18", "11")
    ministry.decide_deviation(say(MINISTRY, "2024-09-05", "Nachbesetzung bis November zugesagt"), AGREEMENT,
                              "D1", "acknowledged", "HMSI II 3 – Schreiben vom 05.09.2024")
    party.report_deviation(
        say(PARTY, "2024-09-10", "Meldung an HMSI vom 10.09.2024"), AGREEMENT, "underspend",
        "Kooperationspartner stellt Räume kostenfrei", "project", "Selbstlernzentrum", "amount",
        "95000.00", "60000.00")
    ministry.decide_deviation(
        say(MINISTRY, "2024-10-01", "Minderbedarf plausibel; Mittel bleiben im Budget"), AGREEMENT, "D2",
        "approved-with-conditions", "HMSI II 3 – Schreiben vom 01.10.2024",
        "Umschichtung von 35.000 EUR in die Kompetenzförderung; Nachweis im Verwendungsnachweis")
    ministry.reallocate(say(MINISTRY, "2024-10-01", "Umschichtung laut Entscheidung zu D2"), AGREEMENT,
                        "Selbstlernzentrum", "Kompetenzförderung für Menschen im Langzeitbezug", eur(35_000),
                        "HMSI II 3 – Schreiben vom 01.10.2024")
    rp.amend_notice(say(RP_KASSEL, "2024-10-15", "Änderungsbescheid: Kassenjahre angepasst",
                        "Änderungsbescheid vom 15.10.2024"), GRANT, date(2024, 10, 15), eur(1_185_000),
                    [(2024, eur(900_000)), (2025, eur(285_000))])
    ministry.hold_meeting(
        say(MINISTRY, "2024-10-22"), AGREEMENT, date(2024, 10, 22),
        ["HMSI Referat II 3", "Lahn-Dill-Kreis, Fachdienst Arbeit", "RP Kassel, Dezernat 57"],
        ["Umsetzungsstand 2024", "Abweichungen D1 und D2", "Planung 2025"], ["D1", "D2"],
        ["Jump in: Nachbesetzung bis 30.11.2024", "Bericht zum Selbstlernzentrum im 1. Quartal 2025"],
        "Protokoll Umsetzungsbesprechung 22.10.2024")


def _payments_and_publication(team: Team) -> None:
    ministry, party, rp = team.ledger(MINISTRY), team.ledger(PARTY), team.ledger(RP_KASSEL)
    say = team.meta
    for value_date, amount, call in (("2024-06-03", 400_000, "1/2024"), ("2024-09-02", 350_000, "2/2024"),
                                     ("2024-11-04", 150_000, "3/2024")):
        rp.disburse(say(RP_KASSEL, value_date, f"Mittelabruf {call}", f"Auszahlungsanordnung {call}"),
                    GRANT, date.fromisoformat(value_date), eur(amount))
    published = _seed_document()  # the portal's file is the signed document
    ministry.publish(say(MINISTRY, "2024-08-15", "Veröffentlichung nach § 7"), AGREEMENT,
                     "https://arbeitswelt.hessen.de/zielvereinbarungen/2024/lahn-dill-kreis.pdf",
                     date(2024, 8, 15), published.sha256)
    party.record_activity(say(PARTY, "2024-11-12"), AGREEMENT, "conference", "AQB-Fachtagung 2024",
                          date(2024, 11, 12))
    for name, entries, exits, outcomes in PARTICIPATION:
        party.report_participation(say(PARTY, "2025-01-31", "Teilnahmebericht 2024", "Sachbericht 2024"),
                                   AGREEMENT, name, date(2024, 1, 1), date(2024, 12, 31), entries, exits, outcomes)


def _judgement_and_late_correction(team: Team) -> None:
    """The §6 judgement with a second reader's sign-off, then a correction that arrives later."""
    ministry, reader = team.ledger(MINISTRY), team.ledger(SECOND_READER)
    say = team.meta
    ministry.assess(
        say(MINISTRY, "2025-02-20", "Beurteilung der Zielerreichung 2024"), AGREEMENT, "weitgehend erreicht",
        "Sieben von acht Projekten planmäßig umgesetzt; Jump in mit Verzögerung, Nachbesetzung erfolgt; "
        "Minderbedarf Selbstlernzentrum sachgerecht umgeschichtet.",
        {"D1": "considered-accepted", "D2": "considered-with-conditions"})
    reader.sign_off_assessment(say(SECOND_READER, "2025-02-27"), AGREEMENT, "A1", "Zweitprüfung ohne Einwände")
    reported = next(e.event.originator_version for e in ministry.entries([AGREEMENT])
                    if getattr(e.event, "deviation_id", None) == "D1")
    ministry.correct_agreement(
        say(MINISTRY, "2025-03-12", "Teilnehmerzahl laut Trägerbericht vom 10.03.2025 war 12, nicht 11",
            "Trägerbericht Jump in vom 10.03.2025"), AGREEMENT, reported, [("actual", "11", "12")],
        "Referatsleitung II 3")


def _seed_document() -> Any:
    """The AQB template agreement shipped with the importer (its PDF reader loaded only here)."""
    from ledger.importer.read import read_source, seed_document_path  # noqa: PLC0415

    return read_source(seed_document_path())
