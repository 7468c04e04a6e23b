"""A PDF of the seed, and one of the 2019 two-budget agreement (their text layers), parse to the
same ParsedDocument as their texts.

What differs, and why the comparison leaves it out: only `warnings`. The PDF's text layer has
wrapped lines, no blank lines, double spaces from justified text and a footer "Seite n von 4" on
every page; the footers are removed with one `page-number-removed` warning each. Everything else,
the signature blocks' `raw` text included, is equal.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from collections.abc import Callable
from pathlib import Path

import pytest

from ledger.importer.model import ParsedDocument
from ledger.importer.parse import parse_document
from ledger.importer.read import read_source, seed_document_path

PDF = "zielvereinbarung-2024-lahn-dill-kreis.pdf"
TWO_BUDGETS = "zielvereinbarung-2019-wetteraukreis-two-budgets"


def without_warnings(document: ParsedDocument) -> ParsedDocument:
    return dataclasses.replace(document, warnings=())


def test_parses_the_seed_pdf_exactly_like_the_seed_text(
    seed_text: str, fixture_path: Callable[[str], Path]
) -> None:
    from_pdf = parse_document(read_source(fixture_path(PDF)).text)
    assert without_warnings(from_pdf) == parse_document(seed_text)


def test_reports_only_the_removed_page_footers_of_the_seed_pdf(fixture_path: Callable[[str], Path]) -> None:
    from_pdf = parse_document(read_source(fixture_path(PDF)).text)
    assert [w.code for w in from_pdf.warnings] == ["page-number-removed"] * 4
    assert "Seite 4 von 4" in from_pdf.warnings[-1].message


def test_parses_the_two_budget_pdf_exactly_like_its_text(fixture_path: Callable[[str], Path]) -> None:
    from_pdf = parse_document(read_source(fixture_path(f"{TWO_BUDGETS}.pdf")).text)
    from_text = parse_document(read_source(fixture_path(f"{TWO_BUDGETS}.txt")).text)
    assert without_warnings(from_pdf) == without_warnings(from_text)
    assert [(line.budget, line.raw) for line in from_pdf.lines] == [("AQB", "1.021.300 Euro"), ("AMB", "118.000,-- €")]
    assert [(s.side, s.organisation_code) for s in from_pdf.signatures] == [("ministry", "HMSI"), ("party", "06440")]
    assert from_pdf.importable


def test_the_two_budget_pdf_reports_only_layout_heuristics(fixture_path: Callable[[str], Path]) -> None:
    from_pdf = parse_document(read_source(fixture_path(f"{TWO_BUDGETS}.pdf")).text)
    assert {w.code for w in from_pdf.warnings} == {"page-number-removed", "letter-spacing-joined", "hyphenation-joined"}


@pytest.mark.parametrize(("text", "pdf"), [(None, PDF), (f"{TWO_BUDGETS}.txt", f"{TWO_BUDGETS}.pdf")])
def test_a_freshly_generated_pdf_parses_like_the_committed_one(
    text: str | None, pdf: str, fixture_path: Callable[[str], Path], tmp_path: Path
) -> None:
    pytest.importorskip("fpdf", reason="fpdf2 generates the PDF fixture; it is a dev dependency")
    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font.exists():
        pytest.skip("the DejaVuSans font is not installed")
    spec = importlib.util.spec_from_file_location("make_pdf", fixture_path("make_pdf.py"))
    assert spec is not None
    assert spec.loader is not None
    make_pdf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_pdf)

    path = tmp_path / "fresh.pdf"
    source = seed_document_path() if text is None else fixture_path(text)  # None: the seed
    path.write_bytes(make_pdf.build(source.read_text(encoding="utf-8")))
    fresh = parse_document(read_source(path).text)
    assert fresh == parse_document(read_source(fixture_path(pdf)).text)
