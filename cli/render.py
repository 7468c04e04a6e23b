"""Rendering: rich tables for people, JSON and CSV for scripts. Data goes to stdout."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

Row = Mapping[str, Any]


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
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, Mapping):
        return json.dumps(plain(value), ensure_ascii=False)
    return str(plain(value))


def console() -> Console:
    """Stdout for people: the terminal's width (or $COLUMNS), else 160 columns when piped."""
    probe = Console()
    wide = probe.is_terminal or os.environ.get("COLUMNS", "").isdigit()
    return Console(soft_wrap=False, highlight=False, width=None if wide else 160)


def emit_table(
    rows: Sequence[Row], columns: Sequence[str], fmt: str, *, title: str = "", caption: str = "",
    numeric: Sequence[str] = (),
) -> None:
    if fmt == "json":
        click.echo(json.dumps([{c: plain(r.get(c)) for c in columns} for r in rows], indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(markdown_table(rows, columns, title, caption))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[cell(r.get(c)) if not isinstance(r.get(c), Decimal) else plain(r.get(c))
                           for c in columns] for r in rows])
        click.echo(buffer.getvalue(), nl=False)
    else:
        table = Table(title=escape(title) or None, caption=escape(caption) or None, show_lines=False)
        for column in columns:
            table.add_column(column.replace("_", " "), justify="right" if column in numeric else "left",
                             overflow="fold")
        for row in rows:
            table.add_row(*(escape(cell(row.get(c))) for c in columns))
        console().print(table)


def markdown_table(rows: Sequence[Row], columns: Sequence[str], title: str = "", caption: str = "") -> str:
    lines = [f"## {title}", ""] if title else []
    lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(r.get(c)).replace("|", "\\|") for c in columns) + " |" for r in rows]
    return "\n".join([*lines, "", caption] if caption else lines)


def emit_object(obj: Row, fmt: str, render_table: Any) -> None:
    """One object: JSON as is, else the caller's rich rendering (CSV falls back to key/value)."""
    if fmt == "json":
        click.echo(json.dumps(plain(obj), indent=2, ensure_ascii=False))
    elif fmt == "csv":
        emit_table([{"field": k, "value": cell(v)} for k, v in obj.items()], ["field", "value"], "csv")
    else:
        render_table(obj)


def emit_receipt(fmt: str, message: str, **data: Any) -> None:
    """What a write command did: a sentence for people, an object for scripts."""
    if fmt in ("json", "csv"):
        emit_object(data, fmt, None)
    else:
        console().print(escape(message))
