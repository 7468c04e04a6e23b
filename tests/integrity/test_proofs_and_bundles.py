"""Proofs for one event and audit bundles verify offline, and fail when anything in them changes."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from ledger.integrity import link, merkle, proof
from tests.integrity.conftest import FIRST, at, fill, run_cli
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


def test_an_audit_bundle_verifies_offline_and_says_what_it_cannot_prove(anchored: tuple[str, Path],
                                                                         tmp_path: Path) -> None:
    url, key = anchored
    out = tmp_path / "bundle.json"
    assert run_cli(url, "export", "bundle", FIRST, str(out)).exit_code == 0
    result = run_cli("sqlite:///nowhere/never", "verify", "--bundle", str(out), "--public-key", f"{key}.pub",
                     "--format", "json")
    assert result.exit_code == 0, result.stderr
    checked = json.loads(result.stdout)
    assert checked["events"] == 4 and checked["problems"] == []
    assert any("no events after this export" in c for c in checked["cannot_prove"])


def test_an_altered_bundle_fails_with_exit_code_10(anchored: tuple[str, Path], tmp_path: Path) -> None:
    url, _ = anchored
    out = tmp_path / "bundle.json"
    run_cli(url, "export", "bundle", FIRST, str(out))
    data = json.loads(out.read_text())
    data["events"].pop(1)
    out.write_text(json.dumps(data))
    result = run_cli(url, "verify", "--bundle", str(out))
    assert result.exit_code == 10
    assert result.stderr.startswith("error: the bundle")
