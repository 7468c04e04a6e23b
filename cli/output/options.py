"""Option bundles for commands that offer the file formats (to wire in beside `--format`).

A command decorated with :func:`file_options` receives ``output`` (a path or ``None``) and
``locale`` (``"en"``, ``"de"`` or ``None``: then ``AQB_LOCALE`` decides) and passes both on::

    @click.command()
    @format_option          # its choices extended by FILE_FORMATS
    @file_options
    def overview(year: int, output: Path | None, locale: str | None) -> None:
        ...
        emit_table(rows, columns, s.fmt, title=..., caption=..., numeric=..., locale=locale, output=output)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from cli.output.files import FILE_FORMATS
from cli.output.locale import LOCALES

F = TypeVar("F", bound=Callable[..., Any])
ALL_FORMATS = ("table", "json", "csv", "markdown", *FILE_FORMATS)


def output_option(func: F) -> F:
    """`--output FILE`: where a file format goes (xlsx and pdf need it on a terminal)."""
    return click.option(
        "--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
        metavar="FILE", help="Write the output to FILE (xlsx and pdf: required when stdout is a terminal).",
    )(func)


def locale_option(func: F) -> F:
    """`--locale en|de`: numbers and dates for people (tables, csv-de, xlsx, html, pdf); never JSON."""
    return click.option(
        "--locale", type=click.Choice(LOCALES), default=None,
        help="Numbers and dates as in en (1,185,000.00 · 2024-07-10) or de (1.185.000,00 · 10.07.2024) "
             "[env AQB_LOCALE; default en]. JSON never localises.",
    )(func)


def file_options(func: F) -> F:
    return output_option(locale_option(func))
