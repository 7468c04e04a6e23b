"""The compliance report over a statewide year: all 26 parties, beside reading the same events.

1. Generates a year (2024) for each of the 26 parties in a fresh PostgreSQL schema: an agreement
   with eight projects, both signatures, a grant with its notice, then `--rounds` rounds of
   payments, a reallocation, a deviation and its decision (now and then a meeting, an amendment,
   a refund claim), many aggregates per `save()`.
2. Floor: reading every event of those agreements and grants (one query per stream set).
3. Times `aqb report compliance --year 2024` (the same code: `Ledger.compliance_year`), median of
   `--runs`, and prints both with their ratio. Target (issue 6): within a second or two.

Example:
    .venv/bin/python -m bench.compliance
    .venv/bin/python -m bench.compliance --rounds 60 --runs 7
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from datetime import date

from bench import cast, statewide
from bench.rebuild import SERVER
from ledger import reference
from ledger.application import Ledger, open_ledger
from ledger.domain.clocks import Clock

YEAR = 2024
ON = date(2025, 4, 1)


def generate(ledger: Ledger, rounds: int) -> int:
    env = statewide.Envelopes(ledger)
    for ags in sorted(reference.parties()):
        a, g = statewide.new_pair(env, YEAR, ags)
        for i in range(rounds):
            statewide.one_round(env, a, g, i)
        ledger.save(a, g)
    return ledger.reads.head()


def floor_seconds(ledger: Ledger) -> float:
    ids = [s for a in ledger.compliance_ids(YEAR) for s in ledger.trail_ids(a)]
    started = time.perf_counter()
    ledger.reads.streams(ids)
    return time.perf_counter() - started


def report_seconds(ledger: Ledger) -> float:
    started = time.perf_counter()
    reports = ledger.compliance_year(YEAR, Clock(on=ON), four_eyes=True)
    assert len(reports) == 26
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="rounds of in-year events per party")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url = f"{SERVER}{'&' if '?' in SERVER else '?'}schema=bench_{uuid.uuid4().hex[:8]}"
    writer = cast.ledger_for(url)
    ledger = open_ledger(url)
    try:
        events = generate(writer, args.rounds)
        floor = statistics.median(floor_seconds(ledger) for _ in range(args.runs))
        report = statistics.median(report_seconds(ledger) for _ in range(args.runs))
        print(f"statewide year {YEAR}: 26 parties, {events:,} events")
        print(f"floor (reading the same events): {floor * 1000:,.0f} ms")
        print(f"compliance report (26 checklists × 9 obligations): {report * 1000:,.0f} ms "
              f"= {report / floor:.1f} × the floor (target: within a second or two)")
    finally:
        writer.close()
        ledger.close()
        cast.drop(url)


if __name__ == "__main__":
    main()
