"""Signed anchors catch what the chain alone cannot: a full rewrite of every link after a change."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from ledger.integrity import link
from tests.integrity.conftest import admin_of, at, enable_always, fill, run_cli, schema_of, verify_json


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "anchor.key"
    result = run_cli("sqlite:///unused", "anchor", "keygen", "--key", str(path))
    assert result.exit_code == 0, result.stderr
    return path


def anchor(url: str, key: Path, out: Path) -> dict[str, object]:
    result = run_cli(url, "anchor", "create", "--key", str(key), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return dict(json.loads(out.read_text()))


def rewrite_chain(url: str, statement: str) -> None:
    """What an attacker with superuser rights and no anchors does: change a row, then recompute
    every link after it, exactly as the trigger would have."""
    table = f'"{schema_of(url)}".aqb_events'
    with psycopg.connect(admin_of(url), autocommit=True) as conn, conn.transaction():
        conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        conn.execute(statement.replace("EVENTS", table))
        rows = conn.execute("SELECT notification_id, originator_id, originator_version, topic, state, "
                            "(extract(epoch FROM recorded_at) * 1000000)::bigint, recorded_by "
                            f"FROM {table} ORDER BY notification_id").fetchall()
        prev = link.GENESIS
        for position, oid, version, topic, state, micros, login in rows:
            new = link.link_hash(prev, position, oid, version, topic, micros, bytes(state), login)
            conn.execute(f"UPDATE {table} SET prev_hash = %s, event_hash = %s WHERE notification_id = %s",
                         (prev, new, position))
            prev = new
        enable_always(conn, table)


def test_keygen_writes_a_private_key_only_its_owner_can_read(key: Path) -> None:
    assert key.stat().st_mode & 0o777 == 0o600
    assert key.with_name("anchor.key.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")


def test_keygen_never_overwrites_a_key(key: Path) -> None:
    result = run_cli("sqlite:///unused", "anchor", "keygen", "--key", str(key))
    assert result.exit_code == 4
    assert "already exists" in result.stderr


def test_an_anchor_of_an_intact_ledger_verifies_with_the_pinned_key(db_url: str, key: Path,
                                                                     tmp_path: Path) -> None:
    fill(db_url)
    made = anchor(db_url, key, tmp_path / "a.json")
    assert made["position"] == at(8) and made["tree_size"] == at(8)
    result = run_cli(db_url, "anchor", "verify", str(tmp_path / "a.json"), "--public-key", f"{key}.pub",
                     "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["signature"] == "valid"


def test_a_full_rewrite_fails_verify_against_the_stored_anchor_and_reads_say_so(pg_ledger: str, key: Path,
                                                                               tmp_path: Path) -> None:
    anchor(pg_ledger, key, tmp_path / "before.json")
    rewrite_chain(pg_ledger, "UPDATE EVENTS SET state = convert_to(replace(convert_from(state, 'UTF8'), "
                             f"'135000', '134000'), 'UTF8') WHERE notification_id = {at(3)}")
    code, report = verify_json(pg_ledger)
    assert code == 10 and report["ok"] is False  # a script reading the output is told, not only the exit code
    assert [a["position"] for a in report["anchors"]["failed"]] == [at(8)]
    result = run_cli(pg_ledger, "verify")
    assert result.stderr.startswith("error: the chain verifies, but 1 anchor(s) stored in the ledger do not hold")
    assert "Anchors DO NOT HOLD: the anchor at position" in result.stdout
    status = run_cli(pg_ledger, "status", "AQB-2024-06532")
    assert status.exit_code == 10
    assert "is not the one its anchor signed" in status.stderr


def test_a_rewrite_that_also_removes_the_stored_anchors_fails_against_the_kept_file(pg_ledger: str, key: Path,
                                                                                   tmp_path: Path) -> None:
    anchor(pg_ledger, key, tmp_path / "before.json")
    rewrite_chain(pg_ledger, "UPDATE EVENTS SET state = convert_to(replace(convert_from(state, 'UTF8'), "
                             f"'135000', '134000'), 'UTF8') WHERE notification_id = {at(3)}")
    with psycopg.connect(admin_of(pg_ledger), autocommit=True) as conn:
        table = f'"{schema_of(pg_ledger)}".aqb_anchors'
        conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        conn.execute(f"DELETE FROM {table}")
        enable_always(conn, table)
    assert verify_json(pg_ledger)[0] == 0  # nothing inside the database can tell any more
    said = run_cli(pg_ledger, "verify")
    assert "No anchor is stored: a rewrite that re-linked every row after a change would not show" in said.stdout
    result = run_cli(pg_ledger, "anchor", "verify", str(tmp_path / "before.json"), "--format", "json")
    assert result.exit_code == 10
    assert json.loads(result.stdout)[0]["on_chain"] is False
    assert result.stderr.startswith("error: 1 of 1 anchors do not hold")


def test_an_altered_anchor_file_fails_its_signature(pg_ledger: str, key: Path, tmp_path: Path) -> None:
    made = anchor(pg_ledger, key, tmp_path / "a.json")
    (tmp_path / "a.json").write_text(json.dumps({**made, "anchored_at": "2020-01-01T00:00:00+00:00"}))
    result = run_cli(pg_ledger, "anchor", "verify", str(tmp_path / "a.json"), "--format", "json")
    assert result.exit_code == 10
    assert json.loads(result.stdout)[0]["signature"] == "INVALID"


def test_an_anchor_signed_by_another_key_fails_against_the_pinned_key(pg_ledger: str, key: Path,
                                                                      tmp_path: Path) -> None:
    other = tmp_path / "other.key"
    run_cli(pg_ledger, "anchor", "keygen", "--key", str(other))
    anchor(pg_ledger, other, tmp_path / "a.json")
    result = run_cli(pg_ledger, "anchor", "verify", str(tmp_path / "a.json"), "--public-key", f"{key}.pub")
    assert result.exit_code == 10


def test_anchors_are_stored_in_the_ledger_and_cannot_be_deleted(pg_ledger: str, key: Path,
                                                                tmp_path: Path) -> None:
    anchor(pg_ledger, key, tmp_path / "a.json")
    with psycopg.connect(admin_of(pg_ledger)) as conn:
        table = f'"{schema_of(pg_ledger)}".aqb_anchors'
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (1,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            conn.execute(f"DELETE FROM {table}")


def test_anchoring_a_broken_chain_is_refused(pg_ledger: str, key: Path, tmp_path: Path,
                                             superuser: Callable[..., None]) -> None:
    superuser(f"UPDATE EVENTS SET topic = 'x' WHERE notification_id = {at(2)}")
    result = run_cli(pg_ledger, "anchor", "create", "--key", str(key), "--out", str(tmp_path / "a.json"))
    assert result.exit_code == 10
    assert not (tmp_path / "a.json").exists()


def test_anchoring_a_ledger_with_a_broken_rule_is_refused_naming_the_position(pg_ledger: str, key: Path,
                                                                             tmp_path: Path) -> None:
    """A row no link betrays but the rules do (a superuser's full rewrite): the refusal is one
    line naming the position and what verify found there, exit 10 (it failed with an internal
    error when the chain itself was intact)."""
    rewrite_chain(pg_ledger, "UPDATE EVENTS SET state = convert_to(replace(convert_from(state, 'UTF8'), "
                             f"'135000', '935000'), 'UTF8') WHERE notification_id = {at(3)}")
    result = run_cli(pg_ledger, "anchor", "create", "--key", str(key), "--out", str(tmp_path / "a.json"))
    assert result.exit_code == 10, result.output
    [line] = result.stderr.strip().splitlines()
    assert re.search(r"the ledger is not intact at position \d+ \(rule-broken\)", line), line
    assert not (tmp_path / "a.json").exists()


def test_a_full_rewrite_that_breaks_a_rule_is_caught_even_without_anchors(pg_ledger: str) -> None:
    """A superuser re-links every row after raising a planned amount beyond the §4 budget: no
    link betrays it, the rules re-checked along the walk do."""
    rewrite_chain(pg_ledger, "UPDATE EVENTS SET state = convert_to(replace(convert_from(state, 'UTF8'), "
                             f"'135000', '935000'), 'UTF8') WHERE notification_id = {at(3)}")
    code, report = verify_json(pg_ledger)
    assert code == 10 and report["first_break"] is None
    [found] = report["invalid_values"]
    assert found["kind"] == "rule-broken" and "above the §4 budget" in found["detail"]


def store_anchor(url: str, position: int, document: str, *, login: str = "a.schneider") -> None:
    """Insert a row into the anchors table with psql: as a writer, or as the superuser past the
    table's check (its trigger disabled, then enabled again as the ledger had it)."""
    table = f'"{schema_of(url)}".aqb_anchors'
    insert = f"INSERT INTO {table} (position, key_id, document) VALUES (%s, %s, %s)"
    key_id = str(json.loads(document).get("key_id", "x")) if document.startswith("{") else "x"
    if login != "postgres":
        with psycopg.connect(admin_of(url).replace("postgres@", f"{login}@", 1), autocommit=True) as conn:
            conn.execute(insert, (position, key_id, document))
        return
    with psycopg.connect(admin_of(url), autocommit=True) as conn, conn.transaction():
        conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER aqb_anchors_checked")
        conn.execute(insert, (position, key_id, document))
        enable_always(conn, table)


def signed(key: Path, made: dict[str, object], **fields: object) -> str:
    """An anchor document with other fields, signed with the ledger's key (what its holder can make)."""
    from ledger.integrity import anchors

    private = anchors.load_private(key)
    unsigned = anchors.parse(json.dumps({**made, **fields}), "test")
    return replace(unsigned, signature=private.sign(unsigned.payload()).hex()).to_json()


@pytest.mark.parametrize("document", [
    "hello",  # no JSON
    '{"format": "aqb-anchor/1", "position": "8"}',  # the position as text
])
def test_a_writer_cannot_store_a_row_that_is_no_anchor(pg_ledger: str, document: str) -> None:
    with pytest.raises(psycopg.errors.CheckViolation):
        store_anchor(pg_ledger, at(8), document)


def test_a_writer_cannot_store_an_anchor_past_the_head_or_of_another_link(pg_ledger: str, key: Path,
                                                                         tmp_path: Path) -> None:
    made = anchor(pg_ledger, key, tmp_path / "a.json")
    with pytest.raises(psycopg.errors.CheckViolation, match="holds no event with the link the anchor signs"):
        store_anchor(pg_ledger, 999_999, signed(key, made, position=999_999))
    with pytest.raises(psycopg.errors.CheckViolation, match="holds no event with the link the anchor signs"):
        store_anchor(pg_ledger, int(str(made["position"])), signed(key, made, head_hash="00" * 32))
    again = anchor(pg_ledger, key, tmp_path / "b.json")  # ids come from the database: nothing was taken ahead
    assert again["position"] == made["position"]


@pytest.mark.parametrize("document", [
    "hello",
    '{"format": "aqb-anchor/1", "position": "8", "tree_size": 8, "head_hash": "", "merkle_root": "", '
    '"anchored_at": "", "ledger": "", "key_id": "x", "public_key": "00", "signature": ""}',
])
def test_a_row_forced_past_the_check_fails_verify_and_leaves_reads_alone(pg_ledger: str, document: str) -> None:
    store_anchor(pg_ledger, at(8), document, login="postgres")
    code, report = verify_json(pg_ledger)
    assert code == 10 and report["ok"] is False
    [unreadable] = report["anchors"]["unreadable"]
    assert unreadable.startswith("stored anchor 1 is not an aqb anchor: ")
    status = run_cli(pg_ledger, "status", "AQB-2024-06532")
    assert status.exit_code == 0, status.stderr


def test_an_anchor_past_the_head_is_reported_as_what_it_may_be(pg_ledger: str, key: Path, tmp_path: Path) -> None:
    """Signed with the ledger's key, past the head: the rows after it were removed (or it was
    forced in by the superuser): every read says so. Unsigned, it anchors nothing: reads go on,
    verify reports it."""
    made = anchor(pg_ledger, key, tmp_path / "a.json")
    store_anchor(pg_ledger, 999_998, json.dumps({**made, "position": 999_998}), login="postgres")
    assert run_cli(pg_ledger, "status", "AQB-2024-06532").exit_code == 0  # its signature does not verify
    store_anchor(pg_ledger, 999_999, signed(key, made, position=999_999), login="postgres")
    status = run_cli(pg_ledger, "status", "AQB-2024-06532")
    assert status.exit_code == 10
    assert "names position 999999, past the head" in status.stderr and "stored by hand" in status.stderr
    code, report = verify_json(pg_ledger)
    assert code == 10
    failed = {a["position"]: a["detail"] for a in report["anchors"]["failed"]}
    assert "past the head" in failed[999_999] and 999_998 in failed


def test_a_writers_anchor_with_a_signature_of_nobody_is_reported_as_that(pg_ledger: str, key: Path,
                                                                        tmp_path: Path) -> None:
    """The database cannot check an Ed25519 signature: a writer stores a row shaped like the last
    anchor, of its position and link, signed by no key of the ledger. Reads pass over it; verify
    says that its signature does not verify — not that rows were changed, which none were."""
    made = anchor(pg_ledger, key, tmp_path / "a.json")
    forged = json.dumps({**made, "merkle_root": "00" * 32, "signature": "00" * 64})
    store_anchor(pg_ledger, int(str(made["position"])), forged)
    assert run_cli(pg_ledger, "status", "AQB-2024-06532").exit_code == 0
    code, report = verify_json(pg_ledger)
    assert code == 10
    [failed] = report["anchors"]["failed"]
    assert failed["signature_ok"] is False and "its signature does not verify" in failed["detail"]
    assert "were changed" not in failed["detail"]
