"""Every command's table at 80 and at 60 columns, on the demo ledger: money, dates, times and ids
are never split across lines, in either locale, and no line is wider than the terminal."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import cli
from cli.output.locale import text
from tests.cli.conftest import AGREEMENT

GRANT = "RPKS-57-AQB-2024-017"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
MONEY = re.compile(r"^\d+\.\d{2}$")
ID = re.compile(r"^(AQB-\d{4}-\d{5}|RPKS-[\w-]+|[a-z.]+@(HMSI|RPKS|\d{5}))$")


def _whole_values(data: Any, locale: str, keys: set[str] | None = None, hidden: frozenset[str] = frozenset()
                  ) -> set[str]:
    """The money, dates, times and ids in a command's JSON (under these keys, not under the hidden
    ones), as the table shows them."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if (keys is None or key in keys) and key not in hidden:
                found |= _whole_values(value, locale, hidden=hidden)
    elif isinstance(data, list):
        for value in data:
            found |= _whole_values(value, locale, keys, hidden)
    elif isinstance(data, str):
        if MONEY.match(data):
            found.add(text(Decimal(data), locale))  # type: ignore[arg-type]
        elif DATE.match(data):
            found.add(text(date.fromisoformat(data), locale))  # type: ignore[arg-type]
        elif MOMENT.match(data):
            moment = datetime.fromisoformat(data)
            found.add(text(moment.replace(tzinfo=None), locale))  # type: ignore[arg-type]
        elif ID.match(data):
            found.add(data)
    return found


SHOWN = {"trail": {"amount", "recorded", "effective", "actor"}}  # the JSON says more than the table shows
HIDDEN = {"agreement show": frozenset({"reported_by"}), "overview": frozenset({"agreement"}),
          "explain": frozenset({"indicators", "indicator_differences", "signed_off", "budget", "supersedes"})}
COMMANDS = {
    "trail": ["trail", AGREEMENT],
    "status": ["status", AGREEMENT],
    "agreement show": ["agreement", "show", AGREEMENT],
    "grant show": ["grant", "show", GRANT],
    "overview": ["overview", "--year", "2024"],
    "decisions": ["decisions", AGREEMENT],
    "agreement list": ["agreement", "list"],
    "principal list": ["principal", "list"],
    "explain": ["explain", AGREEMENT],
    "compliance": ["report", "compliance", "--year", "2024", "--party", "06532", "--on", "2025-04-01"],
}


@pytest.mark.parametrize("columns", [80, 60])
@pytest.mark.parametrize("locale", ["en", "de"])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_whole_values_stay_whole(demo_original: Path, name: str, locale: str, columns: int) -> None:
    env = {"AQB_DATABASE_URL": f"sqlite://{demo_original}", "AQB_ACTOR": None, "AQB_LOCALE": None,
           "COLUMNS": str(columns)}
    runner = CliRunner()
    data = json.loads(runner.invoke(cli, [*COMMANDS[name], "--format", "json"], env=env).stdout)
    shown = runner.invoke(cli, ["--locale", locale, *COMMANDS[name]], env=env)
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert max(len(line) for line in lines) <= columns
    wanted = _whole_values(data, locale, SHOWN.get(name), HIDDEN.get(name, frozenset()))
    if name in ("trail", "status", "agreement show", "grant show", "overview"):
        assert len(wanted) > 5, wanted  # the check has something to check
    for value in sorted(wanted):
        pattern = re.compile(rf"(?<![\w.:-])(?<!\d,){re.escape(value)}(?![\w.-])(?!,\d)")
        assert any(pattern.search(line) for line in lines), f"{value!r} split at {columns} columns:\n{shown.stdout}"
