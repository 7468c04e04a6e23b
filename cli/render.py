"""Rendering: rich tables for people, JSON and CSV for scripts, and files (German CSV, xlsx, HTML,
PDF) for keeping. Data goes to stdout. User text is neutralised on every path (see
:mod:`cli.output.neutral`); the console itself is a last line of defence for text printed directly.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import click
from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

from cli.output import files
from cli.output.locale import resolve, text
from cli.output.neutral import OutputRow, json_text, markup_safe, visible
from cli.output.spreadsheet import flatten, script_csv
from cli.output.tables import layout

Output = str | os.PathLike[str] | Path | None
FORMATS = ("table", "json", "csv", "markdown", *files.FILE_FORMATS)


def plain(value: Any) -> Any:  # noqa: PLR0911 (one return per type)
    """A JSON-friendly, stable form of a value: money as a string with cents."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def cell(value: Any) -> str:
    """One value as text (en), user text made visible (line breaks kept)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, Mapping):
        return json_text(plain(value), indent=None)
    return visible(str(plain(value)), keep_newlines=True)


class SafeConsole(Console):
    """A console that never passes a control or invisible format character of text through:
    whatever reaches it (even unescaped f-strings) is shown with visible stand-ins."""

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control or (segment.text.isascii() and segment.text.isprintable()):
                yield segment
            else:
                yield Segment(visible(segment.text, keep_newlines=True), segment.style, segment.control)


def console() -> Console:
    """Stdout for people: the terminal's width (or $COLUMNS), else 160 columns when piped."""
    probe = Console()
    wide = probe.is_terminal or os.environ.get("COLUMNS", "").isdigit()
    return SafeConsole(soft_wrap=False, highlight=False, emoji=False, width=None if wide else 160)


def emit_table(
    rows: Sequence[OutputRow], columns: Sequence[str], fmt: str, *, title: str = "", caption: str = "",
    numeric: Sequence[str] = (), locale: str | None = None, output: Output = None,
) -> None:
    """Rows in a format: ``table`` (locale-aware, narrow-safe), ``json``, ``csv`` (for scripts),
    ``markdown``, or a file format (``csv-de``, ``xlsx``, ``html``, ``pdf``) written to ``output``."""
    if fmt == "json":
        emit_text(json_text([{c: plain(r.get(c)) for c in columns} for r in rows]) + "\n", output)
    elif fmt == "markdown":
        emit_text(markdown_table(rows, columns, title, caption, locale=locale) + "\n", output)
    elif fmt == "csv":
        emit_text(script_csv(rows, columns, cell), output)
    elif fmt in files.FILE_FORMATS:
        data = files.table_bytes(fmt, rows, columns, title=title, caption=caption, numeric=numeric, locale=locale)
        files.deliver(data, output, fmt=fmt)
    else:
        out = console()
        out.print(layout(rows, columns, out, title=title, caption=caption, numeric=numeric, locale=resolve(locale)))


def emit_text(text: str, output: Output = None) -> None:
    """Text for scripts or files: to ``output`` (written atomically; the command checked before it
    ran that it may be written), else to stdout."""
    if output is not None and str(output) != "-":
        files.write_atomically(Path(output), text.encode("utf-8"))
    else:
        click.echo(text, nl=False)


def _markdown_cell(value: Any, locale: str | None) -> str:
    return text(value, resolve(locale)).replace("|", "\\|").replace("\n", "<br>")


def markdown_table(
    rows: Sequence[OutputRow], columns: Sequence[str], title: str = "", caption: str = "", *, locale: str | None = None,
) -> str:
    lines = [f"## {visible(title)}", ""] if title else []
    lines += ["| " + " | ".join(visible(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_markdown_cell(r.get(c), locale) for c in columns) + " |" for r in rows]
    return "\n".join([*lines, "", visible(caption)] if caption else lines)


def emit_object(
    obj: OutputRow, fmt: str, render_table: Any, *, title: str = "", locale: str | None = None, output: Output = None,
) -> None:
    """One object: JSON as is; CSV and the file formats one row per field (nested fields
    flattened into readable names); else the caller's rich rendering."""
    if fmt == "json":
        emit_text(json_text(plain(obj)) + "\n", output)
    elif fmt == "csv":
        emit_table([{"field": k, "value": v} for k, v in flatten(obj)], ["field", "value"], "csv", output=output)
    elif fmt in files.FILE_FORMATS:
        files.deliver(files.object_bytes(fmt, obj, title=title, locale=locale), output, fmt=fmt)
    else:
        render_table(obj)


def emit_receipt(fmt: str, message: str, **data: Any) -> None:
    """What a write command did: a sentence for people, an object for scripts."""
    if fmt in ("json", "csv", *files.FILE_FORMATS):
        emit_object(data, fmt, None)
    else:
        console().print(markup_safe(message))
