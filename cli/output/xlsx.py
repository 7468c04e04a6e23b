"""`.xlsx` workbooks (XlsxWriter): a header row that stays frozen, money as numbers in ``#,##0.00``,
dates as dates, columns sized to their contents, an autofilter; title and caption on an "about" sheet.

Text is always written as text (``write_string``), so nothing is ever a formula; text that a
spreadsheet would evaluate once edited also carries Excel's quote prefix (the value stays exact).
Excel keeps numbers as binary doubles: amounts are converted at this boundary only, and every
amount below 10^13 EUR reads back to the exact cent.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from cli.output.locale import Locale, resolve, text
from cli.output.neutral import OutputRow, visible
from cli.output.spreadsheet import looks_like_formula, object_rows

MAX_WIDTH = 60
DATE_FORMATS: Mapping[Locale, tuple[str, str]] = {
    "en": ("yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"), "de": ("dd.mm.yyyy", "dd.mm.yyyy hh:mm:ss"),
}


@dataclass(frozen=True)
class Sheet:
    """One table on its own sheet."""

    name: str
    columns: Sequence[str]
    rows: Sequence[OutputRow]
    headers: Sequence[str] = field(default=())  # shown instead of the column names, when given


def sheet_name(name: str, taken: set[str]) -> str:
    """A name Excel accepts: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", " ", visible(name)).strip()[:31] or "data"
    candidate, number = base, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(candidate.lower())
    return candidate


class _Formats:
    def __init__(self, book: Any, locale: Locale) -> None:
        day, moment = DATE_FORMATS[locale]
        self.header = book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
        self.money = book.add_format({"num_format": "#,##0.00", "valign": "top"})
        self.integer = book.add_format({"num_format": "0", "valign": "top"})
        self.day = book.add_format({"num_format": day, "valign": "top"})
        self.moment = book.add_format({"num_format": moment, "valign": "top"})
        self.text = book.add_format({"valign": "top", "text_wrap": True})
        self.quoted = book.add_format({"valign": "top", "text_wrap": True, "quote_prefix": True})


def _write(sheet: Any, row: int, col: int, value: Any, formats: _Formats, locale: Locale) -> str:
    """Write one typed cell; return how it reads, for the column width."""
    if value is None:
        return ""
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
        return "FALSCH"
    return _write_value(sheet, row, col, value, formats, locale)


def _write_value(sheet: Any, row: int, col: int, value: Any, formats: _Formats, locale: Locale) -> str:
    if isinstance(value, Decimal):
        sheet.write_number(row, col, float(value), formats.money)
        return f"{value:,.2f}"
    if isinstance(value, int):
        sheet.write_number(row, col, value, formats.integer)
        return str(value)
    if isinstance(value, datetime):
        naive = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
        sheet.write_datetime(row, col, naive, formats.moment)
        return "0000-00-00 00:00:00"
    if isinstance(value, date):
        sheet.write_datetime(row, col, value, formats.day)
        return "0000-00-00"
    shown = text(value, locale)
    sheet.write_string(row, col, shown, formats.quoted if looks_like_formula(shown) else formats.text)
    return shown


def _fill(book: Any, spec: Sheet, formats: _Formats, locale: Locale, taken: set[str]) -> None:
    sheet = book.add_worksheet(sheet_name(spec.name, taken))
    headers = list(spec.headers) or [c.replace("_", " ") for c in spec.columns]
    widths = [len(h) for h in headers]
    for col, name in enumerate(headers):
        sheet.write_string(0, col, visible(name), formats.header)
    for number, row in enumerate(spec.rows, 1):
        for col, column in enumerate(spec.columns):
            shown = _write(sheet, number, col, row.get(column), formats, locale)
            widths[col] = max(widths[col], *(len(line) for line in shown.splitlines() or [""]))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width, MAX_WIDTH) + 2)
    sheet.freeze_panes(1, 0)
    if spec.columns:
        sheet.autofilter(0, 0, max(len(spec.rows), 1), len(spec.columns) - 1)


def _about(book: Any, about: Sequence[tuple[str, str]], formats: _Formats, taken: set[str]) -> None:
    sheet = book.add_worksheet(sheet_name("about", taken))
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 100)
    for number, (key, value) in enumerate(about):
        sheet.write_string(number, 0, key, formats.header)
        sheet.write_string(number, 1, visible(value), formats.quoted if looks_like_formula(value) else formats.text)


def xlsx_bytes(
    sheets: Sequence[Sheet], *, title: str = "", caption: str = "", locale: str | None = None,
) -> bytes:
    """A workbook with one sheet per table (the first is active), and an "about" sheet when a
    title or caption is given."""
    import xlsxwriter  # noqa: PLC0415 (heavy; only when a workbook is asked for)

    chosen = resolve(locale)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    book.set_properties({"title": visible(title), "subject": visible(caption), "author": "aqb-ledger"})
    formats, taken = _Formats(book, chosen), set[str]()
    for spec in sheets:
        _fill(book, spec, formats, chosen, taken)
    about = [(k, v) for k, v in (("title", title), ("caption", caption)) if v]
    if about:
        _about(book, about, formats, taken)
    book.close()
    return buffer.getvalue()


def object_sheets(obj: OutputRow) -> list[Sheet]:
    """One record as sheets: its fields (nested ones flattened) first, then one sheet per list of
    records (``stages``, ``projects``), each with its own columns."""
    fields: dict[str, Any] = {}
    sheets: list[Sheet] = []
    for key, value in obj.items():
        records = _records(value)
        if records is None:
            fields[key] = value
        else:
            sheets.append(Sheet(key, list(dict.fromkeys(c for r in records for c in r)), records))
    return [Sheet("fields", ["field", "value"], object_rows(fields)), *sheets]


def _records(value: Any) -> list[OutputRow] | None:
    if isinstance(value, list | tuple) and value and all(isinstance(v, Mapping) for v in value):
        return list(value)
    return None


def table_xlsx(
    rows: Sequence[OutputRow], columns: Sequence[str], *, title: str = "", caption: str = "",
    locale: str | None = None, sheet: str = "data",
) -> bytes:
    """One table as a workbook."""
    return xlsx_bytes([Sheet(sheet, columns, rows)], title=title, caption=caption, locale=locale)
