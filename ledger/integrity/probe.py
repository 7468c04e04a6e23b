"""The quick integrity check of a read: before figures are shown, the rows they come from are
checked against their chain links, and the ledger's last stored anchor against the chain as it
stands. It costs a handful of reads per command (not a full `aqb verify`), and it finds:

- a row that was changed (or whose link was changed) behind the ledger's back, among the rows read;
- a chain whose link at the last anchor's position is no longer the one the anchor signed (every
  later link recomputed to hide a change: only a full verify says where);
- an anchor whose signature does not verify.

It also counts the events recorded since the last anchor (not yet anchored). What it cannot see
is stated by `aqb verify`, which walks the whole chain."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ledger.integrity import anchoring, anchors, link
from ledger.integrity.rows import ChainReader, ChainRow, open_reader
from ledger.persistence.config import Database
from ledger.persistence.reads import Row


@dataclass(frozen=True)
class Probe:
    breaks: tuple[str, ...]  # each a sentence naming a position
    anchored_at: int | None  # the last anchor's position (None: the ledger has no anchor)
    unanchored: int  # events recorded after the last anchor

    @property
    def intact(self) -> bool:
        return not self.breaks


@dataclass(frozen=True)
class Mismatch:
    """A row read that does not match its chain link (row None: its chain row is missing)."""

    position: int
    row: ChainRow | None
    prev: bytes  # the stored link of the row before it
    computed: bytes | None


def mismatches(rows: Mapping[int, tuple[ChainRow, bytes | None]], positions: Sequence[int]) -> list[Mismatch]:
    """Each of these positions whose row is missing, or whose link does not recompute from its
    fields and the stored link of the row before it (`ChainReader.at` gives the rows)."""
    link_of, found = link.hasher(), []
    for position in sorted(set(positions)):
        at = rows.get(position)
        if at is None:
            found.append(Mismatch(position, None, link.GENESIS, None))
            continue
        row, before = at
        prev = before or link.GENESIS
        computed = link_of(prev, row.position, row.originator_id, row.version, row.topic, row.recorded_us or 0,
                           row.state, row.recorded_by)
        if computed != row.event_hash or row.prev_hash != prev:
            found.append(Mismatch(position, row, prev, computed))
    return found


def probe(db: Database, read: Mapping[int, Row] | Sequence[int], head: int) -> Probe:
    """Check the rows a command read (as it read them, with their stored chain columns; or, given
    only positions, as they stand now) and the last anchor."""
    breaks: list[str] = []
    given = read if isinstance(read, Mapping) else {}
    positions = sorted(read)
    with open_reader(db) as reader:  # one snapshot (one connection) for the anchors and the rows
        # an anchor whose signature does not verify anchors nothing (a writer can store any row there;
        # verify reports it): the last one that does is the one the rows are held to
        newest_first = sorted(anchoring.stored_in(reader), key=lambda a: a.position, reverse=True)
        last = next((a for a in newest_first if anchors.signature_valid(a, None)), None)
        rows = reader.at([p for p in positions if p not in given] + ([last.position] if last else []))
        rows.update(as_read(given, reader))
    for bad in mismatches(rows, positions):
        breaks.append(f"position {bad.position} was read but its chain row is missing" if bad.row is None else
                      f"the row at position {bad.position} does not match its chain link (changed after it "
                      "was recorded)")
    if last is not None and last.position > head:
        breaks.append(f"the last anchor stored in the ledger names position {last.position}, past the head {head}: "
                      "the rows after it were removed, or the anchor was stored by hand (aqb verify --public-key "
                      "tells whose key signed it)")
    elif last is not None:
        at = rows.get(last.position)
        if at is None or at[0].event_hash is None or at[0].event_hash.hex() != last.head_hash:
            breaks.append(f"the chain link at position {last.position} is not the one its anchor signed "
                          "(rows up to it were changed and re-linked)")
    return Probe(tuple(breaks), last.position if last else None, head - last.position if last else 0)


def as_read(given: Mapping[int, Row], reader: ChainReader) -> dict[int, tuple[ChainRow, bytes | None]]:
    """The rows as the command read them, each with the stored link of the row before it: known
    when that row was read too, else looked up (one query for all of them)."""
    before = reader.links_before([p for p in given if p - 1 not in given])
    out: dict[int, tuple[ChainRow, bytes | None]] = {}
    for position, row in given.items():
        previous = given.get(position - 1)
        link_before = previous.event_hash if previous is not None else before.get(position)
        recorded = link.epoch_us(row.recorded_at) if row.recorded_at is not None else None
        out[position] = (ChainRow(position, row.originator_id, row.originator_version, row.topic, row.state,
                                  recorded, row.prev_hash, row.event_hash, row.recorded_by), link_before)
    return out
