"""`parse_document`: the text of an agreement in, a `ParsedDocument` out. Pure: no I/O, no clock.

Order of work: undo PDF artefacts (`clean`), split into title page and § sections (`sections`),
classify (`classify`), then read the title page (`header`), the signatures (`signatures`), and for
an AQB agreement § 4 (`amounts`), § 5 (`categories`) and the clauses.

Content problems never raise. A required part that is not found (year, party, ministry, § 4
amount) is named in `missing`; a part that is found but cannot be read consistently (a § 4 total
that is not the sum of its lines, a § 5 heading that matches no category, a signature block that
does not say who signs, a second one for the same side, one for another party) is a
`ParseProblem` in `problems`; every heuristic decision is a `ParseWarning`. For a document that is
not an AQB agreement (SGB II agreement, funding guidelines, grant notice, unknown) only the title
page and signatures are read (so a refusal can say which party and year it concerns); budget
lines, categories and clauses stay empty and `missing` and `problems` stay empty, because `kind`
already says why it cannot be imported.

Clauses are searched in the whole cleaned text: "deviation-clause" ("Unterjährige Abweichungen …
berücksichtigt", § 6), "autumn-meeting" ("Umsetzungsbesprechung im Herbst"), "publication"
("veröffentlicht", § 7) and "un-crpd" (UN-Behindertenrechtskonvention), reported in that order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from ledger.domain.values import Category
from ledger.importer.amounts import budgets_covered, read_amounts
from ledger.importer.categories import read_categories
from ledger.importer.classify import Classification, classify
from ledger.importer.clean import Line, clean_text, raw_lines
from ledger.importer.header import Header, MinistryIdentity, identify_ministry, read_header
from ledger.importer.model import (
    ParsedBudgetLine,
    ParsedCategory,
    ParsedDocument,
    ParseProblem,
    ParseWarning,
)
from ledger.importer.parties import find_party
from ledger.importer.sections import Outline, Section, outline
from ledger.importer.signatures import Signatures, read_signatures

AQB_KIND = "aqb-target-agreement"
KNOWN_CATEGORIES = frozenset(Category.__members__)
CLAUSES = (
    ("deviation-clause", re.compile(r"Unterjährige\s+Abweichungen\b.{0,300}?\bberücksichtigt")),
    ("autumn-meeting", re.compile(r"Umsetzungsbesprechung\s+im\s+Herbst")),
    ("publication", re.compile(r"\bveröffentlicht\b")),
    ("un-crpd", re.compile(r"\bUN-Behindertenrechtskonvention\b|\bUN-BRK\b")),
)


@dataclass(frozen=True)
class _Common:
    """What is read from every document, whatever its kind."""

    kind: Classification
    header: Header
    signatures: Signatures
    ministry: MinistryIdentity
    warnings: tuple[ParseWarning, ...]


@dataclass(frozen=True)
class _AqbParts:
    """What is read from an AQB agreement only."""

    lines: tuple[ParsedBudgetLine, ...] = ()
    categories: tuple[ParsedCategory, ...] = ()
    clauses: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    problems: tuple[ParseProblem, ...] = ()


def parse_document(text: str) -> ParsedDocument:
    """Parse an agreement's text; see the module docstring for what is read and reported. The
    text is read in Unicode NFC (a converter may give "ö" as "o" and a combining mark, NFD)."""
    text = unicodedata.normalize("NFC", text)
    cleaned = clean_text(text)
    shape = outline(cleaned.lines)
    common = _common(shape, cleaned.lines, cleaned.warnings + shape.warnings)
    if common.kind.kind != AQB_KIND:
        return _document(common, common.warnings)
    return _aqb_document(common, shape, cleaned.lines, raw_lines(text))


def _common(shape: Outline, lines: tuple[Line, ...], warnings: tuple[ParseWarning, ...]) -> _Common:
    kind = classify("\n".join(line.text for line in shape.header), _joined(lines))
    body = tuple(line for section in shape.sections for line in section.lines)
    header = read_header(shape.header, body)
    signatures = read_signatures(_signature_area(shape), header.party_ags)
    ministry = identify_ministry(header.ministry_name, _signed_on(signatures), header.year)
    collected = warnings + header.warnings + signatures.warnings + ministry.warnings
    return _Common(kind, header, signatures, ministry, collected)


def _aqb_document(common: _Common, shape: Outline, lines: tuple[Line, ...], raw: dict[int, str]) -> ParsedDocument:
    s4, s5 = shape.section(4), shape.section(5)
    amounts = read_amounts(s4.lines if s4 else ())
    categories = read_categories(s5.lines if s5 else (), raw)
    warnings = common.warnings + amounts.warnings + categories.warnings
    warnings += _structure_warnings(common, shape, bool(categories.categories))
    missing = _missing(common.header, common.ministry, bool(amounts.lines))
    problems = (amounts.problems + _category_problems(categories.categories) + common.signatures.problems
                + _contradictions(common.header, s4, categories.categories)
                + _incomplete(shape, categories.categories, bool(common.signatures.signatures)))
    parts = _AqbParts(amounts.lines, categories.categories, _clauses(_joined(lines)), missing, problems)
    return _document(common, warnings, parts)


def _document(
    common: _Common, warnings: tuple[ParseWarning, ...], parts: _AqbParts | None = None
) -> ParsedDocument:
    header, ministry, aqb = common.header, common.ministry, parts or _AqbParts()
    return ParsedDocument(
        kind=common.kind.kind,
        kind_evidence=common.kind.evidence,
        year=header.year,
        party_ags=header.party_ags,
        party_name=header.party_name,
        ministry_name=header.ministry_name,
        ministry_code=ministry.code,
        ministry_canonical_name=ministry.canonical_name,
        budgets=budgets_covered(aqb.lines),
        lines=aqb.lines,
        categories=aqb.categories,
        clauses=aqb.clauses,
        signatures=common.signatures.signatures,
        warnings=warnings,
        missing=aqb.missing,
        problems=aqb.problems,
    )


def _joined(lines: tuple[Line, ...]) -> str:
    return " ".join(line.text.strip() for line in lines if line.text.strip())


def _signature_area(shape: Outline) -> tuple[Line, ...]:
    return shape.sections[-1].lines if shape.sections else shape.header


def _signed_on(signatures: Signatures) -> date | None:
    """The ministry's signature date, else the party's: the day the ministry's name is taken for."""
    ordered = sorted(signatures.signatures, key=lambda s: s.side != "ministry")
    return next((s.signed_on for s in ordered if s.signed_on is not None), None)


def _clauses(text: str) -> tuple[str, ...]:
    return tuple(name for name, pattern in CLAUSES if pattern.search(text))


def _missing(header: Header, ministry: MinistryIdentity, has_amount: bool) -> tuple[str, ...]:
    required = (
        ("year", header.year is not None),
        ("party", header.party_ags is not None),
        ("ministry", ministry.code is not None),
        ("§4 amount", has_amount),
    )
    return tuple(name for name, found in required if not found)


def _structure_warnings(
    common: _Common, shape: Outline, has_categories: bool
) -> tuple[ParseWarning, ...]:
    s4, s5 = shape.section(4), shape.section(5)
    checks = (
        (s4 is None, "section-missing", "No '§ 4' heading; no budget lines could be read."),
        (s5 is None, "section-missing", "No '§ 5' heading; no categories could be read."),
        (s5 is not None and not has_categories, "categories-missing", "§ 5 lists no categories."),
        (shape.section(6) is None, "section-missing", "No '§ 6' heading: the obligations of § 6 (the autumn "
         "meeting, deviations in the judgement) are judged as not agreed."),
        (not common.signatures.signatures and not common.signatures.problems, "signatures-missing",
         "No signature block found."),
    )
    return tuple(ParseWarning(code, message) for failed, code, message in checks if failed)


_AGS = re.compile(r"(?<!\d)06\d{3}(?!\d)")
_BUDGET_YEAR = re.compile(r"[Bb]udgets?\s+((?:19|20)\d{2})\b")
CHECK_HINT = "check the document: it contradicts itself; if it is right as written, record the agreement by hand"


def _contradictions(header: Header, s4: Section | None, categories: tuple[ParsedCategory, ...],
                    ) -> tuple[ParseProblem, ...]:
    """What the document says twice, differently: a party and another party's AGS, a title naming
    no party, a § 4 budget of another year, a project listed twice."""
    found: list[ParseProblem] = []
    written = header.party_written
    if written and header.party_ags:
        other = next((a for a in _AGS.findall(written) if a != header.party_ags), None)
        if other is not None:
            found.append(ParseProblem("the title", f"it names the party '{written}', which is {header.party_ags}, "
                                      f"with the AGS {other}", CHECK_HINT))
        elif find_party(written) is None:
            found.append(ParseProblem("the title", f"its party '{written}' is none of the 26 parties, although "
                                      f"the first pages name {header.party_name} ({header.party_ags})", CHECK_HINT))
    if s4 is not None and header.year is not None:
        years = {int(y) for line in s4.lines for y in _BUDGET_YEAR.findall(line.text)} - {header.year}
        if years:
            found.append(ParseProblem("§ 4", f"it names the budget of {min(years)}; the agreement is for "
                                      f"{header.year}", CHECK_HINT, s4.heading_line))
    seen: dict[str, str] = {}
    for category in categories:
        for project in category.projects:
            key = " ".join(project.split()).casefold()
            if key in seen:
                where = "twice" if seen[key] == category.code else f"under {seen[key]} and {category.code}"
                found.append(ParseProblem("§ 5", f"it lists the project '{project}' {where}", CHECK_HINT))
            seen.setdefault(key, category.code)
    return tuple(found)


INCOMPLETE_HINT = ("check that the file is complete (not cut off, every page extracted); if § 5 is a table, record "
                   "the agreement by hand ('aqb agreement create', 'aqb record project')")


def _incomplete(shape: Outline, categories: tuple[ParsedCategory, ...], signed: bool) -> tuple[ParseProblem, ...]:
    """What every target agreement holds and this one lacks: the projects of § 5 (the measures
    the budget funds; a § 5 that names none was not read), and — in a document that ends without
    a signature block, so cut off — § 6 (Zielsteuerung), without which the obligations it sets
    would be judged as not agreed. (A signed document without § 6 imports with a warning.)"""
    found = []
    if not any(c.projects for c in categories):
        found.append(ParseProblem("§ 5", "no project could be read from it" if shape.section(5) else
                                  "the document has no '§ 5' heading, so no project could be read", INCOMPLETE_HINT))
    if shape.section(6) is None and not signed:
        found.append(ParseProblem("§ 6", "the document has neither '§ 6' (Zielsteuerung) nor a signature block: it "
                                  "seems cut off, and the obligations of § 6 would be judged as not agreed",
                                  INCOMPLETE_HINT))
    return tuple(found)


def _category_problems(categories: tuple[ParsedCategory, ...]) -> tuple[ParseProblem, ...]:
    return tuple(
        ParseProblem(
            "§ 5",
            f"the heading '{c.label}' matches no measure category"
            if c.label
            else f"the projects from '{c.projects[0] if c.projects else '?'}' on stand under no category heading",
            "add the heading's wording to the aliases in ledger/reference/categories.json",
        )
        for c in categories
        if c.code not in KNOWN_CATEGORIES
    )
