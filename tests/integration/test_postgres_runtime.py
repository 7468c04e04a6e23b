"""PostgreSQL specifics: the runtime never creates tables, fails fast and clearly, and writes with
SELECT and INSERT only (the advisory-lock recorder needs no UPDATE privilege)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import psycopg
import pytest

from ledger.application import Meta, open_ledger
from ledger.domain.errors import DatabaseUnavailableError, NotMigratedError
from ledger.persistence.postgres import AdvisoryLockRecorder


def test_an_unmigrated_schema_is_refused_with_what_to_do(pg_server_url: str) -> None:
    url = f"{pg_server_url}?schema=nothing_{uuid.uuid4().hex[:8]}"
    with pytest.raises(NotMigratedError) as caught:
        open_ledger(url)
    assert caught.value.hint == "run 'aqb db migrate' once as the database owner"


def test_an_unreachable_server_fails_fast() -> None:
    with pytest.raises(DatabaseUnavailableError, match="cannot reach PostgreSQL"):
        open_ledger("postgresql://postgres@127.0.0.1:1/none")


def test_a_role_with_select_and_insert_only_can_write(pg_url: str) -> None:
    schema = pg_url.split("schema=")[1]
    role = f"aqb_w_{uuid.uuid4().hex[:8]}"
    admin = pg_url.split("?", maxsplit=1)[0]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE {role} LOGIN')
        conn.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO {role}')
        conn.execute(f'GRANT SELECT, INSERT ON "{schema}".aqb_events TO {role}')
        conn.execute(f'GRANT USAGE ON SEQUENCE "{schema}".aqb_events_notification_id_seq TO {role}')
    try:
        writer_url = admin.replace("postgres@", f"{role}@", 1) + f"?schema={schema}"
        ledger = open_ledger(writer_url)
        assert isinstance(ledger.recorder, AdvisoryLockRecorder)
        ledger.create_agreement(Meta("a@HMSI", reason="r"), "AQB-2024-06532", [("AQB", Decimal(1))])
        assert ledger.reads.head() == 1
        ledger.close()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP OWNED BY {role}')
            conn.execute(f'DROP ROLE {role}')
