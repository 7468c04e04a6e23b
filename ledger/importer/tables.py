"""§ 5 as a table: a column for the measure category and one for the project, as a word processor
writes it with `|` between the cells, or as `pdftotext -layout` gives it, the columns aligned under
a header line that names them ("Maßnahmenart   Projekt   Plätze").

A category cell may be left empty under the first of its rows, and in a layout table it may wrap
over the lines of several projects ("Qualifizierungsprojekte zur" / "Arbeitsmarktintegration und"
/ "Fachkräftesicherung"): its lines are joined while the text so far is no category's name, or
while the joined text still is one. Other columns (places, amounts) are not read: a project's plan
is recorded by its own command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ledger import reference
from ledger.importer.clean import Line

_CATEGORY_HEAD = re.compile(r"Ma(?:ß|ss)nahmen(?:art|arten|kategorie)|Kategorie", re.IGNORECASE)
_PROJECT_HEAD = re.compile(r"Projekt(?:e|name|bezeichnung)?\b|Ma(?:ß|ss)nahme\b", re.IGNORECASE)
_RULE = re.compile(r"^[\s|:+=_─━–—-]+$")
_GAP = re.compile(r"\S(?:\s?\S)*")  # a cell of a layout line: words apart by single spaces


@dataclass(frozen=True)
class TableRow:
    category: str  # the category cell's text, joined over its lines
    project: str
    line: int


def read_table(body: tuple[Line, ...]) -> list[TableRow] | None:
    """The rows of a § 5 table, or None when § 5 holds no table."""
    for index, line in enumerate(body):
        piped = line.text.strip().startswith("|")
        cells = _cells(line.text) if piped else [m.group() for m in _GAP.finditer(line.text)]
        if len(cells) < 2 or not any(_CATEGORY_HEAD.match(c) for c in cells) or \
                not any(_PROJECT_HEAD.match(c) for c in cells if not _CATEGORY_HEAD.match(c)):
            continue
        rows = _pipe_rows(body[index:]) if piped else _layout_rows(body[index:])
        if rows:
            return rows
    return None


def _pipe_rows(lines: tuple[Line, ...]) -> list[TableRow]:
    head = _cells(lines[0].text)
    cat = next((i for i, c in enumerate(head) if _CATEGORY_HEAD.match(c)), None)
    proj = next((i for i, c in enumerate(head) if i != cat and _PROJECT_HEAD.match(c)), None)
    if cat is None or proj is None:
        return []
    parts: list[tuple[str, str, int]] = []
    for line in lines[1:]:
        if not line.text.strip().startswith("|"):
            break
        if _RULE.match(line.text):
            continue
        cells = _cells(line.text)
        if len(cells) > max(cat, proj):
            parts.append((cells[cat], cells[proj], line.no))
    return _joined(parts, wrapped=False)


def _cells(text: str) -> list[str]:
    return [c.strip() for c in text.strip().strip("|").split("|")]


def _layout_rows(lines: tuple[Line, ...]) -> list[TableRow]:
    head = lines[0].text
    starts = [m.start() for m in _GAP.finditer(head)]
    cat_at = next((s for s in starts if _CATEGORY_HEAD.match(head, s)), None)
    proj_at = next((s for s in starts if cat_at is not None and s > cat_at and _PROJECT_HEAD.match(head, s)), None)
    if cat_at is None or proj_at is None:
        return []
    after = [s for s in starts if s > proj_at]
    end = after[0] if after else None
    parts: list[tuple[str, str, int]] = []
    for line in lines[1:]:
        text = line.text
        if _RULE.match(text) or not text.strip():
            if parts and not text.strip():
                break
            continue
        project = text[proj_at:end].strip() if end is not None else text[proj_at:].strip()
        parts.append((text[:proj_at].strip(), project, line.no))
    return _joined(parts, wrapped=True)


def _joined(parts: list[tuple[str, str, int]], *, wrapped: bool) -> list[TableRow]:
    """Rows with their category cells joined: an empty cell goes on with the category above; in a
    layout table a cell goes on with it while its text is no category's name yet, or while the
    joined text still is one."""
    rows: list[tuple[list[str], str, int]] = []
    current: list[str] = []
    for cell, project, no in parts:
        if cell:
            so_far = " ".join(current)
            goes_on = wrapped and current and (
                reference.category_for_label(so_far) is None
                or reference.category_for_label(f"{so_far} {cell}") is not None)
            if goes_on:
                current.append(cell)
            else:
                current = [cell]
        if project:
            rows.append((current, project, no))
    return [TableRow(" ".join(words), project, no) for words, project, no in rows]
