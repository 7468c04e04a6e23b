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
