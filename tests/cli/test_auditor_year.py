"""A whole programme year of another party (Stadt Kassel, 06611), recorded through the CLI as its
people would — with a backdated decision, a late meeting, a deviation that arrives after the
judgement, a revised judgement, and a correction — then questioned with the auditor's twelve
questions (DOMAIN.md §8), figure by figure, on PostgreSQL and SQLite."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from ledger.persistence.config import database_from_url
from tests.cast import login_url

AGREEMENT, FILE = "AQB-2024-06611", "RPKS-57-AQB-2024-031"
HMSI, READER, RP, KASSEL = "a.schneider@HMSI", "r.klein@HMSI", "k.becker@RPKS", "x.meier@06611"
Aqb = Callable[..., Result]


def runner_for(url: str) -> Aqb:
    """`aqb` as each person runs it: on PostgreSQL through their own login, on SQLite declared."""
    db, runner = database_from_url(url), CliRunner()

    def aqb(*args: str, actor: str = HMSI) -> Result:
        if db.backend == "postgresql":
            options = ["--database", login_url(db, actor.partition("@")[0])]
        else:
            options = ["--database", url, "--actor", actor]
        return runner.invoke(cli, [*options, *args], catch_exceptions=False,
                             env={"AQB_ACTOR": None, "AQB_DATABASE_URL": None, "AQB_LATE_DAYS": None})
    return aqb


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


def as_json(aqb: Aqb, *args: str) -> Any:
    return json.loads(ok(aqb("--format", "json", *args)))


YEAR: list[tuple[str, tuple[str, ...]]] = [
    (HMSI, ("agreement", "create", "--year", "2024", "--party", "06611", "--amount", "879800",
            "--reason", "Zielvereinbarung 2024", "--effective", "2024-06-20")),
    (HMSI, ("record", "allocation", AGREEMENT, "--amount", "879800", "--cash-year", "2024=700000",
            "--cash-year", "2025=179800", "--reason", "Mittelverteilung 2024", "--effective", "2023-12-15")),
    (KASSEL, ("grant", "application", AGREEMENT, "--file-number", FILE, "--date", "2024-03-20",
              "--amount", "879800", "--reason", "Antrag")),
    (KASSEL, ("record", "project", AGREEMENT, "--name", "Werkstatt Nord", "--category", "QUAL",
              "--amount", "400000", "--places", "20", "--reason", "Finanzierungsplan", "--effective", "2024-03-20")),
    (KASSEL, ("record", "project", AGREEMENT, "--name", "Sprungbrett", "--category", "AV",
              "--amount", "300000", "--places", "15", "--reason", "Finanzierungsplan", "--effective", "2024-03-20")),
    (KASSEL, ("record", "project", AGREEMENT, "--name", "Coaching", "--category", "QUAL",
              "--amount", "179800", "--reason", "Finanzierungsplan", "--effective", "2024-03-20")),
    (RP, ("grant", "notice", FILE, "--date", "2024-05-10", "--amount", "879800", "--period-start", "2024-01-01",
          "--period-end", "2025-12-31", "--cash-year", "2024=700000", "--cash-year", "2025=179800",
          "--interim-due", "2025-06-30", "--final-due", "2026-06-30", "--reason", "Bescheid")),
    (HMSI, ("record", "signature", AGREEMENT, "--party", "HMSI", "--signatory", "Heike Hofmann", "--function",
            "Staatsministerin", "--place", "Wiesbaden", "--date", "2024-06-18")),
    (KASSEL, ("record", "signature", AGREEMENT, "--party", "06611", "--signatory", "Sven Schoeller",
              "--function", "Oberbürgermeister", "--place", "Kassel", "--date", "2024-06-20")),
    (RP, ("grant", "payment", FILE, "--date", "2024-06-03", "--amount", "350000", "--reason", "Abruf 1")),
    (RP, ("grant", "payment", FILE, "--date", "2024-09-02", "--amount", "350000", "--reason", "Abruf 2")),
    (KASSEL, ("record", "deviation", AGREEMENT, "--kind", "underspend", "--scope", "project", "--ref",
              "Sprungbrett", "--metric", "amount", "--planned", "300000", "--actual", "250000", "--cause",
              "Raumkosten entfallen", "--effective", "2024-09-16")),
    (HMSI, ("record", "reallocation", AGREEMENT, "--from", "Sprungbrett", "--to", "Werkstatt Nord", "--amount",
            "50000", "--approval", "HMSI II 3 - 17", "--reason", "Umschichtung", "--effective", "2024-10-01")),
    # the approval, recorded after the money moved, dated before it
    (HMSI, ("record", "decision", AGREEMENT, "D1", "--decision", "approved", "--reason", "plausibel",
            "--document", "Vermerk 30.09.2024", "--effective", "2024-09-30")),
    (HMSI, ("record", "meeting", AGREEMENT, "--date", "2025-01-14", "--participant", "HMSI Referat II 3",
            "--participant", "Stadt Kassel", "--discussed", "D1", "--action", "Bericht im 1. Quartal")),
    (KASSEL, ("record", "participation", AGREEMENT, "--project", "Werkstatt Nord", "--from", "2024-01-01",
              "--to", "2024-12-31", "--entries", "19", "--exits", "2", "--reason", "Sachbericht",
              "--effective", "2025-01-31")),
    (HMSI, ("assess", AGREEMENT, "--verdict", "erreicht", "--rationale", "Ziele erreicht", "--deviation",
            "D1=considered-accepted", "--effective", "2025-02-10")),
    (READER, ("assess", "sign-off", AGREEMENT, "A1", "--note", "geprüft", "--effective", "2025-02-12")),
    (RP, ("grant", "payment", FILE, "--date", "2025-02-03", "--amount", "179800", "--reason", "Abruf 3")),
    # a deviation of November that reaches the ledger after the judgement
    (KASSEL, ("record", "deviation", AGREEMENT, "--kind", "participants-shortfall", "--scope", "project",
              "--ref", "Sprungbrett", "--metric", "places", "--planned", "15", "--actual", "12", "--cause",
              "Abbrüche", "--effective", "2024-11-20")),
    (HMSI, ("record", "decision", AGREEMENT, "D2", "--decision", "acknowledged", "--reason", "nachgemeldet",
            "--effective", "2025-03-03")),
    (HMSI, ("assess", AGREEMENT, "--verdict", "weitgehend erreicht", "--rationale", "D2 nachträglich bewertet",
            "--deviation", "D1=considered-accepted", "--deviation", "D2=considered-with-conditions",
            "--revises", "A1", "--effective", "2025-03-20")),
    (READER, ("assess", "sign-off", AGREEMENT, "A2", "--effective", "2025-03-25")),
    (HMSI, ("record", "correction", AGREEMENT, "--entry", "5", "--set", "planned_amount", "179800.00",
            "179000.00", "--reason", "Übertragungsfehler", "--approver", "Referatsleitung II 3",
            "--effective", "2025-04-02")),
    (KASSEL, ("grant", "proof", FILE, "--kind", "interim", "--date", "2025-06-25", "--income", "700000",
              "--expenses", "690000")),
    (RP, ("grant", "review", FILE, "--kind", "interim", "--result", "accepted", "--reason", "Prüfvermerk",
          "--effective", "2025-07-10")),
]


@pytest.fixture
def year(db_url: str) -> Aqb:
    aqb = runner_for(db_url)
    for actor, args in YEAR:
        ok(aqb(*args, actor=actor))
    return aqb


def checks(aqb: Aqb, *clock: str) -> dict[str, dict[str, Any]]:
    [report] = as_json(aqb, "report", "compliance", "--year", "2024", "--party", "06611", *clock)
    return {c["obligation"]: c for c in report["checks"]}


def test_the_twelve_questions_of_an_auditor(year: Aqb) -> None:
    aqb = year
    # 1. who changed the budget, when (recorded and effective), by how much, why: every money stage
    money = as_json(aqb, "trail", AGREEMENT, "--money")
    stages = [(r["event"], r["amount"], r["effective"]) for r in money]
    assert ("allocation announced", "879800.00", "2023-12-15") in stages
    assert ("grant notice issued", "879800.00", "2024-05-10") in stages
    assert ("funds reallocated", "50000.00", "2024-10-01") in stages
    moving = {"allocation announced", "grant notice issued", "funds reallocated", "funds disbursed"}
    assert [r["event"] for r in money if r["event"] in moving and not (r["recorded"] and r["reason"])] == []
    # 2. decided by whom, on what document, before or after money moved — in both orders
    d1 = next(r for r in as_json(aqb, "decisions", AGREEMENT) if r["item"] == "D1")
    assert (d1["decided_by"], d1["document"], d1["decided"]) == (HMSI, "Vermerk 30.09.2024", "2024-09-30")
    assert d1["order"] == "decided before money moved"
    assert d1["order_as_recorded"] == "money moved before the decision"
    assert d1["late"].startswith("late: recorded")
    # 3. the autumn meeting: held, but in January
    judged = checks(aqb, "--on", "2025-04-01")
    assert judged["autumn meeting"]["status"] == "FAIL"
    assert "held 2025-01-14, after 2024-12-31 (late)" in judged["autumn meeting"]["detail"]
    # 4. what the assessor knew; what arrived later
    first = as_json(aqb, "explain", f"{AGREEMENT}/A1")
    assert [d["id"] for d in first["deviations"]] == ["D1"]
    assert any(r["event"] == "deviation reported" and r["effective"] == "2024-11-20" for r in first["arrived_after"])
    assert first["assessment"]["superseded_by"] == "A2" and first["assessment"]["on_time"] is True
    second = as_json(aqb, "explain", f"{AGREEMENT}/A2")
    assert {d["id"]: d["treatment"] for d in second["deviations"]} == {
        "D1": "considered-accepted", "D2": "considered-with-conditions"}
    assert second["checks"]["indicators_match"] and second["checks"]["chain_ok"]
    # the judgement of 12 February did not know D2, which had happened in November
    assert checks(aqb, "--on", "2025-02-15")["assessment"]["status"] == "FAIL"
    assert judged["assessment"]["status"] == "PASS" and "A2" in judged["assessment"]["detail"]
    # 5. both signatures, in force since
    assert judged["signatures"]["status"] == "PASS"
    assert "in force since 2024-06-20" in judged["signatures"]["detail"]
    # 6. application on time; proofs of use on time and reviewed
    assert judged["application by 31 March"]["status"] == "PASS"
    assert checks(aqb, "--on", "2025-08-01")["proofs of use"]["status"] == "PENDING"  # the final one not yet due
    # 7. payments against the notice's cash schedule
    grant = as_json(aqb, "grant", "show", FILE)
    assert [(y["year"], y["scheduled"], y["paid"], y["within"]) for y in grant["cash_years"]] == [
        (2024, "700000.00", "700000.00", True), (2025, "179800.00", "179800.00", True)]
    assert judged["payments within grant"]["status"] == "PASS"
    # 8. which projects received how much, and what they delivered
    items = {r["name"]: r for r in as_json(aqb, "status", AGREEMENT)["items"] if r["kind"] == "project"}
    assert (items["Werkstatt Nord"]["current"], items["Sprungbrett"]["current"], items["Coaching"]["current"]) == (
        "450000.00", "250000.00", "179000.00")
    places = {i["ref"]: i["actual"] for i in second["indicators"] if i["metric"] == "places planned / actual"}
    assert places["P1 Werkstatt Nord"] == "19" and places["P2 Sprungbrett"] == "12"
    # as of the end of September, before the reallocation
    before = {r["name"]: r["current"] for r in as_json(aqb, "status", AGREEMENT, "--on", "2024-09-30")["items"]
              if r["kind"] == "project"}
    assert before["Sprungbrett"] == "300000.00"
    # 9. nothing altered or deleted
    assert aqb("verify").exit_code == 0
    # 10. corrections: to what, by whom, why
    [fix] = as_json(aqb, "trail", AGREEMENT, "--type", "correct")
    assert fix["details"] == "corrects entry 5: planned_amount 179800.00 → 179000.00"
    assert (fix["actor"], fix["reason"]) == (HMSI, "Übertragungsfehler")
    # 11. published? not at all: due by the end of the year
    assert judged["published = signed"]["status"] == "FAIL"
    # 12. across all 26 parties
    matrix = as_json(aqb, "report", "compliance", "--year", "2024", "--on", "2025-04-01")
    assert len(matrix) == 26
    assert [r["party"] for r in matrix if r["recorded"]] == ["06611"]


def test_what_the_ledger_knew_is_not_what_had_happened(year: Aqb) -> None:
    """The two clocks: nothing was known before today (all recorded now), while by effective dates
    the year had happened."""
    aqb = year
    [report] = as_json(aqb, "report", "compliance", "--year", "2024", "--party", "06611", "--on", "2025-04-01",
                       "--as-known-on", "2024-12-31")
    assert report["checks"] == [] and report["recorded"] is False
    late = as_json(aqb, "report", "late", "--year", "2024")
    assert late["entries"] == late["late"] == len(YEAR)  # every act of 2024/25 was recorded in 2026
    assert late["worst"][0]["event"] == "allocation announced"
