"""Dossiers as self-contained HTML: escaped, localised, with our own SVG charts; and their PDF."""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from cli import render
from cli.output.document import ledger_label, object_document
from cli.output.files import document_bytes
from cli.output.html import render_html
from tests.output import samples

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069]")


@pytest.mark.parametrize("kind", list(samples.KINDS))
def test_html_is_self_contained_and_escaped(kind: str) -> None:
    page = render_html(samples.KINDS[kind](), locale="de")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"<(script|link|iframe|img|object)\b", page)
    assert not re.search(r"\b(src|href)\s*=", page)
    assert not RAW.search(page)
    assert "secret" not in page and "postgresql://aqb@127.0.0.1:5432/aqb" in page
    assert "&#10004; verified: chain verified from position 1 to 34 (34 events)" in page


def test_user_text_is_escaped_everywhere_it_appears() -> None:
    page = render_html(samples.budget())
    assert "<script>alert(1)</script>" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 1
    assert "&lt;U+202E&gt;Kreis&lt;U+202C&gt;" in page and "&lt;U+001B&gt;[31m" in page
    timeline = render_html(samples.timeline())
    assert timeline.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 1  # in the SVG tooltip
    assert "<script>" not in timeline


def test_money_stages_chart() -> None:
    page = render_html(samples.budget(), locale="de")
    stages = re.findall(r'<g class="bar( missing)?" data-stage="(\w+)"', page)
    assert [s for _, s in stages] == ["announced", "agreed", "requested", "granted", "amended", "paid", "proven",
                                      "reclaimed"]
    assert [s for missing, s in stages if missing] == ["proven", "reclaimed"]
    assert "1.185.000,00 EUR" in page and "900.000,00 EUR" in page
    widths = [Decimal(w) for w in re.findall(r'<rect x="110" y="\d+" width="([\d.]+)"', page)]
    assert widths[0] == 460 and widths[5] == Decimal("349.4")  # 900,000 / 1,185,000 of the span


def test_timeline_marks_late_entries() -> None:
    page = render_html(samples.timeline(), locale="de")
    late = re.findall(r'<g class="entry late" data-position="(\d+)"', page)
    assert late == ["4", "9"]
    assert len(re.findall(r'<g class="entry( late)?"', page)) == 12
    assert "late: &gt; 30 days (2)" in page and "15.12.2023" in page


def test_matrix_has_every_party_and_obligation() -> None:
    page = render_html(samples.compliance())
    statuses = re.findall(r'<g class="cell" data-status="([^"]+)"', page)
    assert len(statuses) == 26 * 9
    assert statuses.count("no agreement") == 9
    assert {"PASS", "FAIL", "PENDING", "N/A"} <= set(statuses)
    assert "06432 Landkreis Darmstadt-Dieburg" in page


def test_an_object_becomes_blocks_and_tables() -> None:
    status = {"agreement": "AQB-2024-06532", "position": 34, "summary": {"agreed": Decimal("1185000.00")},
              "stages": [{"line": "AQB", "announced": Decimal("985000.00")}]}
    document = object_document(status, "Status of AQB-2024-06532")
    page = render_html(document, locale="de")
    assert "<h2>stages</h2>" in page and "985.000,00" in page and "<h2>summary</h2>" in page


def test_files_are_written_where_the_command_says(tmp_path: Path) -> None:
    rows = [{"agreement": "AQB-2024-06532", "amount": Decimal("1185000.00")}]
    render.emit_table(rows, ["agreement", "amount"], "html", title="Agreements", output=tmp_path / "a.html",
                      locale="de")
    assert "1.185.000,00" in (tmp_path / "a.html").read_text(encoding="utf-8")
    render.emit_object({"agreement": "AQB-2024-06532"}, "pdf", None, title="Agreement", output=tmp_path / "a.pdf")
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF-")
    assert not list(tmp_path.glob(".*.part"))


def test_pdf_pages_are_a4_and_hold_the_figures(tmp_path: Path) -> None:
    budget = PdfReader(_write(tmp_path / "b.pdf", document_bytes("pdf", samples.budget(), locale="de")))
    first = budget.pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (595, 842)
    assert "1.185.000,00" in first.extract_text()
    matrix = PdfReader(_write(tmp_path / "m.pdf", document_bytes("pdf", samples.compliance())))
    assert float(matrix.pages[0].mediabox.width) > float(matrix.pages[0].mediabox.height)  # landscape


def test_ledger_label_drops_passwords() -> None:
    assert ledger_label("postgresql://aqb:s3cr3t@db:5432/aqb?schema=x") == "postgresql://aqb@db:5432/aqb"
    assert ledger_label("sqlite:///home/me/aqb.sqlite3") == "sqlite:///home/me/aqb.sqlite3"


def test_heavy_libraries_load_only_when_a_file_format_is_asked_for() -> None:
    probe = ("import sys, cli.main; "
             "print(sorted(m for m in ('jinja2', 'weasyprint', 'xlsxwriter', 'openpyxl') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
