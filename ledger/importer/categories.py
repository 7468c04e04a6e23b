"""§ 5: the measure categories (Maßnahmenarten) and their projects.

A project is a line starting with a bullet ("- ", "– ", "• ", "* ", "o ", …) or a number ("1.",
"a)") — a numbered line that is a category's name is its heading, and so is a numbered line
above a list of another mark ("3. …" above "•" items), whether the alias table knows it or
not; a following line that starts in lower case, or follows a line ending in "und", "oder" or a
comma, continues it. A heading may be numbered ("1. Ausbildungsvorbereitung", "Maßnahmenart
2: …"). The text between two project lists holds the next category heading: the longest run of
its last lines that the alias table (`reference.category_for_label`) knows is the heading, so a
heading wrapped over two lines, or glued to the intro sentence where the PDF text lost its
blank lines, is still found.

A heading that maps to no alias is **not guessed**: its projects are kept under the code ``"?"``
with the heading text after the last sentence end as label, and a ``category-unmapped`` warning.
Projects with no heading text at all get code ``"?"``, label ``""`` and ``projects-without-category``.
Text after the last project (the closing sentence) is ignored unless it is a known heading.
A § 5 given as a table is read by its columns (`ledger.importer.tables`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ledger import reference
from ledger.importer.clean import Line
from ledger.importer.model import ParsedCategory, ParseWarning
from ledger.importer.tables import TableRow, read_table

UNMAPPED = "?"
# Bullets as word processors write them, and numbered items ("1.", "a)")
_BULLET = re.compile(r"^\s*(?P<mark>[-–—•*·▪▫◦○●■□➢►]|o(?=\s)|\d{1,2}[.)]|[a-z]\))\s+(?P<text>.*\S)\s*$")
_NUMBERING = re.compile(r"^(?:\d{1,2}[.)]|[a-z]\)|[IVX]{1,4}\.|Maßnahmenart\s+\d{1,2}\s*[:.]?)\s*")
_DASHES = ("–", "—")
# A project line that ends so goes on on the next line, whatever that starts with.
# (Only a conjunction or a comma: a name may end in a preposition, "Jump in".)
_OPEN_END = re.compile(r"(?:\s(?:und|oder|sowie|bzw\.)|,)$")
_SENTENCE_END = re.compile(r".*[.:;!?]\s")
_MONEY = r"(?:\d{1,3}(?:[.\s'’]\d{3})+|\d+)(?:,\d{2}|,-{1,2})?"
_TRAILING_AMOUNT = re.compile(
    rf"\s*(?:[:–—-]\s*)?(?:\(\s*)?(?:(?:EUR|Euro|€)\s*{_MONEY}|{_MONEY}\s*(?:EUR|Euro|€))\s*\)?\s*$")


@dataclass
class _Group:
    heading: list[Line]
    projects: list[str] = field(default_factory=list)
    first_project_line: int = 0


@dataclass(frozen=True)
class Section5:
    categories: tuple[ParsedCategory, ...]
    warnings: tuple[ParseWarning, ...]


def read_categories(body: tuple[Line, ...], raw: Mapping[int, str] | None = None) -> Section5:
    """The categories of § 5 from its cleaned lines; `raw`, the document's lines as written by
    number, lets a table be read by its columns."""
    table = read_table(_as_written(body, raw) if raw is not None and body else body)
    if table:
        return _without_amounts(_from_table(table))
    groups, trailing = _groups(body)
    warnings: list[ParseWarning] = []
    categories = [_category(group, warnings) for group in groups]
    closing = _known_heading(trailing)
    if closing:
        label, code = closing
        categories.append(ParsedCategory(code, label, ()))
        warnings.append(_warning("category-without-projects", f"'{label}' lists no projects.", trailing))
    return _without_amounts(Section5(tuple(categories), tuple(warnings)))


def _without_amounts(found: Section5) -> Section5:
    """Project names without an amount written after them ("Ausbildungslotsen: 210.000,00 Euro",
    "Jump in (135.000 €)"): the name is the project's, the amount is not its recorded plan."""
    warnings = list(found.warnings)
    categories = []
    for category in found.categories:
        names = []
        for written in category.projects:
            bare = _TRAILING_AMOUNT.sub("", written).strip()
            if bare and bare != written:
                warnings.append(ParseWarning("project-amount-not-recorded", f"'{written}': the project is '{bare}'; "
                                             "the amount beside it is not recorded as its plan (record it with "
                                             "'aqb record project')."))
            names.append(bare or written)
        categories.append(ParsedCategory(category.code, category.label, tuple(names)))
    return Section5(tuple(categories), tuple(warnings))


def _as_written(body: tuple[Line, ...], raw: Mapping[int, str]) -> tuple[Line, ...]:
    return tuple(Line(no, raw[no]) for no in range(body[0].no, body[-1].no + 1) if no in raw)


def _from_table(rows: list[TableRow]) -> Section5:
    """The categories of a § 5 table, in the order of their first row."""
    projects: dict[str, list[str]] = {}
    first: dict[str, int] = {}
    for row in rows:
        projects.setdefault(row.category, []).append(row.project)
        first.setdefault(row.category, row.line)
    categories, warnings = [], [ParseWarning("section5-table", "§ 5 is a table: its category and project "
                                             "columns were read.", rows[0].line)]
    for label, names in projects.items():
        code = reference.category_for_label(label) if label else None
        if code is None:
            warnings.append(_unmapped(label, names[0], first[label]))
        categories.append(ParsedCategory(code or UNMAPPED, label, tuple(names)))
    return Section5(tuple(categories), tuple(warnings))


def _groups(body: tuple[Line, ...]) -> tuple[list[_Group], list[Line]]:
    groups: list[_Group] = []
    pending: list[Line] = []
    headings = _numbered_headings(body)
    for line in body:
        has_text = any(p.text.strip() for p in pending)
        bullet = None if line.no in headings else _project(line, pending, after_project=bool(groups) and not has_text)
        if bullet is not None:
            if has_text or not groups:
                groups.append(_Group(pending, [], line.no))
            pending = []
            groups[-1].projects.append(bullet)
        elif groups and not pending and line.text.strip() and (
                line.text.strip()[:1].islower() or _OPEN_END.search(groups[-1].projects[-1])):
            groups[-1].projects[-1] += " " + line.text.strip()
        else:
            pending.append(line)
    return groups, pending


def _numbered_headings(body: tuple[Line, ...]) -> set[int]:
    """Numbered lines followed by a list of another mark ("3. Qualifizierung …" above "•" items):
    headings of the list below them, known to the alias table or not — never projects."""
    found: set[int] = set()
    texts = [line for line in body if line.text.strip()]
    for line, following in itertools.pairwise(texts):
        mine, next_one = _BULLET.match(line.text), _BULLET.match(following.text)
        if mine and next_one and mine.group("mark")[:1].isalnum() and not next_one.group("mark")[:1].isalnum():
            found.add(line.no)
    return found


def _project(line: Line, pending: list[Line], *, after_project: bool) -> str | None:
    """The project named by a bullet line. A "–" (en dash) line counts only after a project or
    a known heading: elsewhere it is a wrapped sentence ("… erlassenen" / "– Bescheides.")."""
    found = _BULLET.match(line.text)
    if found is None:
        return None
    mark, text = found.group("mark"), found.group("text")
    if mark[:1].isalnum() and reference.category_for_label(text):
        return None  # "1. Ausbildungsvorbereitung": a numbered category heading
    if mark not in _DASHES or after_project or _known_heading(pending):
        return text
    return None


def _category(group: _Group, warnings: list[ParseWarning]) -> ParsedCategory:
    known = _known_heading(group.heading)
    if known:
        label, code = known
        return ParsedCategory(code, label, tuple(group.projects))
    label = _last_phrase(group.heading)
    where = _last_line(group.heading) if label else group.first_project_line
    warnings.append(_unmapped(label, group.projects[0], where))
    return ParsedCategory(UNMAPPED, label, tuple(group.projects))


def _unmapped(label: str, first_project: str, line: int | None) -> ParseWarning:
    """Projects under '?': a heading no alias knows, or no heading at all."""
    if label:
        return ParseWarning("category-unmapped",
                            f"The heading '{label}' matches no known category; its projects are kept under '?'.", line)
    return ParseWarning("projects-without-category",
                        f"The projects from '{first_project}' on have no category heading.", line)


def _paragraph(lines: list[Line]) -> list[str]:
    """The last paragraph (lines after the last blank line), as stripped texts."""
    texts = [line.text.strip() for line in lines]
    while texts and not texts[-1]:
        texts.pop()
    last_blank = max((i for i, t in enumerate(texts) if not t), default=-1)
    return texts[last_blank + 1 :]


def _known_heading(lines: list[Line]) -> tuple[str, str] | None:
    texts = _paragraph(lines)
    for start in range(len(texts)):
        label = _NUMBERING.sub("", " ".join(texts[start:]))
        code = reference.category_for_label(label)
        if code:
            return label, code
    return None


def _last_phrase(lines: list[Line]) -> str:
    text = " ".join(_paragraph(lines)) + " "
    found = _SENTENCE_END.match(text)
    return (text[found.end() :] if found else text).strip()


def _warning(code: str, message: str, lines: list[Line]) -> ParseWarning:
    return ParseWarning(code, message, _last_line(lines))


def _last_line(lines: list[Line]) -> int | None:
    numbered = [line.no for line in lines if line.text.strip()]
    return numbered[-1] if numbered else None
