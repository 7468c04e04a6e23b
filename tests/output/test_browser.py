"""Each dossier in a real browser (Debian's headless Chromium) and its PDF as pictures (poppler).

Screenshots and page images go to $AQB_SCREENSHOTS when set (to look at them), else to a
temporary directory. A missing browser or poppler fails the test and names the package."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from cli.output.document import Chart
from cli.output.files import document_bytes
from tests.output import samples
from tests.output.browser import Browser, binary, inked

SVG_SIZES = ("JSON.stringify([...document.querySelectorAll('svg.chart')].map(s => {"
             "const r = s.getBoundingClientRect(); return [s.id, Math.round(r.width), Math.round(r.height)]; }))")
PAGES = {"budget": (1, 3), "timeline": (1, 2), "compliance": (2, 6)}


def _read(browser: Browser, page_path: Path) -> tuple[list[str], list[list[object]]]:
    page = browser.open()
    page.goto(page_path.as_uri())
    return page.errors, json.loads(page.evaluate(SVG_SIZES))


@pytest.mark.parametrize("kind", list(samples.KINDS))
def test_each_dossier_renders_in_chromium_without_errors(kind: str, browser: Browser, shots: Path) -> None:
    document = samples.KINDS[kind]()
    html = shots / f"{kind}.html"
    html.write_bytes(document_bytes("html", document, locale="de"))
    page = browser.open()
    page.goto(html.as_uri())
    charts = json.loads(page.evaluate(SVG_SIZES))
    shot = page.screenshot(shots / f"{kind}.png")
    assert page.errors == []
    assert len(charts) == sum(isinstance(s, Chart) for s in document.sections) == 1
    (_, width, height), = charts
    assert 400 <= width <= 1100 and 150 <= height <= 1000, charts
    image = Image.open(shot)
    assert image.width == 1200 and image.height >= 900
    assert inked(shot) > 0.03
    assert len(image.convert("RGB").getcolors(2**20) or []) > 20  # charts and text, not a flat page


def test_the_error_check_catches_a_page_that_loads_from_outside(browser: Browser, tmp_path: Path) -> None:
    html = document_bytes("html", samples.budget()).decode().replace(
        "<main>", '<main><img src="http://127.0.0.1:9/tracker.png"><script>console.error("boom")</script>')
    page_path = tmp_path / "bad.html"
    page_path.write_text(html, encoding="utf-8")
    errors, _ = _read(browser, page_path)
    assert any("Content Security Policy" in e for e in errors), errors
    assert len(errors) >= 2


@pytest.mark.parametrize("kind", list(samples.KINDS))
def test_each_pdf_has_its_pages_and_none_is_blank(kind: str, shots: Path) -> None:
    pdftoppm = binary("pdftoppm", "poppler-utils")
    pdf = shots / f"{kind}.pdf"
    pdf.write_bytes(document_bytes("pdf", samples.KINDS[kind](), locale="de"))
    prefix = shots / f"{kind}-page"
    for old in shots.glob(f"{kind}-page-*.png"):
        old.unlink()
    subprocess.run([pdftoppm, "-r", "50", "-png", str(pdf), str(prefix)], check=True, timeout=120)
    pages = sorted(shots.glob(f"{kind}-page-*.png"))
    low, high = PAGES[kind]
    assert low <= len(pages) <= high
    assert len(pages) == len(PdfReader(pdf).pages)
    for picture in pages:
        assert inked(picture) > 0.005, f"{picture.name} is blank"


def test_missing_binaries_fail_with_the_package_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _: None)
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install poppler-utils"):
        binary("pdftoppm", "poppler-utils")
