"""Agreement commands of the application service."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from ledger import reference
from ledger.app.core import LedgerCore, Meta, Receipt
from ledger.domain.agreement import Agreement, parse_agreement_id
from ledger.domain.values import (
    CLAUSES,
    ActivityKind,
    BudgetLine,
    CashYear,
    Category,
    Count,
    Decision,
    DeviationKind,
    FieldChange,
    Measure,
    Scope,
    budget_of,
)


class AgreementCommands(LedgerCore):
    def create_agreement(
        self, meta: Meta, agreement_id: str, lines: Sequence[tuple[str, Decimal]],
        measures: Sequence[tuple[str, str, Sequence[str]]] = (), ministry_name: str | None = None,
        party_name: str | None = None, clauses: Sequence[str] | None = None, document_id: str | None = None,
    ) -> Receipt:
        """Record an agreement from its primitives: lines as (budget, amount), measures as
        (category code, label, project names). Without `clauses`, the template's (`CLAUSES`):
        an agreement recorded by hand follows the AQB template, §6 autumn meeting included."""
        self.begin()
        return self.create(self.new_agreement(
            meta, agreement_id, lines, measures, ministry_name, party_name,
            CLAUSES if clauses is None else clauses, document_id
        ))

    def new_agreement(
        self, meta: Meta, agreement_id: str, lines: Sequence[tuple[str, Decimal]],
        measures: Sequence[tuple[str, str, Sequence[str]]], ministry_name: str | None,
        party_name: str | None, clauses: Sequence[str], document_id: str | None,
        raw_amounts: Sequence[str | None] = (),
    ) -> Agreement:
        year, ags = parse_agreement_id(agreement_id)
        party = reference.party(ags)
        assert party is not None  # parse_agreement_id checked it
        raws = list(raw_amounts) + [None] * len(lines)
        return Agreement.record(
            self.envelope(meta), year=year, party_ags=ags,
            party_name=party_name or party.display_name,
            ministry_name=ministry_name or reference.ministry_on(date(year, 1, 1)).name,
            budgets=tuple(dict.fromkeys(budget_of(b) for b, _ in lines)),
            lines=tuple(BudgetLine(budget_of(b), a, raws[i]) for i, (b, a) in enumerate(lines)),
            measures=tuple(Measure(Category(c), label, tuple(p)) for c, label, p in measures),
            clauses=tuple(clauses), document_id=document_id,
        )

    def announce_allocation(
        self, meta: Meta, agreement_id: str, amount: Decimal, budget: str = "AQB",
        cash_schedule: Sequence[tuple[int, Decimal]] = (),
    ) -> Receipt:
        schedule = tuple(CashYear(y, a) for y, a in cash_schedule)
        return self.change(Agreement, agreement_id, meta, lambda agg: agg.announce_allocation(
            self.envelope(meta), budget_of(budget), amount, schedule))[1]

    def plan_project(
        self, meta: Meta, agreement_id: str, name: str, category: str, amount: Decimal,
        places: int | None = None,
    ) -> Receipt:
        return self.change(Agreement, agreement_id, meta, lambda agg: agg.plan_project(
            self.envelope(meta), name.strip(), Category(category), amount, places))[1]

    def reallocate(
        self, meta: Meta, agreement_id: str, source: str, target: str, amount: Decimal,
        approval_reference: str | None = None,
    ) -> Receipt:
        return self.change(Agreement, agreement_id, meta, lambda agg: agg.reallocate(
            self.envelope(meta), source, target, amount, approval_reference))[1]

    def report_deviation(
        self, meta: Meta, agreement_id: str, kind: str, cause: str, scope: str = "agreement",
        scope_ref: str | None = None, metric: str | None = None, planned: str | None = None,
        actual: str | None = None,
    ) -> Receipt:
        if not (meta.reason and meta.reason.strip()):
            meta = replace(meta, reason=cause)  # a report's reason is its cause unless one is given
        return self.change(Agreement, agreement_id, meta, lambda agg: agg.report_deviation(
            self.envelope(meta), kind=DeviationKind(kind), scope=Scope(scope), scope_ref=scope_ref,
            metric=metric, planned=planned, actual=actual, cause=cause))[1]

    def decide_deviation(
        self, meta: Meta, agreement_id: str, deviation_id: str, decision: str,
        decision_reference: str | None = None, conditions: str | None = None, *, revise: bool = False,
    ) -> Receipt:
        def command(agg: Agreement) -> None:
            cause = f"{agreement_id}@{agg.deviation(deviation_id).reported_version}"
            envelope = self.envelope(replace(meta, causation_id=cause))
            agg.decide_deviation(envelope, deviation_id, Decision(decision), decision_reference,
                                 conditions, revise=revise)
        return self.change(Agreement, agreement_id, meta, command)[1]

    def sign(
        self, meta: Meta, agreement_id: str, party: str, signatory: str, function: str,
        place: str | None, signed_on: date | None, organisation: str | None = None,
        organisation_text: str | None = None, raw_text: str | None = None,
    ) -> Receipt:
        return self.change(Agreement, agreement_id, meta, lambda agg: agg.sign(
            self.envelope(meta, signed_on), party=party, signatory=signatory, function=function,
            organisation=organisation or party, organisation_text=organisation_text, place=place,
            signed_on=signed_on, raw_text=raw_text))[1]

    def hold_meeting(
        self, meta: Meta, agreement_id: str, held_on: date, participants: Sequence[str] = (),
        agenda: Sequence[str] = (), deviations_discussed: Sequence[str] = (),
        agreed_actions: Sequence[str] = (), minutes_reference: str | None = None,
    ) -> Receipt:
        return self.change(Agreement, agreement_id, meta, lambda agg: agg.hold_meeting(
            self.envelope(meta, held_on), held_on=held_on, participants=tuple(participants),
            agenda=tuple(agenda), deviations_discussed=tuple(deviations_discussed),
            agreed_actions=tuple(agreed_actions), minutes_reference=minutes_reference))[1]

    def publish(
        self, meta: Meta, agreement_id: str, url: str, published_on: date, sha256: str | None = None
    ) -> Receipt:
        return self.change(Agreement, agreement_id, meta, lambda agg: agg.publish(
            self.envelope(meta, published_on), url, published_on, sha256))[1]

    def record_activity(
        self, meta: Meta, agreement_id: str, kind: str, title: str, held_on: date
    ) -> Receipt:
        return self.change(Agreement, agreement_id, meta, lambda agg: agg.record_activity(
            self.envelope(meta, held_on), ActivityKind(kind), title, held_on))[1]

    def report_participation(
        self, meta: Meta, agreement_id: str, project: str, period_start: date, period_end: date,
        entries: int, exits: int, outcomes: Sequence[tuple[str, int]] = (),
    ) -> Receipt:
        return self.change(Agreement, agreement_id, meta, lambda agg: agg.report_participation(
            self.envelope(meta, period_end, own_date=False), project, period_start=period_start, period_end=period_end,
            entries=entries, exits=exits, outcomes=tuple(Count(label, n) for label, n in outcomes)))[1]

    def correct_agreement(
        self, meta: Meta, agreement_id: str, version: int, changes: Sequence[tuple[str, str, str]],
        approver: str | None = None,
    ) -> Receipt:
        fixes = tuple(FieldChange(f, old, new) for f, old, new in changes)
        cause = f"{agreement_id}@{version}"
        return self.change(Agreement, agreement_id, meta, lambda agg: agg.correct(
            self.envelope(replace(meta, causation_id=cause)), version, fixes, approver))[1]
