"""An audit bundle: one JSON file an external auditor takes away and checks with no database.

It holds the events of an agreement (or a year: with grants and source documents), the ledger's
registry (every principal's events, so authorship can be re-checked offline), each event with
its link and, under the latest anchor, a Merkle inclusion proof; every anchor with proofs that
each older one is a prefix of the latest; and a manifest — subject, every stream with its version
range and event count, digests — signed with the anchor key, so the subject cannot be relabelled
nor a stream dropped or added without the signature failing.

The check says what it proves and what it cannot: events after the latest anchor are counted as
not anchored, never as proven.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger.domain.errors import InvalidInputError, UndecodableEventError
from ledger.integrity import anchoring, anchors, proof
from ledger.integrity.anchors import Anchor
from ledger.integrity.authorship import Authorship, Violation
from ledger.integrity.link import from_epoch_us
from ledger.integrity.rows import open_reader
from ledger.persistence.config import Database
from ledger.persistence.decode import Decoder
from ledger.persistence.reads import Row
from ledger.transcodings import TupleMapper, new_transcoder

FORMAT = "aqb-bundle/2"
EVENT_KEYS = {"position", "originator_id", "originator_version", "topic", "recorded_at_us", "state",
              "state_encoding", "prev_hash", "event_hash"}


@dataclass
class BundleCheck:
    proves: list[str] = field(default_factory=list)
    cannot: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    anchored: int = 0
    not_anchored: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


# --- export ---------------------------------------------------------------------------------------
def export(db: Database, subject: str, streams: Sequence[str], registry: Sequence[str], key: Ed25519PrivateKey,
           created_by: str) -> dict[str, Any]:
    target = proof.latest_anchor(db)
    links = proof.anchored_links(db, target)
    with open_reader(db) as reader:
        rows = reader.of_streams([*streams, *registry])
    records = [{**proof.event_record(r), **({"inclusion": proof.inclusion(links, r.position)}
                                            if r.position <= target.position else {})} for r in rows]
    events = [e for e in records if e["originator_id"] in set(streams)]
    registry_events = [e for e in records if e["originator_id"] not in set(streams)]
    older = [{"anchor": asdict(a), "consistency": proof.consistency(links, a, target)}
             for a in anchoring.stored(db)[:-1] if a.tree_size <= target.tree_size]
    manifest = _manifest(db, subject, events, registry_events, target, created_by)
    return {"manifest": manifest, "signature": _sign(key, manifest), "events": events,
            "registry": registry_events, "anchor": asdict(target), "older_anchors": older}


def _manifest(db: Database, subject: str, events: list[dict[str, Any]], registry: list[dict[str, Any]],
              target: Anchor, created_by: str) -> dict[str, Any]:
    return {"format": FORMAT, "subject": subject, "ledger": db.describe(), "created_by": created_by,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "streams": stream_ranges(events), "registry_streams": stream_ranges(registry),
            "events": len(events), "registry_events": len(registry),
            "anchored_up_to_position": target.position, "anchor_key_id": target.key_id,
            "link_layouts": "aqb link 1 and 2 (see ledger/integrity/link.py)",
            "events_sha256": _digest(events), "registry_sha256": _digest(registry)}


def stream_ranges(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ranges: dict[str, dict[str, Any]] = {}
    for e in events:
        found = ranges.setdefault(e["originator_id"], {"stream": e["originator_id"], "first_version": e[
            "originator_version"], "last_version": e["originator_version"], "events": 0})
        found["last_version"] = max(found["last_version"], e["originator_version"])
        found["first_version"] = min(found["first_version"], e["originator_version"])
        found["events"] += 1
    return sorted(ranges.values(), key=lambda r: str(r["stream"]))


def _sign(key: Ed25519PrivateKey, manifest: dict[str, Any]) -> dict[str, str]:
    public = key.public_key()
    return {"key_id": anchors.key_id(public), "public_key": anchors.raw_public(public).hex(),
            "signature": key.sign(canonical(manifest)).hex()}


def canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _digest(events: list[dict[str, Any]]) -> str:
    return hashlib.sha256(canonical(events)).hexdigest()


# --- check ----------------------------------------------------------------------------------------
def check(bundle: Any, pinned: Ed25519PublicKey | None = None) -> BundleCheck:
    """What the bundle proves and what it cannot, and anything wrong with it. No database."""
    check_shape(bundle)
    result, manifest = BundleCheck(), bundle["manifest"]
    target = Anchor(**bundle["anchor"])
    result.problems += _signatures(bundle, target, pinned)
    if _digest(bundle["events"]) != manifest["events_sha256"] or \
            _digest(bundle["registry"]) != manifest["registry_sha256"]:
        result.problems.append("the events do not match the signed manifest's digests")
    for event in bundle["events"]:
        result.problems += _check_event(event, target, result)
    for event in bundle["registry"]:
        result.problems += _check_event(event, target, BundleCheck())
    for older in bundle["older_anchors"]:
        result.problems += proof.check_consistency(Anchor(**older["anchor"]), target, older["consistency"], pinned)
    result.problems += _streams(bundle["events"], manifest["streams"], "")
    result.problems += _streams(bundle["registry"], manifest["registry_streams"], "registry ")
    result.problems += _authorship(bundle)
    _explain(result, manifest, target, pinned is not None)
    return result


def check_shape(bundle: Any) -> None:
    """A malformed bundle is refused in one line, before any check."""
    try:
        manifest = bundle["manifest"]
        if manifest["format"] != FORMAT:
            raise ValueError(f"format {manifest['format']!r}, not {FORMAT}")
        missing = [n for n in ("subject", "streams", "registry_streams", "events_sha256", "registry_sha256")
                   if n not in manifest]
        if missing:
            raise ValueError(f"the manifest lacks {', '.join(missing)}")
        signature = bundle["signature"]
        bytes.fromhex(signature["public_key"] + signature["signature"] + "00")
        Anchor(**bundle["anchor"])
        for event in (*bundle["events"], *bundle["registry"]):
            if not isinstance(event, dict) or not event.keys() >= EVENT_KEYS:
                raise ValueError("an event lacks fields")
            bytes.fromhex(event["prev_hash"] + event["event_hash"])
            int(event["position"]), int(event["originator_version"])
        for older in bundle["older_anchors"]:
            Anchor(**older["anchor"])
            list(older["consistency"]["path"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidInputError(f"not an aqb audit bundle ({FORMAT}): {_what(exc)}",
                                "give a file written by 'aqb export bundle'") from None


def _signatures(bundle: dict[str, Any], target: Anchor, pinned: Ed25519PublicKey | None) -> list[str]:
    problems = []
    if not anchors.signature_valid(target, pinned):
        problems.append("the latest anchor's signature is not valid" + (" for the pinned key" if pinned else ""))
    signed = bundle["signature"]
    key = pinned or Ed25519PublicKey.from_public_bytes(bytes.fromhex(signed["public_key"]))
    if signed["public_key"] != target.public_key or anchors.raw_public(key).hex() != signed["public_key"]:
        problems.append("the manifest is not signed with the anchor's key")
    else:
        try:
            key.verify(bytes.fromhex(signed["signature"]), canonical(bundle["manifest"]))
        except Exception:
            problems.append("the manifest's signature is not valid: its subject, streams or digests were changed")
    return problems


def _check_event(event: dict[str, Any], target: Anchor, result: BundleCheck) -> list[str]:
    position = event["position"]
    if proof.recompute_link(event).hex() != event["event_hash"]:
        return [f"position {position}: the event's fields do not give its link"]
    if position > target.position:
        result.not_anchored += 1
        return [] if "inclusion" not in event else [f"position {position}: claims an inclusion beyond the anchor"]
    if "inclusion" not in event or not proof.included(event, event["inclusion"], target):
        return [f"position {position}: not in the tree of the anchor at position {target.position}"]
    result.anchored += 1
    return []


def _streams(events: list[dict[str, Any]], listed: list[dict[str, Any]], what: str) -> list[str]:
    """The events are exactly the listed streams, each complete from version 1 to its last."""
    problems = []
    found = {r["stream"]: r for r in stream_ranges(events)}
    named = {r["stream"]: r for r in listed}
    problems += [f"{what}stream {s} is listed in the manifest but has no events here" for s in named if s not in found]
    problems += [f"{what}stream {s} has events here but is not in the manifest" for s in found if s not in named]
    for stream, wanted in named.items():
        got = found.get(stream)
        if got is not None and (got["events"], got["last_version"]) != (wanted["events"], wanted["last_version"]):
            problems.append(f"{what}stream {stream}: {got['events']} events up to version {got['last_version']}, "
                            f"the manifest says {wanted['events']} up to {wanted['last_version']}")
        if got is not None and (got["first_version"] != 1 or got["events"] != got["last_version"]):
            problems.append(f"{what}stream {stream} is not complete from version 1: events are missing")
    return problems


def _authorship(bundle: dict[str, Any]) -> list[str]:
    """Re-check who recorded each event of the bundle against its registry, in global order."""
    decoder = Decoder(TupleMapper(transcoder=new_transcoder()))
    authorship = Authorship()
    for record in sorted((*bundle["events"], *bundle["registry"]), key=lambda e: e["position"]):
        row = _row(record)
        try:
            event = decoder.event(row)
        except UndecodableEventError as exc:
            authorship.violations.append(Violation(row.id, exc.message, "undecodable"))
            continue
        authorship.check(row.id, event, row.recorded_at, row.recorded_by, stamped=row.recorded_by is not None)
    return [f"position {v.position}: {v.detail}" for v in authorship.violations]


def _row(record: dict[str, Any]) -> Row:
    micros = record["recorded_at_us"]
    return Row(record["position"], record["originator_id"], record["originator_version"], record["topic"],
               proof.state_of(record), None if micros is None else from_epoch_us(micros), record.get("recorded_by"))


def _explain(result: BundleCheck, manifest: dict[str, Any], target: Anchor, pinned: bool) -> None:
    who = "the pinned key" if pinned else f"the key named in the bundle ({target.key_id}, not pinned)"
    if result.ok:
        streams = ", ".join(r["stream"] for r in manifest["streams"])
        result.proves += [
            f"{result.anchored} events of {manifest['subject']} are exactly as recorded at their positions: each "
            f"recomputes to its link, and each link is in the Merkle tree signed at position {target.position} "
            f"on {target.anchored_at} by {who}",
            f"the subject and its streams ({streams}) are as the exporter signed them, each complete from "
            "version 1 to the last version listed",
            "every event was recorded by a registered principal under a mandate it held at that position "
            "(checked against the registry in the bundle)",
        ]
    result.cannot += [
        "that the streams have no events after this export (or after the latest anchor)",
        "that the exporter listed every stream of the subject: only that nothing was dropped since it signed",
        "that the signing key was never stolen or misused" if pinned else
        "who controls the signing key: pin the ledger's public key with --public-key",
        "whether the recorded facts are true: only that they were recorded so, and not changed since",
    ]
    if result.not_anchored:
        result.cannot.append(f"{result.not_anchored} events after position {target.position} are not anchored: "
                             "they are shown, but nothing here proves them")


def _what(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__} {text}" if isinstance(exc, KeyError) else text or type(exc).__name__


def to_json(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, indent=1, ensure_ascii=False) + "\n"
