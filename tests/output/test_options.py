"""A command wired with the option bundle writes every file format where it is told."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import click
from click.testing import CliRunner
from openpyxl import load_workbook

from cli.output.options import ALL_FORMATS, file_options
from cli.render import emit_table

ROWS = [{"party": "06532", "agreed": Decimal("1185000.00")}]


@click.command()
@click.option("--format", "fmt", type=click.Choice(ALL_FORMATS), default="table")
@file_options
def overview(fmt: str, output: Path | None, locale: str | None) -> None:
    emit_table(ROWS, ["party", "agreed"], fmt, title="Overview", numeric=["agreed"], locale=locale, output=output)


def test_every_file_format_through_the_options(tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt in ("csv-de", "xlsx", "html", "pdf"):
        target = tmp_path / f"overview.{fmt}"
        result = runner.invoke(overview, ["--format", fmt, "--output", str(target), "--locale", "de"])
        assert result.exit_code == 0, result.output
        assert result.stdout == ""
        assert target.stat().st_size > 0
    assert (tmp_path / "overview.csv-de").read_bytes() == "\ufeffparty;agreed\r\n06532;1185000,00\r\n".encode()
    assert load_workbook(tmp_path / "overview.xlsx").worksheets[0]["B2"].value == 1185000
    assert "1.185.000,00" in (tmp_path / "overview.html").read_text(encoding="utf-8")
    assert (tmp_path / "overview.pdf").read_bytes().startswith(b"%PDF-")


def test_locale_from_the_environment_and_table_on_stdout() -> None:
    result = CliRunner().invoke(overview, [], env={"AQB_LOCALE": "de", "COLUMNS": "80"})
    assert result.exit_code == 0 and "1.185.000,00" in result.stdout
    assert "--locale [en|de]" in CliRunner().invoke(overview, ["--help"]).stdout
