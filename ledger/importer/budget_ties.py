"""§ 4, first step: the budget each amount is tied to in its clause (see `clauses`).

In its clause an amount is tied
- to the one budget named there: certain, whichever comes first ("aus dem Arbeitsmarktbudget
  Haushaltsmittel in Höhe von 106.000 Euro", "879.800 Euro aus dem Ausbildungs- und
  Qualifizierungsbudget", "Arbeitsmarktbudget 2018: 106.000,-- €");
- when the clause names several budgets but one amount: to all of them when it is a total
  ("insgesamt"), else to the nearest budget after it (before it), with `budget-tie-guessed`;
- when the clause holds several amounts (a table without punctuation): by their order, each amount
  with the budget on the side the clause starts with, with `budget-tie-by-order`;
- to nothing when no budget is named (the next step, `amounts`, decides as the numbers say).

An amount is a *total* when "insgesamt", "gesamt…", "Summe" or "zusammen" stands in its clause (in a
clause of several amounts: right before it, or after the last); a *container* when "davon",
"hiervon", "darunter", "darin enthalten", "einschließlich" or "inkl." follows it (also in brackets:
"1.185.000 Euro (davon 100.000 € für …) aus dem AQB" ties the AQB to the total): the amounts
after that word in the sentence (or in the next sentence, when that starts with "Davon") are its
parts. An amount after
"zusätzlich", "darüber hinaus", "außerdem" or "zuzüglich" is *extra*: never part of another.
Digits with a currency that no amount pattern reads ("1.185.000.00 €") are unreadable amounts: a
misprint is refused naming it, never passed over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ledger.domain.errors import InvalidAmountError
from ledger.domain.money import parse_document_amount
from ledger.importer.clauses import AMOUNT, MONEYISH, TOTAL, Clause, Text, Token, amount_text, joined
from ledger.importer.clean import Line
from ledger.importer.model import ParseWarning

_CLIP = 90


@dataclass(frozen=True)
class Mention:
    """One amount of § 4 and what its sentence says about it."""

    index: int
    amount: Decimal
    raw: str
    line: int
    budget: str | None  # the budget it is tied to, or None
    covers: tuple[str, ...] = ()  # a total over several budgets named in its clause
    total: bool = False  # "insgesamt", "Summe" …
    extra: bool = False  # "zusätzlich" …
    part_of: int | None = None  # the index of its container ("davon")


@dataclass(frozen=True)
class Ties:
    mentions: tuple[Mention, ...]
    warnings: tuple[ParseWarning, ...]
    unreadable: tuple[tuple[str, int], ...]  # amounts that look like money but do not parse


@dataclass
class _Out:
    warnings: list[ParseWarning] = field(default_factory=list)
    unreadable: list[tuple[str, int]] = field(default_factory=list)


_Tie = tuple[Token, str | None, tuple[str, ...], bool]  # amount, budget, budgets a total covers, total


def tie_amounts(body: tuple[Line, ...]) -> Ties:
    """Every amount of § 4's body, tied to its budget as far as its sentence says."""
    text = joined(body)
    out = _Out()
    mentions: list[Mention] = []
    previous: list[Mention] = []
    for clauses in text.sentences():
        found = _sentence_mentions(text, clauses, len(mentions), previous, out)
        mentions += found
        previous = found or previous
    out.unreadable += _misread(text)
    return Ties(tuple(mentions), tuple(out.warnings), tuple(out.unreadable))


def _misread(text: Text) -> list[tuple[str, int]]:
    """Digits with a currency that no amount pattern reads ("1.185.000.00 €"), with their lines."""
    read = [(m.start(), m.end()) for m in AMOUNT.finditer(text.text)]
    return [(m.group(0), text.line_at(m.start())) for m in MONEYISH.finditer(text.text)
            if not any(a < m.end() and m.start() < b for a, b in read)]


def _sentence_mentions(
    text: Text, clauses: list[Clause], first: int, previous: list[Mention], out: _Out
) -> list[Mention]:
    """The sentence's amounts, tied and linked to their container: after "davon" every amount of
    the sentence is a part of the amount before it (of the last sentence's, for "Davon …")."""
    found: list[Mention] = []
    container = previous[-1].index if previous and clauses and clauses[0].contain else None
    for position, clause in enumerate(clauses):
        if clause.contain and position > 0 and container is None and found:
            container = found[-1].index
        for token, budget, covers, total in _tie_clause(text, clause, out.warnings):
            line = text.line_at(token.start)
            try:
                amount = parse_document_amount(amount_text(token.text))
            except InvalidAmountError:
                out.unreadable.append((token.text, line))
                continue
            part_of = None if clause.extra else container
            found.append(
                Mention(first + len(found), amount, token.text, line, budget, covers, total, clause.extra, part_of)
            )
    return found


def _tie_clause(text: Text, clause: Clause, warnings: list[ParseWarning]) -> list[_Tie]:
    codes = tuple(dict.fromkeys(b.budget or "" for b in clause.budgets))
    if len(clause.amounts) > 1:
        return _tie_by_order(text, clause, warnings)
    amount = clause.amounts[0]
    total = bool(TOTAL.search(text.text, clause.start, clause.end))
    if len(codes) <= 1:
        return [(amount, codes[0] if codes else None, (), total)]
    if total:
        return [(amount, None, codes, True)]
    return [(amount, _nearest(text, clause, amount, warnings), (), False)]


def _nearest(text: Text, clause: Clause, amount: Token, warnings: list[ParseWarning]) -> str | None:
    after = [b for b in clause.budgets if b.start > amount.start]
    chosen = after[0] if after else clause.budgets[-1]
    names = ", ".join(f"'{b.text}'" for b in clause.budgets)
    warnings.append(ParseWarning(
        "budget-tie-guessed",
        f"'{amount.text}' stands with several budgets ({names}); tied it to {chosen.budget}, the nearest "
        f"{'after' if after else 'before'} it, in '{_clip(text.text[clause.start:clause.end])}'.",
        text.line_at(amount.start),
    ))
    return chosen.budget


def _tie_by_order(text: Text, clause: Clause, warnings: list[ParseWarning]) -> list[_Tie]:
    tokens = sorted([*clause.amounts, *clause.budgets], key=lambda t: t.start)
    totals = [a for a in clause.amounts if _total_next_to(text.text, tokens, a)]
    ordered = [t for t in tokens if t not in totals]
    budget_first = bool(ordered) and ordered[0].budget is not None
    result: list[_Tie] = []
    for token in clause.amounts:
        if token in totals:
            result.append((token, None, (), True))
            continue
        budget = _paired(ordered, ordered.index(token), budget_first=budget_first)
        if budget is not None:
            warnings.append(_by_order(text, clause, token, budget))
        result.append((token, budget, (), False))
    return result


def _total_next_to(text: str, tokens: list[Token], amount: Token) -> bool:
    """"Summe 985.800 Euro" (the word between the token before and the amount), or "985.800 Euro
    insgesamt" when nothing follows."""
    index = tokens.index(amount)
    before = text[tokens[index - 1].end if index else 0 : amount.start]
    after = text[amount.end :] if index + 1 == len(tokens) else ""
    return bool(TOTAL.search(before) or TOTAL.match(after.strip()))


def _paired(ordered: list[Token], index: int, *, budget_first: bool) -> str | None:
    probe = index - 1 if budget_first else index + 1
    if 0 <= probe < len(ordered):
        return ordered[probe].budget
    return None


def _by_order(text: Text, clause: Clause, amount: Token, budget: str) -> ParseWarning:
    return ParseWarning(
        "budget-tie-by-order",
        f"'{amount.text}' is tied to {budget} by the order of amounts and budget names in "
        f"'{_clip(text.text[clause.start:clause.end])}'.",
        text.line_at(amount.start),
    )


def _clip(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _CLIP else flat[: _CLIP - 1] + "…"
