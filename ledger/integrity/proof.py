"""Proof for one event: the event as stored, its link, and a Merkle inclusion proof into the tree
an anchor signed — about log2(n) hashes instead of the whole chain. With an older anchor the
auditor holds, a consistency proof shows that anchor's tree is a prefix of the newer one.

Checking needs no database: recompute the link from the fields (`ledger.integrity.link`), hash it
as a leaf, climb the audit path to the anchored root, and check the anchor's signature.
"""

from __future__ import annotations

import base64
from dataclasses import asdict
from typing import Any

from ledger.domain.errors import IntegrityBreakError, NotFoundError, RuleViolationError
from ledger.integrity import anchoring, anchors, link, merkle
from ledger.integrity.anchors import Anchor
from ledger.integrity.rows import ChainRow, open_reader
from ledger.persistence.config import Database

FORMAT = "aqb-proof/1"


def event_record(row: ChainRow) -> dict[str, Any]:
    try:
        state, encoding = row.state.decode(), "utf-8"
    except UnicodeDecodeError:
        state, encoding = base64.b64encode(row.state).decode(), "base64"
    return {"position": row.position, "originator_id": row.originator_id, "originator_version": row.version,
            "topic": row.topic, "recorded_at_us": row.recorded_us, "recorded_by": row.recorded_by,
            "recorded_at": link.from_epoch_us(row.recorded_us or 0).isoformat(),
            "state": state, "state_encoding": encoding,
            "prev_hash": (row.prev_hash or b"").hex(), "event_hash": (row.event_hash or b"").hex()}


def state_of(record: dict[str, Any]) -> bytes:
    """The stored bytes of an exported event."""
    return record["state"].encode() if record["state_encoding"] == "utf-8" else base64.b64decode(record["state"])


def recompute_link(record: dict[str, Any]) -> bytes:
    """The link of an exported event, from its fields and its stated predecessor link."""
    state = state_of(record)
    return link.link_hash(bytes.fromhex(record["prev_hash"]), record["position"], record["originator_id"],
                          record["originator_version"], record["topic"], record["recorded_at_us"], state,
                          record.get("recorded_by"))


def latest_anchor(db: Database) -> Anchor:
    kept = anchoring.stored(db)
    if not kept:
        raise RuleViolationError("the ledger holds no anchor yet", "create one with 'aqb anchor create'")
    return kept[-1]


def anchored_links(db: Database, anchor: Anchor) -> list[tuple[int, bytes]]:
    """The recomputed links up to the anchor, after checking they still give its Merkle root."""
    _, links = anchoring.recompute(db, anchor.position)
    if len(links) != anchor.tree_size or merkle.root([h for _, h in links]).hex() != anchor.merkle_root:
        raise IntegrityBreakError(f"the ledger no longer matches the anchor at position {anchor.position}",
                                  "run 'aqb anchor verify' and 'aqb verify'")
    return links


def inclusion(links: list[tuple[int, bytes]], position: int) -> dict[str, Any]:
    index = next((i for i, (p, _) in enumerate(links) if p == position), None)
    if index is None:
        raise NotFoundError(f"no event at position {position} under the anchor", "give a position it covers")
    leaves = [h for _, h in links]
    return {"leaf_index": index, "tree_size": len(leaves),
            "path": [h.hex() for h in merkle.inclusion_proof(index, leaves)]}


def consistency(links: list[tuple[int, bytes]], held: Anchor, target: Anchor) -> dict[str, Any]:
    leaves = [h for _, h in links]
    return {"from_tree_size": held.tree_size, "to_tree_size": target.tree_size,
            "path": [h.hex() for h in merkle.consistency_proof(held.tree_size, leaves)]}


def build(db: Database, position: int, held: Anchor | None = None) -> dict[str, Any]:
    target = latest_anchor(db)
    if position > target.position:
        raise RuleViolationError(f"position {position} is after the latest anchor ({target.position})",
                                 "create a new anchor with 'aqb anchor create', then ask again")
    links = anchored_links(db, target)
    with open_reader(db) as reader:
        rows = list(reader.rows(position, position))
    if not rows:
        raise NotFoundError(f"no event at position {position}", "see the positions with 'aqb trail ID'")
    proof = {"format": FORMAT, "event": event_record(rows[0]), "anchor": asdict(target),
             "inclusion": inclusion(links, position)}
    if held is not None and held.tree_size <= target.tree_size:
        proof["held_anchor"] = asdict(held)
        proof["consistency"] = consistency(links, held, target)
    return proof


def check(proof: dict[str, Any], pinned: Any = None) -> list[str]:
    """What is wrong with a proof (empty: it holds). No database needed."""
    problems, record = [], proof["event"]
    target = anchors.Anchor(**proof["anchor"])
    if recompute_link(record).hex() != record["event_hash"]:
        problems.append(f"position {record['position']}: the event's fields do not give its link")
    if not anchors.signature_valid(target, pinned):
        problems.append("the anchor's signature is not valid" + (" for the pinned key" if pinned else ""))
    if not included(record, proof["inclusion"], target):
        problems.append(f"position {record['position']}: not included in the anchored tree")
    if "consistency" in proof:
        problems += check_consistency(anchors.Anchor(**proof["held_anchor"]), target, proof["consistency"], pinned)
    return problems


def included(record: dict[str, Any], inc: dict[str, Any], target: Anchor) -> bool:
    return bool(inc["tree_size"] == target.tree_size and merkle.verify_inclusion(
        inc["leaf_index"], inc["tree_size"], bytes.fromhex(record["event_hash"]),
        [bytes.fromhex(h) for h in inc["path"]], bytes.fromhex(target.merkle_root)))


def check_consistency(held: Anchor, target: Anchor, proof: dict[str, Any], pinned: Any) -> list[str]:
    problems = [] if anchors.signature_valid(held, pinned) else ["the held anchor's signature is not valid"]
    if not merkle.verify_consistency(held.tree_size, target.tree_size, bytes.fromhex(held.merkle_root),
                                     bytes.fromhex(target.merkle_root), [bytes.fromhex(h) for h in proof["path"]]):
        problems.append(f"the anchor at position {held.position} is not a prefix of the one at {target.position}")
    return problems
