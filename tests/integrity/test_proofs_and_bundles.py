"""Proofs for one event and audit bundles verify offline, and fail when anything in them changes."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from ledger.integrity import link, merkle, proof
from tests.integrity.conftest import FIRST, REGISTRY, at, fill, run_cli
from tests.integrity.test_anchors import anchor


@pytest.fixture
def anchored(db_url: str, tmp_path: Path) -> tuple[str, Path]:
    fill(db_url)
    key = tmp_path / "anchor.key"
    assert run_cli(db_url, "anchor", "keygen", "--key", str(key)).exit_code == 0
    anchor(db_url, key, tmp_path / "first.json")
    return db_url, key


def test_the_link_layout_is_pinned_by_a_known_answer() -> None:
    by_hand = (b"\x01" + bytes(32) + (1).to_bytes(8, "big") + (1).to_bytes(8, "big") + (0).to_bytes(8, "big")
               + (14).to_bytes(4, "big") + b"AQB-2024-06532" + (1).to_bytes(4, "big") + b"t"
               + (2).to_bytes(4, "big") + b"{}")
    assert link.link_bytes(link.GENESIS, 1, "AQB-2024-06532", 1, "t", 0, b"{}") == by_hand
    assert link.link_hash(link.GENESIS, 1, "AQB-2024-06532", 1, "t", 0, b"{}") == hashlib.sha256(by_hand).digest()
    assert hashlib.sha256(by_hand).hexdigest().startswith("25a5eee474f4")


@pytest.mark.parametrize("size", [1, 2, 3, 7, 8, 9, 100])
def test_inclusion_and_consistency_proofs_are_logarithmic_and_check(size: int) -> None:
    leaves = [os.urandom(32) for _ in range(size)]
    root = merkle.root(leaves)
    for index in range(size):
        path = merkle.inclusion_proof(index, leaves)
        assert len(path) <= (size - 1).bit_length()
        assert merkle.verify_inclusion(index, size, leaves[index], path, root)
        assert not merkle.verify_inclusion(index, size, os.urandom(32), path, root)
    for m in range(1, size):
        path = merkle.consistency_proof(m, leaves)
        assert merkle.verify_consistency(m, size, merkle.root(leaves[:m]), root, path)


def test_a_proof_of_one_event_checks_offline_against_the_anchor(anchored: tuple[str, Path],
                                                                tmp_path: Path) -> None:
    url, key = anchored
    fill_more = run_cli(url, "record", "project", FIRST, "--name", "ViA", "--category", "QUAL",
                        "--amount", "5000", "--places", "2", "--reason", "Plan")
    assert fill_more.exit_code == 0, fill_more.stderr
    anchor(url, key, tmp_path / "second.json")
    result = run_cli(url, "proof", str(at(3)), "--anchor", str(tmp_path / "first.json"))
    assert result.exit_code == 0, result.stderr
    made = json.loads(result.stdout)
    assert made["anchor"]["position"] == at(9) and len(made["inclusion"]["path"]) == (at(9) - 1).bit_length()
    assert proof.check(made) == []
    made["event"]["state"] = made["event"]["state"].replace("135000", "935000")
    assert proof.check(made) == [f"position {at(3)}: the event's fields do not give its link"]


def export(url: str, key: Path, out: Path, *extra: str) -> dict:
    result = run_cli(url, "export", "bundle", FIRST, str(out), "--key", str(key), *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(out.read_text())


def check_bundle(url: str, path: Path, key: Path | None = None) -> tuple[int, dict, str]:
    pin = ["--public-key", f"{key}.pub"] if key else []
    result = run_cli("sqlite:///nowhere/never", "verify", "--bundle", str(path), *pin, "--format", "json")
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else {}, result.stderr


def test_an_audit_bundle_verifies_offline_and_says_what_it_cannot_prove(anchored: tuple[str, Path],
                                                                         tmp_path: Path) -> None:
    url, key = anchored
    made = export(url, key, tmp_path / "bundle.json")
    assert [s["stream"] for s in made["manifest"]["streams"]] == [FIRST]
    assert made["manifest"]["streams"][0] == {"stream": FIRST, "first_version": 1, "last_version": 4, "events": 4}
    assert made["manifest"]["registry_events"] == REGISTRY
    code, checked, _ = check_bundle(url, tmp_path / "bundle.json", key)
    assert code == 0, checked
    assert (checked["events"], checked["anchored"], checked["not_anchored"], checked["problems"]) == (4, 4, 0, [])
    assert any("no events after this export" in c for c in checked["cannot_prove"])
    assert any("registered principal under a mandate" in p for p in checked["proves"])


def test_events_after_the_last_anchor_are_shown_as_not_anchored_never_as_proven(anchored: tuple[str, Path],
                                                                                 tmp_path: Path) -> None:
    url, key = anchored
    more = run_cli(url, "record", "project", FIRST, "--name", "ViA", "--category", "QUAL", "--amount", "5000",
                   "--reason", "Plan", login="j.weber")
    assert more.exit_code == 0, more.stderr
    export(url, key, tmp_path / "b.json")
    code, checked, _ = check_bundle(url, tmp_path / "b.json", key)
    assert (code, checked["anchored"], checked["not_anchored"]) == (0, 4, 1)
    assert any("1 events after position" in c and "not anchored" in c for c in checked["cannot_prove"])


@pytest.mark.parametrize("attack", ["drop a stream", "relabel the subject", "invent an event", "drop an event"])
def test_a_changed_bundle_fails_with_exit_code_10(anchored: tuple[str, Path], tmp_path: Path, attack: str) -> None:
    url, key = anchored
    data = export(url, key, tmp_path / "b.json")
    if attack == "drop a stream":
        data["events"] = [e for e in data["events"] if e["originator_id"] != FIRST]
        data["manifest"]["streams"] = []
    elif attack == "relabel the subject":
        data["manifest"]["subject"] = "AQB-2024-06611"
    elif attack == "invent an event":
        last = data["events"][-1]
        made = {**last, "position": 10**6, "originator_version": last["originator_version"] + 1,
                "prev_hash": last["event_hash"]}
        made["event_hash"] = proof.recompute_link(made).hex()
        data["events"].append(made)
        data["manifest"]["streams"][0].update(last_version=made["originator_version"], events=5)
    else:
        data["events"].pop(1)
    (tmp_path / "b.json").write_text(json.dumps(data))
    code, checked, stderr = check_bundle(url, tmp_path / "b.json", key)
    assert code == 10, checked
    assert stderr.startswith("error: the bundle") and stderr.count("\n") == 1


@pytest.mark.parametrize("content", ["", "[]", '{"manifest": {"format": "aqb-bundle/2"}}', "{", "\u0000",
                                     '{"manifest": 1, "events": []}'])
def test_a_malformed_bundle_gets_one_line(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = run_cli("sqlite:///nowhere/never", "verify", "--bundle", str(path))
    assert result.exit_code == 4, result.stderr
    assert result.stderr.startswith(f"error: {path} is not an aqb audit bundle") and result.stderr.count("\n") == 1


def test_an_export_never_overwrites_a_file_unless_forced(anchored: tuple[str, Path], tmp_path: Path) -> None:
    url, key = anchored
    out = tmp_path / "b.json"
    out.write_text("keep me")
    result = run_cli(url, "export", "bundle", FIRST, str(out), "--key", str(key))
    assert (result.exit_code, out.read_text()) == (4, "keep me")
    assert "is already a file: it is not overwritten" in result.stderr
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "target.json")
    assert run_cli(url, "export", "bundle", FIRST, str(link), "--key", str(key)).exit_code == 4
    assert not (tmp_path / "target.json").exists()
    assert run_cli(url, "export", "bundle", FIRST, str(out), "--key", str(key), "--force").exit_code == 0
