"""The documentation stays true to the code."""

from __future__ import annotations

from pathlib import Path

from cli.docs import commands, render_reference

ROOT = Path(__file__).parents[2]


def test_the_command_reference_is_generated_from_the_code() -> None:
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == render_reference(), (
        "docs/cli.md is stale: run 'python -m cli.docs > docs/cli.md'")


def test_the_readme_names_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [" ".join(p) for p in commands() if p and f"aqb {' '.join(p)}" not in readme]
    assert missing == []


def test_the_readme_rules_table_is_the_tested_list_of_rules() -> None:
    from tests.integration.test_rules import CASES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The rules the ledger enforces", 1)[1].split("\n## ", 1)[0]
    ids = [line.split("|")[1].strip().strip("`") for line in section.splitlines() if line.startswith("| `")]
    assert sorted(ids) == sorted(CASES)
    for rule_id, case in CASES.items():
        row = next(line for line in section.splitlines() if line.startswith(f"| `{rule_id}`"))
        assert f"`{case.error.__name__}`" in row and row.rstrip(" |").endswith(str(case.error.exit_code))
