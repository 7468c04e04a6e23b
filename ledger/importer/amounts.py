"""§ 4 "Haushaltsmittel und Eckdaten": the amount(s) per budget line.

Each amount is tied to the budget named next to it: first the words after it up to the next
amount ("1.185.000 Euro aus dem Ausbildungs- und Qualifizierungsbudget"), then the words before it
("Arbeitsmarktbudget 2018: 106.000,-- €"); when the amount ends (starts) its line, the start of the
next (end of the previous) line counts as its neighbourhood. An amount next to "insgesamt" is the
total when other amounts are the lines; it is checked against their sum, never recorded as a line.
A single amount without a budget name is taken as the AQB line, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ledger.domain.errors import InvalidAmountError
from ledger.domain.money import parse_document_amount
from ledger.importer.clean import Line
from ledger.importer.model import ParsedBudgetLine, ParseWarning

_EURO = r"\s*(?:Euro|EUR|€)"
AMOUNT = re.compile(
    r"(?<![\d.,])(?:\d+(?:,\d+)?\s*(?:Mio\.?|Millionen)"
    + _EURO
    + r"|\d{1,3}(?:\.\d{3})+(?:,\d{2}|,-{1,2})?"
    + _EURO
    + r"|\d+(?:,\d{2}|,-{1,2})?"
    + _EURO
    + r")"
)
_BUDGETS = (
    ("AQB", re.compile(r"Ausbildungs-\s*und\s+Qualifizierungsbudget|\bAQB\b")),
    ("AMB", re.compile(r"Arbeitsmarktbudget|\bAMB\b")),
    ("TZA", re.compile(r"Teilzeitausbildung")),
    ("SPRACH", re.compile(r"Sprachförder")),
)
_TOTAL = re.compile(r"\b(?:insgesamt|gesamt|Summe|Gesamtsumme)\b\W*$", re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    amount: Decimal
    raw: str
    budget: str | None
    total_hint: bool
    line: int


@dataclass(frozen=True)
class Section4:
    lines: tuple[ParsedBudgetLine, ...]
    warnings: tuple[ParseWarning, ...]


def read_amounts(body: tuple[Line, ...]) -> Section4:
    """The budget lines of § 4's body; no line found means the amount is missing."""
    texts = [line for line in body if line.text.strip()]
    warnings: list[ParseWarning] = []
    mentions = [m for i in range(len(texts)) for m in _mentions(texts, i, warnings)]
    if len(mentions) == 1:
        return Section4((_single_line(mentions[0], warnings),), tuple(warnings))
    return Section4(_lines_and_total(mentions, warnings), tuple(warnings))


def _mentions(texts: list[Line], index: int, warnings: list[ParseWarning]) -> list[Mention]:
    line = texts[index]
    found = list(AMOUNT.finditer(line.text))
    result = []
    for position, match in enumerate(found):
        before, after = _neighbourhood(texts, index, found, position)
        try:
            amount = parse_document_amount(match.group(0))
        except InvalidAmountError as error:
            warnings.append(ParseWarning("amount-unreadable", error.message, line.no))
            continue
        budget = _first_budget(after) or _last_budget(before)
        result.append(Mention(amount, match.group(0), budget, bool(_TOTAL.search(before)), line.no))
    return result


def _neighbourhood(
    texts: list[Line], index: int, found: list[re.Match[str]], position: int
) -> tuple[str, str]:
    text, match = texts[index].text, found[position]
    start = found[position - 1].end() if position > 0 else 0
    end = found[position + 1].start() if position + 1 < len(found) else len(text)
    before, after = text[start : match.start()], text[match.end() : end]
    if not before.strip() and index > 0:
        before = AMOUNT.split(texts[index - 1].text)[-1]
    if not after.strip() and index + 1 < len(texts):
        after = AMOUNT.split(texts[index + 1].text)[0]
    return before, after


def _first_budget(text: str) -> str | None:
    hits = [(m.start(), code) for code, p in _BUDGETS for m in [p.search(text)] if m]
    return min(hits)[1] if hits else None


def _last_budget(text: str) -> str | None:
    hits = [(m.start(), code) for code, p in _BUDGETS for m in p.finditer(text)]
    return max(hits)[1] if hits else None


def _single_line(mention: Mention, warnings: list[ParseWarning]) -> ParsedBudgetLine:
    if mention.budget is None:
        warnings.append(
            ParseWarning(
                "budget-assumed-aqb",
                f"No budget is named next to '{mention.raw}'; took it as the AQB line.",
                mention.line,
            )
        )
    return ParsedBudgetLine(mention.budget or "AQB", mention.amount, mention.raw)


def _lines_and_total(mentions: list[Mention], warnings: list[ParseWarning]) -> tuple[ParsedBudgetLine, ...]:
    totals = [m for m in mentions if m.total_hint]
    parts = [m for m in mentions if not m.total_hint and m.budget is not None]
    for m in mentions:
        if not m.total_hint and m.budget is None:
            warnings.append(_unassigned(m))
    for total in totals:
        _check_total(total, parts, warnings)
    return tuple(ParsedBudgetLine(m.budget or "AQB", m.amount, m.raw) for m in parts)


def _unassigned(mention: Mention) -> ParseWarning:
    return ParseWarning(
        "amount-unassigned",
        f"'{mention.raw}' names no budget and is not a total; left out of the budget lines.",
        mention.line,
    )


def _check_total(total: Mention, parts: list[Mention], warnings: list[ParseWarning]) -> None:
    summed = sum((m.amount for m in parts), Decimal("0.00"))
    if summed != total.amount:
        warnings.append(
            ParseWarning(
                "total-mismatch",
                f"The total '{total.raw}' differs from the sum of the budget lines ({summed}).",
                total.line,
            )
        )


def budgets_covered(lines: tuple[ParsedBudgetLine, ...]) -> tuple[str, ...]:
    """The budgets an agreement covers: AQB (earmarked TZA and SPRACH lines are part of it) and,
    in older agreements, AMB."""
    covered = {"AQB" if line.budget in ("TZA", "SPRACH") else line.budget for line in lines}
    return tuple(b for b in ("AQB", "AMB") if b in covered)
