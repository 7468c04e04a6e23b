"""The distribution ships what the code needs, under the licence it declares, without the
warnings setuptools gives for folders it was not told about."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
TOP_LEVEL = ("aqb", "cli", "ledger", "projections")


def _folders_with_files() -> set[str]:
    found = set()
    for top in TOP_LEVEL:
        for path in (ROOT / top).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                found.add(".".join(path.parent.relative_to(ROOT).parts))
    return found


def test_every_folder_of_the_code_is_a_listed_package() -> None:
    listed = set(PROJECT["tool"]["setuptools"]["packages"])
    assert _folders_with_files() == listed


def test_the_licence_is_an_spdx_expression_with_its_text() -> None:
    assert PROJECT["project"]["license"] == "EUPL-1.2"
    assert PROJECT["project"]["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2\nEUPL © the European Union 2007, 2016\n")
    articles = [f"{n}." for n in range(1, 16)]
    assert all(f"\n{a}" in text for a in articles)
    assert text.rstrip().endswith("All other changes or additions to this Appendix require the production of a new "
                                  "EUPL version.")


def test_python_dash_m_aqb_runs_the_command_line() -> None:
    result = subprocess.run([sys.executable, "-m", "aqb", "--help"], capture_output=True, text=True, check=False,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: aqb [OPTIONS] COMMAND [ARGS]...")
