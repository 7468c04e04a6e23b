"""Bad input: one line on stderr saying what was wrong and what to do, a documented exit code,
and nothing written."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import AGREEMENT, Run


def head(run: Run) -> int:
    trail = json.loads(run("--format", "json", "trail", AGREEMENT).stdout)
    return max(r["position"] for r in trail)


def test_a_write_without_actor_is_refused_before_anything_is_opened(run: Run) -> None:
    result = run("agreement", "create", "--year", "2024", "--party", "06532", "--amount", "1", actor=None)
    assert result.exit_code == 6
    assert result.stderr == ("error: this command writes to the ledger and needs an actor "
                             "(give --actor NAME@ORG (or set AQB_ACTOR), e.g. --actor m.weber@HMSI)\n")


def test_an_actor_who_is_no_registered_principal_is_refused(run: Run) -> None:
    result = run("agreement", "create", "--year", "2024", "--party", "06532", "--amount", "1", actor="mweber")
    assert result.exit_code == 6
    assert result.stderr == ("error: mweber is not a registered principal of this ledger (an administrator "
                             "registers it with 'aqb principal register'; a new ledger starts with "
                             "'aqb principal bootstrap')\n")


def test_an_actor_that_is_no_login_is_refused(run: Run) -> None:
    result = run("agreement", "create", "--year", "2024", "--party", "06532", "--amount", "1", actor="M Weber")
    assert result.exit_code == 4
    assert result.stderr.startswith("error: invalid actor 'M Weber': expected a login")


def test_an_actor_registered_elsewhere_is_refused(run: Run) -> None:
    result = run("agreement", "create", "--year", "2024", "--party", "06532", "--amount", "1",
                 actor="a.schneider@06532")
    assert (result.exit_code, result.stderr) == (
        6, "error: a.schneider is registered for HMSI, not 06532 (name the principal as a.schneider or "
           "a.schneider@HMSI)\n")


def test_an_ambiguous_amount_is_refused(seeded: Run) -> None:
    before = head(seeded)
    result = seeded("record", "allocation", AGREEMENT, "--amount", "1.185", "--reason", "x")
    assert result.exit_code == 4
    assert result.stderr == ("error: invalid amount '1.185': ambiguous, the dot could separate thousands or "
                             "decimals (give --amount as 1185000.00 or 1.185.000,00)\n")
    assert head(seeded) == before


def test_a_malformed_date_is_refused(seeded: Run) -> None:
    result = seeded("record", "meeting", AGREEMENT, "--date", "31.02.2024")
    assert (result.exit_code, result.stderr) == (
        4, "error: invalid date '31.02.2024' (give a date as 2024-07-10 or 10.07.2024)\n")


def test_an_unknown_agreement_is_named_with_the_ledger_it_was_looked_for_in(run: Run, sqlite_url: str) -> None:
    result = run("record", "meeting", "AQB-2024-06533", "--date", "2024-10-22")
    assert (result.exit_code, result.stderr) == (
        3, f"error: no agreement 'AQB-2024-06533' in the ledger {sqlite_url} "
           "(list the agreements with 'aqb agreement list')\n")


def test_an_invalid_agreement_id_is_explained(run: Run) -> None:
    result = run("agreement", "show", "AQB-2024-99999")
    assert result.exit_code == 4
    assert result.stderr.startswith("error: invalid agreement id 'AQB-2024-99999' (write AQB-<year 2000–2100>-<AGS")


def test_a_reallocation_larger_than_its_source_writes_nothing(seeded: Run) -> None:
    before = head(seeded)
    result = seeded("record", "reallocation", AGREEMENT, "--from", "Jump in", "--to", "P2", "--amount",
                    "135.000,01", "--reason", "x", "--approval", "HMSI 3", actor="k.becker@RPKS")
    assert result.exit_code == 5
    assert result.stderr == ("error: cannot move 135,000.01 EUR from P1: it holds 135,000.00 EUR "
                             "(move at most what the source holds)\n")
    assert head(seeded) == before


def test_a_second_signature_by_the_same_party_is_refused(seeded: Run) -> None:
    before = head(seeded)
    result = seeded("record", "signature", AGREEMENT, "--party", "hmsi", "--signatory", "X", "--function", "Y")
    assert (result.exit_code, result.stderr) == (5, (
        "error: HMSI has already signed AQB-2024-06532 (each party signs an agreement version once; "
        "correct the entry if it was wrong)\n"))
    assert head(seeded) == before


def test_a_party_cannot_decide_its_own_deviation(seeded: Run) -> None:
    assert seeded("record", "deviation", AGREEMENT, "--kind", "underspend", "--cause", "c",
                  actor="j.weber@06532").exit_code == 0
    result = seeded("record", "decision", AGREEMENT, "D1", "--decision", "approved", "--reason", "r",
                    actor="j.weber@06532")
    assert result.exit_code == 6
    assert result.stderr.startswith("error: j.weber@06532 may not record a decision on a deviation")


def test_an_unreachable_database_is_reported_with_what_to_do(run: Run) -> None:
    from click.testing import CliRunner

    from cli.main import cli

    result = CliRunner().invoke(cli, ["--database", "postgresql://postgres@127.0.0.1:1/x", "agreement", "list"])
    assert result.exit_code == 8
    assert result.stderr.startswith("error: cannot reach PostgreSQL at postgresql://postgres@127.0.0.1:1/x")
    assert result.stderr.endswith("(start the server (docker compose up -d) or fix --database / AQB_DATABASE_URL)\n")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("url", ["mysql://x/y", "postgresql://host:5432/db?nonsense=1", "sqlite://relative.db"])
def test_an_invalid_database_url_is_refused(url: str) -> None:
    from click.testing import CliRunner

    from cli.main import cli

    result = CliRunner().invoke(cli, ["--database", url, "agreement", "list"])
    assert result.exit_code == 4
    assert result.stderr.startswith("error: invalid database URL")


def test_an_unexpected_error_is_one_line_without_traceback(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from ledger.app.core import LedgerCore

    def boom(*_: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(LedgerCore, "agreements", boom)
    result = run("agreement", "list")
    assert result.exit_code == 1
    assert result.stderr == ("internal error: ZeroDivisionError: boom (nothing was written; rerun with --debug "
                             "for the traceback and report it)\n")


@pytest.mark.parametrize("command", [("report", "compliance"), ("report", "late")])
@pytest.mark.parametrize("party", ["9", "99999", "", "x", "0653\u0662", "06532\x1b[2J"])
def test_a_report_for_a_party_that_is_none_of_the_26_is_refused(run: Run, command: tuple[str, ...],
                                                                 party: str) -> None:
    """Before, an unknown AGS gave an empty late report and a crash of the compliance report."""
    result = run(*command, "--year", "2024", "--party", party)
    assert result.exit_code == 4, result.stderr
    assert result.stderr.startswith("error: invalid party '") and result.stderr.count("\n") == 1
    assert "not the AGS of one of the 26 parties" in result.stderr and "\x1b" not in result.stderr


@pytest.mark.parametrize("command", [("report", "compliance"), ("report", "late")])
def test_a_report_for_a_party_without_an_agreement_that_year_says_so(run: Run, command: tuple[str, ...]) -> None:
    result = run("--format", "json", *command, "--year", "2024", "--party", " 06611 ")
    assert result.exit_code == 0, result.stderr
    assert "06532" not in result.stdout


def test_a_position_past_the_head_is_refused_not_shown_as_a_state(seeded: Run) -> None:
    last = head(seeded)
    result = seeded("status", AGREEMENT, "--at", str(last + 1))
    assert result.exit_code == 4
    assert result.stderr == (f"error: position {last + 1:,} is not in the ledger (its head is at {last:,}) "
                             "(give --at a position up to the head)\n")
    assert seeded("status", AGREEMENT, "--at", str(last)).exit_code == 0


@pytest.mark.parametrize(("lines", "message"), [
    (["--line", "FOO=6"], "error: unknown budget 'FOO' (a §4 line is one of AQB, AMB, TZA, SPRACH)"),
    (["--line", "AQB=5", "--line", "aqb=6"], "error: two § 4 lines for AQB (give each budget once:"),
    (["--amount", "5", "--line", "AQB=6"], "error: two § 4 lines for AQB"),
    (["--amount", "1 2 3,4 5"], "error: invalid amount '1 2 3,4 5': a space only separates groups of three digits"),
])
def test_a_budget_line_that_is_unknown_given_twice_or_misspaced_is_refused_in_one_line(
        run: Run, lines: list[str], message: str) -> None:
    result = run("agreement", "create", "--year", "2026", "--party", "06532", *lines, "--reason", "ZV")
    assert result.exit_code == 4, result.output
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert run("--format", "json", "agreement", "show", "AQB-2026-06532").exit_code == 3  # nothing recorded


@pytest.mark.parametrize("args", [
    ["record", "allocation", AGREEMENT, "--amount", "5", "--amount", "6", "--reason", "r"],
    ["record", "allocation", AGREEMENT, "--amount=5", "--reason", "r", "--amount", "6"],
    ["record", "allocation", AGREEMENT, "--amount", "5", "--reason", "r", "--reason", "s"],
    ["--format", "json", "--format", "csv", "agreement", "list"],
])
def test_an_option_that_takes_one_value_given_twice_is_refused_before_anything_runs(seeded: Run,
                                                                                   args: list[str]) -> None:
    before = head(seeded)
    result = seeded(*args)
    assert result.exit_code == 2, result.output
    assert "twice: the option takes one value, give it once" in result.stderr
    assert result.stderr.count("\n") == 1
    assert head(seeded) == before


def test_a_value_that_looks_like_an_option_is_still_a_value(seeded: Run) -> None:
    result = seeded("record", "allocation", AGREEMENT, "--amount", "5", "--cash-year", "2024=5", "--reason",
                    "--amount")
    assert result.exit_code == 0, result.stderr
    trail = json.loads(seeded("--format", "json", "trail", AGREEMENT).stdout)
    assert trail[-1]["reason"] == "--amount"


def test_a_project_named_by_an_id_is_that_project_never_a_new_one_named_so(seeded: Run) -> None:
    before = head(seeded)
    unknown = seeded("record", "project", AGREEMENT, "--name", "P7", "--category", "QUAL", "--amount", "1000",
                     "--reason", "Plan")
    assert unknown.exit_code == 4, unknown.output
    assert unknown.stderr.startswith(f"error: {AGREEMENT} has no project P7 (name a new project by its name")
    listed = seeded("record", "project", AGREEMENT, "--name", "p1", "--category", "QUAL", "--amount", "1000",
                    "--reason", "Plan")
    assert listed.exit_code == 5 and "project 'Jump in' is already planned as P1" in listed.stderr
    assert head(seeded) == before


@pytest.mark.parametrize(("address", "words"), [
    ("https://user:geheim@arbeitswelt.hessen.de/zv.pdf", "an address without a user name or password"),
    ("https://arbeitswelt.hessen.de:99999/zv.pdf", "a port up to 65535"),
])
def test_a_published_address_with_a_password_or_an_impossible_port_is_refused(seeded: Run, address: str,
                                                                              words: str) -> None:
    before = head(seeded)
    result = seeded("record", "publication", AGREEMENT, "--url", address, "--date", "2024-08-01")
    assert result.exit_code == 4, result.output
    assert words in result.stderr and result.stderr.count("\n") == 1
    assert head(seeded) == before
