"""Budget status per agreement: where does this budget stand?

Answers, per agreement: the money stages of docs/domain.md (announced, agreed §4, requested,
granted, amended, disbursed, proven, reclaimed, refunded) per budget line and cash year; per
category and project the planned amount, what was reallocated in and out, and what is current;
the deviations with their decision state; and what remains unallocated and undrawn.

Rows are a pure function of the Agreement aggregate and its Grant aggregates (their state, with
corrections laid over), through the figures of `ledger.domain.figures`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from ledger.domain import figures
from ledger.domain.agreement import Agreement
from ledger.domain.figures import STAGES, ZERO
from ledger.domain.grant import Grant
from projections.tables import Table, TableRow

TOTAL = "total"  # the line that sums every budget line and the grants
ALL_YEARS = 0  # the cash year of rows that cover every cash year

LINES = Table("aqb_view_budget_lines", (
    ("agreement_id", "text"), ("line", "text"), ("cash_year", "int"),
    *((stage, "money") for stage in STAGES),
), key=("agreement_id", "line", "cash_year"))

ITEMS = Table("aqb_view_budget_items", (
    ("agreement_id", "text"), ("kind", "text"), ("item", "text"), ("category", "text"), ("name", "text"),
    ("planned", "money"), ("moved_in", "money"), ("moved_out", "money"), ("current", "money"),
    ("places", "int"),
), key=("agreement_id", "kind", "item"))

DEVIATIONS = Table("aqb_view_budget_deviations", (
    ("agreement_id", "text"), ("deviation_id", "text"), ("kind", "text"), ("scope", "text"),
    ("scope_ref", "text"), ("metric", "text"), ("planned", "text"), ("actual", "text"),
    ("effective", "date"), ("reported_by", "text"), ("decision", "text"), ("decided_by", "text"),
    ("decisions", "int"),
), key=("agreement_id", "deviation_id"))

SUMMARY = Table("aqb_view_budget_summary", (
    ("agreement_id", "text"), ("year", "int"), ("party_ags", "text"), ("party_name", "text"),
    ("agreed", "money"), ("announced", "money"), ("allocated", "money"), ("unallocated", "money"),
    ("requested", "money"), ("granted", "money"), ("disbursed", "money"), ("undrawn", "money"),
    ("proven", "money"), ("reclaimed", "money"), ("deviations", "int"), ("undecided", "int"),
), key=("agreement_id",), indexes=(("year", "party_ags"),))

TABLES = (LINES, ITEMS, DEVIATIONS, SUMMARY)


def rows(agreement: Agreement, grants: Sequence[Grant]) -> dict[str, list[TableRow]]:
    return {
        LINES.name: line_rows(agreement, grants), ITEMS.name: item_rows(agreement),
        DEVIATIONS.name: deviation_rows(agreement), SUMMARY.name: [summary_row(agreement, grants)],
    }


def line_rows(a: Agreement, grants: Sequence[Grant]) -> list[TableRow]:
    out: list[TableRow] = []
    agreed: dict[str, Decimal] = {}
    for line in a.lines:
        agreed[line.budget.value] = agreed.get(line.budget.value, ZERO) + line.amount
    announced = {b.value: v for b, v in a.announced.items()}
    for budget in sorted(set(agreed) | set(announced)):
        out.append(_stages(a.id, budget, ALL_YEARS, announced=announced.get(budget), agreed=agreed.get(budget)))
        schedule = next((s for b, s in a.announced_cash.items() if b.value == budget), ())
        for cash in sorted(schedule, key=lambda c: c.year):
            out.append(_stages(a.id, budget, cash.year, announced=cash.amount))
    out.append(_stages(a.id, TOTAL, ALL_YEARS, **figures.stages(a, grants).as_dict()))
    out += [_stages(a.id, TOTAL, y.year, announced=y.announced, granted=y.granted, amended=y.amended,
                    disbursed=y.disbursed) for y in figures.cash_years(a, grants)]
    return out


def _stages(agreement_id: str, line: str, year: int, **amounts: Decimal | None) -> TableRow:
    return (agreement_id, line, year, *(amounts.get(stage) for stage in STAGES))


def item_rows(a: Agreement) -> list[TableRow]:
    out: list[TableRow] = []
    categories: dict[str, list[TableRow]] = {}
    for p in sorted(a.projects.values(), key=lambda p: _natural(p.project_id)):
        row = (a.id, "project", p.project_id, p.category.value, p.name, p.planned, p.moved_in,
               p.moved_out, p.current, p.places)
        out.append(row)
        categories.setdefault(p.category.value, []).append(row)
    for category, members in sorted(categories.items()):
        out.append((a.id, "category", category, category, category,
                    figures.total(r[5] for r in members), _sum(r[6] for r in members),
                    _sum(r[7] for r in members), _sum(r[8] for r in members),
                    _places(r[9] for r in members)))
    out.append((a.id, "unallocated", "unallocated", None, "unallocated", None, None, None, a.unallocated, None))
    return out


def _places(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _natural(item_id: str) -> tuple[int, str]:
    digits = item_id[1:]
    return (int(digits), item_id) if digits.isdigit() else (1 << 30, item_id)


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)


def deviation_rows(a: Agreement) -> list[TableRow]:
    out: list[TableRow] = []
    for d in sorted(a.deviations.values(), key=lambda d: _natural(d.deviation_id)):
        last = d.decision
        out.append((a.id, d.deviation_id, d.kind.value, d.scope.value, d.scope_ref, d.metric, d.planned,
                    d.actual, d.effective, str(d.reported_by), last.decision.value if last else None,
                    str(last.actor) if last else None, len(d.decisions)))
    return out


def summary_row(a: Agreement, grants: Sequence[Grant]) -> TableRow:
    money = figures.stages(a, grants)
    undecided = sum(1 for d in a.deviations.values() if not d.decisions)
    return (a.id, a.year, a.party_ags, a.party_name, a.total, money.announced, a.allocated, a.unallocated,
            money.requested, money.current_grant, money.disbursed, money.undrawn, money.proven, money.reclaimed,
            len(a.deviations), undecided)
