"""`aqb status --on DAY` before the agreement itself took effect: the allocation announced before
it is shown, and the status says that its § 4 and § 5 are those agreed later."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_assessment_cli import ID, demo_runner


def test_status_on_a_day_before_the_agreement_took_effect_says_so(tmp_path: Path) -> None:
    run = demo_runner(tmp_path)
    recorded = next(r for r in json.loads(run("--format", "json", "trail", ID).stdout)
                    if r["event"] == "agreement recorded")
    before = json.loads(run("--format", "json", "status", ID, "--on", "2024-01-15").stdout)
    assert before["agreement_in_effect_from"] == recorded["effective"] == "2024-07-10"
    assert "took effect on 2024-07-10, after this day" in before["note"]
    table = run("status", ID, "--on", "2024-01-15").stdout
    assert "took effect on 2024-07-10, after this day" in " ".join(table.split())
    after = json.loads(run("--format", "json", "status", ID, "--on", "2024-08-01").stdout)
    assert (after["agreement_in_effect_from"], after["note"]) == (None, None)


def test_status_under_a_clock_before_anything_was_recorded_is_refused(tmp_path: Path) -> None:
    """It printed empty tables with exit 0, while the compliance report said 'no agreement'."""
    run = demo_runner(tmp_path)
    for clock in (("--as-known-on", "2020-01-01"), ("--on", "2020-01-01"), ("--at", "1")):
        result = run("status", ID, *clock)
        assert result.exit_code == 3, (clock, result.output)
        assert result.stderr.startswith(f"error: {ID} did not exist yet under this clock ("), result.stderr
