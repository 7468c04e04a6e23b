"""A bulk journal import (`aqb record batch FILE`) beside the COPY floor of the same rows.

1. A fresh schema with the benchmark's cast (bench/cast.py), one agreement per party with one
   project, recorded through the application.
2. A JSON-lines journal of `--events` commands over the 26 agreements: two deviations reported by
   the party's officer for every decision taken on one of them by the ministry, each line naming
   its actor; recorded by the service login `bench.portal` on their behalf.
3. **Batch**: `aqb --format json record batch FILE` as a subprocess (wall time: start-up, parsing
   and checking every line by its command's own rules, one save of every event in one
   transaction through the chain trigger, which stamps the login and checks each row's author).
4. **Floor**: the same rows (stream, version, topic, state) copied with binary COPY into a bare
   table shaped like the events table (primary key and unique position index, no trigger), in the
   same run, on the same server.

Target (issue 15): at least 20,000 events/s.

Example:
    .venv/bin/python -m bench.batch                    # 20,000 events
    .venv/bin/python -m bench.batch --events 50000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from bench import cast
from ledger import reference
from ledger.app.core import Meta
from ledger.domain.agreement import agreement_id
from ledger.persistence.config import database_from_url

SERVER = os.environ.get("AQB_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
AQB = str(Path(sys.executable).with_name("aqb"))
YEAR = 2024


def prepare(url: str) -> list[str]:
    """One agreement with one project per party; their ids."""
    portal = cast.ledger_for(url)
    ids = []
    try:
        for ags in sorted(reference.parties()):
            agreement = agreement_id(YEAR, ags)
            portal.create_agreement(Meta(cast.MINISTRY, date(YEAR, 3, 1), "ZV"), agreement,
                                    [("AQB", Decimal("1000000.00"))])
            portal.plan_project(Meta(cast.party_login(ags), date(YEAR, 3, 2), "Plan"), agreement, "Projekt",
                                "QUAL", Decimal("100000.00"))
            ids.append(agreement)
    finally:
        portal.close()
    return ids


def journal(agreements: list[str], events: int) -> list[dict[str, Any]]:
    """Deviations and decisions in turn over the agreements: two reported for each decided."""
    lines: list[dict[str, Any]] = []
    reported = dict.fromkeys(agreements, 0)
    decided = dict.fromkeys(agreements, 0)
    while len(lines) < events:
        for agreement in agreements:
            if len(lines) >= events:
                break
            ags = agreement[-5:]
            if reported[agreement] >= 2 * (decided[agreement] + 1):
                decided[agreement] += 1
                lines.append({"command": "decision", "agreement": agreement, "deviation": f"D{decided[agreement]}",
                              "decision": "acknowledged", "reason": "Zur Kenntnis", "actor": f"{cast.MINISTRY}@HMSI"})
            else:
                reported[agreement] += 1
                lines.append({"command": "deviation", "agreement": agreement, "kind": "underspend",
                              "cause": f"Personalwechsel {reported[agreement]}", "scope": "project", "ref": "P1",
                              "reason": "Bericht", "actor": f"{cast.party_login(ags)}@{ags}"})
    return lines


def run_batch(url: str, path: Path) -> tuple[int, float]:
    env = {**os.environ, "AQB_DATABASE_URL": cast.login_url(url, cast.PORTAL)}
    started = time.perf_counter()
    done = subprocess.run([AQB, "--format", "json", "record", "batch", str(path)], env=env, capture_output=True,
                          check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"aqb record batch failed ({done.returncode}): {done.stderr.decode()[:500]}")
    return int(json.loads(done.stdout)["recorded"]), seconds


def copy_floor(url: str, first: int) -> tuple[int, float]:
    """Binary COPY of the batch's rows into a bare table shaped like the events table."""
    db = database_from_url(url)
    schema = sql.Identifier(db.schema)
    with psycopg.connect(**db.conninfo) as conn:
        rows = conn.execute(sql.SQL("SELECT originator_id, originator_version, topic, state FROM {0}.aqb_events "
                                    "WHERE notification_id >= %s ORDER BY notification_id").format(schema),
                            (first,)).fetchall()
        conn.execute(sql.SQL("CREATE TABLE {0}.floor_events (originator_id text, originator_version bigint, "
                             "topic text, state bytea, notification_id bigserial, "
                             "PRIMARY KEY (originator_id, originator_version))").format(schema))
        conn.execute(sql.SQL("CREATE UNIQUE INDEX ON {0}.floor_events (notification_id)").format(schema))
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as curs, curs.copy(sql.SQL(
                "COPY {0}.floor_events (originator_id, originator_version, topic, state) FROM STDIN "
                "(FORMAT BINARY)").format(schema)) as copy:
            copy.set_types(["text", "int8", "text", "bytea"])
            for row in rows:
                copy.write_row(row)
        conn.commit()
        return len(rows), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()
    url = f"{SERVER}{'&' if '?' in SERVER else '?'}schema=bench_{uuid.uuid4().hex[:10]}"
    try:
        agreements = prepare(url)
        with psycopg.connect(**database_from_url(url).conninfo) as conn:
            first = int(conn.execute(sql.SQL("SELECT max(notification_id) FROM {0}.aqb_events").format(
                sql.Identifier(database_from_url(url).schema))).fetchone()[0]) + 1  # type: ignore[index]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "journal.jsonl"
            path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n"
                                    for line in journal(agreements, args.events)), encoding="utf-8")
            recorded, seconds = run_batch(url, path)
        copied, copy_seconds = copy_floor(url, first)
        assert copied == recorded, (copied, recorded)
        rate, floor = recorded / seconds, copied / copy_seconds
        print(f"aqb record batch: {recorded:,} events in {seconds:.2f} s = {rate:,.0f} events/s "
              "(CLI call: start-up, every line checked, one transaction through the chain trigger)")
        print(f"floor, binary COPY of the same rows into a bare table: {floor:,.0f} rows/s")
        print(f"batch ÷ floor: {rate / floor:.1%}; target >= 20,000 events/s")
    finally:
        cast.drop(url)


if __name__ == "__main__":
    main()
