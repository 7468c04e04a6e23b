"""Rich tables that survive a narrow terminal.

Money, dates, times, positions and ids are *whole* values: their columns never wrap and are at
least as wide as their widest value. Only text columns (values with spaces or line breaks) wrap.
When that does not fit the console, the table drops its borders and padding (columns one space
apart); when even that does not fit, the rows are shown as records: one block per row,
``field: value`` per line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from cli.output.locale import Locale, text
from cli.output.neutral import OutputRow, visible

TEXT_MIN = 12  # a text column narrower than this is no longer readable
ID_MAX = 32  # an unbroken token up to this length is an id (an actor, a file number), kept whole
_TOKEN = re.compile(r"\S+")
_BORDER = 3  # a column's padding and its separator in rich's default box


@dataclass(frozen=True)
class Shape:
    """How one column is laid out."""

    name: str
    whole: bool  # never split: money, dates, positions, ids
    width: int  # widest value or header word (whole columns); the least a text column gets
    right: bool


def _is_whole(value: Any, shown: str) -> bool:
    if isinstance(value, Decimal | int | date):
        return True
    return "\n" not in shown and " " not in shown.strip() and len(shown) <= ID_MAX


def shapes(rows: Sequence[OutputRow], columns: Sequence[str], shown: Sequence[Sequence[str]],
           numeric: Sequence[str]) -> list[Shape]:
    """Decide per column whether its values are whole values or wrapping text."""
    result = []
    for index, column in enumerate(columns):
        values = [(r.get(column), s[index]) for r, s in zip(rows, shown, strict=True)]
        present = [(v, s) for v, s in values if s]
        whole = all(_is_whole(v, s) for v, s in present)
        longest = max((len(s) for _, s in present), default=0)
        label = max((len(w) for w in _TOKEN.findall(_label(column))), default=1)
        width = max(longest, label) if whole else min(max(longest, 1), TEXT_MIN)
        result.append(Shape(column, whole, width, column in numeric))
    return result


def needed_width(found: Sequence[Shape], *, compact: bool = False) -> int:
    """The narrowest console that shows the table with every whole value on one line: boxed, or
    ``compact`` (no borders, no padding, one space between columns)."""
    if compact:
        return sum(s.width for s in found) + len(found) - 1
    return 1 + sum(s.width + _BORDER for s in found)


def _label(column: str) -> str:
    return visible(column.replace("_", " "))


def _header(column: str) -> Text:
    """A header wraps between its words, even above a column that never wraps."""
    return Text(_label(column), overflow="fold", no_wrap=False)


def grid(shown: Sequence[Sequence[str]], found: Sequence[Shape], title: str, caption: str, *,
         compact: bool = False) -> Table:
    table = Table(title=Text(title) if title else None, caption=Text(caption) if caption else None,
                  show_lines=False)
    if compact:
        table = Table(title=table.title, caption=table.caption, box=box.SIMPLE_HEAD, show_edge=False, padding=0,
                      pad_edge=False)
    for shape in found:
        width = shape.width if shape.whole else None
        table.add_column(_header(shape.name), justify="right" if shape.right else "left",
                         no_wrap=shape.whole, min_width=width, max_width=width, overflow="fold")
    for values in shown:
        table.add_row(*(Text(v, no_wrap=s.whole) for v, s in zip(values, found, strict=True)))
    return table


def records(columns: Sequence[str], shown: Sequence[Sequence[str]], title: str, caption: str) -> Group:
    """One block per row: ``field: value`` (the value wraps under itself); empty fields left out."""
    parts: list[RenderableType] = [Text(title, style="bold")] if title else []
    for values in shown:
        block = Table.grid(padding=(0, 1))
        block.add_column(no_wrap=True, style="bold")
        block.add_column(overflow="fold")
        for column, value in zip(columns, values, strict=True):
            if value:
                block.add_row(Text(_label(column) + ":"), Text(value))
        parts += [Rule(style="dim"), block]
    if caption:
        parts += [Rule(style="dim"), Text(caption, style="italic")]
    return Group(*parts)


def layout(rows: Sequence[OutputRow], columns: Sequence[str], out: Console, *, title: str = "", caption: str = "",
           numeric: Sequence[str] = (), locale: Locale = "en") -> RenderableType:
    """The table, or its records when the console is too narrow for its whole values."""
    shown = [[text(r.get(c), locale) for c in columns] for r in rows]
    title, caption = visible(title), visible(caption)
    found = shapes(rows, columns, shown, numeric)
    if not rows or needed_width(found) <= out.width:
        return grid(shown, found, title, caption)
    if needed_width(found, compact=True) <= out.width:
        return grid(shown, found, title, caption, compact=True)
    return records(columns, shown, title, caption)
