"""Rebuild throughput of every read model and live lag, beside the raw read floor.

1. Generates a statewide ledger (26 parties x several years, a realistic mix: agreements, signatures,
   allocations, projects, reallocations, deviations and decisions, meetings, grant applications,
   notices, amendments, many payments, refund claims and a few corrections) of at least
   `--events` events in a fresh PostgreSQL schema, many aggregates per `save()`.
2. Measures the raw floor: `recorder.select_notifications` over all events (pages of 5,000).
3. Rebuilds every view (budget, lifecycle, audit) from position zero, batched, and prints
   events/s and the ratio to the floor.
4. Starts the live runners and measures append -> view updated (median, p95) for single commands.

Example:
    .venv/bin/python -m bench.rebuild --events 1000000
    .venv/bin/python -m bench.rebuild --events 50000 --lag-samples 100   # a quick look
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
import uuid
from datetime import date
from decimal import Decimal

import psycopg

from ledger import reference
from ledger.app.core import Meta
from ledger.application import Ledger, migrate, open_ledger
from ledger.domain.agreement import Agreement
from ledger.domain.grant import Grant
from ledger.domain.values import (
    Actor,
    Budget,
    BudgetLine,
    Category,
    Decision,
    DeviationKind,
    Envelope,
    FieldChange,
    Measure,
    Scope,
)
from ledger.persistence.config import database_from_url
from projections.engine import VIEWS
from projections.rebuild import rebuild
from projections.runner import follow
from projections.store import ViewStore

SERVER = os.environ.get("AQB_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
CENT = Decimal("0.01")
PROJECTS = (("Ausbildungsvorbereitung", Category.AV), ("Integrative Ausbildung", Category.AUS),
            ("Lernwerkstatt", Category.QUAL), ("Selbstlernzentrum", Category.QUAL),
            ("Kompetenzförderung", Category.QUAL), ("Vital und Aktiv", Category.QUAL),
            ("Jump in", Category.QUAL), ("Fortbildung", Category.PERS))


def env(actor: str, effective: date, reason: str = "Benchmark") -> Envelope:
    return Envelope(Actor.parse(actor), effective, reason, None, uuid.uuid4().hex, None, "bench")


def new_pair(year: int, ags: str) -> tuple[Agreement, Grant]:
    ministry, party, rp = "a.schneider@HMSI", f"j.weber@{ags}", "k.becker@RPKS"
    a = Agreement.record(
        env(ministry, date(year, 7, 1)), year=year, party_ags=ags, party_name=reference.party(ags).display_name,
        ministry_name="HMSI", budgets=(Budget.AQB,), lines=(BudgetLine(Budget.AQB, Decimal("1185000.00")),),
        measures=(Measure(Category.QUAL, "Qualifizierung", tuple(n for n, _ in PROJECTS)),), clauses=(),
        document_id=None)
    a.announce_allocation(env(ministry, date(year - 1, 12, 15)), Budget.AQB, Decimal("1185000.00"), ())
    for name, category in PROJECTS:
        a.plan_project(env(party, date(year, 3, 27)), name, category, Decimal("140000.00"), 20)
    a.sign(env(ministry, date(year, 7, 1)), party="HMSI", signatory="Ministerin", function="Ministerin",
           organisation="HMSI", organisation_text=None, place="Wiesbaden", signed_on=date(year, 7, 1), raw_text=None)
    a.sign(env(party, date(year, 7, 10)), party=ags, signatory="Landrat", function="Landrat", organisation=ags,
           organisation_text=None, place="Kreisstadt", signed_on=date(year, 7, 10), raw_text=None)
    g = Grant.apply_for(env(party, date(year, 3, 27)), f"RPKS-57-{year}-{ags}", agreement_id=a.id, party_ags=ags,
                        submitted_on=date(year, 3, 27), amount_requested=Decimal("1185000.00"), financing_plan=())
    g.issue_notice(env(rp, date(year, 5, 14)), notice_date=date(year, 5, 14), amount=Decimal("1185000.00"),
                   period_start=date(year, 1, 1), period_end=date(year + 1, 12, 31), cash_schedule=(),
                   conditions=(), interim_proof_due=date(year + 1, 6, 30), final_proof_due=date(year + 2, 6, 30))
    fix = (FieldChange("planned_amount", "140000.00", "140000.50"),)
    a.correct(env(ministry, date(year, 7, 2), "Tippfehler"), 3, fix, None)
    return a, g


def one_round(a: Agreement, g: Grant, i: int) -> None:
    """About fifteen events: payments, a reallocation, a deviation and its decision, now and then more."""
    year, party, rp, ministry = a.year, f"j.weber@{a.party_ags}", "k.becker@RPKS", "a.schneider@HMSI"
    day = date(year, 1 + i % 12, 1 + i % 28)
    for k in range(8):
        if g.disbursed + Decimal("10.00") <= g.granted:
            g.disburse(env(rp, day), day, Decimal("10.00") + k * CENT, year + i % 2)
    src, dst = (f"P{1 + i % 8}", f"P{1 + (i + 1) % 8}")
    a.reallocate(env(ministry, day), src, dst, Decimal("5.00"), None)
    deviation = a.report_deviation(env(party, day), kind=DeviationKind.UNDERSPEND, scope=Scope.PROJECT,
                                   scope_ref=src, metric="amount", planned="1", actual="0", cause="Bench")
    a.decide_deviation(env(ministry, day), deviation, Decision.ACKNOWLEDGED, None, None)
    if i % 10 == 0:
        a.hold_meeting(env(ministry, day), held_on=day, participants=("HMSI",), agenda=(), deviations_discussed=(),
                       agreed_actions=(), minutes_reference=None)
        g.amend_notice(env(rp, day), day, g.granted + Decimal("100.00"), ())
    if i % 25 == 0:
        g.claim_refund(env(rp, day), Decimal("1.00"), None)


def generate(ledger: Ledger, target: int, years: range) -> int:
    pairs = [new_pair(y, ags) for y in years for ags in sorted(reference.parties())]
    ledger.save(*[x for p in pairs for x in p])
    written, i = ledger.reads.head(), 0
    per_round = 14 * len(pairs)
    while written < target:
        for start in range(0, len(pairs), 20):
            chunk = pairs[start:start + 20]
            for a, g in chunk:
                one_round(a, g, i)
            recordings = ledger.save(*[x for p in chunk for x in p])
            written += len(recordings)
            for a, g in chunk:
                a.entries.clear()  # keep memory flat: no more corrections after the first round
                g.entries.clear()
        i += 1
        if i % 20 == 0:
            print(f"  generated {written:,} events (~{per_round:,} per round)", flush=True)
    return written


def raw_floor(ledger: Ledger) -> float:
    started, count, start = time.perf_counter(), 0, 1
    while True:
        page = ledger.recorder.select_notifications(start, 5000)
        count += len(page)
        if len(page) < 5000:
            break
        start = page[-1].id + 1
    return count / (time.perf_counter() - started)


def live_lag(db, ledger: Ledger, samples: int) -> list[float]:
    stop, threads = threading.Event(), []
    for view in VIEWS:
        started = threading.Event()
        thread = threading.Thread(target=follow, args=(db, view, started, stop), daemon=True)
        thread.start()
        started.wait(60)
        threads.append(thread)
    store, lags = ViewStore(ledger.recorder), []
    grant = f"RPKS-57-{ledger.agreement('AQB-2024-06532').year}-06532"
    try:
        for n in range(samples + 10):
            receipt = ledger.disburse(meta(), grant, date(2024, 6, 1), Decimal("1.00"))
            t0 = time.perf_counter()  # the append has committed: from here the runners' work
            while min(store.position(v) for v in VIEWS) < receipt.position:
                time.sleep(0.0005)
            if n >= 10:  # the first ones warm the runners' folds
                lags.append((time.perf_counter() - t0) * 1000)
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
    return lags


def meta() -> Meta:
    return Meta("k.becker@RPKS", date(2024, 6, 1), "Mittelabruf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=8)
    parser.add_argument("--lag-samples", type=int, default=300)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="Keep the schema afterwards.")
    args = parser.parse_args()
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    url = f"{SERVER}{'&' if '?' in SERVER else '?'}schema={schema}"
    db = database_from_url(url)
    migrate(db)
    ledger = open_ledger(url)
    try:
        t0 = time.perf_counter()
        total = generate(ledger, args.events, range(2024 - args.years + 1, 2025))
        print(f"generated {total:,} events in {time.perf_counter() - t0:.0f} s")
        floor = raw_floor(ledger)
        t0 = time.perf_counter()
        rebuild(ledger, tuple(VIEWS), size=args.batch)
        rate = total / (time.perf_counter() - t0)
        print(f"raw read floor (select_notifications): {floor:,.0f} events/s")
        print(f"rebuild of {', '.join(VIEWS)} (one pass, {args.batch:,} events per transaction): "
              f"{rate:,.0f} events/s = {rate / floor:.0%} of the floor (target >= 50 %)")
        lags = live_lag(db, ledger, args.lag_samples)
        p95 = statistics.quantiles(lags, n=20)[-1]
        print(f"live lag append -> all views updated: median {statistics.median(lags):.1f} ms, "
              f"p95 {p95:.1f} ms over {len(lags)} appends (target p95 < 50 ms)")
    finally:
        ledger.close()
        if not args.keep:
            with psycopg.connect(SERVER.split("?")[0], autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


if __name__ == "__main__":
    main()
