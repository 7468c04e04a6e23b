"""Splitting a cleaned agreement into its header and its numbered sections (§ 1 … § 7).

A heading is a line "§ n" (also "§ n." or "§ n:") with the title on the same line ("§ 6
Zielsteuerung", "§ 6 – Zielsteuerung") or on the next non-empty line ("§ 4" / "Haushaltsmittel und
Eckdaten"), or a line "n. Title" with a title the agreements give their sections. A heading's
title starts with a capital and is no sentence, and numbers only go up, so a wrapped sentence that starts with "§ 5
vereinbarten Ziele" inside § 2, or "§ 4 Abs. 2" inside § 6, stays body text. A skipped number
(a heading lost in the PDF text) is reported as `section-number-skipped`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ledger.importer.clean import Line
from ledger.importer.model import ParseWarning

# "§ 4", "§4.", "§ 4:", "§ 4 – Haushaltsmittel und Eckdaten"
_HEADING = re.compile(r"^§\s*(\d{1,2})\s*(?:[.:]|\s[-–—])?(?:\s+(.*))?$")
# Without the sign, "4. Haushaltsmittel und Eckdaten" is a heading only with a title the
# agreements give their sections (a numbered line of a list stays body text).
_TITLES = ("Ausbildungs- und Qualifizierungsbudget", "Verpflichtungen der Vereinbarungspartner", "Umsetzung der",
           "Haushaltsmittel", "Ziele für die Umsetzung", "Zielsteuerung", "Kontinuierlicher Verbesserungsprozess")
_NUMBERED = re.compile(r"^(\d{1,2})\.?\s+((?:" + "|".join(re.escape(t) for t in _TITLES) + r").*)$")
_MAX_TITLE = 90
_MAX_SECTION = 15  # agreements have seven; "§ 48" is a law being cited
_CITATION = re.compile(r"^(?:Abs\.|Absatz|Satz|Nr\.|S\.|SGB|[IVX]+\b)")


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    heading_line: int
    lines: tuple[Line, ...]  # the body, without heading and title


@dataclass(frozen=True)
class Outline:
    header: tuple[Line, ...]  # everything before § 1 (title page and preamble)
    sections: tuple[Section, ...]
    warnings: tuple[ParseWarning, ...] = ()

    def section(self, number: int) -> Section | None:
        return next((s for s in self.sections if s.number == number), None)


def outline(lines: tuple[Line, ...]) -> Outline:
    starts = _heading_indexes(lines)
    if not starts:
        return Outline(lines, ())
    warnings = tuple(_skips([lines[start] for start in starts]))
    sections = []
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(lines)
        sections.append(_section(lines[start:end]))
    return Outline(lines[: starts[0]], tuple(sections), warnings)


def _heading_indexes(lines: tuple[Line, ...]) -> list[int]:
    found: list[int] = []
    last = 0
    for index, line in enumerate(lines):
        number = _heading_number(line.text)
        if number is not None and number > last:
            found.append(index)
            last = number
    return found


def _skips(headings: list[Line]) -> list[ParseWarning]:
    numbers = [_heading_number(line.text) or 0 for line in headings]
    return [
        ParseWarning(
            "section-number-skipped",
            f"'§ {number}' follows '§ {previous}': a heading is missing or unreadable.",
            line.no,
        )
        for previous, number, line in zip([0, *numbers], numbers, headings, strict=False)
        if number != previous + 1
    ]


def _heading(text: str) -> re.Match[str] | None:
    return _HEADING.match(text) or _NUMBERED.match(text)


def _heading_number(text: str) -> int | None:
    match = _heading(text.strip())
    if not match:
        return None
    title = (match.group(2) or "").strip()
    number = int(match.group(1))
    if number > _MAX_SECTION or len(title) > _MAX_TITLE or _CITATION.match(title):
        return None
    if title.endswith((".", ",")) or (title and not (title[:1].isupper() or title[:1] in "„“\"'(")):
        return None
    return number


def _section(lines: tuple[Line, ...]) -> Section:
    head = lines[0]
    match = _heading(head.text.strip())
    assert match is not None  # guaranteed by _heading_indexes
    title = (match.group(2) or "").strip()
    body = lines[1:]
    if not title:
        title, body = _title_from_next_line(body)
    return Section(int(match.group(1)), title, head.no, body)


def _title_from_next_line(body: tuple[Line, ...]) -> tuple[str, tuple[Line, ...]]:
    for index, line in enumerate(body):
        if line.text.strip():
            return line.text.strip(), body[index + 1 :]
    return "", body
