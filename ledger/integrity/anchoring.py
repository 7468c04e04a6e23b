"""Anchors and the database: create one over the verified head, store it, and check kept anchor
files against the chain as it stands now."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from psycopg import sql

from ledger.domain.errors import IntegrityBreakError, InvalidInputError, RuleViolationError
from ledger.integrity import anchors, merkle
from ledger.integrity.anchors import Anchor
from ledger.integrity.rows import ChainReader, open_reader
from ledger.integrity.verify import Progress, Report, verify
from ledger.persistence import postgres
from ledger.persistence.config import Database


@dataclass(frozen=True)
class AnchorCheck:
    anchor: Anchor
    signature_ok: bool
    key_pinned: bool
    on_chain: bool
    detail: str

    @property
    def ok(self) -> bool:
        return self.signature_ok and self.on_chain


def recompute(db: Database, stop: int | None = None,
              progress: Progress | None = None) -> tuple[Report, list[tuple[int, bytes]]]:
    """Verify the chain from the start to `stop` (or the head), keeping each recomputed link."""
    links: list[tuple[int, bytes]] = []
    with open_reader(db) as reader:
        report = verify(reader, progress=progress, stop=stop, links=links)
    return report, links


def create(db: Database, key: Ed25519PrivateKey, progress: Progress | None = None) -> Anchor:
    report, links = recompute(db, progress=progress)
    if not report.ok:
        found = report.problems()
        where = found[0]
        more = f" and {len(found) - 1} more" if len(found) > 1 else ""
        raise IntegrityBreakError(f"the ledger is not intact at position {where.position} ({where.kind}){more}; "
                                  "an anchor would sign it as it is", "run 'aqb verify' and investigate")
    if not links:
        raise RuleViolationError("the ledger holds no events yet: nothing to anchor", "record something first")
    anchor = anchors.sign(key, position=report.head_position, tree_size=len(links), head_hash=report.head_hash,
                          merkle_root=merkle.root([h for _, h in links]), ledger=db.describe())
    store(db, anchor)
    return anchor


def check(db: Database, kept: Sequence[Anchor], pinned: Ed25519PublicKey | None = None,
          progress: Progress | None = None) -> list[AnchorCheck]:
    """For each anchor: a valid signature, and the chain recomputed from today's rows reproduces
    the anchored link at its position and the anchored Merkle root."""
    _, links = recompute(db, max(a.position for a in kept), progress) if kept else (None, [])
    return check_links(kept, links, pinned)


def check_links(kept: Sequence[Anchor], links: list[tuple[int, bytes]],
                pinned: Ed25519PublicKey | None = None) -> list[AnchorCheck]:
    """Each anchor against links recomputed by a verify walk from the first row."""
    return [_check_one(a, links, pinned) for a in kept]


def _check_one(anchor: Anchor, links: list[tuple[int, bytes]], pinned: Ed25519PublicKey | None) -> AnchorCheck:
    signed = anchors.signature_valid(anchor, pinned)
    prefix = [h for p, h in links if p <= anchor.position]
    if links and anchor.position > links[-1][0]:
        detail = (f"position {anchor.position} is past the head {links[-1][0]}: the rows after it were removed, or "
                  "the anchor was stored by hand (a pinned --public-key tells whose key signed it)")
        return AnchorCheck(anchor, signed, pinned is not None, False, detail)
    if not prefix or links[len(prefix) - 1][0] != anchor.position:
        detail = f"position {anchor.position} is no longer in the ledger"
        return AnchorCheck(anchor, signed, pinned is not None, False, detail)
    same_head = prefix[-1].hex() == anchor.head_hash
    same_tree = len(prefix) == anchor.tree_size and merkle.root(prefix).hex() == anchor.merkle_root
    if not signed:  # what it says of the chain is nobody's word: say that, not what the chain did
        whose = "the pinned public key" if pinned is not None else f"the key it names ({anchor.key_id})"
        detail = (f"its signature does not verify with {whose}: not an anchor signed by 'aqb anchor create' "
                  "(a row stored by hand, or signed by another key); it anchors nothing")
    elif same_head and same_tree:
        detail = "the anchored head is on the chain"
    else:
        detail = ("the chain recomputed from today's rows does not reach the anchored head: rows up to "
                  f"position {anchor.position} were changed, removed or added since it was signed")
    return AnchorCheck(anchor, signed, pinned is not None, same_head and same_tree, detail)


def store(db: Database, anchor: Anchor) -> None:
    row = (anchor.position, anchor.key_id, anchor.to_json())
    if db.backend == "postgresql":
        query = sql.SQL("INSERT INTO {0}.aqb_anchors (position, key_id, document) VALUES (%s, %s, %s)").format(
            sql.Identifier(db.schema))
        with postgres.connect(db) as conn:
            conn.execute(query, row)
        return
    with closing(sqlite3.connect(db.sqlite_path)) as lite, lite:
        lite.execute("INSERT INTO aqb_anchors (position, key_id, document) VALUES (?, ?, ?)", row)


def stored(db: Database) -> list[Anchor]:
    """Every anchor in the ledger, oldest first."""
    with open_reader(db) as reader:
        return stored_in(reader)


def stored_in(reader: ChainReader) -> list[Anchor]:
    """Every readable anchor in the reader's snapshot, oldest first (`stored_checked` also says
    which stored rows are not anchors: a writer can insert any text there)."""
    return stored_checked(reader)[0]


def stored_checked(reader: ChainReader) -> tuple[list[Anchor], list[str]]:
    """The readable anchors, oldest first, and why each other stored row is not one."""
    kept: list[Anchor] = []
    unreadable: list[str] = []
    for number, text in enumerate(reader.anchor_documents(), start=1):
        try:
            kept.append(anchors.parse(text, f"stored anchor {number}"))
        except InvalidInputError as exc:
            unreadable.append(exc.message)
    return kept, unreadable
