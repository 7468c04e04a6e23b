"""An audit bundle: one JSON file an external auditor takes away — the events of an agreement (or
a year) in global order with their links and Merkle inclusion proofs, every anchor with proofs
that each older one is a prefix of the latest, and a manifest. It verifies with no database."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from ledger.integrity import anchoring, anchors, proof
from ledger.integrity.anchors import Anchor
from ledger.integrity.rows import open_reader
from ledger.persistence.config import Database

FORMAT = "aqb-bundle/1"


@dataclass
class BundleCheck:
    proves: list[str] = field(default_factory=list)
    cannot: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def export(db: Database, subject: str, streams: Sequence[str], positions: Sequence[int]) -> dict[str, Any]:
    target = proof.latest_anchor(db)
    links = proof.anchored_links(db, target)
    wanted = set(positions)
    with open_reader(db) as reader:
        rows = [r for r in reader.rows(min(wanted), max(wanted)) if r.position in wanted] if wanted else []
    events = [{**proof.event_record(r), **({"inclusion": proof.inclusion(links, r.position)}
                                           if r.position <= target.position else {})} for r in rows]
    kept = anchoring.stored(db)
    older = [{"anchor": asdict(a), "consistency": proof.consistency(links, a, target)}
             for a in kept[:-1] if a.tree_size <= target.tree_size]
    return {"manifest": _manifest(db, subject, streams, events, target), "events": events,
            "anchor": asdict(target), "older_anchors": older}


def _manifest(db: Database, subject: str, streams: Sequence[str], events: list[dict[str, Any]],
              target: Anchor) -> dict[str, Any]:
    return {"format": FORMAT, "subject": subject, "streams": list(streams), "ledger": db.describe(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"), "events": len(events),
            "anchored_up_to_position": target.position, "link_layout": "aqb link v1 (see ledger/integrity/link.py)",
            "events_sha256": _digest(events)}


def check(bundle: dict[str, Any], pinned: Any = None) -> BundleCheck:
    """What the bundle proves and what it cannot, and anything wrong with it. No database."""
    result, manifest = BundleCheck(), bundle["manifest"]
    target = Anchor(**bundle["anchor"])
    if _digest(bundle["events"]) != manifest["events_sha256"]:
        result.problems.append("the events do not match the manifest's checksum")
    if not anchors.signature_valid(target, pinned):
        result.problems.append("the latest anchor's signature is not valid" + (" for the pinned key" if pinned else ""))
    for event in bundle["events"]:
        result.problems += _check_event(event, target)
    for older in bundle["older_anchors"]:
        result.problems += proof.check_consistency(Anchor(**older["anchor"]), target, older["consistency"], pinned)
    result.problems += _stream_gaps(bundle["events"])
    loose = sum(1 for e in bundle["events"] if "inclusion" not in e)
    _explain(result, manifest, target, len(bundle["events"]) - loose, loose, pinned is not None)
    return result


def _check_event(event: dict[str, Any], target: Anchor) -> list[str]:
    position = event["position"]
    if proof.recompute_link(event).hex() != event["event_hash"]:
        return [f"position {position}: the event's fields do not give its link"]
    if "inclusion" in event and not proof.included(event, event["inclusion"], target):
        return [f"position {position}: not in the tree of the anchor at position {target.position}"]
    return []


def _digest(events: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(events, sort_keys=True).encode()).hexdigest()


def _stream_gaps(events: list[dict[str, Any]]) -> list[str]:
    last: dict[str, int] = {}
    problems = []
    for e in events:
        oid, version = e["originator_id"], e["originator_version"]
        if version != last.get(oid, 0) + 1:
            problems.append(f"{oid}: version {version} follows {last.get(oid, 0)}: events are missing")
        last[oid] = version
    return problems


def _explain(result: BundleCheck, manifest: dict[str, Any], target: Anchor, anchored: int, loose: int,
             pinned: bool) -> None:
    who = "the pinned key" if pinned else f"the key named in the bundle ({target.key_id}, not pinned)"
    if result.ok:
        result.proves += [
            f"{anchored} events of {manifest['subject']} are exactly as recorded at their positions: each "
            f"recomputes to its link, and each link is in the Merkle tree signed at position {target.position} "
            f"on {target.anchored_at} by {who}",
            f"the streams {', '.join(manifest['streams'])} are complete from version 1 to their last version here",
        ]
    result.cannot += [
        "that the streams have no events after this export (or after the latest anchor)",
        "that the signing key was never stolen or misused" if pinned else
        "who controls the signing key: pin the ledger's public key with --public-key",
        "whether the recorded facts are true: only that they were recorded so, and not changed since",
    ]
    if loose:
        result.cannot.append(f"{loose} events after position {target.position} are under no anchor yet")


def to_json(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, indent=1, ensure_ascii=False) + "\n"
