"""The HTML and PDF dossiers of status, trail, explain and report compliance, made from the demo
ledger: a header that says what the report stands on, and pictures drawn from the data the
table shows."""

from __future__ import annotations

import html
import json
import re
import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.cli.conftest import AGREEMENT, Run, make_runner

DOSSIERS = {
    "status": ["status", AGREEMENT],
    "trail": ["trail", AGREEMENT],
    "explain": ["explain", f"{AGREEMENT}/A1"],
    "compliance": ["report", "compliance", "--year", "2024", "--party", "06532", "--on", "2025-04-01"],
    "matrix": ["report", "compliance", "--year", "2024", "--on", "2025-04-01"],
}


def header(page: str) -> dict[str, str]:
    """The header's rows: name → text."""
    block = page.split("</header>", maxsplit=1)[0]
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td[^>]*>(.*?)</td>', block, re.DOTALL)
    return {name: html.unescape(re.sub(r"<[^>]+>", "", value)).strip() for name, value in rows}


def dossier(run: Run, tmp_path: Path, name: str, fmt: str = "html", *options: str, actor: str | None = None) -> Path:
    target = tmp_path / f"{name}.{fmt}"
    result = run(*DOSSIERS[name], "--format", fmt, "--output", str(target), *options, actor=actor)
    assert (result.exit_code, result.stdout) == (0, ""), result.stderr
    return target


@pytest.mark.parametrize("name", list(DOSSIERS))
def test_the_header_says_what_the_dossier_stands_on(demo: Run, tmp_path: Path, name: str) -> None:
    verified = json.loads(demo("verify", "--format", "json").stdout)
    shown = header(dossier(demo, tmp_path, name, actor="a.schneider@HMSI").read_text(encoding="utf-8"))
    assert shown["Ledger"] == f"sqlite:///{tmp_path.relative_to('/')}/demo.sqlite3"
    assert shown["Stands at"] == f"position {verified['head_position']}"
    assert shown["Chain link"] == verified["head_hash"]
    assert shown["Chain"] == f"✔ verified: chain verified from position 1 to {verified['head_position']} (39 events)"
    assert shown["Produced by"] == "a.schneider@HMSI (declared, not authenticated) with aqb 0.1.0"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC", shown["Produced at"])


def test_without_an_actor_the_operating_system_user_produced_it(demo: Run, tmp_path: Path) -> None:
    import getpass

    shown = header(dossier(demo, tmp_path, "status").read_text(encoding="utf-8"))
    assert shown["Produced by"] == f"{getpass.getuser()} (operating-system user; no --actor given) with aqb 0.1.0"


def test_a_changed_row_shows_in_the_header(demo: Run, tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "demo.sqlite3") as conn:
        for (trigger,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            conn.execute(f"DROP TRIGGER {trigger}")
        conn.execute("UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), 'Mittelabruf 2/2024', "
                     "'Mittelabruf 9/2024') AS BLOB) WHERE rowid = 30")
    target = tmp_path / "status.html"
    result = demo("status", AGREEMENT, "--format", "html", "--output", str(target))
    assert result.exit_code == 10  # written, and then the read says the ledger is not intact
    assert result.stderr.startswith("error: the ledger is not intact: the row at position 30 ")
    shown = header(target.read_text(encoding="utf-8"))
    assert shown["Chain"].startswith("✘ NOT verified: changed-row at position 30: ")


def test_the_money_stages_are_the_status_tables_figures(demo: Run, tmp_path: Path) -> None:
    status = json.loads(demo("status", AGREEMENT, "--format", "json").stdout)
    total = next(r for r in status["stages"] if r["line"] == "total" and r["cash_year"] == 0)
    page = dossier(demo, tmp_path, "status").read_text(encoding="utf-8")
    drawn = dict(re.findall(r'data-stage="(\w+)" data-amount="([\d.]+)"', page))
    assert drawn == {stage: amount for stage, amount in total.items()
                     if stage not in ("agreement_id", "line", "cash_year") and amount}
    assert re.findall(r'class="bar missing" data-stage="(\w+)"', page) == ["proven", "reclaimed", "refunded"]


def test_the_timeline_has_every_event_of_the_trail(demo: Run, tmp_path: Path) -> None:
    trail = json.loads(demo("trail", AGREEMENT, "--format", "json").stdout)
    page = dossier(demo, tmp_path, "trail").read_text(encoding="utf-8")
    dots = [int(p) for p in re.findall(r'class="entry(?: late)?" data-position="(\d+)"', page)]
    assert dots == [r["position"] for r in trail]
    assert page.count("<tr>") >= len(trail)  # and the trail itself, one row per event


def test_the_heat_map_has_the_matrix_statuses(demo: Run, tmp_path: Path) -> None:
    rows = demo("report", "compliance", "--year", "2024", "--on", "2025-04-01", "--format", "csv").stdout.splitlines()
    page = dossier(demo, tmp_path, "matrix").read_text(encoding="utf-8")
    cells = re.findall(r'class="cell" data-status="([^"]+)"', page)
    assert len(cells) == 26 * 9
    assert sorted(cells) == sorted(line.split(",")[3] if "no agreement" not in line else "no agreement"
                                   for line in rows[1:] for _ in range(1 if "no agreement" not in line else 9))


def test_german_numbers_and_dates_in_a_dossier(demo: Run, tmp_path: Path) -> None:
    page = dossier(demo, tmp_path, "explain", "html", "--locale", "de").read_text(encoding="utf-8")
    assert "1.185.000,00" in page and "20.08.2024" in page
    assert not re.search(r"class=\"num\">\d{1,3}(,\d{3})*\.\d{2}<", page)  # event texts quote as written


@pytest.mark.parametrize("name", list(DOSSIERS))
def test_each_dossier_is_a_pdf(demo: Run, tmp_path: Path, name: str) -> None:
    pdf = PdfReader(dossier(demo, tmp_path, name, "pdf"))
    assert len(pdf.pages) >= 1
    assert "Chain link" in pdf.pages[0].extract_text()


def test_a_postgresql_dossier_names_no_password(bare_pg_url: str, tmp_path: Path) -> None:
    with_password = bare_pg_url.replace("postgres@", "postgres:s3cr3t-password@", 1)
    run = make_runner(with_password)
    assert run("demo", actor=None).exit_code == 0
    target = tmp_path / "status.html"
    result = run("status", AGREEMENT, "--format", "html", "--output", str(target), actor=None)
    assert result.exit_code == 0, result.stderr
    page = target.read_text(encoding="utf-8")
    assert "s3cr3t" not in page
    shown = header(page)
    assert shown["Ledger"].startswith("postgresql://postgres@") and "(schema t_" in shown["Ledger"]
    assert shown["Produced by"] == "postgres (PostgreSQL login) with aqb 0.1.0"
