"""A dossier as one self-contained HTML file: inline CSS, inline SVG charts, no script, and a
Content-Security-Policy that forbids loading anything from outside. Jinja2 with autoescaping;
user text is also made visible (no bidi override or control character reaches the page raw)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

from cli.output.charts.bars import money_stages_svg
from cli.output.charts.data import MoneyStages, StatusMatrix, Timeline
from cli.output.charts.heatmap import matrix_svg
from cli.output.charts.timeline import timeline_svg
from cli.output.document import Chart, Document, KeyValues, Paragraph, TableSection
from cli.output.locale import Locale, resolve, text
from cli.output.tables import ID_MAX

TEMPLATES = resources.files("cli.output") / "templates"


def chart_svg(chart: Chart, index: int, locale: Locale) -> str:
    """The SVG of a chart section (our own markup: every text in it is escaped)."""
    chart_id = f"chart-{index}"
    data = chart.data
    if isinstance(data, MoneyStages):
        return money_stages_svg(data, title=chart.title, chart_id=chart_id, locale=locale)
    if isinstance(data, Timeline):
        return timeline_svg(data, title=chart.title, chart_id=chart_id, locale=locale)
    if isinstance(data, StatusMatrix):
        return matrix_svg(data, title=chart.title, chart_id=chart_id)
    raise TypeError(f"no chart for {type(data).__name__}")


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2  # noqa: PLC0415 (heavy; only when a dossier is asked for)

    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=True)


@lru_cache(maxsize=4)
def _template(name: str) -> Any:
    return _environment().from_string((TEMPLATES / name).read_text(encoding="utf-8"))


def cell_class(value: object, numeric: bool) -> str:
    """``num`` (right-aligned), ``whole`` (never wrapped: dates, ids) or ``text``."""
    if numeric and not isinstance(value, str | bool):
        return "num"
    shown = value if isinstance(value, str) else ""
    if isinstance(value, int | Decimal | date) or (shown and " " not in shown and len(shown) <= ID_MAX):
        return "whole"
    return "text"


def _kind(section: object) -> str:
    kinds = {KeyValues: "keyvalues", TableSection: "table", Paragraph: "paragraph", Chart: "chart"}
    return kinds[type(section)]


def render_html(document: Document, *, locale: str | None = None, for_print: bool = False) -> str:
    """The whole page as a string. ``for_print`` adds the page rules the PDF renderer uses."""
    from markupsafe import Markup  # noqa: PLC0415 (comes with Jinja2)

    chosen = resolve(locale)
    charts = {i: Markup(chart_svg(s, i, chosen)) for i, s in enumerate(document.sections)  # noqa: S704
              if isinstance(s, Chart)}
    return str(_template("dossier.html.j2").render(
        doc=document, header=document.header, sections=list(enumerate(document.sections)), kind=_kind,
        charts=charts, show=lambda value: text(value, chosen, pictures=False), cls=cell_class,
        label=lambda name: text(name.replace("_", " "), pictures=False),
        lang=chosen, css=Markup(_css(for_print=for_print, landscape=document.landscape)),  # noqa: S704 (ours)
    ))


def _css(*, for_print: bool, landscape: bool) -> str:
    css = (TEMPLATES / "dossier.css").read_text(encoding="utf-8")
    if not for_print:
        return css
    page = (TEMPLATES / "print.css").read_text(encoding="utf-8")
    return css + page.replace("size: A4;", "size: A4 landscape;" if landscape else "size: A4;")
