"""`aqb trail` shows each event's chain link and keeps a corrected entry visible, marked."""

from __future__ import annotations

import json

from tests.cli.conftest import AGREEMENT, Run


def test_the_trail_shows_links_and_marks_a_corrected_entry_without_hiding_it(seeded: Run) -> None:
    result = seeded("record", "correction", AGREEMENT, "--entry", "2", "--set", "planned_amount", "135000.00",
                    "130000.00", "--reason", "Tippfehler", "--approver", "Referatsleitung")
    assert result.exit_code == 0, result.stderr
    trail = json.loads(seeded("--format", "json", "trail", AGREEMENT).stdout)
    corrected = next(r for r in trail if r["stream"] == AGREEMENT and r["entry"] == 2)
    correction = trail[-1]
    assert all(len(r["chain"]) == 12 for r in trail)
    assert correction["corrects"] == f"{AGREEMENT}#2"
    assert corrected["corrected_by"] == str(correction["position"])
    table = seeded("trail", AGREEMENT).stdout
    assert f"⚑ CORRECTED by pos {correction['position']}" in table and f"⛓ {trail[0]['chain']}" in table
