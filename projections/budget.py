"""Budget status per agreement: where does this budget stand?

Answers, per agreement: the money stages of DOMAIN.md §1 (announced, agreed §4, requested,
granted, amended, disbursed, proven, reclaimed, refunded) per budget line and cash year; per
category and project the planned amount, what was reallocated in and out, and what is current;
the deviations with their decision state; and what remains unallocated and undrawn.

Rows are a pure function of the folds of the agreement's stream and its grants' streams.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from projections.folds import ZERO, AgreementFold, GrantFold
from projections.tables import Row, Table

TOTAL = "total"  # the line that sums every budget line and the grants
ALL_YEARS = 0  # the cash year of rows that cover every cash year
STAGES = ("announced", "agreed", "requested", "granted", "amended", "disbursed", "proven",
          "reclaimed", "refunded")

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


def total(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the facts there are; None when there is none."""
    known = [v for v in values if v is not None]
    return sum(known, ZERO) if known else None


def rows(agreement: AgreementFold, grants: Sequence[GrantFold]) -> dict[str, list[Row]]:
    return {
        LINES.name: line_rows(agreement, grants), ITEMS.name: item_rows(agreement),
        DEVIATIONS.name: deviation_rows(agreement), SUMMARY.name: [summary_row(agreement, grants)],
    }


def line_rows(a: AgreementFold, grants: Sequence[GrantFold]) -> list[Row]:
    out: list[Row] = []
    for budget in sorted(set(a.lines) | set(a.announced)):
        out.append(_stages(a.stream_id, budget, ALL_YEARS, announced=a.announced.get(budget),
                           agreed=a.lines.get(budget)))
        for year, amount in sorted(a.announced_cash.get(budget, {}).items()):
            out.append(_stages(a.stream_id, budget, year, announced=amount))
    out.append(_stages(
        a.stream_id, TOTAL, ALL_YEARS, announced=total(a.announced.values()),
        agreed=total(a.lines.values()), requested=total(g.requested for g in grants),
        granted=total(g.granted for g in grants), amended=total(g.amended for g in grants),
        disbursed=total(v for g in grants for v in g.disbursed_cash.values()),
        proven=total(g.proven for g in grants), reclaimed=total(g.reclaimed for g in grants),
        refunded=total(g.refunded for g in grants),
    ))
    out += [_year_row(a, grants, year) for year in sorted(_cash_years(a, grants))]
    return out


def _cash_years(a: AgreementFold, grants: Sequence[GrantFold]) -> set[int]:
    years = {y for cash in a.announced_cash.values() for y in cash}
    for g in grants:
        years |= set(g.granted_cash) | set(g.amended_cash) | set(g.disbursed_cash)
    return years


def _year_row(a: AgreementFold, grants: Sequence[GrantFold], year: int) -> Row:
    return _stages(
        a.stream_id, TOTAL, year, announced=total(c.get(year) for c in a.announced_cash.values()),
        granted=total(g.granted_cash.get(year) for g in grants),
        amended=total(g.amended_cash.get(year) for g in grants),
        disbursed=total(g.disbursed_cash.get(year) for g in grants),
    )


def _stages(agreement_id: str, line: str, year: int, **amounts: Decimal | None) -> Row:
    return (agreement_id, line, year, *(amounts.get(stage) for stage in STAGES))


def item_rows(a: AgreementFold) -> list[Row]:
    out: list[Row] = []
    categories: dict[str, list[Row]] = {}
    for p in sorted(a.projects.values(), key=lambda p: _natural(p.project_id)):
        row = (a.stream_id, "project", p.project_id, p.category, p.name, p.planned, p.moved_in,
               p.moved_out, p.current, p.places)
        out.append(row)
        categories.setdefault(p.category, []).append(row)
    for category, members in sorted(categories.items()):
        out.append((a.stream_id, "category", category, category, category,
                    total(r[5] for r in members), _sum(r[6] for r in members),
                    _sum(r[7] for r in members), _sum(r[8] for r in members),
                    _places(r[9] for r in members)))
    out.append((a.stream_id, "unallocated", "unallocated", None, "unallocated", None, None, None,
                unallocated(a), None))
    return out


def _places(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _natural(project_id: str) -> tuple[int, str]:
    digits = project_id[1:]
    return (int(digits), project_id) if digits.isdigit() else (1 << 30, project_id)


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)


def allocated(a: AgreementFold) -> Decimal:
    return _sum(p.current for p in a.projects.values())


def unallocated(a: AgreementFold) -> Decimal:
    return _sum(a.lines.values()) - allocated(a)


def deviation_rows(a: AgreementFold) -> list[Row]:
    out: list[Row] = []
    for d in sorted(a.deviations.values(), key=lambda d: _natural(d.deviation_id)):
        decision, decided_by = d.decisions[-1] if d.decisions else (None, None)
        out.append((a.stream_id, d.deviation_id, d.kind, d.scope, d.scope_ref, d.metric, d.planned,
                    d.actual, d.effective, d.reported_by, decision, decided_by, len(d.decisions)))
    return out


def summary_row(a: AgreementFold, grants: Sequence[GrantFold]) -> Row:
    granted = total(g.current_grant for g in grants)
    disbursed = total(v for g in grants for v in g.disbursed_cash.values())
    undrawn = None if granted is None else granted - (disbursed or ZERO)
    undecided = sum(1 for d in a.deviations.values() if not d.decisions)
    return (a.stream_id, a.year, a.party_ags, a.party_name, total(a.lines.values()),
            total(a.announced.values()), allocated(a), unallocated(a),
            total(g.requested for g in grants), granted, disbursed, undrawn,
            total(g.proven for g in grants), total(g.reclaimed for g in grants),
            len(a.deviations), undecided)
