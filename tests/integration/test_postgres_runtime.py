"""PostgreSQL specifics: the runtime never creates tables, fails fast and clearly, connects by
libpq's rules (sslmode, service files), and never shows a password."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from eventsourcing.persistence import StoredEvent

from cli.main import cli
from ledger.application import Meta, open_ledger
from ledger.domain.errors import DatabaseUnavailableError, InvalidInputError, NotMigratedError
from ledger.persistence.config import database_from_url
from tests.cast import Acting


def test_an_unmigrated_schema_is_refused_with_what_to_do(pg_server_url: str) -> None:
    url = f"{pg_server_url}?schema=nothing_{uuid.uuid4().hex[:8]}"
    with pytest.raises(NotMigratedError) as caught:
        open_ledger(url)
    assert caught.value.hint == "run 'aqb db migrate' once as the database owner"


@pytest.mark.parametrize(("part", "said"), [("user", "the server has no such login"),
                                            ("dbname", "the server has no such database")])
def test_a_login_or_database_the_server_lacks_is_named_with_what_to_do(pg_url: str, part: str, said: str) -> None:
    db = database_from_url(pg_url)
    with pytest.raises(DatabaseUnavailableError) as caught:
        open_ledger(f"postgresql://{'nobody' if part == 'user' else db.conninfo['user']}@{db.conninfo['host']}:"
                    f"{db.conninfo['port']}/{'nodb_x' if part == 'dbname' else db.conninfo['dbname']}")
    assert caught.value.hint.startswith(said)


def test_an_unreachable_server_fails_fast() -> None:
    with pytest.raises(DatabaseUnavailableError, match="cannot reach PostgreSQL"):
        open_ledger("postgresql://postgres@127.0.0.1:1/none")


def test_sslmode_require_against_a_server_without_tls_fails_clearly(pg_url: str) -> None:
    url = pg_url.replace("?schema=", "?sslmode=require&schema=")
    with pytest.raises(DatabaseUnavailableError, match="server does not support SSL, but SSL was required"):
        open_ledger(url)


def test_every_libpq_parameter_reaches_the_connection(pg_url: str) -> None:
    db = database_from_url(pg_url.replace("?schema=", "?application_name=aqb-audit&sslmode=disable&schema="))
    assert (db.conninfo["application_name"], db.conninfo["sslmode"], db.schema) == (
        "aqb-audit", "disable", pg_url.split("schema=")[1])
    ledger = open_ledger(db.url)
    try:
        with ledger.recorder.datastore.transaction(commit=False) as curs:  # type: ignore[attr-defined]
            curs.execute("SELECT current_setting('application_name')")
            assert list(curs.fetchone().values()) == ["aqb-audit"]
    finally:
        ledger.close()


def test_a_service_from_pg_service_conf_connects(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = database_from_url(pg_url)
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[aqbtest]\nhost={db.conninfo['host']}\nport={db.conninfo['port']}\n"
                        f"user={db.conninfo['user']}\ndbname={db.conninfo['dbname']}\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    ledger = open_ledger(f"service=aqbtest schema={db.schema}")
    try:
        assert ledger.reads.head() > 0 and ledger.login == db.conninfo["user"]
    finally:
        ledger.close()


def test_a_password_never_appears_in_a_message() -> None:
    secret = "s3cr3t-Passw0rd"
    for url in (f"postgresql://a.schneider:{secret}@127.0.0.1:1/aqb",
                f"postgresql://a.schneider:{secret}@127.0.0.1:5432/aqb?nonsense=1",
                f"host=127.0.0.1 port=1 user=a password={secret} dbname=x",
                f"postgresql://a:{secret}@127.0.0.1:abc/aqb"):
        result = CliRunner().invoke(cli, ["--debug", "--database", url, "agreement", "list"],
                                    env={"AQB_DATABASE_URL": None, "AQB_ACTOR": None})
        assert result.exit_code in (4, 8), result.output
        assert secret not in result.output + (result.stderr or "")


def test_a_port_that_is_no_number_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError, match="port 'abc' is not a number"):
        database_from_url("postgresql://a@127.0.0.1:abc/aqb")


@pytest.mark.parametrize("one_statement", [True, False], ids=["save function", "pipeline (before migration 7)"])
def test_a_save_refused_in_its_single_round_trip_commits_nothing_and_the_next_save_lands(
        pg_url: str, one_statement: bool) -> None:
    """The insert, its version check and the COMMIT travel together (one statement of the save
    function, or the pipelined BEGIN … COMMIT of a ledger without it): when the check refuses
    (the stream moved on meanwhile), the INSERT before it in the same round trip is not kept, the
    error is the check's, and the pooled connection serves the next save."""
    writer = Acting(pg_url)
    try:
        writer.create_agreement(Meta("a@HMSI", reason="r"), "AQB-2024-06532", [("AQB", Decimal("1000"))])
        writer.plan_project(Meta("a@HMSI", reason="r"), "AQB-2024-06532", "Werkstatt", "QUAL", Decimal("100"))
        last = writer.reads.streams(["AQB-2024-06532"])[-1]  # (a creating event would not follow on)
        again = StoredEvent(last.originator_id, last.originator_version + 1, last.topic, last.state)
        recorder = writer.as_("a").recorder  # the login that recorded it
        assert recorder.one_statement is True  # type: ignore[attr-defined]  (the migrated ledger has it)
        recorder.one_statement = one_statement  # type: ignore[attr-defined]
        versions = lambda: [r.originator_version for r in writer.reads.streams(["AQB-2024-06532"])]  # noqa: E731
        before = versions()
        with pytest.raises(Exception, match="AQB-2024-06532 changed while the command ran"):
            recorder.insert_events([again], expect={"AQB-2024-06532": last.originator_version - 1})
        assert versions() == before
        assert recorder.insert_events([again], expect={"AQB-2024-06532": again.originator_version})
        assert versions() == [*before, again.originator_version]
    finally:
        writer.close()


def test_a_ledger_without_the_save_function_records_through_the_pipeline_and_migrate_brings_it_back(
        pg_url: str) -> None:
    """An operator drops the save function of a running ledger: the writer's next save, refused
    before anything ran, goes through the pipeline and lands; verify names the missing function;
    `aqb db migrate` creates it again."""
    db = database_from_url(pg_url)
    writer = Acting(pg_url)
    try:
        writer.create_agreement(Meta("a@HMSI", reason="r"), "AQB-2024-06532", [("AQB", Decimal("1000"))])
        with psycopg.connect(**db.conninfo, autocommit=True) as conn:
            conn.execute(f'DROP FUNCTION "{db.schema}".aqb_save')
        writer.announce_allocation(Meta("a@HMSI", reason="r"), "AQB-2024-06532", Decimal("1000"))
        assert [r.originator_version for r in writer.reads.streams(["AQB-2024-06532"])] == [1, 2]
        assert writer.as_("a").recorder.one_statement is False  # type: ignore[attr-defined]
        assert guard_of(pg_url) == ["the function aqb_save is missing"]
        result = CliRunner().invoke(cli, ["--database", pg_url, "db", "migrate"])
        assert result.exit_code == 0, result.output
        assert guard_of(pg_url) == []
        again = open_ledger(writer.as_("a").db.url)
        assert again.recorder.one_statement is True  # type: ignore[attr-defined]
        again.close()
    finally:
        writer.close()


def guard_of(url: str) -> list[str]:
    result = CliRunner().invoke(cli, ["--database", url, "--format", "json", "verify"])
    return list(json.loads(result.stdout)["guard"])
