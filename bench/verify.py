"""Benchmark of the hash chain on PostgreSQL.

1. Verification rate of `aqb verify` (ledger.integrity.verify) on a ledger of N events, beside the
   raw floor measured in the same run: the same rows read through the same server-side cursor and
   hashed with hashlib in one loop. Target: verify >= 70 % of the floor.
2. Append cost of the chain: the library's insert path (AdvisoryLockRecorder.insert_events, one
   transaction per 5-event save) into the chained table vs. a table without the chain triggers,
   in alternating rounds. Target: <= 15 %.

Usage:
  .venv/bin/python bench/verify.py [--events 1000000] [--url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import time
import uuid

import psycopg
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresDatastore

from ledger.integrity import roles
from ledger.integrity.rows import PAGE, PG_COLUMNS, open_reader
from ledger.integrity.verify import verify
from ledger.persistence import migrations
from ledger.persistence.config import Database, database_from_url
from ledger.persistence.postgres import AdvisoryLockRecorder

FILL = """INSERT INTO {t} (originator_id, originator_version, topic, state)
SELECT 'BENCH-' || (g / 5), g %% 5 + 1, 'aqb:Bench.Happened:v1',
       convert_to('{{"timestamp":"2024-07-01T10:00:00+00:00","actor":"a.schneider@HMSI","amount":"'
                  || g || '.00","reason":"' || repeat('x', 200) || '"}}', 'UTF8')
FROM generate_series(%s::bigint, %s::bigint) g"""


def setup(url: str, chained: bool) -> Database:
    db = database_from_url(url)
    if chained:
        migrations.migrate_postgres(db)
        return db
    with psycopg.connect(admin(url), autocommit=True) as conn:  # events table only, no chain
        conn.execute(f'CREATE SCHEMA "{db.schema}"')
        migrations.MIGRATIONS[0].postgres(db, conn, roles.roles_of(db, conn))
    return db


def admin(url: str) -> str:
    return url.split("?", maxsplit=1)[0]


def fill(db: Database, url: str, events: int) -> float:
    started, batch = time.perf_counter(), 100_000
    with psycopg.connect(admin(url), autocommit=True) as conn:
        for low in range(0, events, batch):
            conn.execute(FILL.format(t=f'"{db.schema}".aqb_events'), (low, min(low + batch, events) - 1))
        conn.execute(f'VACUUM ANALYZE "{db.schema}".aqb_events')
    return events / (time.perf_counter() - started)


def floor_rate(db: Database) -> float:
    """The same query, a plain binary server-side cursor in pages, hashlib over each row's bytes in
    one loop: the raw floor (no row objects, no link layout, no checks)."""
    started, sha256, count = time.perf_counter(), hashlib.sha256, 0
    query = f'SELECT {PG_COLUMNS} FROM "{db.schema}".aqb_events WHERE notification_id >= 1 ORDER BY notification_id'
    with psycopg.connect(admin(db_url(db))) as conn, conn.cursor(name="floor", binary=True) as cursor:
        cursor.itersize = PAGE
        cursor.execute(query)
        while batch := cursor.fetchmany(PAGE):
            for row in batch:
                sha256(row[4] + row[7]).digest()
            count += len(batch)
    return count / (time.perf_counter() - started)


def db_url(db: Database) -> str:
    env = db.env
    return f"postgresql://{env['POSTGRES_USER']}@{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/{env['POSTGRES_DBNAME']}"


def verify_rate(db: Database) -> tuple[float, bool]:
    started = time.perf_counter()
    with open_reader(db) as reader:
        report = verify(reader)
    return report.checked / (time.perf_counter() - started), report.ok


def append_round(recorder: AdvisoryLockRecorder, saves: int, tag: str) -> float:
    payload = b'{"actor":"a.schneider@HMSI","amount":"1185000.00","reason":"' + b"x" * 220 + b'"}'
    started = time.perf_counter()
    for i in range(saves):
        oid = f"{tag}-{uuid.uuid4().hex[:12]}-{i}"
        recorder.insert_events([StoredEvent(oid, v, "aqb:Bench.Happened:v1", payload) for v in range(1, 6)])
    return time.perf_counter() - started


def recorder_for(db: Database) -> AdvisoryLockRecorder:
    env = db.env
    datastore = PostgresDatastore(env["POSTGRES_DBNAME"], env["POSTGRES_HOST"], env["POSTGRES_PORT"],
                                  env["POSTGRES_USER"], env["POSTGRES_PASSWORD"], schema=db.schema,
                                  originator_id_type="text")
    return AdvisoryLockRecorder(datastore)


def append_cost(chained: Database, plain: Database, rounds: int, saves: int) -> tuple[float, float, float]:
    """Alternating rounds (which table goes first alternates too); the cost is the median of the
    per-round ratios, which a shared, busy server disturbs far less than the sums."""
    a, b = recorder_for(chained), recorder_for(plain)
    append_round(a, 50, "warm"), append_round(b, 50, "warm")
    ratios, with_chain, without = [], 0.0, 0.0
    for r in range(rounds):
        if r % 2 == 0:
            t_a, t_b = append_round(a, saves, "r"), append_round(b, saves, "r")
        else:
            t_b, t_a = append_round(b, saves, "r"), append_round(a, saves, "r")
        ratios.append(t_a / t_b)
        with_chain, without = with_chain + t_a, without + t_b
    a.datastore.close(), b.datastore.close()
    events = saves * rounds * 5
    return events / with_chain, events / without, statistics.median(ratios) - 1


def drop(url: str, *dbs: Database) -> None:
    with psycopg.connect(admin(url), autocommit=True) as conn:
        for db in dbs:
            conn.execute(f'DROP SCHEMA IF EXISTS "{db.schema}" CASCADE')
            roles.drop_roles(conn, roles.role_names(db))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--url", default=os.environ.get("AQB_BENCH_DATABASE_URL",
                                                        "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--saves", type=int, default=100, help="5-event saves per round and table")
    parser.add_argument("--schema", help="verify this kept ledger (e.g. bench.reads' statewide one) instead "
                        "of filling one; the append cost is then not measured")
    args = parser.parse_args()
    if args.schema:
        kept = database_from_url(f"{args.url}?schema={args.schema}")
        floor, (rate, ok), floor2 = floor_rate(kept), verify_rate(kept), floor_rate(kept)
        best_floor = max(floor, floor2)
        print(f"raw floor (read + hashlib): {best_floor:,.0f} rows/s  (runs: {floor:,.0f}, {floor2:,.0f})")
        print(f"aqb verify:                 {rate:,.0f} events/s, chain intact: {ok}")
        print(f"verify / floor:             {rate / best_floor:.0%}  (target >= 80 %)")
        return
    tag = uuid.uuid4().hex[:8]
    chained = setup(f"{args.url}?schema=bench_chain_{tag}", chained=True)
    plain = setup(f"{args.url}?schema=bench_plain_{tag}", chained=False)
    try:
        rate = fill(chained, args.url, args.events)
        print(f"filled {args.events:,} events through the chain trigger: {rate:,.0f} rows/s")
        floor, (rate, ok), floor2 = floor_rate(chained), verify_rate(chained), floor_rate(chained)
        best_floor = max(floor, floor2)
        print(f"raw floor (read + hashlib): {best_floor:,.0f} rows/s  (runs: {floor:,.0f}, {floor2:,.0f})")
        print(f"aqb verify:                 {rate:,.0f} events/s, chain intact: {ok}")
        print(f"verify / floor:             {rate / best_floor:.0%}  (target >= 70 %)")
        a, b, cost = append_cost(chained, plain, args.rounds, args.saves)
        print(f"appends with chain:         {a:,.0f} events/s (5-event saves)")
        print(f"appends without chain:      {b:,.0f} events/s")
        print(f"chain cost on appends:      {cost:+.1%}  (median of per-round ratios; target <= 15 %)")
    finally:
        drop(args.url, chained, plain)


if __name__ == "__main__":
    main()
