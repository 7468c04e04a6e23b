"""§ 5: the measure categories (Maßnahmenarten) and their projects.

A project is a line starting with a bullet ("- ", "– ", "• ", "* ", "o ", …) or a number ("1.",
"a)") — a numbered line that is a category's name is its heading; a following line that starts in
lower case, or follows a line ending in "und", "oder" or a comma, continues it. A heading may be
numbered ("1. Ausbildungsvorbereitung", "Maßnahmenart 2: …"). The text between two project lists
holds the next category heading: the longest run of its last lines that the alias table
(`reference.category_for_label`) knows is the heading, so a heading wrapped over two lines, or
glued to the intro sentence where the PDF text lost its blank lines, is still found.

A heading that maps to no alias is **not guessed**: its projects are kept under the code ``"?"``
with the heading text after the last sentence end as label, and a ``category-unmapped`` warning.
Projects with no heading text at all get code ``"?"``, label ``""`` and ``projects-without-category``.
Text after the last project (the closing sentence) is ignored unless it is a known heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ledger import reference
from ledger.importer.clean import Line
from ledger.importer.model import ParsedCategory, ParseWarning

UNMAPPED = "?"
# Bullets as word processors write them, and numbered items ("1.", "a)")
_BULLET = re.compile(r"^\s*(?P<mark>[-–—•*·▪▫◦○●■□➢►]|o(?=\s)|\d{1,2}[.)]|[a-z]\))\s+(?P<text>.*\S)\s*$")
_NUMBERING = re.compile(r"^(?:\d{1,2}[.)]|[a-z]\)|[IVX]{1,4}\.|Maßnahmenart\s+\d{1,2}\s*[:.]?)\s*")
_DASHES = ("–", "—")
# A project line that ends so goes on on the next line, whatever that starts with.
# (Only a conjunction or a comma: a name may end in a preposition, "Jump in".)
_OPEN_END = re.compile(r"(?:\s(?:und|oder|sowie|bzw\.)|,)$")
_SENTENCE_END = re.compile(r".*[.:;!?]\s")


@dataclass
class _Group:
    heading: list[Line]
    projects: list[str] = field(default_factory=list)
    first_project_line: int = 0


@dataclass(frozen=True)
class Section5:
    categories: tuple[ParsedCategory, ...]
    warnings: tuple[ParseWarning, ...]


def read_categories(body: tuple[Line, ...]) -> Section5:
    groups, trailing = _groups(body)
    warnings: list[ParseWarning] = []
    categories = [_category(group, warnings) for group in groups]
    closing = _known_heading(trailing)
    if closing:
        label, code = closing
        categories.append(ParsedCategory(code, label, ()))
        warnings.append(_warning("category-without-projects", f"'{label}' lists no projects.", trailing))
    return Section5(tuple(categories), tuple(warnings))


def _groups(body: tuple[Line, ...]) -> tuple[list[_Group], list[Line]]:
    groups: list[_Group] = []
    pending: list[Line] = []
    for line in body:
        has_text = any(p.text.strip() for p in pending)
        bullet = _project(line, pending, after_project=bool(groups) and not has_text)
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
    if label:
        message = f"The heading '{label}' matches no known category; its projects are kept under '?'."
        warnings.append(_warning("category-unmapped", message, group.heading))
    else:
        message = f"The projects from '{group.projects[0]}' on have no category heading."
        warnings.append(ParseWarning("projects-without-category", message, group.first_project_line))
    return ParsedCategory(UNMAPPED, label, tuple(group.projects))


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
    numbered = [line.no for line in lines if line.text.strip()]
    return ParseWarning(code, message, numbered[-1] if numbered else None)
