"""As of a recorded date, at a position, by an effective date: what `aqb status` answers."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from ledger.application import Meta
from ledger.demo import AGREEMENT, GRANT, play_year
from ledger.domain.clocks import Clock
from ledger.domain.errors import NotFoundError
from ledger.domain.grant import Grant
from projections.queries import status_now, status_then
from tests.cast import REGISTRY_SIZE, Acting
from tests.cli.conftest import make_runner
from tests.projections.scenario import PARTY, meta


def _deviations(status) -> list[str]:
    return [d["deviation_id"] for d in status.tables["aqb_view_budget_deviations"]]


def test_a_status_as_of_a_date_before_a_deviation_was_recorded_does_not_contain_it(db_url: str) -> None:
    ledger = Acting(db_url)
    try:
        play_year(ledger)
        before = datetime.now(UTC)
        # recorded now, effective on 3 March 2024 (long before it was recorded)
        ledger.report_deviation(meta(PARTY, 2), AGREEMENT, "other", "nachgemeldet")
        assert "D3" in _deviations(status_now(ledger, AGREEMENT))
        known_before = _deviations(status_then(ledger, AGREEMENT, Clock(before=before)))
        assert known_before == ["D1", "D2"]
        yesterday = datetime.now().date() - timedelta(days=1)
        with pytest.raises(NotFoundError, match="did not exist yet under this clock"):
            status_then(ledger, AGREEMENT, Clock(known_on=yesterday))  # the ledger knew nothing of it yet
        assert "D3" in _deviations(status_then(ledger, AGREEMENT, Clock(on=date(2024, 3, 31))))
        assert "D1" not in _deviations(status_then(ledger, AGREEMENT, Clock(on=date(2024, 3, 31))))
    finally:
        ledger.close()


def test_a_status_at_a_position_holds_what_was_recorded_up_to_it(db_url: str) -> None:
    ledger = Acting(db_url)
    try:
        play_year(ledger)
        at = status_then(ledger, AGREEMENT, Clock(at=REGISTRY_SIZE + 5))
        assert at.position == REGISTRY_SIZE + 5
        lines = {(r["line"], r["cash_year"]): r for r in at.tables["aqb_view_budget_lines"]}
        assert lines[("total", 0)]["disbursed"] is None
    finally:
        ledger.close()


def test_aqb_status_and_overview_show_the_demo_numbers(bare_sqlite_url: str) -> None:
    run = make_runner(bare_sqlite_url)
    assert run("demo", "--format", "json").exit_code == 0
    status = run("status", AGREEMENT, "--format", "json")
    assert status.exit_code == 0, status.stderr
    assert '"disbursed": "900000.00"' in status.stdout
    overview = run("overview", "--year", "2024")
    assert "1,185,000.00" in overview.stdout and "Lahn-Dill-Kreis" in overview.stdout
    found = re.search(r"now, from the view tables \(at the ledger head\); stands at position (\d+), ledger head (\d+)",
                      overview.stdout)
    assert found and found.group(1) == found.group(2)
    then = run("status", AGREEMENT, "--effective", "2024-06-30")
    assert "what had happened by 2024-06-30 (effective dates)" in then.stdout


def test_a_write_brings_the_views_up_to_date_before_the_command_returns(sqlite_url: str) -> None:
    run = make_runner(sqlite_url)
    assert run("agreement", "create", "--year", "2024", "--party", "06532", "--amount", "1000",
               "--reason", "ZV").exit_code == 0
    result = run("projections", "status", "--format", "json")
    assert '"lag": 0' in result.stdout and f'"position": {REGISTRY_SIZE + 1}' in result.stdout


def test_a_payment_whose_value_date_a_correction_moved_happened_on_the_corrected_day(db_url: str) -> None:
    """By effective dates with every correction known now: the act took place on its corrected
    day, whether the correction moves it later (out of the day before) or earlier (into it)."""
    def disbursed(day: date) -> Decimal:
        lines = status_then(ledger, AGREEMENT, Clock(on=day)).tables["aqb_view_budget_lines"]
        return next(r["disbursed"] or Decimal(0) for r in lines if (r["line"], r["cash_year"]) == ("total", 0))

    ledger = Acting(db_url)
    try:
        play_year(ledger)
        third = next(e.event for e in ledger.entries([GRANT]) if isinstance(e.event, Grant.FundsDisbursed)
                     and e.event.value_date == date(2024, 11, 4))  # the demo's third call, 150,000
        assert disbursed(date(2024, 11, 4)) - disbursed(date(2024, 11, 3)) == Decimal("150000.00")
        ledger.correct_grant(Meta("k.becker@RPKS", reason="Valuta falsch erfasst"), GRANT, third.originator_version,
                             [("value_date", "2024-11-04", "2024-11-06")], approver="k.schmidt")
        assert disbursed(date(2024, 11, 5)) == disbursed(date(2024, 11, 3))  # not yet paid on the 5th
        assert disbursed(date(2024, 11, 6)) - disbursed(date(2024, 11, 5)) == Decimal("150000.00")
        ledger.correct_grant(Meta("k.becker@RPKS", reason="doch früher"), GRANT, third.originator_version,
                             [("value_date", "2024-11-06", "2024-11-01")], approver="k.schmidt")
        assert disbursed(date(2024, 11, 1)) - disbursed(date(2024, 10, 31)) == Decimal("150000.00")
    finally:
        ledger.close()
