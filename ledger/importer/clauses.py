"""§ 4's text as sentences and clauses, with its amounts and budget names as tokens.

The body of § 4 is read as one text: line breaks are layout (an amount may stand on a line of its
own, a PDF wraps lines anywhere), except between the rows of a table ("Ausbildungs- und
Qualifizierungsbudget 2018: 879.800 Euro" / "Arbeitsmarktbudget 2018: 106.000,-- €"). The text is
cut into sentences (not after "Mio.", "bzw." or the "1." of a date), and each sentence into
clauses at the words that join two amounts: "und", "sowie", commas, semicolons, brackets, "davon",
"zusätzlich" — never inside a budget's name ("Ausbildungs- und Qualifizierungsbudget") or an amount
("1,3 Mio. Euro"). A clause without an amount belongs to the clause after it (the last one to the
one before): "aus dem AQB 2018 und dem Arbeitsmarktbudget 2018 … insgesamt 985.800 Euro" is one.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import cache

from ledger import reference
from ledger.importer.clean import Line

_EURO = r"\s*(?:Euro|EUR|€)"
_NUMBER = r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d{2}|,-{1,2})?"
_THOUSANDS = r"\s*(?:T\s*€|TEUR|T\s+EUR|Tsd\.?\s*(?:Euro|EUR|€)|tausend\s+(?:Euro|EUR|€))"
# Thousands grouped by a space (also a no-break or narrow one) or an apostrophe: "1 185 000 Euro",
# "1’185’000 Euro". Without these, the last group alone ("000 Euro") would read as the amount.
_SPACED = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d{2}|,-{1,2})?|\d{1,3}(?:['’]\d{3})+(?:,\d{2}|,-{1,2})?"
AMOUNT = re.compile(
    r"(?<![\d.,])(?:(?:" + _SPACED + r")" + _EURO
    + r"|(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?" + _THOUSANDS + r"(?!\s*\d)"  # "1.234,5 T€"
    + r"|\d+(?:,\d+)?\s*(?:Mio\.?|Millionen)"
    + _EURO
    + r"|\d{1,3}(?:\.\d{3})+(?:,\d{2}|,-{1,2})?"
    + _EURO
    + r"|\d+(?:,\d{2}|,-{1,2})?"
    + _EURO
    + r"(?!\s*\d)"  # "2018 € 106.000": the currency belongs to the number after the year
    + rf"|(?<!\w)(?:EUR|€)\s*{_NUMBER}(?![\d.,]\d)"  # the currency first: "EUR 1.185.000,00"
    + r"|(?<!\w)Euro\s*\d{1,3}(?:\.\d{3})+(?:,\d{2}|,-{1,2})?(?![\d.,]\d)"  # "Euro 1.185.000" (grouped only)
    + r")"
)
# Digits with a currency that no pattern above reads ("1.185.000.00 €", "1,185,000 Euro"): a typo
# in the document, reported as an amount that cannot be read instead of passed over.
MONEYISH = re.compile(r"(?<![\w.,])\d[\d.,'’ \u00a0\u202f]*\d(?:,-{1,2})?\s*(?:Euro|EUR|€)(?!\w)")
_CURRENCY_FIRST = re.compile(r"^(?:EUR|€|Euro)\s*")


def amount_text(raw: str) -> str:
    """An amount as `parse_document_amount` reads it: "EUR 1.185.000" → "1.185.000 EUR"."""
    found = _CURRENCY_FIRST.match(raw)
    return f"{raw[found.end():]} {found.group(0).strip()}" if found else raw
TOTAL = re.compile(r"\b(?:insgesamt|gesamt\w*|summe|zusammen)\b", re.IGNORECASE)
_CONTAIN = r"davon|hiervon|darunter|darin\s+enthalten|wovon|einschließlich|inklusive|inkl\."
_EXTRA = r"zusätzlich|darüber\s+hinaus|außerdem|zuzüglich|zzgl\.|ferner"
_CUT = re.compile(
    rf"(?P<contain>\b(?:{_CONTAIN})(?!\w))|(?P<extra>(?<!\w)(?:{_EXTRA})(?!\w))|[,;()]|\s(?:und|sowie)\s",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_ABBREVIATIONS = frozenset({"bzw", "ggf", "vgl", "nr", "abs", "ca", "inkl", "zzgl", "dr", "tsd", "gem", "lt", "s"})
_WORD_BEFORE = re.compile(r"(\w+)$")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    budget: str | None = None  # the budget a name stands for; None for an amount


@dataclass
class Clause:
    start: int
    end: int
    amounts: list[Token] = field(default_factory=list)
    budgets: list[Token] = field(default_factory=list)
    contain: bool = False  # starts after "davon": its amounts are parts of the amount before
    extra: bool = False  # starts after "zusätzlich"
    depth: int = 0  # how many brackets are open where it starts
    resumes: bool = False  # starts right after a closing bracket

    def joined(self, other: Clause) -> Clause:
        """This clause and the one after it as one."""
        return Clause(self.start, other.end, self.amounts + other.amounts, self.budgets + other.budgets,
                      self.contain or other.contain, self.extra or other.extra, min(self.depth, other.depth))


@dataclass(frozen=True)
class Text:
    text: str
    starts: tuple[tuple[int, int], ...]  # (offset in text, source line number) of each line

    def line_at(self, offset: int) -> int:
        return max((no for start, no in self.starts if start <= offset), default=0)

    def sentences(self) -> list[list[Clause]]:
        rows = _row_breaks(self)
        return [_clauses(self.text, start, end, rows) for start, end in _sentences(self.text)]


def joined(body: tuple[Line, ...]) -> Text:
    pieces, starts, offset = [], [], 0
    for line in body:
        content = line.text.strip()
        if content:
            starts.append((offset, line.no))
            pieces.append(content)
            offset += len(content) + 1
    return Text(" ".join(pieces), tuple(starts))


@cache
def budget_names() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(code, pattern) for every name of a budget in the reference data."""
    return tuple((budget.code, _name_pattern(name)) for budget in reference.budgets() for name in budget.names)


def _name_pattern(name: str) -> re.Pattern[str]:
    if name.isupper():
        return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    words = name.split()
    joints = [re.escape(word) + (r"\s*" if word.endswith("-") else r"\s+") for word in words[:-1]]
    return re.compile(rf"(?<!\w){''.join(joints)}{re.escape(words[-1])}\w*")


def _tokens(text: str, start: int, end: int) -> tuple[list[Token], list[Token]]:
    amounts = [Token(m.start(), m.end(), m.group(0)) for m in AMOUNT.finditer(text, start, end)]
    found = [Token(m.start(), m.end(), m.group(0), code)
             for code, pattern in budget_names() for m in pattern.finditer(text, start, end)]
    budgets: list[Token] = []
    for name in sorted(found, key=lambda t: (t.start, -t.end)):
        if not any(_overlap(name, other) for other in [*budgets, *amounts]):
            budgets.append(name)
    return amounts, budgets


def _overlap(a: Token, b: Token) -> bool:
    return a.start < b.end and b.start < a.end


def _sentences(text: str) -> list[tuple[int, int]]:
    protected = [(m.start(), m.end()) for m in AMOUNT.finditer(text)]
    cuts = [m.end() for m in _SENTENCE_END.finditer(text) if _ends_sentence(text, m.start(), protected)]
    bounds = [0, *cuts, len(text)]
    return [(a, b) for a, b in itertools.pairwise(bounds) if text[a:b].strip()]


def _ends_sentence(text: str, dot: int, protected: list[tuple[int, int]]) -> bool:
    if any(a <= dot < b for a, b in protected):
        return False
    if any(b == dot for _, b in protected):
        return True  # "… EUR 1.000,00." ends with its amount
    word = _WORD_BEFORE.search(text[:dot])
    if word is None:
        return True
    token = word.group(1)
    if token.isdigit():
        return len(token) > 2  # "2018." ends a sentence, "1. Juli" does not
    return token.lower() not in _ABBREVIATIONS and not (len(token) == 1 and token.islower())


def _row_breaks(text: Text) -> frozenset[int]:
    """Line starts that begin a new row of a table: the line before names a budget and ends with
    its amount ("Arbeitsmarktbudget 2018: 106.000,-- €"), this one starts with a budget or a total."""
    breaks = set()
    for (start, _), (following, _) in itertools.pairwise(text.starts):
        row = text.text[start : following - 1]
        amounts, budgets = _tokens(row, 0, len(row))
        ends_with_amount = bool(amounts) and not row[amounts[-1].end :].strip(" .;,")
        rest = text.text[following:]
        starts_new = any(p.match(rest) for _, p in budget_names()) or bool(TOTAL.match(rest))
        if budgets and ends_with_amount and starts_new:
            breaks.add(following)
    return frozenset(breaks)


def _clauses(text: str, start: int, end: int, rows: frozenset[int]) -> list[Clause]:
    amounts, budgets = _tokens(text, start, end)
    taken = [*amounts, *budgets]
    cuts = [(m.start(), m.end(), bool(m.group("contain")), bool(m.group("extra")))
            for m in _CUT.finditer(text, start, end)]
    cuts += [(row, row, False, False) for row in rows if start < row < end]
    clauses = [Clause(start, end)]
    depth = 0
    for cut_start, cut_end, contain, extra in sorted(cuts):
        if not any(t.start < cut_start < t.end for t in taken):
            mark = text[cut_start:cut_end]
            depth = depth + 1 if mark == "(" else max(depth - 1, 0) if mark == ")" else depth
            clauses[-1].end = cut_start
            clauses.append(Clause(cut_end, end, contain=contain, extra=extra, depth=depth, resumes=mark == ")"))
    for clause in clauses:
        clause.amounts = [t for t in amounts if clause.start <= t.start < clause.end]
        clause.budgets = [t for t in budgets if clause.start <= t.start < clause.end]
    return _merge_amountless(clauses)


def _merge_amountless(clauses: list[Clause]) -> list[Clause]:
    """A clause without an amount joins the next clause; it joins the one before when it is the last,
    or when the next starts anew with "davon" or "zusätzlich" ("insgesamt 985.800 Euro aus dem AQB
    und dem Arbeitsmarktbudget, davon …"). Right after a closing bracket it goes on with the clause
    the bracket interrupted: in "1.185.000 Euro (davon 100.000 € für …) aus dem AQB" the budget is
    the total's, not the part's."""
    merged: list[Clause] = []
    carry: Clause | None = None
    for clause in clauses:
        if clause.resumes and carry is None and not clause.amounts:
            outer = [i for i, m in enumerate(merged) if m.depth <= clause.depth]
            if outer and outer[-1] != len(merged) - 1:
                merged[outer[-1]] = _resumed(merged[outer[-1]], clause)
                continue
        starts_anew = (clause.contain or clause.extra) and carry is not None and not (carry.contain or carry.extra)
        if carry is not None and starts_anew and merged:
            merged[-1], carry = merged[-1].joined(carry), None
        whole = carry.joined(clause) if carry is not None else clause
        carry = None if whole.amounts else whole
        if whole.amounts:
            merged.append(whole)
    if carry is not None and merged:
        merged[-1] = merged[-1].joined(carry)
    return merged


def _resumed(interrupted: Clause, clause: Clause) -> Clause:
    """The clause a bracket interrupted, with the words after the bracket (its span stays its own)."""
    return Clause(interrupted.start, interrupted.end, interrupted.amounts, interrupted.budgets + clause.budgets,
                  interrupted.contain, interrupted.extra, interrupted.depth)
