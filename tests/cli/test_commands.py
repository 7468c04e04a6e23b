"""Every command works as its help says, in table, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli.docs import walk
from cli.main import cli
from tests.cast import REGISTRY_SIZE
from tests.cli.conftest import AGREEMENT, Run, make_runner

FILE = "RPKS-57-AQB-2024-017"
RP = "k.becker@RPKS"
PARTY = "j.weber@06532"


def ok(result: object) -> str:
    assert getattr(result, "exit_code") == 0, getattr(result, "stderr")  # noqa: B009
    return str(getattr(result, "stdout"))  # noqa: B009


def all_commands() -> list[tuple[str, click.Command]]:
    return [(" ".join(path), command) for path, command in walk() if path]


@pytest.mark.parametrize(("name", "command"), all_commands())
def test_every_command_has_help_with_an_example(name: str, command: click.Command) -> None:
    if isinstance(command, click.Group):
        assert command.help, name
        return
    assert command.help and "Example:" in command.help, f"aqb {name} has no example"
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0 and "Example:" in result.stdout


def test_the_command_names_auditors_rely_on_exist() -> None:
    names = {n for n, _ in all_commands()}
    expected = {"db migrate", "agreement create", "agreement list", "agreement show", "trail", "demo", "decisions",
                "import", "explain", "assess new", "assess sign-off", "report compliance", "record participation"}
    expected |= {f"record {k}" for k in ("allocation", "project", "reallocation", "deviation", "decision",
                                          "signature", "meeting", "publication", "activity", "correction")}
    expected |= {f"grant {k}" for k in ("application", "notice", "amendment", "payment", "proof", "review",
                                         "refund")}
    assert expected <= names


def test_version() -> None:
    assert CliRunner().invoke(cli, ["--version"]).stdout.startswith("aqb, version ")


def test_agreement_list_and_show_in_every_format(seeded: Run) -> None:
    rows = json.loads(ok(seeded("--format", "json", "agreement", "list")))
    assert rows == [{"agreement": AGREEMENT, "year": 2024, "party": "06532", "name": "Lahn-Dill-Kreis",
                     "amount": "1185000.00", "projects": 2, "deviations": 0, "in_force_since": None}]
    table = list(csv.DictReader(io.StringIO(ok(seeded("agreement", "list", "--format", "csv")))))
    assert table[0]["amount"] == "1185000.00"
    shown = json.loads(ok(seeded("agreement", "show", AGREEMENT, "--format", "json")))
    assert shown["unallocated"] == "890000.00"
    assert [p["name"] for p in shown["projects"]] == ["Jump in", "Lernwerkstatt digital"]
    assert "Jump in" in ok(seeded("agreement", "show", AGREEMENT))


def test_record_every_agreement_event_and_see_it_in_the_trail(seeded: Run, tmp_path: Path) -> None:
    published = tmp_path / "zv.pdf"
    published.write_bytes(b"%PDF-1.4 signed copy")
    steps = [
        (None, ["record", "allocation", AGREEMENT, "--amount", "1.185.000", "--cash-year", "2024=985000",
                "--cash-year", "2025=200.000,00", "--effective", "2023-12-15", "--reason", "Mittelverteilung"]),
        (RP, ["record", "reallocation", AGREEMENT, "--from", "P1", "--to", "Lernwerkstatt digital",
              "--amount", "10000", "--approval", "HMSI-1", "--reason", "Umschichtung", "--effective", "2024-06-03"]),
        (PARTY, ["record", "deviation", AGREEMENT, "--kind", "places-shortfall", "--scope", "project",
                 "--ref", "Jump in", "--metric", "places", "--planned", "18", "--actual", "11", "--cause", "Personal",
                 "--effective", "2024-09-16"]),
        (None, ["record", "decision", AGREEMENT, "D1", "--decision", "approved-with-conditions", "--conditions",
                "Nachbesetzung", "--reason", "plausibel", "--document", "HMSI-2", "--effective", "2024-10-01"]),
        (None, ["record", "meeting", AGREEMENT, "--date", "22.10.2024", "--participant", "HMSI",
                "--discussed", "D1", "--action", "Bericht", "--minutes", "Protokoll"]),
        (None, ["record", "publication", AGREEMENT, "--url", "https://example.org/zv.pdf", "--date",
                "2024-08-15", "--file", str(published)]),
        (PARTY, ["record", "activity", AGREEMENT, "--kind", "survey", "--title", "Umfrage", "--date", "2024-11-01"]),
        (None, ["record", "correction", AGREEMENT, "--entry", "2", "--set", "planned_amount", "135000.00",
                "130000.00", "--reason", "Tippfehler", "--approver", "Referatsleitung"]),
    ]
    for actor, args in steps:
        ok(seeded(*args, actor=actor or "a.schneider@HMSI"))
    trail = json.loads(ok(seeded("--format", "json", "trail", AGREEMENT)))
    events = [r["event"] for r in trail]
    assert events[-8:] == ["allocation announced", "funds reallocated", "deviation reported", "deviation decided",
                           "implementation meeting held", "published", "§7 activity", "entry corrected"]
    assert trail[-1]["details"] == "corrects entry 2: planned_amount 135000.00 → 130000.00"
    assert trail[-1]["reason"] == "Tippfehler"
    assert trail[3]["details"].startswith("HMSI: Heike Hofmann, Staatsministerin, Wiesbaden, 2024-07-01")
    assert trail[4]["effective"] == "2023-12-15"
    assert trail[7]["document"] == "HMSI-2"
    shown = json.loads(ok(seeded("agreement", "show", AGREEMENT, "--format", "json")))
    assert [p["current"] for p in shown["projects"]] == ["120000.00", "170000.00"]
    assert shown["deviations"][0]["decision"] == "approved-with-conditions"


def test_trail_filters_by_type_actor_and_recorded_date(seeded: Run) -> None:
    ok(seeded("record", "deviation", AGREEMENT, "--kind", "other", "--cause", "c", actor=PARTY))
    only = json.loads(ok(seeded("--format", "json", "trail", AGREEMENT, "--type", "deviation")))
    assert [r["event"] for r in only] == ["deviation reported"]
    by_party = json.loads(ok(seeded("--format", "json", "trail", AGREEMENT, "--actor", "06532")))
    assert [r["actor"] for r in by_party] == [PARTY]
    by_login = json.loads(ok(seeded("--format", "json", "trail", AGREEMENT, "--actor", PARTY.partition("@")[0])))
    assert by_login == by_party  # the login alone names the actor too (it found nothing)
    assert json.loads(ok(seeded("--format", "json", "trail", AGREEMENT, "--until", "2020-01-01"))) == []
    rows = list(csv.DictReader(io.StringIO(ok(seeded("trail", AGREEMENT, "--format", "csv")))))
    assert rows[0]["position"] == str(REGISTRY_SIZE + 1)  # the registry's own events come first
    assert rows[0]["amount"] == "1185000.00"


def test_the_grant_lifecycle(seeded: Run) -> None:
    steps = [
        (PARTY, ["grant", "application", AGREEMENT, "--file-number", FILE, "--date", "2024-03-27", "--amount",
                 "1.185.000", "--plan", "QUAL=295000", "--reason", "Antrag"]),
        (RP, ["grant", "early-start", FILE, "--date", "2024-03-28", "--from", "2024-01-01"]),
        (RP, ["grant", "notice", FILE, "--date", "2024-05-14", "--amount", "1.000.000", "--period-start",
              "2024-01-01", "--period-end", "2025-12-31", "--cash-year", "2024=800000", "--cash-year", "2025=200000",
              "--condition", "ANBest-GK", "--final-due", "2026-06-30", "--reason", "Bescheid"]),
        (RP, ["grant", "payment", FILE, "--date", "2024-06-03", "--amount", "600000", "--reason", "Abruf 1"]),
        (RP, ["grant", "amendment", FILE, "--date", "2024-10-15", "--amount", "1.185.000", "--cash-year",
              "2024=1185000", "--reason", "Änderung"]),
        (RP, ["grant", "payment", FILE, "--date", "2024-11-03", "--amount", "585.000,00", "--reason", "Abruf 2"]),
        (PARTY, ["grant", "proof", FILE, "--kind", "final", "--date", "2026-05-30", "--income", "1.185.000",
                 "--expenses", "1.170.000"]),
        (RP, ["grant", "review", FILE, "--kind", "final", "--result", "accepted-with-findings", "--findings",
              "Minderausgaben", "--refund-due", "15000", "--reason", "Prüfvermerk", "--effective", "2026-07-10"]),
        (RP, ["grant", "refund", FILE, "--amount", "15000", "--date", "2026-09-30", "--reason", "Rückforderung",
              "--effective", "2026-08-01"]),
        (RP, ["grant", "refund", FILE, "--amount", "15000", "--received", "--date", "2026-09-20", "--reason",
              "Zahlungseingang"]),
        (RP, ["grant", "correction", FILE, "--entry", "4", "--set", "value_date", "2024-06-03", "2024-06-04",
              "--reason", "Valuta"]),
    ]
    for actor, args in steps:
        ok(seeded(*args, actor=actor))
    shown = json.loads(ok(seeded("grant", "show", FILE, "--format", "json")))
    assert {k: shown[k] for k in ("requested", "granted", "disbursed", "proven", "reclaimed", "refunded")} == {
        "requested": "1185000.00", "granted": "1185000.00", "disbursed": "1185000.00", "proven": "1170000.00",
        "reclaimed": "15000.00", "refunded": "15000.00"}
    grant_trail = json.loads(ok(seeded("--format", "json", "trail", FILE)))
    assert len(grant_trail) == 11
    agreement_trail = json.loads(ok(seeded("--format", "json", "trail", AGREEMENT)))
    assert {r["stream"] for r in agreement_trail} == {AGREEMENT, FILE}


def test_a_received_refund_needs_its_date(seeded: Run) -> None:
    result = seeded("grant", "refund", FILE, "--amount", "1", "--received", actor=RP)
    assert result.exit_code == 2
    assert "a received refund needs its value date" in result.stderr


def test_db_migrate_on_sqlite_and_postgres(bare_sqlite_url: str, pg_url: str) -> None:
    assert "no migration pending" in ok(make_runner(pg_url)("db", "migrate"))
    from ledger.persistence.migrations import MIGRATIONS, _nothing

    first = json.loads(ok(make_runner(bare_sqlite_url)("--format", "json", "db", "migrate")))
    assert first["applied"] == [m.name for m in MIGRATIONS if m.sqlite is not _nothing]  # SQLite's own steps
    again = json.loads(ok(make_runner(bare_sqlite_url)("--format", "json", "db", "migrate")))
    assert again["applied"] == []


def test_demo_writes_a_fresh_ledger_and_refuses_a_used_one(seeded: Run, tmp_path: Path) -> None:
    fresh = f"sqlite://{tmp_path / 'demo.sqlite3'}"
    output = ok(make_runner(fresh)("demo", actor=None))
    assert "Audit trail of AQB-2024-06532" in output and "Heike Hofmann" in output
    again = make_runner(fresh)("demo", actor=None)
    assert again.exit_code == 8
    assert again.stderr.startswith("error: the ledger at ")
    assert "already holds events (give an empty database" in again.stderr


def test_demo_on_postgres(bare_pg_url: str) -> None:
    rows = json.loads(ok(make_runner(bare_pg_url)("--format", "json", "demo", actor=None)))
    assert rows[0]["event"] == "agreement recorded"
    assert any(r["event"] == "implementation meeting held" for r in rows)
    assert {(r["actor"], r["login"], r["declared"]) for r in rows if r["event"] == "funds disbursed"} == {
        ("k.becker@RPKS", "k.becker", False)}


def test_participation_counts_show_per_project(seeded: Run) -> None:
    ok(seeded("record", "participation", AGREEMENT, "--project", "Jump in", "--from", "2024-01-01", "--to",
              "2024-12-31", "--entries", "12", "--exits", "3", "--outcome", "Arbeit aufgenommen", "4", actor=PARTY))
    shown = json.loads(ok(seeded("agreement", "show", AGREEMENT, "--format", "json")))
    assert next((p["name"], p["entries"], p["exits"]) for p in shown["projects"]) == ("Jump in", 12, 3)
    backwards = seeded("record", "participation", AGREEMENT, "--project", "P1", "--from", "2024-12-31", "--to",
                       "2024-01-01", "--entries", "1", actor=PARTY)
    assert (backwards.exit_code, backwards.stderr) == (
        5, "error: the period ends before it starts (check --from and --to)\n")


def test_decisions_say_whether_money_moved_before_the_decision(seeded: Run) -> None:
    ok(seeded("record", "deviation", AGREEMENT, "--kind", "underspend", "--scope", "project", "--ref", "P1",
              "--cause", "c", "--effective", "2024-09-01", actor=PARTY))
    ok(seeded("record", "reallocation", AGREEMENT, "--from", "P1", "--to", "P2", "--amount", "1000", "--reason",
              "vorab", "--approval", "HMSI 12", "--effective", "2024-09-02", actor=RP))
    ok(seeded("record", "decision", AGREEMENT, "D1", "--decision", "approved", "--reason", "ok", "--effective",
              "2024-09-10", "--document", "Schreiben 10.09."))
    rows = json.loads(ok(seeded("--format", "json", "decisions", AGREEMENT)))
    assert [r["item"] for r in rows] == ["reallocation", "D1"]  # as recorded
    d1 = rows[1]
    assert (d1["order"], d1["order_as_recorded"]) == ("money moved before the decision",) * 2
    assert d1["document"] == "Schreiben 10.09." and d1["decided"] == "2024-09-10"
    assert d1["late"].startswith("late: recorded ")  # a 2024 decision recorded today


def test_a_backdated_decision_shows_in_both_orders_and_a_revision_cannot_predate_it(seeded: Run) -> None:
    ok(seeded("record", "deviation", AGREEMENT, "--kind", "underspend", "--scope", "project", "--ref", "P1",
              "--cause", "c", "--effective", "2024-08-20", actor=PARTY))
    ok(seeded("record", "reallocation", AGREEMENT, "--from", "P1", "--to", "P2", "--amount", "1000", "--reason",
              "vorab", "--approval", "HMSI 12", "--effective", "2024-09-02", actor=RP))
    # recorded after the move, dated before it
    ok(seeded("record", "decision", AGREEMENT, "D1", "--decision", "approved", "--reason", "ok", "--effective",
              "2024-09-01"))
    rows = {r["item"]: r for r in json.loads(ok(seeded("--format", "json", "decisions", AGREEMENT)))}
    assert rows["D1"]["order"] == "decided before money moved"
    assert rows["D1"]["order_as_recorded"] == "money moved before the decision"
    before = len(json.loads(ok(seeded("--format", "json", "trail", AGREEMENT))))
    revised = seeded("record", "decision", AGREEMENT, "D1", "--decision", "approved-with-conditions", "--conditions",
                     "x", "--reason", "nachträglich", "--effective", "2024-08-25", "--revise")
    assert revised.exit_code == 5 and "before the decision it revises" in revised.stderr
    assert len(json.loads(ok(seeded("--format", "json", "trail", AGREEMENT)))) == before
    ok(seeded("record", "decision", AGREEMENT, "D1", "--decision", "approved-with-conditions", "--conditions",
              "x", "--reason", "nachträglich", "--effective", "2024-09-20", "--revise"))
    listed = json.loads(ok(seeded("--format", "json", "decisions", AGREEMENT, "--by", "effective")))
    d1 = [(r["revision"], r["decided"]) for r in listed if r["item"] == "D1"]
    assert d1 == [("1 of 2", "2024-09-01"), ("2 of 2 (revises 1)", "2024-09-20")]  # the first is never hidden


def test_trail_money_shows_every_money_stage_and_money_corrections(seeded: Run) -> None:
    ok(seeded("record", "deviation", AGREEMENT, "--kind", "other", "--cause", "c", actor=PARTY))
    ok(seeded("record", "correction", AGREEMENT, "--entry", "2", "--set", "planned_amount", "135000.00",
              "130000.00", "--reason", "Tippfehler"))
    ok(seeded("record", "correction", AGREEMENT, "--entry", "2", "--set", "name", "Jump in", "Jump In",
              "--reason", "Schreibweise"))
    rows = json.loads(ok(seeded("--format", "json", "trail", AGREEMENT, "--money")))
    assert [r["event"] for r in rows] == ["agreement recorded", "project planned", "project planned", "entry corrected"]
    assert rows[0]["amount"] == "1185000.00"
    assert rows[1]["corrected_by"] is not None
    assert rows[3]["facts"]["changes"] == [{"field": "planned_amount", "old": "135000.00", "new": "130000.00"}]


def test_projections_rebuild_keeps_the_same_status_and_run_needs_postgres(seeded: Run) -> None:
    before = json.loads(ok(seeded("--format", "json", "status", AGREEMENT)))
    ok(seeded("projections", "rebuild"))
    assert json.loads(ok(seeded("--format", "json", "status", AGREEMENT))) == before
    views = json.loads(ok(seeded("--format", "json", "projections", "status")))
    assert {v["view"]: v["lag"] for v in views} == {"audit": 0, "budget": 0, "lifecycle": 0}
    live = seeded("projections", "run")
    assert (live.exit_code, live.stderr) == (
        4, "error: live following needs PostgreSQL (on SQLite the views are brought up to date after each command)\n")


def test_projections_rebuild_on_postgres(bare_pg_url: str) -> None:
    run = make_runner(bare_pg_url)
    ok(run("demo", actor=None))
    before = json.loads(ok(run("--format", "json", "status", AGREEMENT)))
    ok(run("projections", "rebuild", "budget"))
    assert json.loads(ok(run("--format", "json", "status", AGREEMENT))) == before


def test_the_live_runner_stops_on_sigterm_as_on_ctrl_c(bare_pg_url: str) -> None:
    """A service manager stops `aqb projections run` with SIGTERM: it ends like Ctrl-C, exit 0 and
    nothing on stderr after its first line (it was killed where it stood)."""
    aqb = str(Path(sys.executable).with_name("aqb"))
    environment = {**os.environ, "AQB_DATABASE_URL": bare_pg_url}
    with subprocess.Popen([aqb, "projections", "run"], env=environment, stderr=subprocess.PIPE,
                          stdout=subprocess.DEVNULL, text=True) as process:
        assert process.stderr is not None
        first = process.stderr.readline()
        assert first.startswith("Following "), first + process.stderr.read()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        assert process.stderr.read() == ""


def test_an_sqlite_ledger_in_a_folder_whose_name_means_something_in_a_uri(tmp_path: Path) -> None:
    """`#`, `?`, `%` and spaces in the path: the ledger opens read-only for verify and for the
    check after every read, as it opens for writing (the read-only URI is percent-encoded)."""
    for slashes in ("//", "///"):  # sqlite:///tmp/… and sqlite:////tmp/… name the same file
        folder = tmp_path / slashes.replace("/", "s") / "Prüfung #3 ?a=b %20 x"
        folder.mkdir(parents=True)
        invoke = make_runner(f"sqlite:{slashes}{folder}/ledger.sqlite3")
        made = invoke("demo", actor=None)
        assert made.exit_code == 0, made.stderr
        shown = invoke("--format", "json", "status", AGREEMENT, actor=None)
        assert shown.exit_code == 0, shown.stderr
        assert json.loads(shown.stdout)["agreement"] == AGREEMENT
        checked = invoke("verify", actor=None)
        assert checked.exit_code == 0, checked.stderr
