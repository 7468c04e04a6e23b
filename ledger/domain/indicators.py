"""Indicators of target achievement, computed from the ledger: plan against actual per project and
category, and the money stages. Pure: the same state gives the same indicators, so a judgement's
recorded indicators can be checked later by recomputing them from a replay."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ledger.domain import figures
from ledger.domain.agreement import Agreement
from ledger.domain.grant import Grant
from ledger.domain.values import DeviationKind, Indicator, Scope

ZERO = Decimal("0.00")
PLACES_KINDS = (DeviationKind.PLACES_SHORTFALL, DeviationKind.PARTICIPANTS_SHORTFALL)


def compute_indicators(agreement: Agreement, grants: Sequence[Grant]) -> tuple[Indicator, ...]:
    return (*_money(agreement, grants), *_categories(agreement), *_projects(agreement))


def _money(agreement: Agreement, grants: Sequence[Grant]) -> list[Indicator]:
    money = figures.stages(agreement, grants)
    granted, disbursed = money.current_grant or ZERO, money.disbursed or ZERO
    return [
        Indicator("money", "§4", "agreed / requested", _m(agreement.total), _m(money.requested or ZERO)),
        Indicator("money", "§4", "agreed / granted", _m(agreement.total), _m(granted)),
        Indicator("money", "grant", "granted / disbursed", _m(granted), _m(disbursed)),
        Indicator("money", "grant", "disbursed / proven", _m(disbursed), _m(money.proven or ZERO)),
    ]


def _categories(agreement: Agreement) -> list[Indicator]:
    rows = []
    for category in dict.fromkeys(p.category for p in agreement.projects.values()):
        projects = [p for p in agreement.projects.values() if p.category is category]
        planned = sum((p.planned or ZERO for p in projects), ZERO)
        current = sum((p.current for p in projects), ZERO)
        rows.append(Indicator("category", category.value, "amount planned / current", _m(planned), _m(current)))
    return rows


def _projects(agreement: Agreement) -> list[Indicator]:
    rows = []
    for project in agreement.projects.values():
        ref = f"{project.project_id} {project.name}"
        rows.append(Indicator("project", ref, "amount planned / current", _m(project.planned or ZERO),
                              _m(project.current)))
        if project.places is not None:
            rows.append(Indicator("project", ref, "places planned / actual", str(project.places),
                                  _actual_places(agreement, project.project_id)))
    return rows


def _actual_places(agreement: Agreement, project_id: str) -> str:
    """What the project delivered: the participants reported for it (entries), else the latest
    places or participants figure a deviation reported, else "not reported" — never the plan."""
    project = agreement.projects[project_id]
    if project.reported_periods:
        return str(project.entries)
    reported = [d.actual for d in agreement.deviations.values()
                if d.kind in PLACES_KINDS and d.scope is Scope.PROJECT and d.scope_ref == project_id and d.actual]
    return reported[-1] if reported else "not reported"


def _m(amount: Decimal) -> str:
    return f"{amount:.2f}"
