"""Fixtures for the integrity tests: a filled ledger, the CLI against it, superuser tampering,
and connections as the owner, writer and reader roles."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from ledger.application import Meta, open_ledger
from ledger.integrity import roles
from ledger.persistence.config import database_from_url
from tests.cli.conftest import run, seeded  # noqa: F401 (the CLI fixtures, for the trail test)

MINISTRY, PARTY = "a.schneider@HMSI", "j.weber@06532"
FIRST, SECOND = "AQB-2024-06532", "AQB-2024-06611"
PROJECTS = (("Jump in", "135000"), ("Lernwerkstatt digital", "160000"), ("Selbstlernzentrum", "95000"))


def fill(url: str) -> None:
    """Eight events in two streams, interleaved: positions 1..8."""
    ledger = open_ledger(url)
    try:
        for agreement_id in (FIRST, SECOND):
            ledger.create_agreement(Meta(MINISTRY, reason="ZV"), agreement_id, [("AQB", Decimal("1185000"))])
        for name, amount in PROJECTS:
            for agreement_id in (FIRST, SECOND):
                ledger.plan_project(Meta(PARTY if agreement_id == FIRST else "x.meier@06611", reason="Plan"),
                                    agreement_id, name, "QUAL", Decimal(amount), 10)
    finally:
        ledger.close()


def run_cli(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--database", url, "--actor", MINISTRY, *args], catch_exceptions=False,
                              env={"AQB_ACTOR": None, "AQB_DATABASE_URL": None, "AQB_ANCHOR_KEY": None,
                                   "AQB_ANCHOR_PUBLIC_KEY": None})


def verify_json(url: str, *extra: str) -> tuple[int, dict[str, Any]]:
    result = run_cli(url, "verify", "--format", "json", *extra)
    return result.exit_code, json.loads(result.stdout)


def schema_of(url: str) -> str:
    return url.split("schema=")[1]


def admin_of(url: str) -> str:
    return url.split("?", maxsplit=1)[0]


def as_role(url: str, role: str) -> str:
    return admin_of(url).replace("postgres@", f"{role}@", 1) + f"?schema={schema_of(url)}"


@pytest.fixture
def pg_ledger(pg_url: str) -> Iterator[str]:
    """A filled ledger in a fresh schema; the schema and its roles are dropped afterwards."""
    fill(pg_url)
    yield pg_url
    names = roles.role_names(database_from_url(pg_url))
    with psycopg.connect(admin_of(pg_url), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema_of(pg_url)}" CASCADE')
        roles.drop_roles(conn, names)


@pytest.fixture
def sqlite_ledger(sqlite_url: str) -> str:
    fill(sqlite_url)
    return sqlite_url


Tamper = Callable[[str], None]


@pytest.fixture
def superuser(pg_ledger: str) -> Callable[..., None]:
    """Run statements as the superuser with the ledger's triggers disabled, as an attacker would."""
    table = f'"{schema_of(pg_ledger)}".aqb_events'

    def tamper(*statements: str) -> None:
        with psycopg.connect(admin_of(pg_ledger), autocommit=True) as conn, conn.transaction():
            conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            for statement in statements:
                conn.execute(statement.replace("EVENTS", table))
            conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    return tamper


@pytest.fixture
def sqlite_tamper(sqlite_ledger: str) -> Callable[..., None]:
    """Drop the refusing triggers and change the file directly."""
    path = sqlite_ledger[len("sqlite://"):]

    def tamper(*statements: str) -> None:
        with sqlite3.connect(path) as conn:
            names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
            for name in names:
                conn.execute(f"DROP TRIGGER {name}")
            for statement in statements:
                conn.execute(statement)
    return tamper
