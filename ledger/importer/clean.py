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

_SPACES = str.maketrans({"\u00a0": " ", "\u2009": " ", "\u202f": " ", "\t": "   "})  # a tab: a gap (columns)
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?\d{1,3}(?:\s*-)?$|^Seite\s+\d{1,3}(?:\s+von\s+\d{1,3})?$", re.I)
_LETTER_SPACED = re.compile(r"^[^\W\d_](?: {1,3}[^\W\d_]){3,}$")
_CONJUNCTIONS = frozenset({"und", "oder", "bzw", "sowie", "bis", "als", "noch", "wie", "statt"})
_INLINE_BREAK = re.compile(r"(?<![^\W\d_])([^\W\d_]+)- +([a-zäöüß][\w.]*)")  # from a word's start: linear
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
    lines = _one_column_of_signatures(lines, warnings)
    lines = [_join_letter_spacing(line, warnings) for line in lines]
    lines = [Line(line.no, " ".join(line.text.split())) for line in lines]
    lines = [_join_inline_breaks(line, warnings) for line in lines]
    lines = _join_line_breaks(lines, warnings)
    lines = [_collapse_party_hyphens(line, warnings) for line in lines]
    return CleanText(tuple(lines), tuple(sorted(warnings, key=lambda w: w.line or 0)))


def raw_lines(text: str) -> dict[int, str]:
    """Every line of the text by its number, spaces kept as written (for columns)."""
    return {line.no: line.text for line in _split(text)}


def _split(text: str) -> Iterable[Line]:
    body = text.replace("\r\n", "\n").replace("\r", "\n").translate(_SPACES)
    for number, raw in enumerate(body.split("\n"), start=1):
        yield Line(number, raw.replace("**", "").replace("\u00ad", "").rstrip())


_GAP = re.compile(r"\s{3,}")  # what separates two columns of a text laid out as on the page


def _columns(text: str) -> list[str]:
    """The parts of a line that stand apart by a gap (one part: a line of one column)."""
    return [p for p in _GAP.split(text.strip()) if p]


def _two_signature_heads(lines: list[Line]) -> tuple[int, int] | None:
    """The first line that is two signature heads side by side, and where its second column starts."""
    from ledger.importer.signatures import is_place_line  # noqa: PLC0415 (signatures imports Line from here)

    for index, line in enumerate(lines):
        parts = _columns(line.text)
        if len(parts) == 2 and all(is_place_line(p) for p in parts):
            return index, line.text.index(parts[1], len(line.text) - len(line.text.lstrip()) + len(parts[0]))
    return None


def _one_column_of_signatures(lines: list[Line], warnings: list[ParseWarning]) -> list[Line]:
    """Signature blocks set side by side ("Wiesbaden, den 3.7.2023      Offenbach am Main, den …",
    then name beside name, function beside function, as a PDF's text keeps its layout) become one
    column: the left block's lines, then the right block's, each with its line number. The two
    columns start at the first line whose two parts are both a place and date line; a later line
    is cut at its gap, or, with one part only, goes by where it starts."""
    found = _two_signature_heads(lines)
    if found is None:
        return lines
    index, column = found
    header = lines[index]
    above = next((i for i in range(index - 1, -1, -1) if lines[i].text.strip()), None)
    leads = _columns(lines[above].text) if above is not None else []
    if above is not None and len(leads) == 2 and all(p.startswith("Für ") for p in leads):
        index = above  # "Für das Land Hessen      Für den Landkreis …" above the places
    left: list[Line] = []
    right: list[Line] = []
    for below in lines[index:]:
        parts = _columns(below.text)
        if not parts:
            left.append(below)
            right.append(Line(below.no, ""))
        elif len(parts) == 1:
            indent = len(below.text) - len(below.text.lstrip())
            (right if indent >= column - 2 else left).append(Line(below.no, parts[0]))
        else:
            left.append(Line(below.no, parts[0]))
            right.append(Line(below.no, " ".join(parts[1:])))
    warnings.append(ParseWarning(
        "signature-columns", "The signature blocks stand side by side; read the left one, then the right one.",
        header.no))
    return [*lines[:index], *left, Line(header.no, ""), *right]


def _drop_page_numbers(lines: list[Line], warnings: list[ParseWarning]) -> list[Line]:
    running = _running_lines(lines)
    kept: list[Line] = []
    for index, line in enumerate(lines):
        if index in running:
            warnings.append(ParseWarning("running-header-removed", f"Removed '{line.text.strip()}', a line repeated "
                                         "beside the page numbers, taken for a running header or footer.", line.no))
            continue
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


def _running_lines(lines: list[Line]) -> set[int]:
    """The lines of a running header or footer: a text that stands more than once in the
    document, each time next to a page number (the nearest non-empty line before or after it)."""
    texts = [line.text.strip() for line in lines]
    filled = [i for i, t in enumerate(texts) if t]
    numbers = {i for i in filled if _PAGE_NUMBER.match(texts[i])}
    if not numbers:
        return set()
    beside: dict[str, list[int]] = {}
    for n, index in enumerate(filled):
        if index in numbers or texts[index].startswith("§"):
            continue
        near = {filled[m] for m in (n - 1, n + 1) if 0 <= m < len(filled)}
        if near & numbers:
            beside.setdefault(texts[index], []).append(index)
    counts: dict[str, int] = {}
    for text in texts:
        counts[text] = counts.get(text, 0) + 1
    return {i for text, found in beside.items() if len(found) >= 2 and counts[text] == len(found) for i in found}


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
