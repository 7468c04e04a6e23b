"""`aqb import` on the command line: records, refuses with one line and exit 9, dry-runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Run

SEED = Path(__file__).parents[2] / "ledger" / "importer" / "seed" / "zielvereinbarung-2024-lahn-dill-kreis.txt"
FIXTURES = Path(__file__).parents[1] / "importer" / "fixtures"


def test_import_then_trail_shows_the_file_and_its_sha256(run: Run) -> None:
    result = run("--format", "json", "import", str(SEED))
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)
    assert (row["agreement"], row["status"], row["events"]) == ("AQB-2024-06532", "recorded", 4)
    trail = json.loads(run("--format", "json", "trail", "AQB-2024-06532").stdout)
    imported = [r for r in trail if r["event"] == "document imported"]
    assert imported and row["sha256"] in imported[0]["details"]
    again = json.loads(run("--format", "json", "import", str(SEED)).stdout)
    assert again[0]["status"] == "already-imported"


def test_an_sgb2_agreement_is_refused_in_one_line(run: Run) -> None:
    result = run("import", str(FIXTURES / "zielvereinbarung-2024-lahn-dill-kreis-sgb2.txt"))
    assert result.exit_code == 9
    assert result.stderr.startswith("error: zielvereinbarung-2024-lahn-dill-kreis-sgb2.txt is not an AQB target "
                                    "agreement: An SGB II target agreement")
    assert result.stderr.endswith("(SGB II agreements are not part of this ledger; nothing was recorded)\n")
    assert run("--format", "json", "agreement", "list").stdout.strip() == "[]"


def test_an_unsupported_file_is_refused(run: Run, tmp_path: Path) -> None:
    docx = tmp_path / "zv.docx"
    docx.write_bytes(b"PK")
    result = run("import", str(docx))
    assert result.exit_code == 9
    assert result.stderr.startswith("error: zv.docx: unsupported file type '.docx'")


def test_dry_run_shows_the_parse_and_writes_nothing(run: Run) -> None:
    tree = run("import", "--dry-run", str(FIXTURES / "zielvereinbarung-2024-lahn-dill-kreis-truncated.txt"))
    assert tree.exit_code == 9  # as the import would
    assert "missing: §4 amount" in tree.stdout and "refused:" in tree.stdout
    assert tree.stderr.startswith("error: zielvereinbarung-2024-lahn-dill-kreis-truncated.txt lacks required "
                                  "parts: §4 amount")
    parsed = json.loads(run("--format", "json", "import", "--dry-run", str(SEED)).stdout)
    assert parsed[0]["importable"] is True
    assert parsed[0]["parse"]["lines"] == [{"budget": "AQB", "amount": "1185000.00", "raw": "1.185.000 Euro"}]
    assert run("--format", "json", "agreement", "list").stdout.strip() == "[]"


def test_dry_run_needs_no_actor(run: Run) -> None:
    assert run("import", "--dry-run", str(SEED), actor=None).exit_code == 0


def test_dry_run_exits_as_the_import_would_for_an_unmapped_category(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "zv.txt"
    text = SEED.read_text(encoding="utf-8")
    path.write_text(text.replace("\nAusbildungsvorbereitung\n\n- ", "\nModellprojekte\n\n- "), encoding="utf-8")
    dry, real = run("import", "--dry-run", str(path)), run("import", str(path))
    assert (dry.exit_code, dry.stderr) == (real.exit_code, real.stderr)
    assert real.stderr == ("error: zv.txt: § 5 cannot be read: the heading 'Modellprojekte' matches no measure "
                           "category (add the heading's wording to the aliases in ledger/reference/categories.json; "
                           "nothing was recorded)\n")
    assert "cannot be read: § 5: the heading 'Modellprojekte'" in dry.stdout


def test_a_second_party_signature_is_an_importer_refusal_naming_the_block(run: Run, tmp_path: Path) -> None:
    second = "\n\nWetzlar, den 11.07.2024\n\nWolfgang Muster\nLandrat des Lahn-Dill-Kreises"
    text = SEED.read_text(encoding="utf-8") + second
    path = tmp_path / "zv-2024-zwei-unterschriften.txt"
    path.write_text(text, encoding="utf-8")
    dry, real = run("import", "--dry-run", str(path)), run("import", str(path))
    assert dry.exit_code == real.exit_code == 9
    assert real.stderr == (
        "error: zv-2024-zwei-unterschriften.txt: the signature block 'Wetzlar, den 11.07.2024' (line 127) cannot be "
        "read: it is a second signature for the party (06532), after the signature block 'Wetzlar, den' (line 117); "
        "each side signs an agreement once (check the signature blocks of the document (--dry-run shows how each "
        "was read); if it is right as written, record its signatures by hand with 'aqb record signature'; nothing "
        "was recorded)\n"
    )
    assert "cannot be read: the signature block 'Wetzlar, den 11.07.2024' (line 127)" in dry.stdout
    assert run("--format", "json", "agreement", "list").stdout.strip() == "[]"


def test_dry_run_exits_as_the_import_would_for_every_refusal(run: Run) -> None:
    for name in ("foerdergrundsaetze-aqb-2019.txt", "zuwendungsbescheid-2024-lahn-dill-kreis.txt",
                 "zielvereinbarung-2019-landkreis-giessen-sgb2.txt"):
        dry = run("import", "--dry-run", str(FIXTURES / name))
        real = run("import", str(FIXTURES / name))
        assert (dry.exit_code, dry.stderr) == (real.exit_code, real.stderr) == (9, dry.stderr)
        assert dry.stderr.startswith(f"error: {name} is not an AQB target agreement: ")
    assert run("--format", "json", "agreement", "list").stdout.strip() == "[]"


def test_funding_guidelines_are_refused_as_what_they_are(run: Run) -> None:
    result = run("import", str(FIXTURES / "foerdergrundsaetze-aqb-2019.txt"))
    assert result.exit_code == 9
    assert result.stderr.startswith("error: foerdergrundsaetze-aqb-2019.txt is not an AQB target agreement: "
                                    "Funding guidelines (Fördergrundsätze), not an agreement between the ministry "
                                    "and a party: its title reads 'Fördergrundsätze'")
    assert "lacks required parts" not in result.stderr


def test_the_minister_signing_by_function_imports_both_signatures(run: Run) -> None:
    result = run("--format", "json", "import", str(FIXTURES / "zielvereinbarung-2019-wetteraukreis-two-budgets.pdf"))
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)
    assert (row["agreement"], row["status"], row["events"]) == ("AQB-2019-06440", "recorded", 4)


def test_an_import_names_its_signatures_and_each_warning(run: Run, tmp_path: Path) -> None:
    """What the importer decided by heuristics is shown by the import itself, not only by --dry-run."""
    text = SEED.read_text(encoding="utf-8").replace("- Jump in", "- Jump in (135.000 €)")
    path = tmp_path / "zv.txt"
    path.write_text(text, encoding="utf-8")
    shown = run("import", str(path))
    assert shown.exit_code == 0, shown.stderr
    lines = [x for x in shown.stdout.splitlines() if x.startswith("warning: zv.txt")]
    assert any("project-amount-not-recorded: 'Jump in (135.000 €)': the project is 'Jump in'" in x
               for x in lines), shown.stdout
    listed = json.loads(run("--format", "json", "trail", "AQB-2024-06532").stdout)
    assert listed  # recorded
    again = tmp_path / "again"
    again.mkdir()
    (again / "zv.txt").write_text(text.replace("Jump in (135.000 €)", "Jump in (135.000 EUR)"), encoding="utf-8")
    [row] = json.loads(run("--format", "json", "import", str(again / "zv.txt"), "--amendment", "--reason",
                           "Änderung").stdout)
    assert row["signatures"] == 2 and "project-amount-not-recorded" in row["warning_codes"]
    assert row["warnings"] == len(row["warning_codes"].split(", "))


def test_the_import_table_explains_only_the_statuses_it_shows(run: Run) -> None:
    first = run("import", str(SEED))
    assert first.exit_code == 0, first.stderr
    said = " ".join(first.stdout.split())
    assert "recorded: a new agreement" in said and "already-imported" not in said
    said = " ".join(run("import", str(SEED)).stdout.split())
    assert "already-imported: the same file was recorded before" in said and "recorded: a new" not in said


@pytest.mark.parametrize(("old", "new", "code"), [
    ("10.07.2024", "10.07.2042", 5),  # a signature after today: refused by the envelope's date rule
    ("- Jump in", "- Jump\x00in", 4),  # a control character: refused by the validation layer
])
def test_dry_run_with_an_actor_runs_every_check_of_the_import(run: Run, tmp_path: Path, old: str, new: str,
                                                             code: int) -> None:
    path = tmp_path / "zv.txt"
    path.write_text(SEED.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    dry, real = run("import", "--dry-run", str(path)), run("import", str(path))
    assert (dry.exit_code, dry.stderr) == (real.exit_code, real.stderr) == (code, real.stderr)
    assert run("--format", "json", "agreement", "list").stdout.strip() == "[]"
    assert run("import", "--dry-run", str(path), actor=None).exit_code == 0  # without an actor: the parse only


def test_a_misprinted_total_is_refused_naming_it_and_its_line(run: Run, tmp_path: Path) -> None:
    misprint = tmp_path / "zv-2024-misprint.txt"
    misprint.write_text(SEED.read_text(encoding="utf-8").replace("\n1.185.000 Euro\n", "\n1.185.000.00 €\n", 1),
                        encoding="utf-8")
    result = run("import", str(misprint))
    assert result.exit_code == 9
    assert result.stderr.startswith("error: zv-2024-misprint.txt: § 4 cannot be read: '1.185.000.00 €' (line 63) "
                                    "looks like an amount but cannot be read (check § 4 of the document;")
    assert "lacks required parts" not in result.stderr
    assert run("--format", "json", "agreement", "list").stdout.strip() == "[]"
