"""`aqb verify`: recompute the chain over every row of the table, name each break and its kind,
check every stream's versions for gaps, read every event, and re-check who recorded it.

For every row: its stored `prev_hash` must be the link of the row before, and its link must
recompute from its fields (layout 2 once the database stamps logins); a changed row breaks at
its own position, a deleted row at the row after it, a row written past the chain where it
stands. After a break the walk goes on from the stored link, to find independent breaks; the
links kept for anchors and Merkle proofs are always the strictly recomputed ones, so a changed
row changes every later leaf and no anchor over it still holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ledger.domain import validate
from ledger.domain.errors import UndecodableEventError
from ledger.domain.grant import Grant
from ledger.domain.principal import Principal
from ledger.integrity import link
from ledger.integrity.authorship import Authorship, Violation
from ledger.integrity.rows import NO_START, ChainReader, ChainRow
from ledger.integrity.rules_check import RuleCheck
from ledger.persistence.decode import Decoder, long_fold_gc
from ledger.persistence.reads import Row
from ledger.transcodings import TupleMapper, new_transcoder

CHANGED, MISSING, FOREIGN, REORDERED = "changed-row", "missing-row", "foreign-insert", "reordered"
GAP, UNDECODABLE, INVALID, RULE = "version-gap", "undecodable", "invalid-value", "rule-broken"
MAX_LISTED = 20
Progress = Callable[[int], None]  # told the position verified so far


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
    undecodable: list[Break] = field(default_factory=list)
    invalid: list[Break] = field(default_factory=list)  # values or rules the ledger would refuse (inserted past it)
    rules: RuleCheck = field(default_factory=RuleCheck, repr=False)
    authorship: Authorship = field(default_factory=Authorship)

    @property
    def violations(self) -> list[Violation]:
        return self.authorship.violations

    @property
    def ok(self) -> bool:
        return (self.first_break is None and not self.gaps and not self.undecodable and not self.invalid
                and not self.violations)

    def problems(self) -> list[Break]:
        """Every problem found, first the chain's, in the order of their positions."""
        found = [*([self.first_break] if self.first_break else []), *self.gaps, *self.undecodable, *self.invalid,
                 *(Break(v.position, v.kind, v.detail) for v in self.violations)]
        return sorted(found, key=lambda b: b.position)


@dataclass
class Walk:
    """The state of one walk along the chain."""

    prev: bytes  # the link to check the next row against (re-synced after a break)
    strict: bytes  # the strictly recomputed link of the row before
    stamped: bool = False  # a row with a stamped login (layout 2) was seen
    versions: dict[str, int] = field(default_factory=dict)


def verify(reader: ChainReader, start: int = NO_START, progress: Progress | None = None, *,
           stop: int | None = None, links: list[tuple[int, bytes]] | None = None) -> Report:
    """Walk the chain from `start` (trusting the stored link before it) to `stop` or the last row;
    `links` collects each position with its recomputed link (the Merkle leaves)."""
    report = Report(start)
    trusted = (reader.link_before(start) or link.GENESIS) if start > NO_START else link.GENESIS
    walk = Walk(trusted, trusted)
    decoder = Decoder(TupleMapper(transcoder=new_transcoder()))
    if start > NO_START:
        _learn_registry(reader, start, decoder, report.authorship)
    link_of = link.hasher()
    with long_fold_gc() as set_aside:
        for page in reader.pages(start, stop):
            for row in page:
                _check_row(reader, row, walk, report, link_of, strict_start=start == NO_START)
                if links is not None:
                    links.append((row.position, walk.strict))
                _read_event(row, decoder, report)
            set_aside()
            report.checked += len(page)
            report.head_position = page[-1].position
            if progress:
                progress(page[-1].position)
    report.head_hash = walk.strict
    return report


def _check_row(reader: ChainReader, row: ChainRow, walk: Walk, report: Report, link_of: link.Hasher, *,
               strict_start: bool) -> None:
    fields = (row.position, row.originator_id, row.version, row.topic, row.recorded_us or 0, row.state,
              row.recorded_by)
    computed = link_of(walk.prev, *fields)
    walk.strict = computed if walk.strict == walk.prev else link_of(walk.strict, *fields)
    downgrade = walk.stamped and row.recorded_by is None
    walk.stamped = walk.stamped or row.recorded_by is not None
    if computed == row.event_hash and row.prev_hash == walk.prev and not downgrade:
        walk.prev = computed
    else:
        _record_break(reader, row, walk.prev, report, computed=computed, downgrade=downgrade)
        walk.prev = row.event_hash if row.event_hash is not None else walk.prev
    last = walk.versions.get(row.originator_id)
    if (last is None and strict_start and row.version != 1) or (last is not None and row.version != last + 1):
        report.gaps.append(Break(row.position, GAP, _gap_text(row.originator_id, last, row.version)))
    walk.versions[row.originator_id] = row.version


def _read_event(row: ChainRow, decoder: Decoder, report: Report) -> None:
    stored = _as_stored(row)
    try:
        event = decoder.event(stored)
    except UndecodableEventError as exc:
        if len(report.undecodable) < MAX_LISTED:
            report.undecodable.append(Break(row.position, UNDECODABLE, exc.message))
        return
    report.authorship.check(row.position, event, stored.recorded_at, row.recorded_by,
                            stamped=row.recorded_by is not None)
    problem = validate.refusal(event)
    if problem is not None and len(report.invalid) < MAX_LISTED:
        report.invalid.append(Break(row.position, INVALID, problem))
    broken = report.rules.check(event)
    if broken is not None and len(report.invalid) < MAX_LISTED:
        report.invalid.append(Break(row.position, RULE, broken))


def _learn_registry(reader: ChainReader, start: int, decoder: Decoder, authorship: Authorship) -> None:
    """Before a walk that starts later: the registry and the grants' parties as they stood."""
    topics = [Principal.Registered.TOPIC, Principal.MandateGranted.TOPIC, Principal.MandateRevoked.TOPIC,
              Principal.Deactivated.TOPIC, Grant.ApplicationSubmitted.TOPIC]
    for row in reader.with_topics(topics, start):
        try:
            event = decoder.event(_as_stored(row))
        except UndecodableEventError:
            continue  # reported when the walk from the start reads it
        authorship.check(row.position, event, _as_stored(row).recorded_at, row.recorded_by,
                         stamped=row.recorded_by is not None)
    authorship.violations.clear()  # only what lies in the walked range is reported


def _as_stored(row: ChainRow) -> Row:
    recorded = link.from_epoch_us(row.recorded_us) if row.recorded_us is not None else None
    return Row(row.position, row.originator_id, row.version, row.topic, row.state, recorded, row.recorded_by)


def _record_break(reader: ChainReader, row: ChainRow, prev: bytes, report: Report, *, computed: bytes,
                  downgrade: bool) -> None:
    if report.first_break is None:
        report.first_break = classify(reader, row, prev, computed=computed, downgrade=downgrade)
    elif len(report.later_breaks) < MAX_LISTED:
        report.later_breaks.append(row.position)


def classify(reader: ChainReader, row: ChainRow, prev: bytes, *, computed: bytes | None = None,  # noqa: PLR0911
             downgrade: bool = False) -> Break:  # one return per kind of break
    """What kind of break the row at this position is, given the trusted link before it."""
    p = row.position
    if row.event_hash is None or row.prev_hash is None or p <= 0:
        return Break(p, FOREIGN, f"position {p} carries no chain link: it was written past the chain trigger")
    if downgrade:
        return Break(p, FOREIGN, f"position {p} has no stamped login although the database stamps every row "
                                 "since layout 2: it was written past the chain trigger")
    if computed == row.event_hash:
        return Break(p, CHANGED, f"the stored prev_hash of position {p} is not the link of the row before: "
                                 "its chain columns were changed")
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
                      row.state, row.recorded_by) == row.event_hash:
        return Break(p, MISSING, f"the event before position {p} is missing: it was chained to a link "
                                 "that is no longer in the ledger")
    return Break(p, CHANGED, f"the row at position {p} no longer matches its link: its content changed")


def _previous(before: Iterable[ChainRow]) -> str:
    rows = list(before)
    return f"position {rows[-1].position}" if rows else "the start"


def _gap_text(oid: str, last: int | None, version: int) -> str:
    return f"{oid}: version {version} follows {last}" if last is not None else \
        f"{oid}: first version seen is {version}, not 1"


def as_dict(report: Report) -> dict[str, Any]:
    a = report.authorship
    return {
        "ok": report.ok, "from": None if report.start == NO_START else report.start, "checked": report.checked,
        "head_position": report.head_position, "head_hash": report.head_hash.hex(),
        "first_break": vars(report.first_break) if report.first_break else None,
        "later_breaks": report.later_breaks,
        "version_gaps": [{"position": g.position, "detail": g.detail} for g in report.gaps],
        "undecodable": [{"position": u.position, "detail": u.detail} for u in report.undecodable],
        "invalid_values": [{"position": i.position, "kind": i.kind, "detail": i.detail} for i in report.invalid],
        "authorship": {"checked": a.checked, "before_registry": a.before_registry, "declared": a.declared,
                       "violations": [{"position": v.position, "kind": v.kind, "detail": v.detail}
                                      for v in a.violations]},
    }
