"""Undoing PDF text artefacts before parsing.

The cleaned text keeps the source's line numbers: a dropped line (a page number) is left out, a
word moved by joining a hyphenated line break stays on the earlier line, so `Line.no` is always
the 1-based line of the text that was given. Bold markers (``**``), soft hyphens and runs of
spaces (justified PDF text) are layout, not content, and go without a warning; every other change
is a heuristic and is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from ledger import reference
from ledger.importer.model import ParseWarning

_SPACES = str.maketrans({"\u00a0": " ", "\u2009": " ", "\u202f": " ", "\t": " "})
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?\d{1,3}(?:\s*-)?$|^Seite\s+\d{1,3}(?:\s+von\s+\d{1,3})?$", re.I)
_LETTER_SPACED = re.compile(r"^[^\W\d_](?: {1,3}[^\W\d_]){3,}$")
_CONJUNCTIONS = frozenset({"und", "oder", "bzw", "sowie", "bis", "als", "noch", "wie", "statt"})
_INLINE_BREAK = re.compile(r"([^\W\d_]+)- +([a-zäöüß][\w.]*)")
_TRAILING_HYPHEN = re.compile(r"[^\W\d_]-$")


@dataclass(frozen=True)
class Line:
    no: int  # 1-based line number in the text as given
    text: str


@dataclass(frozen=True)
class CleanText:
    lines: tuple[Line, ...]
    warnings: tuple[ParseWarning, ...]


def clean_text(text: str) -> CleanText:
    """Remove page numbers, letter spacing, bold markers and hyphenated breaks; collapse spaced
    hyphens inside known party names."""
    warnings: list[ParseWarning] = []
    lines = list(_split(text))
    lines = _drop_page_numbers(lines, warnings)
    lines = [_join_letter_spacing(line, warnings) for line in lines]
    lines = [Line(line.no, " ".join(line.text.split())) for line in lines]
    lines = [_join_inline_breaks(line, warnings) for line in lines]
    lines = _join_line_breaks(lines, warnings)
    lines = [_collapse_party_hyphens(line, warnings) for line in lines]
    return CleanText(tuple(lines), tuple(sorted(warnings, key=lambda w: w.line or 0)))


def _split(text: str) -> Iterable[Line]:
    body = text.replace("\r\n", "\n").replace("\r", "\n").translate(_SPACES)
    for number, raw in enumerate(body.split("\n"), start=1):
        yield Line(number, raw.replace("**", "").replace("\u00ad", "").rstrip())


def _drop_page_numbers(lines: list[Line], warnings: list[ParseWarning]) -> list[Line]:
    kept: list[Line] = []
    for line in lines:
        if _PAGE_NUMBER.match(line.text.strip()):
            warnings.append(
                ParseWarning(
                    "page-number-removed",
                    f"Removed '{line.text.strip()}', taken for a page number.",
                    line.no,
                )
            )
            continue
        kept.append(line)
    return kept


def _join_letter_spacing(line: Line, warnings: list[ParseWarning]) -> Line:
    stripped = line.text.strip()
    if not _LETTER_SPACED.match(stripped):
        return line
    words = ["".join(group.split(" ")) for group in re.split(r" {2,}", stripped)]
    joined = " ".join(words)
    warnings.append(
        ParseWarning(
            "letter-spacing-joined", f"Joined letter-spaced text '{stripped}' to '{joined}'.", line.no
        )
    )
    return Line(line.no, joined)


def _join_inline_breaks(line: Line, warnings: list[ParseWarning]) -> Line:
    def join(found: re.Match[str]) -> str:
        stem, word = found.groups()
        if word.rstrip(".") in _CONJUNCTIONS:
            return found.group(0)
        warnings.append(_hyphen_warning(found.group(0), line.no))
        return stem + word

    return Line(line.no, _INLINE_BREAK.sub(join, line.text))


def _join_line_breaks(lines: list[Line], warnings: list[ParseWarning]) -> list[Line]:
    """'ein-' at the end of a line and 'gebunden' at the start of the next become 'eingebunden'
    on the first line; 'Lahn-' and 'Dill-Kreis' become 'Lahn-Dill-Kreis' (hyphen kept)."""
    result = list(lines)
    for index in range(len(result) - 1):
        current, following = result[index], result[index + 1]
        if not _TRAILING_HYPHEN.search(current.text) or not following.text.strip():
            continue
        word, _, rest = following.text.strip().partition(" ")
        if word.rstrip(".,") in _CONJUNCTIONS:
            continue
        stem = current.text[:-1] if word[:1].islower() else current.text
        warnings.append(_hyphen_warning(f"{current.text.split(' ')[-1]} / {word}", current.no))
        result[index] = Line(current.no, stem + word)
        result[index + 1] = Line(following.no, rest)
    return result


def _hyphen_warning(seen: str, line_no: int) -> ParseWarning:
    return ParseWarning(
        "hyphenation-joined", f"Joined the hyphenated line break '{seen}' into one word.", line_no
    )


@cache
def _spaced_party_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    names = {p.name for p in reference.parties().values()}
    names |= {a for p in reference.parties().values() for a in p.aliases}
    patterns = []
    for name in sorted((n for n in names if "-" in n), key=len, reverse=True):
        parts = [re.escape(part) for part in name.split("-")]
        pattern = re.compile(r"\b" + r" *- *".join(parts))
        patterns.append((pattern, name))
    return tuple(patterns)


def _collapse_party_hyphens(line: Line, warnings: list[ParseWarning]) -> Line:
    text = line.text
    for pattern, name in _spaced_party_patterns():
        for found in pattern.finditer(text):
            if found.group(0) == name:
                continue
            warnings.append(
                ParseWarning(
                    "spaced-hyphen-collapsed",
                    f"Read '{found.group(0)}' as the party name '{name}'.",
                    line.no,
                )
            )
        text = pattern.sub(name, text)  # party names hold no backslashes
    return Line(line.no, text)
