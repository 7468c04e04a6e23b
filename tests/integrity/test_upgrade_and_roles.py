"""A ledger written before logins were stamped migrates: its old links (layout 1) still verify,
its events count as declared, and new events carry the login (layout 2). And every ledger has
roles of its own: two ledgers on one cluster never share one."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from ledger.app.principals import MandateSpec
from ledger.application import Meta, migrate, open_ledger
from ledger.domain.errors import RuleViolationError
from ledger.integrity import roles
from ledger.persistence import migrations
from ledger.persistence.config import database_from_url
from tests.cast import ADMIN, CAST, Acting, ensure_logins, login_url, prepare
from tests.conftest import drop_ledger, new_schema_url
from tests.integrity.conftest import admin_of, run_cli, verify_json

OLD = json.loads((Path(__file__).parent.parent / "fixtures" / "events-v1.json").read_text(encoding="utf-8"))


def old_ledger_postgres(url: str) -> None:
    """What the first release left: migrations 1 to 3, its shared roles, events with envelope v1,
    chained by its trigger (link layout 1)."""
    db = database_from_url(url)
    with psycopg.connect(admin_of(url), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {0}").format(sql.Identifier(db.schema)))
        conn.execute(sql.SQL("CREATE TABLE {0}.aqb_migrations (number int PRIMARY KEY, name text NOT NULL, "
                             "applied_at timestamptz NOT NULL DEFAULT now())").format(sql.Identifier(db.schema)))
        names = roles.roles_of(db, conn)
        for migration in migrations.MIGRATIONS[:3]:
            migration.postgres(db, conn, names)
            conn.execute(sql.SQL("INSERT INTO {0}.aqb_migrations (number, name) VALUES (%s, %s)").format(
                sql.Identifier(db.schema)), (migration.number, migration.name))
        shared = roles.shared_names_v1(db.schema)[1]  # the first release's writer, shared cluster-wide
        conn.execute(sql.SQL("CREATE ROLE {0}").format(sql.Identifier(shared)))
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {0} TO {1}").format(sql.Identifier(db.schema),
                                                                          sql.Identifier(shared)))
        conn.execute(sql.SQL("GRANT SELECT, INSERT ON {0}.aqb_events TO {1}").format(
            sql.Identifier(db.schema), sql.Identifier(shared)))
        for e in OLD["events"]:
            conn.execute(sql.SQL("INSERT INTO {0}.aqb_events (originator_id, originator_version, topic, state) "
                                 "VALUES (%s, %s, %s, %s)").format(sql.Identifier(db.schema)),
                         (e["originator_id"], e["originator_version"], e["topic"], e["state"].encode()))


@pytest.fixture
def old_pg_url(pg_server_url: str) -> Iterator[str]:
    url = new_schema_url(pg_server_url)
    old_ledger_postgres(url)
    yield url
    with psycopg.connect(admin_of(url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {0}").format(
            sql.Identifier(roles.shared_names_v1(database_from_url(url).schema)[1])))
    drop_ledger(pg_server_url, url)


def test_an_old_postgres_ledger_migrates_verifies_and_takes_new_events_with_their_login(old_pg_url: str) -> None:
    done = migrate(database_from_url(old_pg_url))
    assert done.applied == [m.name for m in migrations.MIGRATIONS[3:]]
    result = run_cli(old_pg_url, "verify", login="")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert done.revoked == [roles.shared_names_v1(database_from_url(old_pg_url).schema)[1]]
    code, report = verify_json(old_pg_url)
    assert (code, report["checked"], report["authorship"]["before_registry"]) == (0, 20, 20)
    prepare_registry_and_record(old_pg_url)
    code, report = verify_json(old_pg_url)
    assert (code, report["authorship"]["before_registry"], report["authorship"]["violations"]) == (0, 20, [])
    with psycopg.connect(admin_of(old_pg_url)) as conn:
        layouts = conn.execute(sql.SQL("SELECT recorded_by IS NULL, count(*) FROM {0}.aqb_events GROUP BY 1 "
                                       "ORDER BY 1").format(sql.Identifier(database_from_url(old_pg_url).schema)))
        assert dict(layouts.fetchall()) == {True: 20, False: 12}  # old rows keep layout 1, new ones are stamped


def prepare_registry_and_record(url: str) -> None:
    db = database_from_url(url)
    ensure_logins(db, [ADMIN, "a.schneider"])
    owner = open_ledger(url)
    owner.bootstrap(Meta(reason="Umstellung auf Logins"), ADMIN, "IT", "HMSI", [])
    owner.close()
    admin = open_ledger(login_url(db, ADMIN))
    admin.register_principal(Meta(reason="Zugang"), "a.schneider", CAST["a.schneider"][0], "HMSI", "person",
                             [MandateSpec(("record", "decide"))])
    admin.close()
    ledger = Acting(url)
    for n in range(10):
        ledger.plan_project(Meta("a.schneider", reason="Plan"), "AQB-2024-06532", f"Neu {n}", "QUAL", Decimal(0), 1)
    ledger.close()


def test_an_old_sqlite_ledger_opens_verifies_and_declares(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    url = f"sqlite://{path}"
    with sqlite3.connect(path) as conn:
        migrations.migrate_sqlite(conn)
        conn.executemany("INSERT INTO stored_events (originator_id, originator_version, topic, state) "
                         "VALUES (?, ?, ?, ?)", [(e["originator_id"], e["originator_version"], e["topic"],
                                                  e["state"].encode()) for e in OLD["events"]])
    with sqlite3.connect(path) as conn:  # the first release chained its rows itself: do as its migration did
        conn.execute("DELETE FROM aqb_migrations WHERE number = 2")
        for name in [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]:
            conn.execute(f"DROP TRIGGER {name}")
        migrations.migrate_sqlite(conn)
    code, report = verify_json(url)
    assert (code, report["authorship"]["before_registry"]) == (0, 20)
    prepare(url)  # the registry starts after the old events
    assert verify_json(url)[1]["authorship"]["before_registry"] == 20


def test_two_schemas_and_two_databases_share_no_role(pg_server_url: str) -> None:
    first, second = new_schema_url(pg_server_url), new_schema_url(pg_server_url)
    other_db = f"aqb_other_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {0}").format(sql.Identifier(other_db)))
    third = pg_server_url.rsplit("/", 1)[0] + f"/{other_db}"
    try:
        for url in (first, second, third):
            prepare(url)
        names = [set(roles_of(url).all()) for url in (first, second, third)]
        assert not names[0] & names[1] and not names[0] & names[2] and not names[1] & names[2]
        with psycopg.connect(pg_server_url, autocommit=True) as conn:  # a writer of the first ledger only
            roles.add_login(conn, "only.first", roles_of(first).writer)
        for url in (second, third):
            target = database_from_url(url)
            params = {**target.conninfo, "user": "only.first"}
            with psycopg.connect(**params) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql.SQL("SELECT count(*) FROM {0}.aqb_events").format(sql.Identifier(target.schema)))
    finally:
        for url in (first, second):
            drop_ledger(pg_server_url, url)
        third_roles = roles_of(third)
        with psycopg.connect(pg_server_url, autocommit=True) as conn:
            conn.execute("DROP ROLE IF EXISTS \"only.first\"")
            conn.execute(sql.SQL("DROP DATABASE {0} WITH (FORCE)").format(sql.Identifier(other_db)))
            roles.drop_roles(conn, third_roles)


def roles_of(url: str) -> roles.Roles:
    db = database_from_url(url)
    with psycopg.connect(**db.conninfo) as conn:
        return roles.roles_of(db, conn)


def test_migrate_refuses_a_role_that_holds_rights_in_another_database(pg_server_url: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AQB_ROLE_PREFIX", f"shared_{uuid.uuid4().hex[:6]}")
    first, second = new_schema_url(pg_server_url), new_schema_url(pg_server_url)
    try:
        migrate(database_from_url(first))
        with pytest.raises(RuleViolationError, match="already holds rights in schema"):
            migrate(database_from_url(second))
        assert migrate(database_from_url(second), reuse_roles=True).applied
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as conn:
            for url in (first, second):
                conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {0} CASCADE").format(
                    sql.Identifier(database_from_url(url).schema)))
            roles.drop_roles(conn, roles_of(first))


def test_migrating_an_sqlite_ledger_reports_only_what_sqlite_has(tmp_path: Path) -> None:
    result = run_cli(f"sqlite://{tmp_path / 'new.sqlite3'}", "db", "migrate", login="")
    said = " ".join(result.stdout.split())
    assert result.exit_code == 0 and "events table" in said and "hash chain" in said
    assert "stamped logins" not in said and "per-ledger roles" not in said and "principal lookup" not in said


def test_a_group_role_is_never_added_as_a_login(pg_url: str) -> None:
    """`aqb db add-login aqb_…_writer --as owner` would make every writer an owner."""
    names = roles_of(pg_url)
    for group in (names.writer, names.reader):
        result = run_cli(pg_url, "db", "add-login", group, "--as", "owner", login="")
        assert result.exit_code == 4, result.output
        assert f"{group} is a group role, not a login" in result.stderr
    with psycopg.connect(admin_of(pg_url), autocommit=True) as conn:
        members = conn.execute("SELECT count(*) FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid "
                               "JOIN pg_roles m ON m.oid = am.member WHERE g.rolname = %s AND m.rolname = ANY(%s)",
                               (names.owner, [names.writer, names.reader])).fetchone()
    assert members == (0,)
