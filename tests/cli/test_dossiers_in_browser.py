"""The dossiers the commands write for the demo ledger, in a real browser (Debian's headless
Chromium: no console error, the picture drawn and sized, a screenshot that is not blank) and as
PDF pages turned into pictures (poppler). $AQB_SCREENSHOTS keeps the pictures."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.cli.conftest import Run
from tests.cli.test_dossier_commands import DOSSIERS, dossier
from tests.output.browser import Browser, binary, inked

CHARTS = ("JSON.stringify([...document.querySelectorAll('svg.chart')].map(s => {"
          "const r = s.getBoundingClientRect(); return [s.id, Math.round(r.width), Math.round(r.height)]; }))")


@pytest.mark.parametrize("name", list(DOSSIERS))
def test_each_command_dossier_renders_in_chromium(demo: Run, tmp_path: Path, browser: Browser, shots: Path,
                                                  name: str) -> None:
    page_file = dossier(demo, tmp_path, name, "html", "--locale", "de")
    page = browser.open()
    page.goto(page_file.as_uri())
    charts = json.loads(page.evaluate(CHARTS))
    shot = page.screenshot(shots / f"command-{name}.png")
    assert page.errors == []
    (_, width, height), = charts
    assert 400 <= width <= 1100 and 150 <= height <= 1000, charts
    assert inked(shot) > 0.03


@pytest.mark.parametrize("name", list(DOSSIERS))
def test_each_command_pdf_has_pages_none_blank(demo: Run, tmp_path: Path, shots: Path, name: str) -> None:
    pdftoppm = binary("pdftoppm", "poppler-utils")
    pdf = dossier(demo, tmp_path, name, "pdf")
    prefix = shots / f"command-{name}-page"
    for old in shots.glob(f"command-{name}-page-*.png"):
        old.unlink()
    subprocess.run([pdftoppm, "-r", "40", "-png", str(pdf), str(prefix)], check=True, timeout=120)
    pictures = sorted(shots.glob(f"command-{name}-page-*.png"))
    assert len(pictures) == len(PdfReader(pdf).pages) >= 1
    for picture in pictures:
        assert inked(picture) > 0.005, f"{picture.name} is blank"
