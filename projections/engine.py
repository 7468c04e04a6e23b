"""The projector: folds events batch by batch and says which rows change.

One `Projector` serves one view. It keeps the folds of the streams it has seen, learns which
grant belongs to which agreement, and, for a batch of entries, returns the changes:
rows to replace per agreement (budget status, lifecycle) and rows to append (audit index).
Streams it has not seen yet (after a restart, in a catch-up) are refolded from their history,
read through a `Source`; that I/O happens before the view opens its write transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ledger.domain.agreement import Agreement
from ledger.domain.base import LedgerAggregate, LedgerEvent
from ledger.domain.entry import Entry
from ledger.domain.grant import Grant
from ledger.domain.replay import FOLDED, advance, replay
from projections import audit, budget, lifecycle
from projections.tables import Table, TableRow

Positioned = Entry
Render = Callable[[Agreement, Sequence[Grant]], dict[str, list[TableRow]]]


class Source(Protocol):
    """The event store as a projector needs it."""

    def history(self, stream_id: str, upto: int) -> list[LedgerEvent]:
        """The stream's events with positions up to `upto`, in order."""

    def applications(self, upto: int) -> list[tuple[str, str]]:
        """(grant id, agreement id) of every grant applied for up to position `upto`."""


@dataclass(frozen=True)
class ViewSpec:
    """A read model: its name, its tables, and how rows come from folds or from single events."""

    name: str
    tables: tuple[Table, ...]
    render: Render | None = None  # rows per agreement (replaced when the agreement changes)
    append: bool = False  # rows per event (the audit index)


VIEWS: dict[str, ViewSpec] = {
    "budget": ViewSpec("budget", budget.TABLES, render=budget.rows),
    "lifecycle": ViewSpec("lifecycle", lifecycle.TABLES, render=lifecycle.rows),
    "audit": ViewSpec("audit", audit.TABLES, append=True),
}


@dataclass
class Changes:
    """What one batch changes in a view: agreements whose rows are all replaced (the first time
    this projector renders them), rows appended, and, once rendered, only the rows that differ:
    upserted by key, or deleted by key."""

    owners: list[str] = field(default_factory=list)
    replace: dict[str, list[TableRow]] = field(default_factory=dict)
    append: dict[str, list[TableRow]] = field(default_factory=dict)
    upsert: dict[str, list[TableRow]] = field(default_factory=dict)
    delete: dict[str, list[TableRow]] = field(default_factory=dict)


class Projector:
    def __init__(self, spec: ViewSpec, source: Source, position: int) -> None:
        self.spec, self.source, self.position = spec, source, position
        self.aggregates: dict[str, LedgerAggregate] = {}
        self.links: dict[str, str] | None = None  # grant id -> agreement id
        self.rendered: dict[str, dict[str, dict[TableRow, TableRow]]] = {}  # agreement -> table -> key -> row
        self.tables = {t.name: t for t in spec.tables}
        self.dirty: set[str] = set()
        self.advances = True  # False: another projector folds the events into the shared aggregates

    def share(self, leader: Projector) -> None:
        """Use the leader's folds (aggregates and grant links) instead of folding the same events
        again: the leader must see each batch first."""
        self.links = leader._links()
        if self.spec.render is not None and leader.spec.render is not None:
            self.aggregates, self.advances = leader.aggregates, False

    def batch(self, events: Iterable[Positioned], *, defer: bool = False) -> Changes:
        """The changes of these events; with `defer`, agreements' rows wait for `flush` (a
        rebuild renders each agreement once, at the end, instead of after every batch)."""
        changes = Changes(append={t.name: [] for t in self.spec.tables} if self.spec.append else {})
        for entry in events:
            agreement_id = self.feed(entry.position, entry.event)
            if self.spec.append:
                changes.append[audit.AUDIT.name].append(audit.audit_row(entry, agreement_id))
            elif agreement_id:
                self.dirty.add(agreement_id)
        if not defer:
            return self.flush(changes)
        return changes

    def flush(self, changes: Changes | None = None, also: Iterable[str] = ()) -> Changes:
        """Render the agreements changed since the last flush (and `also` these)."""
        changes = changes or Changes()
        if self.spec.render is not None:
            self._render(sorted(self.dirty | set(also)), changes, self.spec.render)
        self.dirty = set()
        return changes

    def feed(self, position: int, event: LedgerEvent) -> str | None:
        """Advance the aggregate of the event's stream; return the agreement it concerns."""
        links = self._links()
        if self.advances and isinstance(event, Grant.ApplicationSubmitted):
            links[event.originator_id] = event.agreement_id
        if self.advances and self.spec.render is not None and isinstance(event, FOLDED):
            self._advance(position, event)
        self.position = position
        if isinstance(event, Agreement.Event):
            return event.originator_id
        return links.get(event.originator_id)

    def _advance(self, position: int, event: LedgerEvent) -> None:
        stream = event.originator_id
        aggregate = self.aggregates.get(stream)
        if aggregate is None and event.originator_version > 1:
            aggregate = replay(self.source.history(stream, position - 1))
        aggregate = advance(aggregate, event)
        if aggregate is not None:
            self.aggregates[stream] = aggregate
            if isinstance(aggregate, Grant) and aggregate.agreement_id:
                self._links()[stream] = aggregate.agreement_id  # a corrected link follows the grant

    def _links(self) -> dict[str, str]:
        if self.links is None:
            self.links = dict(self.source.applications(self.position))
        return self.links

    def _render(self, dirty: list[str], changes: Changes, render: Render) -> None:
        by_agreement: dict[str, list[str]] = {}
        for grant_id, agreement_id in self._links().items():
            by_agreement.setdefault(agreement_id, []).append(grant_id)
        for name in self.tables:
            changes.replace[name], changes.upsert[name], changes.delete[name] = [], [], []
        for agreement_id in dirty:
            agreement = self._loaded(agreement_id)
            if not isinstance(agreement, Agreement):
                continue
            grants = [g for i in sorted(by_agreement.get(agreement_id, []))
                      if isinstance(g := self._loaded(i), Grant)]
            self._diff(agreement_id, render(agreement, grants), changes)

    def _diff(self, agreement_id: str, rendered: dict[str, list[TableRow]], changes: Changes) -> None:
        """Only what differs from the rows this projector rendered (and wrote) last time."""
        new = {name: {self.tables[name].key_of(r): r for r in rows} for name, rows in rendered.items()}
        old = self.rendered.get(agreement_id)
        self.rendered[agreement_id] = new
        if old is None:
            changes.owners.append(agreement_id)
            for name, rows in rendered.items():
                changes.replace[name].extend(rows)
            return
        for name, rows_by_key in new.items():
            before = old.get(name, {})
            changes.upsert[name] += [r for k, r in rows_by_key.items() if before.get(k) != r]
            changes.delete[name] += [k for k in before if k not in rows_by_key]

    def _loaded(self, stream_id: str) -> LedgerAggregate | None:
        aggregate = self.aggregates.get(stream_id)
        if aggregate is None:
            aggregate = replay(self.source.history(stream_id, self.position))
            if aggregate is not None:
                self.aggregates[stream_id] = aggregate
        return aggregate


def sharing(projectors: Sequence[Projector]) -> list[Projector]:
    """The projectors in the order to feed them, the first that renders leading: the others share
    its folds, so that every event is folded once for all views."""
    leaders = [p for p in projectors if p.spec.render is not None]
    if not leaders:
        return list(projectors)
    leader = leaders[0]
    for other in projectors:
        if other is not leader:
            other.share(leader)
    return [leader, *(p for p in projectors if p is not leader)]
