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

from bench import cast, statewide
from ledger.app.core import Meta
from ledger.application import Ledger, migrate, open_ledger
from ledger.persistence.config import database_from_url
from projections.engine import VIEWS
from projections.rebuild import rebuild
from projections.runner import follow
from projections.store import ViewStore

SERVER = os.environ.get("AQB_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


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
    grant = "RPKS-57-2024-06532"
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
    return Meta(cast.RP, date(2024, 6, 1), "Mittelabruf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=8)
    parser.add_argument("--lag-samples", type=int, default=300)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--schema", help="reuse this schema if it holds a ledger (e.g. bench.reads' ledger)")
    parser.add_argument("--keep", action="store_true", help="Keep the schema afterwards.")
    args = parser.parse_args()
    schema = args.schema or f"bench_{uuid.uuid4().hex[:8]}"
    url = f"{SERVER}{'&' if '?' in SERVER else '?'}schema={schema}"
    db = database_from_url(url)
    try:
        if not _exists(schema):
            writer = cast.ledger_for(url)
            t0 = time.perf_counter()
            statewide.generate(writer, args.events, range(2024 - args.years + 1, 2025))
            print(f"generated in {time.perf_counter() - t0:.0f} s")
            writer.close()
        migrate(db)
        ledger = open_ledger(url)
        portal = open_ledger(cast.login_url(url, cast.PORTAL))
        try:
            total = ledger.reads.head()
            floor = raw_floor(ledger)
            t0 = time.perf_counter()
            rebuild(ledger, tuple(VIEWS), size=args.batch)
            rate = total / (time.perf_counter() - t0)
            print(f"ledger of {total:,} events")
            print(f"raw read floor (select_notifications): {floor:,.0f} events/s")
            print(f"rebuild of {', '.join(VIEWS)} (one pass, {args.batch:,} events per transaction): "
                  f"{rate:,.0f} events/s = {rate / floor:.0%} of the floor (target >= 50 %)")
            if args.lag_samples:
                lags = live_lag(db, portal, args.lag_samples)
                p95 = statistics.quantiles(lags, n=20)[-1]
                print(f"live lag append -> all views updated: median {statistics.median(lags):.1f} ms, "
                      f"p95 {p95:.1f} ms over {len(lags)} appends (target p95 < 50 ms)")
        finally:
            ledger.close()
            portal.close()
    finally:
        if not args.keep:
            cast.drop(url)


def _exists(schema: str) -> bool:
    with psycopg.connect(SERVER) as conn:
        found = conn.execute("SELECT to_regclass(%s)", (f'"{schema}".aqb_events',)).fetchone()
    return bool(found and found[0])


if __name__ == "__main__":
    main()
