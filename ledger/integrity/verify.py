"""`aqb verify`: recompute the chain, name the first break and its kind, check every aggregate's
versions for gaps. A changed row breaks at its own position; a deleted row at the row after it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ledger.integrity import link
from ledger.integrity.rows import ChainReader, ChainRow

CHANGED, MISSING, FOREIGN, REORDERED, GAP = "changed-row", "missing-row", "foreign-insert", "reordered", "version-gap"
MAX_LISTED = 20
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Break:
    position: int
    kind: str
    detail: str


@dataclass
class Report:
    start: int
    checked: int = 0
    head_position: int = 0
    head_hash: bytes = link.GENESIS
    first_break: Break | None = None
    later_breaks: list[int] = field(default_factory=list)
    gaps: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.first_break is None and not self.gaps


def verify(reader: ChainReader, start: int = 1, progress: Progress | None = None, *,
           stop: int | None = None, links: list[tuple[int, bytes]] | None = None) -> Report:
    """Walk the chain from `start` (trusting the stored link before it) to `stop` or the head;
    `links` collects each position with its recomputed link (the Merkle leaves)."""
    report = Report(start)
    prev = (reader.link_before(start) or link.GENESIS) if start > 1 else link.GENESIS
    versions: dict[str, int] = {}
    for page in reader.pages(start, stop):
        prev = _check_page(reader, page, prev, versions, report, strict_start=start == 1, links=links)
        if progress:
            progress(page[-1][0])
    report.head_hash = prev
    return report


def _check_page(reader: ChainReader, page: list[Any], prev: bytes, versions: dict[str, int],
                report: Report, *, strict_start: bool, links: list[tuple[int, bytes]] | None) -> bytes:
    link_of = link.hasher()
    for row in page:
        position, oid, version, topic, state, micros, _, stored = row
        computed = link_of(prev, position, oid, version, topic, micros or 0, state)
        if computed != stored:
            _record_break(reader, _as_row(row), prev, report)
            # go on from the stored link (or skip an unlinked row) to find independent breaks
            computed = stored if stored is not None else prev
        last = versions.get(oid)
        if (last is None and strict_start and version != 1) or (last is not None and version != last + 1):
            report.gaps.append(Break(position, GAP, _gap_text(oid, last, version)))
        versions[oid] = version
        prev = computed
        if links is not None:
            links.append((position, computed))
    report.checked += len(page)
    report.head_position = page[-1][0]
    return prev


def _as_row(row: Any) -> ChainRow:
    return ChainRow(row[0], row[1], row[2], row[3], bytes(row[4]), row[5],
                    *(None if h is None else bytes(h) for h in row[6:8]))


def _record_break(reader: ChainReader, row: ChainRow, prev: bytes, report: Report) -> None:
    if report.first_break is None:
        report.first_break = classify(reader, row, prev)
    elif len(report.later_breaks) < MAX_LISTED:
        report.later_breaks.append(row.position)


def classify(reader: ChainReader, row: ChainRow, prev: bytes) -> Break:
    """What kind of break the row at this position is, given the trusted link before it."""
    p = row.position
    if row.event_hash is None or row.prev_hash is None:
        return Break(p, FOREIGN, f"position {p} carries no chain link: it was written past the chain trigger")
    if row.prev_hash == prev:
        return Break(p, CHANGED, f"the row at position {p} no longer matches its link: its content changed")
    before, _ = reader.near(p, 2, 0)
    if len(before) == 2 and row.prev_hash == before[0].event_hash:
        q = before[1].position
        return Break(q, FOREIGN, f"position {q} was inserted between {before[0].position} and {p}")
    moved = reader.successor_of(prev)
    if moved is not None and moved != p:
        return Break(p, REORDERED, f"the event chained after {_previous(before)} now stands at position {moved}")
    if link.link_hash(row.prev_hash, p, row.originator_id, row.version, row.topic, row.recorded_us or 0,
                      row.state) == row.event_hash:
        return Break(p, MISSING, f"the event before position {p} is missing: it was chained to a link "
                                 "that is no longer in the ledger")
    return Break(p, CHANGED, f"the row at position {p} no longer matches its link: its content changed")


def _previous(before: Iterable[ChainRow]) -> str:
    rows = list(before)
    return f"position {rows[-1].position}" if rows else "the start"


def _gap_text(oid: str, last: int | None, version: int) -> str:
    return f"{oid}: version {version} follows {last}" if last is not None else \
        f"{oid}: first version seen is {version}, not 1"
