"""§ 4 "Haushaltsmittel und Eckdaten": the budget lines, as the numbers say.

`budget_ties` ties each amount to a budget within its sentence; this step decides which amounts
are the lines and checks them against the total:
- a container ("985.800 Euro …, davon …") is the total of its parts, except that a container tied
  to a main budget whose parts are earmarks or name no budget ("1.185.000 Euro aus dem AQB, davon
  50.000 Euro für Teilzeitausbildung") is that budget's line and holds its parts (`amount-contained`),
  and so is one tied to no budget whose parts are all earmarks ("insgesamt 1.052.300 €, davon
  100.000 € für Teilzeitausbildungen, aus dem AQB"): earmarks are parts of the AQB, it is its line;
- an amount that says "insgesamt" and names no budget, or several, is a total; one that names the
  AQB is its line and holds the earmarks not said to be extra (`amount-contained`);
- every other amount tied to a budget is a line; one tied to none is left out (`amount-unassigned`)
  unless it is the only amount (the AQB line, `budget-assumed-aqb`) or equals the sum of the lines
  (the total, `total-by-sum`).
A total that differs from the sum of the lines is a problem (the document is refused) unless the
numbers explain it: a total in millions, rounded (`total-rounded`), or earmark lines the total
holds (`amount-contained`). Two amounts for one budget, one amount for two budgets, and an amount
that does not parse are problems; the same amount for a budget twice is one line (`amount-repeated`).
Lines come in the order AQB, AMB, TZA, SPRACH, whatever order the sentences have.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from ledger import reference
from ledger.domain.money import written_unit
from ledger.importer.budget_ties import Mention, tie_amounts
from ledger.importer.clauses import amount_text
from ledger.importer.clean import Line
from ledger.importer.model import ParsedBudgetLine, ParseProblem, ParseWarning

PART = "§ 4"
HINT = (
    "check § 4 of the document; if it is right as written, record the agreement by hand with "
    "'aqb agreement create --line BUDGET=AMOUNT'"
)
_ORDER = ("AQB", "AMB", "TZA", "SPRACH")


@dataclass(frozen=True)
class Section4:
    lines: tuple[ParsedBudgetLine, ...]
    warnings: tuple[ParseWarning, ...]
    problems: tuple[ParseProblem, ...] = ()


@dataclass
class _Report:
    warnings: list[ParseWarning] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)

    def warn(self, code: str, message: str, line: int | None) -> None:
        self.warnings.append(ParseWarning(code, message, line))

    def refuse(self, reason: str, line: int | None) -> None:
        self.problems.append(ParseProblem(PART, reason, HINT, line))


@dataclass
class _Roles:
    lines: list[Mention] = field(default_factory=list)
    totals: list[Mention] = field(default_factory=list)
    loose: list[Mention] = field(default_factory=list)  # tied to no budget


def read_amounts(body: tuple[Line, ...]) -> Section4:
    """The budget lines of § 4's body; no line found means the amount is missing."""
    ties = tie_amounts(body)
    report = _Report(list(ties.warnings))
    for raw, line in ties.unreadable:
        report.refuse(f"'{raw}' (line {line}) looks like an amount but cannot be read.", line)
    mentions = list(ties.mentions)
    chosen = _single(mentions[0], report) if len(mentions) == 1 else _resolve(mentions, report)
    lines = sorted(chosen, key=lambda m: _ORDER.index(m.budget or "AQB"))
    parsed = tuple(ParsedBudgetLine(m.budget or "AQB", m.amount, m.raw) for m in lines)
    return Section4(parsed, tuple(report.warnings), tuple(report.problems))


def budgets_covered(lines: tuple[ParsedBudgetLine, ...]) -> tuple[str, ...]:
    """The budgets an agreement covers: AQB (earmarked TZA and SPRACH lines are part of it) and,
    in older agreements, AMB."""
    covered = {"AQB" if _earmark(line.budget) else line.budget for line in lines}
    return tuple(b for b in ("AQB", "AMB") if b in covered)


def _single(mention: Mention, report: _Report) -> list[Mention]:
    if mention.covers:
        report.refuse(_shared(mention), mention.line)
        return []
    if mention.budget is None:
        report.warn("budget-assumed-aqb", f"No budget is named next to '{mention.raw}'; took it as the AQB line.",
                    mention.line)
        return [Mention(mention.index, mention.amount, mention.raw, mention.line, "AQB")]
    return [mention]


def _resolve(mentions: list[Mention], report: _Report) -> list[Mention]:
    if not mentions:
        return []
    roles = _roles(mentions, report)
    lines = _held_by_aqb_line(_without_repeats(roles.lines, report), report)
    totals = list({m.amount: m for m in roles.totals}.values())
    if not lines:
        return _no_lines(roles, totals, report)
    for total in totals:
        lines = _checked_total(total, lines, roles.loose, report)
    _loose(roles.loose, lines, totals, report)
    return lines


def _roles(mentions: list[Mention], report: _Report) -> _Roles:
    by_index = {m.index: m for m in mentions}
    parts = {i: [m for m in mentions if m.part_of == i] for i in {m.part_of for m in mentions} if i is not None}
    roles = _Roles()
    for mention in mentions:
        container = by_index.get(mention.part_of) if mention.part_of is not None else None
        if container is not None and _holds(container, parts[container.index]):
            continue
        if mention.index in parts and _holds(mention, parts[mention.index]):
            # one that names no budget holds earmarks, which are parts of the AQB: it is the AQB line
            line = mention if mention.budget is not None else replace(mention, budget="AQB")
            _contained(line, parts[mention.index], "davon", report)
            roles.lines.append(line)
        elif mention.covers or mention.index in parts or (mention.total and mention.budget is None):
            roles.totals.append(mention)
        elif mention.budget is None:
            roles.loose.append(mention)
        else:
            roles.lines.append(mention)
    return roles


def _holds(container: Mention, parts: list[Mention]) -> bool:
    """A budget line that holds its parts: it names one main budget, they name earmarks or none;
    or it names no budget and they are all earmarks (of the AQB, so it is the AQB's line)."""
    if container.covers or (container.budget is not None and _earmark(container.budget)):
        return False
    if container.budget is None:
        return bool(parts) and all(p.budget is not None and _earmark(p.budget) for p in parts)
    return all(p.budget is None or _earmark(p.budget) for p in parts)


def _contained(holder: Mention, parts: list[Mention], word: str, report: _Report) -> None:
    held = sum((p.amount for p in parts), Decimal("0.00"))
    if held > holder.amount:
        listed = " + ".join(f"'{p.raw}'" for p in parts)
        report.refuse(f"the parts {listed} of '{holder.raw}' (line {holder.line}) add up to more than it "
                      f"({_eur(held)}).", holder.line)
    for part in parts:
        what = f"'{part.raw}' ({part.budget or 'no budget named'})"
        report.warn("amount-contained", f"{what} is part of the {holder.budget or 'total'} amount '{holder.raw}' "
                    f"('{word}'), not a line of its own.", part.line)


def _without_repeats(lines: list[Mention], report: _Report) -> list[Mention]:
    kept: dict[str, Mention] = {}
    for mention in lines:
        code = mention.budget or "AQB"
        first = kept.get(code)
        if first is None:
            kept[code] = mention
        elif first.amount == mention.amount:
            report.warn("amount-repeated", f"'{mention.raw}' for {code} repeats '{first.raw}' (line {first.line}); "
                        "taken once.", mention.line)
        else:
            report.refuse(f"two different amounts are tied to the {code}: '{first.raw}' (line {first.line}) and "
                          f"'{mention.raw}' (line {mention.line}).", mention.line)
    return list(kept.values())


def _held_by_aqb_line(lines: list[Mention], report: _Report) -> list[Mention]:
    """An AQB line that says "insgesamt" holds the earmark lines not said to be extra."""
    holder = next((m for m in lines if m.budget == "AQB" and m.total), None)
    held = [m for m in lines if _earmark(m.budget) and not m.extra and m.part_of is None]
    if holder is None or not held:
        return lines
    _contained(holder, held, "insgesamt", report)
    return [m for m in lines if m not in held]


def _checked_total(total: Mention, lines: list[Mention], loose: list[Mention], report: _Report) -> list[Mention]:
    summed = _sum(lines)
    if summed == total.amount:
        return lines
    if _rounded(total, summed):
        report.warn("total-rounded", f"The total '{total.raw}' is rounded; its lines add up to {_eur(summed)}.",
                    total.line)
        return lines
    earmarks = [m for m in lines if _earmark(m.budget) and not m.extra]
    if earmarks and summed - _sum(earmarks) == total.amount:
        _contained(Mention(total.index, total.amount, total.raw, total.line, None), earmarks, "insgesamt", report)
        return [m for m in lines if m not in earmarks]
    report.refuse(_mismatch(total, lines, loose), total.line)
    return lines


def _no_lines(roles: _Roles, totals: list[Mention], report: _Report) -> list[Mention]:
    if roles.loose:
        listed = ", ".join(f"'{m.raw}' (line {m.line})" for m in roles.loose)
        report.refuse(f"no amount is tied to a budget: {listed} name none.", roles.loose[0].line)
        return []
    if len(totals) == 1:
        return _single(totals[0], report)
    listed = ", ".join(f"'{m.raw}' (line {m.line})" for m in totals)
    report.refuse(f"several different totals and no budget line: {listed}.", totals[0].line)
    return []


def _loose(loose: list[Mention], lines: list[Mention], totals: list[Mention], report: _Report) -> None:
    for mention in loose:
        if not totals and len(lines) > 1 and mention.amount == _sum(lines):
            report.warn("total-by-sum", f"'{mention.raw}' names no budget and equals the sum of the lines; "
                        "took it as the total.", mention.line)
        elif not totals:
            report.warn("amount-unassigned", f"'{mention.raw}' names no budget and is not a total; left out of "
                        "the budget lines.", mention.line)


def _mismatch(total: Mention, lines: list[Mention], loose: list[Mention]) -> str:
    terms = " + ".join(f"{m.budget} '{m.raw}'" for m in sorted(lines, key=lambda m: _ORDER.index(m.budget or "AQB")))
    reason = f"the total '{total.raw}' (line {total.line}) is not the sum of its lines: {terms} = {_eur(_sum(lines))}"
    if loose:
        reason += "; " + ", ".join(f"'{m.raw}'" for m in loose) + " names no budget"
    return reason + "."


def _shared(mention: Mention) -> str:
    return (f"'{mention.raw}' (line {mention.line}) is given for {' and '.join(mention.covers)} together; "
            "their lines cannot be told apart.")


def _rounded(total: Mention, summed: Decimal) -> bool:
    """A total written in millions ("1,3 Mio. Euro") or thousands ("985,8 T€") is exact only to
    its last digit."""
    unit = written_unit(amount_text(total.raw))
    if unit is None:
        return False
    digits = total.raw.split(",")[1] if "," in total.raw else ""
    decimals = len("".join(ch for ch in digits if ch.isdigit()))
    half_unit = unit.scaleb(-decimals) / 2
    return abs(summed - total.amount) <= half_unit


def _earmark(code: str | None) -> bool:
    return any(b.code == code and b.earmark for b in reference.budgets())


def _sum(mentions: list[Mention]) -> Decimal:
    return sum((m.amount for m in mentions), Decimal("0.00"))


def _eur(amount: Decimal) -> str:
    return f"{amount:,.2f} EUR"
