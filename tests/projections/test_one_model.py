"""One model of state: for random valid command sequences (corrections included), the aggregates,
the live views, the rebuilt views, `aqb status`, the compliance report and the §6 dossier give
the same figures, on PostgreSQL and SQLite."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.explain_render import dossier_dict
from ledger.domain import figures
from ledger.domain.clocks import Clock
from ledger.domain.grant import Grant
from projections import budget
from projections.queries import status_now
from projections.rebuild import rebuild
from projections.store import ViewStore
from projections.sync import catch_up
from projections.tables import sort_rows
from tests.cast import Acting
from tests.projections.conftest import FreshUrl
from tests.projections.scenario import AGREEMENTS, KINDS, MINISTRY, meta, play, setup

STEPS = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 1), st.integers(1, 60_000)),
                 min_size=1, max_size=25)
MONEY = ("announced", "agreed", "requested", "granted", "amended", "disbursed", "proven", "reclaimed",
         "refunded")


def the_model(ledger: Acting, agreement_id: str) -> tuple[Any, list[Grant], figures.MoneyStages]:
    agreement = ledger.agreement(agreement_id)
    grants = [g for i in ledger.trail_ids(agreement_id) if i != agreement_id and not i.startswith("DOC-")
              for g in [ledger.grant(i)]]
    return agreement, grants, figures.stages(agreement, grants)


def view_rows(ledger: Acting, agreement_id: str) -> dict[str, list[tuple[Any, ...]]]:
    store = ViewStore(ledger.recorder)
    return {t.name: sort_rows(t, store.rows("budget", t, "WHERE agreement_id = ?", (agreement_id,)))
            for t in budget.TABLES}


def check_one(ledger: Acting, agreement_id: str) -> None:
    agreement, grants, money = the_model(ledger, agreement_id)
    views = view_rows(ledger, agreement_id)
    total = next(r for r in views[budget.LINES.name] if r[1] == budget.TOTAL and r[2] == budget.ALL_YEARS)
    assert dict(zip(MONEY, total[3:], strict=True)) == money.as_dict()
    [summary] = views[budget.SUMMARY.name]
    names = [n for n, _ in budget.SUMMARY.columns]
    row = dict(zip(names, summary, strict=True))
    assert (row["agreed"], row["granted"], row["disbursed"], row["undrawn"], row["proven"], row["unallocated"]) == (
        agreement.total, money.current_grant, money.disbursed, money.undrawn, money.proven, agreement.unallocated)
    shown = status_now(ledger, agreement_id).tables[budget.SUMMARY.name][0]
    assert (shown["granted"], shown["disbursed"], shown["proven"]) == (
        money.current_grant, money.disbursed, money.proven)
    for year in figures.cash_years(agreement, grants):
        line = next(r for r in views[budget.LINES.name] if r[1] == budget.TOTAL and r[2] == year.year)
        assert (line[3], line[6], line[7], line[8]) == (year.announced, year.granted, year.amended, year.disbursed)
    report = ledger.compliance(agreement_id, Clock(), four_eyes=False)
    assert report.checks is not None
    payments = next(c for c in report.checks if c.obligation == "payments within grant")
    if money.disbursed:
        assert payments.status.value == "PASS", payments.detail  # the rules never let a payment through
        assert f"{money.disbursed:,.2f} EUR paid" in payments.detail
    treatments = dict.fromkeys(agreement.deviations, "considered-accepted")
    ledger.assess(replace(meta(MINISTRY, 1), effective=None), agreement_id, "erreicht", "geprüft", treatments)
    dossier = dossier_dict(ledger.explain(agreement_id))
    assert {k: dossier["budget"][k] for k in ("requested", "granted", "disbursed", "proven")} == {
        "requested": money.requested, "granted": money.granted, "disbursed": money.disbursed, "proven": money.proven}
    assert dossier["checks"]["indicators_match"]
    indicators = {i["metric"]: i for i in dossier["indicators"] if i["scope"] == "money"}
    assert indicators["granted / disbursed"]["actual"] == f"{money.disbursed or Decimal(0):.2f}"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_every_reader_gives_the_figures_of_the_one_model(fresh_url: FreshUrl, steps) -> None:
    ledger = Acting(fresh_url())
    try:
        setup(ledger)
        for kind, which, n in steps:
            play(ledger, kind, which, n)
        catch_up(ledger)
        for agreement_id in AGREEMENTS:
            check_one(ledger, agreement_id)  # the live views
        rebuild(ledger, size=5)
        for agreement_id in AGREEMENTS:
            views = view_rows(ledger, agreement_id)
            _, _, money = the_model(ledger, agreement_id)
            total = next(r for r in views[budget.LINES.name] if r[1] == budget.TOTAL and r[2] == budget.ALL_YEARS)
            assert dict(zip(MONEY, total[3:], strict=True)) == money.as_dict()  # the rebuilt views
    finally:
        ledger.close()
