"""A realistic year of the seed agreement (Lahn-Dill-Kreis 2024), played through the application
service exactly as users would record it. The agreement, its §4 amount, its projects and both
signatures are imported from the real document; the year around it (amounts per project,
deviations, payments) is illustrative."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger.app.core import Meta
from ledger.application import Ledger
from ledger.domain.values import DocumentRef
from ledger.importer.read import read_source, seed_document_path

AGREEMENT = "AQB-2024-06532"
GRANT = "RPKS-57-AQB-2024-017"
MINISTRY = "a.schneider@HMSI"
RP_KASSEL = "k.becker@RPKS"
PARTY = "j.weber@06532"
SECOND_READER = "r.klein@HMSI"

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


def meta(actor: str, effective: str, reason: str | None = None, document: str | None = None) -> Meta:
    return Meta(actor, date.fromisoformat(effective), reason,
                DocumentRef("reference", document) if document else None)


def play_year(ledger: Ledger, *, judge: bool = True) -> str:
    """Import the real agreement from the copy shipped in the package, then record its year (with
    the §6 judgement and a late correction unless `judge` is false)."""
    ledger.import_documents(meta(MINISTRY, "2024-07-10", "Zielvereinbarung 2024 eingegangen"),
                            [read_source(seed_document_path())])
    _budget_and_application(ledger)
    _deviations_and_meeting(ledger)
    _payments_and_publication(ledger)
    if judge:
        _judgement_and_late_correction(ledger)
    return AGREEMENT


def _budget_and_application(ledger: Ledger) -> None:
    ledger.announce_allocation(
        meta(MINISTRY, "2023-12-15", "AQB-Mittelverteilung 2024 nach Haushaltsplan", "Erlass HMSI II 3 vom 15.12.2023"),
        AGREEMENT, eur(1_185_000), "AQB", [(2024, eur(985_000)), (2025, eur(200_000))])
    plan = [(name, eur(amount)) for name, _, amount, _ in PROJECTS]
    ledger.apply_for_grant(meta(PARTY, "2024-03-27", "Antrag auf Zuwendung AQB 2024", "Antrag vom 27.03.2024"),
                           AGREEMENT, GRANT, date(2024, 3, 27), eur(1_185_000), plan)
    for name, category, amount, places in PROJECTS:
        ledger.plan_project(meta(PARTY, "2024-03-27", "Finanzierungsplan zum Antrag", "Antrag vom 27.03.2024"),
                            AGREEMENT, name, category, eur(amount), places)
    ledger.approve_early_start(meta(RP_KASSEL, "2024-03-28", document="RP KS Dez. 57, Schreiben 28.03.2024"),
                               GRANT, date(2024, 3, 28), date(2024, 1, 1))
    ledger.issue_notice(
        meta(RP_KASSEL, "2024-05-14", "Zuwendungsbescheid AQB 2024", "Bescheid vom 14.05.2024"), GRANT,
        date(2024, 5, 14), eur(1_185_000), date(2024, 1, 1), date(2025, 12, 31),
        [(2024, eur(985_000)), (2025, eur(200_000))], ["ANBest-GK", "Mittelabruf nach Bedarf"],
        date(2025, 6, 30), date(2026, 6, 30))


def _deviations_and_meeting(ledger: Ledger) -> None:
    ledger.report_deviation(
        meta(PARTY, "2024-08-20", "Meldung an HMSI vom 20.08.2024"), AGREEMENT, "participants-shortfall",
        "Personalwechsel beim Träger, Maßnahmebeginn verschoben", "project", "Jump in", "places", "18", "11")
    ledger.decide_deviation(meta(MINISTRY, "2024-09-05", "Nachbesetzung bis November zugesagt"), AGREEMENT,
                            "D1", "acknowledged", "HMSI II 3 – Schreiben vom 05.09.2024")
    ledger.report_deviation(
        meta(PARTY, "2024-09-10", "Meldung an HMSI vom 10.09.2024"), AGREEMENT, "underspend",
        "Kooperationspartner stellt Räume kostenfrei", "project", "Selbstlernzentrum", "amount",
        "95000.00", "60000.00")
    ledger.decide_deviation(
        meta(MINISTRY, "2024-10-01", "Minderbedarf plausibel; Mittel bleiben im Budget"), AGREEMENT, "D2",
        "approved-with-conditions", "HMSI II 3 – Schreiben vom 01.10.2024",
        "Umschichtung von 35.000 EUR in die Kompetenzförderung; Nachweis im Verwendungsnachweis")
    ledger.reallocate(meta(MINISTRY, "2024-10-01", "Umschichtung laut Entscheidung zu D2"), AGREEMENT,
                      "Selbstlernzentrum", "Kompetenzförderung für Menschen im Langzeitbezug", eur(35_000),
                      "HMSI II 3 – Schreiben vom 01.10.2024")
    ledger.amend_notice(meta(RP_KASSEL, "2024-10-15", "Änderungsbescheid: Kassenjahre angepasst",
                             "Änderungsbescheid vom 15.10.2024"), GRANT, date(2024, 10, 15), eur(1_185_000),
                        [(2024, eur(900_000)), (2025, eur(285_000))])
    ledger.hold_meeting(
        meta(MINISTRY, "2024-10-22"), AGREEMENT, date(2024, 10, 22),
        ["HMSI Referat II 3", "Lahn-Dill-Kreis, Fachdienst Arbeit", "RP Kassel, Dezernat 57"],
        ["Umsetzungsstand 2024", "Abweichungen D1 und D2", "Planung 2025"], ["D1", "D2"],
        ["Jump in: Nachbesetzung bis 30.11.2024", "Bericht zum Selbstlernzentrum im 1. Quartal 2025"],
        "Protokoll Umsetzungsbesprechung 22.10.2024")


def _payments_and_publication(ledger: Ledger) -> None:
    for value_date, amount, call in (("2024-06-03", 400_000, "1/2024"), ("2024-09-02", 350_000, "2/2024"),
                                     ("2024-11-04", 150_000, "3/2024")):
        ledger.disburse(meta(RP_KASSEL, value_date, f"Mittelabruf {call}", f"Auszahlungsanordnung {call}"),
                        GRANT, date.fromisoformat(value_date), eur(amount))
    published = read_source(seed_document_path())  # the portal's file is the signed document
    ledger.publish(meta(MINISTRY, "2024-08-15", "Veröffentlichung nach § 7"), AGREEMENT,
                   "https://arbeitswelt.hessen.de/zielvereinbarungen/2024/lahn-dill-kreis.pdf",
                   date(2024, 8, 15), published.sha256)
    ledger.record_activity(meta(PARTY, "2024-11-12"), AGREEMENT, "conference", "AQB-Fachtagung 2024",
                           date(2024, 11, 12))
    for name, entries, exits, outcomes in PARTICIPATION:
        ledger.report_participation(meta(PARTY, "2025-01-31", "Teilnahmebericht 2024", "Sachbericht 2024"),
                                    AGREEMENT, name, date(2024, 1, 1), date(2024, 12, 31), entries, exits, outcomes)


def _judgement_and_late_correction(ledger: Ledger) -> None:
    """The §6 judgement with a second reader's sign-off, then a correction that arrives later."""
    ledger.assess(
        meta(MINISTRY, "2025-02-20", "Beurteilung der Zielerreichung 2024"), AGREEMENT, "weitgehend erreicht",
        "Sieben von acht Projekten planmäßig umgesetzt; Jump in mit Verzögerung, Nachbesetzung erfolgt; "
        "Minderbedarf Selbstlernzentrum sachgerecht umgeschichtet.",
        {"D1": "considered-accepted", "D2": "considered-with-conditions"})
    ledger.sign_off_assessment(meta(SECOND_READER, "2025-02-27"), AGREEMENT, "A1", "Zweitprüfung ohne Einwände")
    reported = next(e.event.originator_version for e in ledger.entries([AGREEMENT])
                    if getattr(e.event, "deviation_id", None) == "D1")
    ledger.correct_agreement(
        meta(MINISTRY, "2025-03-12", "Teilnehmerzahl laut Trägerbericht vom 10.03.2025 war 12, nicht 11",
             "Trägerbericht Jump in vom 10.03.2025"), AGREEMENT, reported, [("actual", "11", "12")],
        "Referatsleitung II 3")
