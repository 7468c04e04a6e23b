"""Plain-value inputs for the dossiers: the demo year of Lahn-Dill-Kreis 2024 and a statewide matrix."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from cli.output.charts.data import MatrixRow, MoneyStages, StatusMatrix, Timeline, TimelineEntry
from cli.output.document import Document, Header, ledger_label
from cli.output.reports import budget_dossier, compliance_dossier, timeline_dossier

HOSTILE = "Evil \u202eKreis\u202c <script>alert(1)</script> \x1b[31m =HYPERLINK(\"x\")"
OBLIGATIONS = ["signatures", "application by 31 March", "grant notice", "autumn meeting", "deviations decided",
               "assessment", "published = signed", "proofs of use", "payments within grant"]
PARTIES = [("06411", "Stadt Darmstadt"), ("06412", "Stadt Frankfurt am Main"), ("06413", "Stadt Offenbach am Main"),
           ("06414", "Stadt Wiesbaden"), ("06431", "Landkreis Bergstraße"), ("06432", "Landkreis Darmstadt-Dieburg"),
           ("06433", "Landkreis Groß-Gerau"), ("06434", "Hochtaunuskreis"), ("06435", "Main-Kinzig-Kreis"),
           ("06436", "Main-Taunus-Kreis"), ("06437", "Odenwaldkreis"), ("06438", "Landkreis Offenbach"),
           ("06439", "Rheingau-Taunus-Kreis"), ("06440", "Wetteraukreis"), ("06531", "Landkreis Gießen"),
           ("06532", "Lahn-Dill-Kreis"), ("06533", "Landkreis Limburg-Weilburg"),
           ("06534", "Landkreis Marburg-Biedenkopf"),
           ("06535", "Vogelsbergkreis"), ("06611", "Stadt Kassel"), ("06631", "Landkreis Fulda"),
           ("06632", "Landkreis Hersfeld-Rotenburg"), ("06633", "Landkreis Kassel"), ("06634", "Schwalm-Eder-Kreis"),
           ("06635", "Landkreis Waldeck-Frankenberg"), ("06636", "Werra-Meißner-Kreis")]


def header(report: str) -> Header:
    return Header(report=report, ledger=ledger_label("postgresql://aqb:secret@127.0.0.1:5432/aqb"), position=34,
                  chain_link="c8f9900cd1efb3fb" + "0" * 48, chain_verified=True,
                  chain_detail="chain verified from position 1 to 34 (34 events)",
                  produced_by="a.schneider@HMSI with aqb 0.1.0", produced_at=datetime(2025, 4, 1, 9, 30, tzinfo=UTC))


STAGES = MoneyStages({"announced": Decimal("1185000.00"), "agreed": Decimal("1185000.00"),
                      "requested": Decimal("1185000.00"), "granted": Decimal("1185000.00"),
                      "amended": Decimal("1185000.00"), "paid": Decimal("900000.00")})
PROJECTS = [{"id": f"P{i}", "name": name, "category": cat, "planned": Decimal(p), "current": Decimal(c), "places": n}
            for i, (name, cat, p, c, n) in enumerate([
                ("Ausbildungsvorbereitung", "AV", "210000.00", "210000.00", 24),
                ("Integrative Ausbildung Plus", "AUS", "245000.00", "245000.00", 12),
                ("Lernwerkstatt digital", "QUAL", "160000.00", "160000.00", 30),
                ("Selbstlernzentrum", "QUAL", "95000.00", "60000.00", 40),
                ("Kompetenzförderung für Menschen im Langzeitbezug", "QUAL", "190000.00", "225000.00", 25),
                (HOSTILE, "QUAL", "120000.00", "120000.00", 20)], 1)]
DEVIATIONS = [{"id": "D1", "kind": "participants-shortfall", "effective": date(2024, 8, 20),
               "decision": "acknowledged", "decided_by": "a.schneider@HMSI", "cause": "Personalwechsel beim Träger"},
              {"id": "D2", "kind": "underspend", "effective": date(2024, 9, 10), "decision": "approved-with-conditions",
               "decided_by": "a.schneider@HMSI", "cause": "Kooperationspartner stellt Räume kostenfrei"}]
EVENTS = [(1, "agreement recorded", date(2024, 7, 10), date(2024, 7, 12)),
          (2, "signed", date(2024, 7, 1), date(2024, 7, 12)), (3, "signed", date(2024, 7, 10), date(2024, 7, 12)),
          (4, "allocation announced", date(2023, 12, 15), date(2024, 7, 15)),
          (5, "application submitted", date(2024, 3, 27), date(2024, 3, 28)),
          (6, "grant notice issued", date(2024, 5, 14), date(2024, 5, 15)),
          (7, "deviation reported", date(2024, 8, 20), date(2024, 8, 21)),
          (8, "deviation decided", date(2024, 9, 5), date(2024, 9, 5)),
          (9, "funds disbursed", date(2024, 6, 3), date(2024, 10, 2)),
          (10, "implementation meeting held", date(2024, 10, 22), date(2024, 10, 25)),
          (11, HOSTILE, date(2024, 11, 4), date(2024, 11, 5)),
          (12, "entry corrected", date(2025, 3, 12), date(2025, 3, 12))]
TIMELINE = Timeline(2024, [TimelineEntry(p, label, eff, datetime(rec.year, rec.month, rec.day, 10, tzinfo=UTC))
                           for p, label, eff, rec in EVENTS], late_after_days=30)


def matrix() -> StatusMatrix:
    cycle = ["PASS", "PASS", "FAIL", "PENDING", "N/A"]
    rows = [MatrixRow(ags, name, {o: cycle[(i + j) % len(cycle)] for j, o in enumerate(OBLIGATIONS)})
            for i, (ags, name) in enumerate(PARTIES)]
    rows[5] = MatrixRow(PARTIES[5][0], PARTIES[5][1], has_agreement=False)
    return StatusMatrix(OBLIGATIONS, rows)


def budget() -> Document:
    return budget_dossier(header("Budget dossier"), agreement_id="AQB-2024-06532", party="Lahn-Dill-Kreis",
                          year=2024, stages=STAGES, projects=PROJECTS, deviations=DEVIATIONS,
                          notes="Seven of eight projects on plan.")


def timeline() -> Document:
    return timeline_dossier(header("Timeline of the year"), TIMELINE, subject="AQB-2024-06532")


def compliance() -> Document:
    return compliance_dossier(header("Statewide compliance"), matrix(), year=2024, judged_on=date(2025, 4, 1))


KINDS = {"budget": budget, "timeline": timeline, "compliance": compliance}
