"""The formats on the demo ledger: before or after the command alike; a format a command cannot
write refused in one line with nothing written; files never overwritten; the locale for people
only; every format saying what the table says."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cli.main import cli
from tests.cli.conftest import AGREEMENT, Run

GRANT = "RPKS-57-AQB-2024-017"
SEED = Path(__file__).parents[2] / "ledger" / "importer" / "seed" / "zielvereinbarung-2024-lahn-dill-kreis.txt"
READS = [["agreement", "list"], ["agreement", "show", AGREEMENT], ["grant", "show", GRANT], ["trail", AGREEMENT],
         ["status", AGREEMENT], ["overview", "--year", "2024"], ["decisions", AGREEMENT], ["principal", "list"],
         ["explain", AGREEMENT], ["report", "compliance", "--year", "2024", "--on", "2025-04-01"]]


def ok(result: object) -> str:
    assert getattr(result, "exit_code") == 0, getattr(result, "stderr")  # noqa: B009
    return str(getattr(result, "stdout"))  # noqa: B009


def head(run: Run) -> int:
    return max(r["position"] for r in json.loads(ok(run("--format", "json", "trail", AGREEMENT))))


@pytest.mark.parametrize("fmt", ["json", "csv", "csv-de"])
@pytest.mark.parametrize("command", READS, ids=lambda c: " ".join(c[:2]))
def test_a_format_before_the_command_gives_what_it_gives_after(demo: Run, command: list[str], fmt: str) -> None:
    before, after = demo("--format", fmt, *command), demo(*command, "--format", fmt)
    assert ok(before) == ok(after) != ""


def _cells(path: Path) -> list[list[list[object]]]:
    return [[[c.value for c in row] for row in sheet.iter_rows()] for sheet in load_workbook(path).worksheets]


@pytest.mark.parametrize("command", READS, ids=lambda c: " ".join(c[:2]))
def test_xlsx_before_the_command_is_xlsx_after_it(demo: Run, tmp_path: Path, command: list[str]) -> None:
    before, after = tmp_path / "before.xlsx", tmp_path / "after.xlsx"
    ok(demo("--format", "xlsx", *command, "--output", str(before)))
    ok(demo(*command, "--format", "xlsx", "--output", str(after)))
    assert _cells(before) == _cells(after) != []


def test_markdown_html_and_pdf_before_the_command(demo: Run, tmp_path: Path) -> None:
    assert ok(demo("--format", "markdown", "explain", AGREEMENT)).startswith("# Judgement A1 on AQB-2024-06532")
    for fmt in ("html", "pdf"):
        target = tmp_path / f"status.{fmt}"
        ok(demo("--format", fmt, "status", AGREEMENT, "--output", str(target)))
        assert target.read_bytes().startswith(b"<!DOCTYPE html>" if fmt == "html" else b"%PDF-")


def test_the_markdown_dossier_holds_what_the_table_shows(demo: Run) -> None:
    """The § 4 budget then, each deviation with its effective date, and the indicators (the
    markdown dossier lacked them)."""
    page = ok(demo("--format", "markdown", "explain", AGREEMENT))
    assert "- **Budget then:** §4 AQB 1,185,000.00 EUR" in page
    assert "| id | kind | effective | decision | decided_by | treatment | cause |" in page
    assert "## Indicators recorded with the assessment" in page
    assert "## Autumn implementation meeting" in page


@pytest.mark.parametrize(("args", "fmt", "offered"), [
    (["agreement", "list"], "pdf", "table, json, csv, csv-de, xlsx"),
    (["trail", AGREEMENT], "markdown", "table, json, csv, csv-de, xlsx, html, pdf"),
    (["record", "meeting", AGREEMENT, "--date", "2024-10-22"], "xlsx", "table, json, csv"),
    (["proof", "30"], "table", "json, csv, csv-de, xlsx"),
])
@pytest.mark.parametrize("where", ["before", "after"])
def test_a_format_the_command_cannot_write_is_refused_in_one_line(
    demo: Run, tmp_path: Path, args: list[str], fmt: str, offered: str, where: str,
) -> None:
    before = head(demo)
    target = tmp_path / "out.file"
    given = ["--format", fmt, *args] if where == "before" else [*args, "--format", fmt]
    result = demo(*given, "--output", str(target)) if "meeting" not in args else demo(*given, actor="a.schneider@HMSI")
    name = " ".join(w for w in args if not w.startswith("-") and w not in (AGREEMENT, "30", "2024-10-22"))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"error: aqb {name} cannot write --format {fmt} (it writes {offered})\n"
    assert not target.exists()
    assert head(demo) == before


def test_a_command_without_output_refuses_any_format(demo: Run) -> None:
    result = demo("--format", "json", "projections", "rebuild")
    assert (result.exit_code, result.stderr) == (
        2, "error: aqb projections rebuild has no output format: it reports on stderr (leave out --format)\n")


def test_files_are_never_overwritten_nor_written_through_a_link(demo: Run, tmp_path: Path) -> None:
    target, elsewhere = tmp_path / "agreements.xlsx", tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    refused = demo("agreement", "list", "--format", "xlsx", "--output", str(target))
    assert refused.exit_code == 4
    assert refused.stderr == (f"error: {target} is already a file: it is not overwritten (choose another name, "
                              "or give --force to replace it)\n")
    assert target.read_text() == "keep me"
    elsewhere.write_text("keep me too")
    link = tmp_path / "link.csv"
    link.symlink_to(elsewhere)
    assert demo("agreement", "list", "--format", "csv-de", "--output", str(link)).exit_code == 4
    ok(demo("agreement", "list", "--format", "csv-de", "--output", str(link), "--force"))
    assert elsewhere.read_text() == "keep me too" and not link.is_symlink()
    ok(demo("agreement", "list", "--format", "xlsx", "-o", str(target), "--force"))
    assert load_workbook(target).worksheets[0]["A2"].value == AGREEMENT
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no half-written file


def test_the_table_is_not_a_file(demo: Run, tmp_path: Path) -> None:
    result = demo("agreement", "list", "--output", str(tmp_path / "a.txt"))
    assert (result.exit_code, result.stderr) == (2, "error: --output FILE takes a format for files, not the table "
                                                    "for people (give --format csv-de, xlsx, html, pdf, json or csv "
                                                    "as well)\n")


def test_binary_formats_are_refused_on_a_terminal(demo_original: Path) -> None:
    """A real terminal (a pseudo-terminal as stdout): one line on stderr, exit 2, no bytes."""
    leader, follower = pty.openpty()
    aqb = str(Path(sys.executable).with_name("aqb"))
    env = {**os.environ, "AQB_DATABASE_URL": f"sqlite://{demo_original}"}
    done = subprocess.run([aqb, "--format", "xlsx", "agreement", "list"], stdout=follower, stderr=subprocess.PIPE,
                          env=env, check=False, timeout=60)
    os.close(follower)
    os.set_blocking(leader, False)
    try:
        shown = os.read(leader, 1024)
    except OSError:  # nothing was written (EAGAIN), or the terminal is gone (EIO)
        shown = b""
    os.close(leader)
    assert done.returncode == 2
    assert done.stderr == (b"error: --format xlsx writes a binary file and stdout is a terminal (give --output FILE, "
                           b"or redirect stdout to a file)\n")
    assert b"PK" not in shown


def test_the_locale_is_for_people_only(demo: Run, demo_original: Path) -> None:
    table = ok(demo("--locale", "de", "agreement", "show", AGREEMENT))
    assert "1.185.000,00" in table and "10.07.2024" in table and "1,185,000.00" not in table
    env = {"AQB_DATABASE_URL": f"sqlite://{demo_original}", "AQB_LOCALE": "de_DE.UTF-8", "AQB_ACTOR": None}
    runner = CliRunner()
    assert "1.185.000,00" in ok(runner.invoke(cli, ["grant", "show", GRANT], env=env))
    assert json.loads(ok(runner.invoke(cli, ["grant", "show", GRANT, "--format", "json"], env=env)))[
        "granted"] == "1185000.00"
    rows = list(csv.DictReader(io.StringIO(ok(runner.invoke(cli, ["agreement", "list", "--format", "csv"], env=env)))))
    assert (rows[0]["amount"], rows[0]["in_force_since"]) == ("1185000.00", "2024-07-10")
    wrong = runner.invoke(cli, ["agreement", "list"], env={**env, "AQB_LOCALE": "fr"})
    assert (wrong.exit_code, wrong.stderr) == (4, "error: unknown locale in AQB_LOCALE: fr (set AQB_LOCALE to en or "
                                                  "de (de_DE.UTF-8 counts as de), or give --locale)\n")


def test_csv_de_opens_in_german_excel(demo: Run) -> None:
    data = demo("agreement", "list", "--format", "csv-de").stdout_bytes
    assert data.startswith("\ufeffagreement;year;party;name;amount;".encode())
    assert b";1185000,00;" in data and b";10.07.2024\r\n" in data


def test_an_object_gives_readable_rows_without_json_fragments(demo: Run, tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(ok(demo("grant", "show", GRANT, "--format", "csv")))))
    assert ["cash_years 1 › scheduled", "900000.00"] in rows
    assert not any(v.startswith(("{", "[")) for row in rows for v in row)
    target = tmp_path / "show.xlsx"
    ok(demo("agreement", "show", AGREEMENT, "--format", "xlsx", "--output", str(target)))
    book = load_workbook(target)
    assert book.sheetnames[0] == "fields"
    assert {"lines", "projects", "deviations", "signatures", "publications"} <= set(book.sheetnames)
    projects = [[c.value for c in row] for row in book["projects"].iter_rows()]
    assert projects[0][:4] == ["id", "name", "category", "planned"]
    assert projects[4][:4] == ["P4", "Selbstlernzentrum", "QUAL", 95000]


def test_proof_and_the_dry_run_honour_csv(demo: Run) -> None:
    proof = dict(csv.reader(io.StringIO(ok(demo("proof", "30", "--format", "csv")))))
    assert proof["event › position"] == "30"
    assert re.fullmatch(r"[0-9a-f]{64}", proof["inclusion › path › 1"])
    assert json.loads(ok(demo("proof", "30")))["event"]["position"] == 30
    parse = list(csv.DictReader(io.StringIO(ok(demo("import", "--dry-run", str(SEED), "--format", "csv")))))
    assert {"file": SEED.name, "part": "§4 budget", "item": "AQB", "value": "1185000.00"} in parse
    assert {"file": SEED.name, "part": "verdict", "item": "", "value": "importable"} in parse
    assert sum(r["part"] == "signature" for r in parse) == 2


def _matrix_cells(markdown: str) -> dict[tuple[str, str], str]:
    lines = [line for line in markdown.splitlines() if line.startswith("| ")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    cells = {}
    for line in lines[1:]:
        values = [c.strip() for c in line.strip("|").split("|")]
        if values[0] != "total":
            cells |= {(values[0], o): v for o, v in zip(header[2:], values[2:], strict=True)}
    return cells


def test_compliance_says_the_same_in_every_format(demo: Run) -> None:
    args = ["report", "compliance", "--year", "2024", "--on", "2025-04-01"]
    cells = _matrix_cells(ok(demo(*args, "--format", "markdown")))
    rows = list(csv.DictReader(io.StringIO(ok(demo(*args, "--format", "csv")))))
    from_csv = {(r["party"], r["obligation"]): r["status"] for r in rows}
    assert {k: v for k, v in cells.items() if v != "no agreement"} == {
        k: v for k, v in from_csv.items() if v != "no agreement"}
    assert {p for (p, _), v in cells.items() if v == "no agreement"} == {
        p for (p, _), v in from_csv.items() if v == "no agreement"}
    assert len({p for p, _ in cells}) == 26 and "FAIL" not in from_csv.values()
    reports = json.loads(ok(demo(*args, "--format", "json")))
    assert {(r["party"], c["obligation"]): c["status"] for r in reports for c in r["checks"]} == {
        k: v for k, v in from_csv.items() if v != "no agreement"}


def test_exit_code_tells_a_monitoring_job_about_a_fail(demo: Run) -> None:
    passing = demo("report", "compliance", "--year", "2024", "--party", "06532", "--on", "2025-04-01", "--exit-code")
    assert passing.exit_code == 0
    failing = demo("report", "compliance", "--year", "2024", "--party", "06532", "--on", "2026-07-01", "--exit-code",
                   "--format", "csv")
    assert failing.exit_code == 11
    assert failing.stderr == ("compliance: 1 obligations FAIL (AQB-2024-06532 proofs of use)\n")
    assert "proofs of use,FAIL," in failing.stdout  # the report is written all the same
    assert demo("report", "compliance", "--year", "2024", "--party", "06532", "--on", "2026-07-01").exit_code == 0


def test_trail_from_and_to_are_since_and_until(demo: Run) -> None:
    spelled = ok(demo("trail", AGREEMENT, "--from", "2000-01-01", "--to", "2099-12-31", "--format", "csv"))
    assert spelled == ok(demo("trail", AGREEMENT, "--since", "2000-01-01", "--until", "2099-12-31", "--format", "csv"))
    assert ok(demo("trail", AGREEMENT, "--to", "2000-01-01", "--format", "json")).strip() == "[]"


def test_the_old_spelling_of_proof_output_still_works(demo: Run, tmp_path: Path) -> None:
    target = tmp_path / "proof-30.json"
    result = demo("proof", "30", "--out", str(target))
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"Proof of position 30 against the anchor at 39 in {target}.\n"
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "aqb-proof/1"
    again = demo("proof", "30", "--out", str(target))
    assert again.exit_code == 4 and "is already a file: it is not overwritten" in again.stderr
