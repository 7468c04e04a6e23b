"""Reads at scale: the auditor's commands on a statewide ledger of a million events, each timed
in-process and as a CLI call, beside the floor of reading the same rows.

1. Builds (or, with `--schema`, reuses) a ledger of `--events` events, 26 parties × `--years`
   years (bench/statewide.py: every event through the domain rules, saved by the portal login
   through the chain trigger), and records one §6 assessment for `explain`.
2. For one agreement (`--agreement`, default the middle year's of party 06532) and its year:
   - floor: one SELECT of the rows the command shows (the agreement's and its grants' streams;
     for the statewide report, every stream of the year's agreements), plain psycopg;
   - in-process: the command's own code through the `Ledger` (median of `--runs`);
   - CLI: `aqb … <command>` as a subprocess, wall time (median of `--runs`).
   Commands: trail, status, explain, decisions, and the statewide compliance report.

Targets (issue 15): in-process trail < 30 ms; every command as a CLI call < 0.5 s; the statewide
report < 2 s.

Example:
    .venv/bin/python -m bench.reads --schema bench_reads --keep          # build once, keep it
    .venv/bin/python -m bench.reads --schema bench_reads --keep --runs 7  # reuse it
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from bench import cast, statewide
from ledger import reference
from ledger.app.core import Meta
from ledger.application import Ledger, migrate, open_ledger
from ledger.domain.clocks import Clock
from ledger.integrity.probe import probe
from ledger.lateness import Lateness
from ledger.persistence.config import database_from_url
from projections.queries import status_now

SERVER = os.environ.get("AQB_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
AQB = str(Path(sys.executable).with_name("aqb"))
PARTY = "06532"


def schema_exists(schema: str) -> bool:
    with psycopg.connect(SERVER) as conn:
        found = conn.execute("SELECT to_regclass(%s)", (f'"{schema}".aqb_events',)).fetchone()
    return bool(found and found[0])


def build(url: str, events: int, years: range) -> None:
    ledger = cast.ledger_for(url)
    try:
        started = time.perf_counter()
        head = statewide.generate(ledger, events, years)
        print(f"generated {head:,} events in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    finally:
        ledger.close()


def assess(url: str, agreement_id: str) -> None:
    """One §6 judgement of the agreement (every deviation treated), for `explain`."""
    ledger = open_ledger(cast.login_url(url, cast.PORTAL))
    try:
        agreement = ledger.agreement(agreement_id)
        if agreement.assessments:
            return
        treatments = dict.fromkeys(agreement.deviations, "considered-accepted")
        ledger.assess(Meta(cast.MINISTRY, date(agreement.year + 1, 3, 1), "Bench"), agreement_id,
                      "erreicht", "Ziele erreicht", treatments)
    finally:
        ledger.close()


def median_ms(runs: int, work: Callable[[], Any]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def floor_rows(url: str, streams: list[str]) -> int:
    """The floor: one plain SELECT of every row of these streams (what a command shows)."""
    db = database_from_url(url)
    query = sql.SQL("SELECT notification_id, originator_id, originator_version, topic, state, recorded_at, "
                    "event_hash FROM {0}.aqb_events WHERE originator_id = ANY(%s) ORDER BY notification_id"
                    ).format(sql.Identifier(db.schema))
    with psycopg.connect(**db.conninfo) as conn:
        return len(conn.execute(query, (streams,)).fetchall())


def checked(ledger: Ledger) -> None:
    """What the CLI does after every read: the probe of the rows read."""
    found = probe(ledger.db, ledger.reads.seen, ledger.reads.head())
    assert found.intact, found.breaks
    ledger.reads.seen.clear()


def in_process(ledger: Ledger, agreement_id: str, year: int) -> dict[str, Callable[[], Any]]:
    def trail() -> None:
        entries = ledger.trail(agreement_id)
        ledger.reads.links([e.position for e in entries])
        checked(ledger)

    def status() -> None:
        status_now(ledger, agreement_id)
        checked(ledger)

    def explain() -> None:
        ledger.explain(agreement_id)
        checked(ledger)

    def decisions() -> None:
        from ledger.decisions import decision_rows  # noqa: PLC0415

        agreement, entries = ledger.agreement_with_entries(agreement_id)  # as `aqb decisions` reads them
        decision_rows(agreement, entries, Lateness.configured())
        checked(ledger)

    def compliance() -> None:
        reports = ledger.compliance_year(year, Clock(), four_eyes=True)
        assert len(reports) == 26
        checked(ledger)

    return {"trail": trail, "status": status, "explain": explain, "decisions": decisions,
            "report compliance (statewide)": compliance}


def cli_args(agreement_id: str, year: int) -> dict[str, list[str]]:
    return {"trail": ["trail", agreement_id], "status": ["status", agreement_id],
            "explain": ["explain", agreement_id], "decisions": ["decisions", agreement_id],
            "report compliance (statewide)": ["report", "compliance", "--year", str(year), "--on",
                                              f"{year + 1}-12-31"]}


def cli_ms(url: str, args: list[str], runs: int) -> float:
    env = {**os.environ, "AQB_DATABASE_URL": url, "COLUMNS": "200"}

    def call() -> None:
        done = subprocess.run([AQB, "--format", "json", *args], env=env, capture_output=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"aqb {' '.join(args)} failed ({done.returncode}): {done.stderr.decode()[:500]}")
    return median_ms(runs, call)


def report(url: str, agreement_id: str, runs: int) -> None:
    ledger = open_ledger(url)
    try:
        year = ledger.agreement(agreement_id).year
        head = ledger.reads.head()
        trail_streams = ledger.trail_ids(agreement_id)
        year_streams = [s for a in ledger.compliance_ids(year) for s in ledger.trail_ids(a)]
        floors = {"trail": trail_streams, "status": trail_streams, "explain": trail_streams,
                  "decisions": [agreement_id], "report compliance (statewide)": year_streams}
        work = in_process(ledger, agreement_id, year)
        print(f"\nReads at scale: ledger of {head:,} events; agreement {agreement_id} "
              f"({floor_rows(url, trail_streams):,} rows with its grants), year {year} "
              f"({floor_rows(url, year_streams):,} rows)")
        print(f"{'command':<32} {'rows':>8} {'floor ms':>9} {'in-process ms':>14} {'CLI ms':>8}")
        for name, run in work.items():
            run()  # warm
            rows = floor_rows(url, floors[name])
            floor = median_ms(runs, lambda s=floors[name]: floor_rows(url, s))
            inside = median_ms(runs, run)
            outside = cli_ms(url, cli_args(agreement_id, year)[name], runs)
            print(f"{name:<32} {rows:>8,} {floor:>9.1f} {inside:>14.1f} {outside:>8.0f}")
        print(f"\nmedians of {runs} runs; targets: trail in-process < 30 ms, every CLI call < 500 ms, "
              "the statewide report < 2,000 ms")
    finally:
        ledger.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=20, help="years per party, ending 2024")
    parser.add_argument("--schema", help="reuse this schema if it holds a ledger (else build it there)")
    parser.add_argument("--agreement", help=f"agreement to read (default: the middle year's of {PARTY})")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    args = parser.parse_args()
    schema = args.schema or f"bench_reads_{os.getpid()}"
    url = f"{SERVER}{'&' if '?' in SERVER else '?'}schema={schema}"
    years = range(2025 - args.years, 2025)
    try:
        if not schema_exists(schema):
            build(url, args.events, years)
        migrate(database_from_url(url))  # a kept ledger of an older release: its missing migrations
        agreement_id = args.agreement or f"AQB-{years[len(years) // 2]}-{PARTY}"
        assert PARTY in reference.parties()
        assess(url, agreement_id)
        report(url, agreement_id, args.runs)
    finally:
        if not args.keep:
            cast.drop(url)


if __name__ == "__main__":
    main()
