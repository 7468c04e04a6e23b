"""The principals the benchmarks record as: a ministry officer, an RP Kassel officer and one
officer per party, all recorded through one service login (`bench.portal`, mandate `on-behalf`),
as a web front-end would — one connection, every row stamped by the database and checked by its
trigger like any other.

`ledger_for(url)` migrates a fresh schema, bootstraps the registry as the URL's superuser,
registers the cast and returns the portal's ledger. `drop(url)` removes schema and roles.
"""

from __future__ import annotations

from decimal import Decimal

import psycopg
from psycopg import conninfo as libpq
from psycopg import sql

from ledger import reference
from ledger.app.core import Meta
from ledger.app.principals import MandateSpec
from ledger.application import Ledger, migrate, open_ledger
from ledger.integrity import roles
from ledger.persistence.config import database_from_url

ADMIN, PORTAL = "bench.admin", "bench.portal"
MINISTRY, RP = "a.schneider", "k.becker"


def party_login(ags: str) -> str:
    return f"p.{ags}"


def login_url(url: str, login: str) -> str:
    db = database_from_url(url)
    return libpq.make_conninfo(**{**db.conninfo, "user": login}) + f" schema={db.schema}"


def ledger_for(url: str) -> Ledger:
    """A fresh, migrated ledger with the benchmark's cast; the portal's connection to it."""
    db = database_from_url(url)
    migrate(db)
    with psycopg.connect(**db.conninfo, autocommit=True) as conn:
        writer = roles.roles_of(db, conn).writer
        for login in (ADMIN, PORTAL):
            roles.add_login(conn, login, writer)
    owner = open_ledger(url)
    owner.bootstrap(Meta(reason="Benchmark"), ADMIN, "Benchmark-Administration", "HMSI", [])
    owner.close()
    admin = open_ledger(login_url(url, ADMIN))
    people = [(MINISTRY, "HMSI", ("record", "decide", "assess")), (RP, "RPKS", ("record", "decide", "grant")),
              *((party_login(ags), ags, ("record",)) for ags in sorted(reference.parties()))]
    for login, organisation, acts in people:
        admin.register_principal(Meta(reason="Zugang"), login, login, organisation, "person",
                                 [MandateSpec(acts, ceiling=Decimal("100000000.00"))])
    admin.register_principal(Meta(reason="Portal"), PORTAL, "Web-Portal", "HMSI", "service",
                             [MandateSpec(("on-behalf",))])
    admin.close()
    return open_ledger(login_url(url, PORTAL))


def drop(url: str) -> None:
    db = database_from_url(url)
    with psycopg.connect(**db.conninfo, autocommit=True) as conn:
        names = roles.roles_of(db, conn)
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {0} CASCADE").format(sql.Identifier(db.schema)))
        roles.drop_roles(conn, names)
