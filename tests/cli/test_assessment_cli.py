"""`aqb assess`, `aqb explain` and `aqb report compliance` on the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.cli.conftest import Run, make_runner

ID = "AQB-2024-06532"


def demo_runner(tmp_path: Path) -> Run:
    run = make_runner(f"sqlite://{tmp_path / 'demo.sqlite3'}")
    assert run("demo", actor=None).exit_code == 0
    return run


def test_assess_refuses_an_untreated_deviation_in_one_line(tmp_path: Path) -> None:
    run = demo_runner(tmp_path)
    result = run("assess", "new", ID, "--verdict", "erreicht", "--rationale", "gut",
                 "--deviation", "D1=considered-accepted")
    assert result.exit_code == 5
    assert result.stderr == (
        "error: deviation D2 of AQB-2024-06532 has no treatment in this assessment (say how it was taken into "
        "account: --deviation D2=considered-accepted (or considered-with-conditions, not-accepted))\n")


def test_assess_rejects_a_malformed_treatment(tmp_path: Path) -> None:
    run = demo_runner(tmp_path)
    result = run("assess", ID, "--verdict", "erreicht", "--rationale", "gut", "--deviation", "D1=fine")
    assert result.exit_code == 4
    assert result.stderr.startswith("error: invalid --deviation 'D1=fine' (write DEVIATION=TREATMENT")


def test_a_deviation_given_two_treatments_is_refused(tmp_path: Path) -> None:
    run = demo_runner(tmp_path)
    head = len(json.loads(run("--format", "json", "trail", ID).stdout))
    result = run("assess", ID, "--verdict", "erreicht", "--rationale", "gut", "--revises", "A1",
                 "--deviation", "D1=considered-accepted", "--deviation", "D2=considered-accepted",
                 "--deviation", "D1=not-accepted")
    assert (result.exit_code, result.stderr) == (
        4, "error: --deviation D1 is given twice (considered-accepted, not-accepted) (give each deviation one "
           "treatment)\n")
    assert len(json.loads(run("--format", "json", "trail", ID).stdout)) == head


def test_a_rationale_and_a_note_are_paragraphs_kept_whole(tmp_path: Path) -> None:
    """The envelope's one-line reason is the rationale's first line; the event keeps all of it."""
    run = demo_runner(tmp_path)
    rationale = "Ziele überwiegend erreicht.\n\nJump in verzögert: " + "Begründung " * 150
    assessed = run("assess", ID, "--verdict", "erreicht", "--rationale", rationale, "--revises", "A1",
                   "--deviation", "D1=considered-accepted", "--deviation", "D2=considered-accepted")
    assert assessed.exit_code == 0, assessed.stderr
    signed = run("assess", "sign-off", ID, "A2", "--note", "geprüft\nohne Einwände", actor="r.klein@HMSI")
    assert signed.exit_code == 0, signed.stderr
    rows = json.loads(run("--format", "json", "trail", ID).stdout)
    judged = next(r for r in rows if r["facts"].get("assessment_id") == "A2" and "rationale" in r["facts"])
    assert (judged["reason"], judged["facts"]["rationale"]) == ("Ziele überwiegend erreicht.", rationale.strip())
    assert rows[-1]["reason"] == "geprüft"


def test_assess_sign_off_explain_and_report(tmp_path: Path) -> None:
    run = demo_runner(tmp_path)
    existing = json.loads(run("--format", "json", "trail", ID, "--type", "assessed").stdout)
    if not existing:  # the demo may already hold an assessment; record one otherwise
        assessed = run("assess", ID, "--verdict", "weitgehend erreicht", "--rationale", "überwiegend",
                       "--deviation", "D1=considered-accepted", "--deviation", "D2=considered-with-conditions")
        assert assessed.exit_code == 0
        same = run("assess", "sign-off", ID, "A1")
        assert (same.exit_code, same.stderr) == (6, "error: a.schneider@HMSI assessed A1 and cannot sign it off "
                                                 "(a second, different person of the ministry signs off (four eyes))\n")
        assert run("assess", "sign-off", ID, "A1", actor="r.klein@HMSI").exit_code == 0
    dossier = json.loads(run("explain", f"{ID}/A1", "--format", "json").stdout)
    assert dossier["checks"]["indicators_match"] is True
    assert dossier["checks"]["chain_ok"] is True
    assert {d["id"]: d["treatment"] for d in dossier["deviations"]} == {
        "D1": "considered-accepted", "D2": "considered-with-conditions"}
    assert dossier["assessment"]["signed_off_by"] == "r.klein@HMSI"
    markdown = run("explain", ID, "--format", "markdown").stdout
    assert markdown.startswith("# Judgement A1 on AQB-2024-06532")
    rows = list(csv.DictReader(io.StringIO(run("report", "compliance", "--year", "2024", "--party", "06532",
                                               "--on", "2025-04-01", "--format", "csv").stdout)))
    assert {r["obligation"]: r["status"] for r in rows}["assessment"] == "PASS"
    matrix = run("report", "compliance", "--year", "2024", "--on", "2025-04-01", "--format", "markdown").stdout
    assert matrix.count("| no agreement ") == 25 * 9
    assert "| 1 PASS, 25 no agreement |" in matrix


def test_explain_an_unknown_assessment(tmp_path: Path) -> None:
    run = demo_runner(tmp_path)
    result = run("explain", f"{ID}/A9")
    assert (result.exit_code, result.stderr) == (
        3, f"error: agreement AQB-2024-06532 has no assessment 'A9' in the ledger sqlite://{tmp_path}/demo.sqlite3 "
           "(see its assessments with 'aqb trail AQB-2024-06532 --type assess')\n")
