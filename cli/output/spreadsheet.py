"""Spreadsheet cells: CSV injection escaped (OWASP), a CSV for scripts and one for German Excel,
and the rows an object (one record) gives.

The rule for formulas: a **text** cell whose first character, or first character after leading
whitespace, is ``=``, ``+``, ``-``, ``@`` (or their full-width forms), a tab or a carriage return is
prefixed with a single quote, so no spreadsheet evaluates it. **Typed** numbers (``int``,
``Decimal``) and dates are our own output and are never prefixed: a negative amount stays a number
(money the ledger prints is never negative, but user text such as ``-5`` is text and is escaped).
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from cli.output.locale import Locale, day, moment, money, text
from cli.output.neutral import OutputRow, visible

FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
NESTED = " › "


def looks_like_formula(value: str) -> bool:
    """Whether a spreadsheet could read this text as a formula (or a DDE call)."""
    if not value:
        return False
    if value[0] in FORMULA_STARTS:
        return True
    rest = value.lstrip()
    return bool(rest) and rest != value and rest[0] in FORMULA_STARTS


def formula_safe(value: str) -> str:
    """Text for a spreadsheet cell: visible, and quote-prefixed when it could be evaluated."""
    shown = visible(value, keep_newlines=True)
    return "'" + shown if looks_like_formula(value) or looks_like_formula(shown) else shown


def header(column: str) -> str:
    """A column name as people read it in a spreadsheet."""
    return formula_safe(column.replace("_", " "))


def script_cell(value: Any, as_text: Any) -> str:
    """A cell of the CSV for scripts: money as ``1185000.00``, numbers as they are, text escaped."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, int | date):
        return str(as_text(value))
    return formula_safe(str(as_text(value)))


def script_csv(rows: Sequence[OutputRow], columns: Sequence[str], as_text: Any) -> str:
    """CSV for scripts (``--format csv``): comma, LF, column names as given, ``as_text`` for cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([formula_safe(c) for c in columns])
    writer.writerows([script_cell(r.get(c), as_text) for c in columns] for r in rows)
    return buffer.getvalue()


def german_cell(value: Any) -> str:  # noqa: PLR0911 (one return per type)
    """A cell of the German CSV: ``1185000,00``, ``10.07.2024``, ``10.07.2024 14:02:00``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return text(value, "de")
    if isinstance(value, Decimal):
        return money(value, "de", grouping=False)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return moment(value, "de")
    if isinstance(value, date):
        return day(value, "de")
    return formula_safe(text(value, "de"))


def csv_de(rows: Sequence[OutputRow], columns: Sequence[str]) -> bytes:
    """A CSV that opens right in German Excel: UTF-8 with BOM, ``;``, decimal comma, DD.MM.YYYY, CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([header(c) for c in columns])
    writer.writerows([german_cell(r.get(c)) for c in columns] for r in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _as_mapping(value: Any) -> Mapping[str, Any] | None:
    if isinstance(value, Mapping):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return None


def flatten(obj: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """The leaves of an object with readable names: ``summary › agreed``, ``stages 2 › announced``.

    A list of records gives one group per record (numbered from 1); a list of plain values stays one
    field (shown as ``a, b, c``). Values keep their type, so money stays a number in a spreadsheet.
    """
    for key, value in obj.items():
        name = f"{prefix}{key}"
        nested = _as_mapping(value)
        records = [_as_mapping(v) for v in value] if isinstance(value, list | tuple) else []
        if nested is not None:
            yield from flatten(nested, name + NESTED)
        elif records and all(r is not None for r in records):
            for number, record in enumerate(records, 1):
                yield from flatten(record or {}, f"{name} {number}{NESTED}")
        else:
            yield name, value


def object_rows(obj: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per field of an object: ``{"field": …, "value": …}``."""
    return [{"field": name, "value": value} for name, value in flatten(obj)]


def localised_rows(rows: Sequence[OutputRow], columns: Sequence[str], locale: Locale) -> list[dict[str, str]]:
    """Rows as text in a locale (for Markdown and other text outputs)."""
    return [{c: text(r.get(c), locale) for c in columns} for r in rows]
