"""The core of the application service: the write path with retries, and the reads.

Every command loads its aggregate, runs the domain command (which checks the rules), and saves
all resulting events in one transaction. A concurrent writer makes the save fail; the command is
then re-run on the reloaded aggregate, a few times, before a clear conflict error.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import (
    Mapper,
    Notification,
    PersistenceError,
    RecordConflictError,
    Transcoder,
)

from ledger import __version__
from ledger.domain.agreement import Agreement, parse_agreement_id
from ledger.domain.base import LedgerAggregate, LedgerEvent
from ledger.domain.dates import today
from ledger.domain.errors import (
    AgreementNotFoundError,
    AlreadyExistsError,
    ConcurrentWriteError,
    DatabaseUnavailableError,
    GrantNotFoundError,
    StreamNotFoundError,
)
from ledger.domain.grant import Grant, check_file_number
from ledger.domain.values import Actor, DocumentRef, Envelope
from ledger.persistence.config import APP_NAME, Database
from ledger.persistence.reads import EventReads
from ledger.transcodings import TupleMapper, new_transcoder

MAX_ATTEMPTS = 8
BACKOFF_SECONDS = 0.01
T = TypeVar("T")
A = TypeVar("A", bound=LedgerAggregate)


@dataclass(frozen=True)
class Meta:
    """Who and why, as given by the caller: the envelope without the derived parts."""

    actor: str
    effective: date | None = None
    reason: str | None = None
    document: DocumentRef | None = None
    correlation_id: str | None = None
    causation_id: str | None = None


@dataclass(frozen=True)
class Receipt:
    """What a command wrote: the stream, an id it made (project, deviation), the last position."""

    stream_id: str
    position: int
    events: int
    item_id: str | None = None


@dataclass(frozen=True)
class Entry:
    """One recorded event with its global position."""

    position: int
    event: LedgerEvent


class LedgerCore(Application[str]):
    name = APP_NAME

    def __init__(self, db: Database) -> None:
        self.db = db
        super().__init__(env=db.env)
        self.reads = EventReads(self.recorder)

    def construct_mapper(self) -> Mapper[str]:
        return TupleMapper(transcoder=self.construct_transcoder())

    def construct_transcoder(self) -> Transcoder:
        return new_transcoder()

    # --- the write path -----------------------------------------------------------------------
    def envelope(self, meta: Meta, natural: date | None = None) -> Envelope:
        return Envelope(
            actor=Actor.parse(meta.actor),
            effective=meta.effective or natural or today(),
            reason=meta.reason.strip() if meta.reason and meta.reason.strip() else None,
            document=meta.document,
            correlation_id=meta.correlation_id or uuid.uuid4().hex,
            causation_id=meta.causation_id,
            software_version=__version__,
        )

    def create(self, aggregate: LedgerAggregate, *others: LedgerAggregate) -> Receipt:
        """Save new aggregates (and changes to others) in one transaction."""
        try:
            recordings = self._save(aggregate, *others)
        except RecordConflictError:
            raise AlreadyExistsError(
                f"{aggregate.id} already exists in this ledger", f"see it with 'aqb trail {aggregate.id}'"
            ) from None
        return Receipt(aggregate.id, recordings[-1].notification.id, len(recordings))

    def change(self, cls: type[A], stream_id: str, command: Callable[[A], T]) -> tuple[T, Receipt]:
        """Load, run the command, save; on a concurrent write, reload and run it again."""
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                time.sleep(random.uniform(0, BACKOFF_SECONDS * attempt))  # noqa: S311 (jitter, not crypto)
            aggregate = self.load(cls, stream_id)
            result = command(aggregate)
            try:
                recordings = self._save(aggregate)
            except RecordConflictError:
                continue
            position = recordings[-1].notification.id if recordings else self.reads.head()
            return result, Receipt(stream_id, position, len(recordings), result if isinstance(result, str) else None)
        raise ConcurrentWriteError(stream_id, MAX_ATTEMPTS)

    def _save(self, *aggregates: LedgerAggregate) -> Any:
        try:
            return self.save(*aggregates)
        except RecordConflictError:
            raise
        except PersistenceError as exc:
            raise DatabaseUnavailableError(
                f"the ledger database refused the write: {str(exc).splitlines()[0]}",
                "nothing was written; check the database and run the command again",
            ) from None

    # --- reads --------------------------------------------------------------------------------
    def load(self, cls: type[A], stream_id: str) -> A:
        try:
            aggregate: LedgerAggregate = self.repository.get(stream_id)
        except AggregateNotFoundError:
            raise _not_found(cls, stream_id) from None
        if not isinstance(aggregate, cls):
            raise _not_found(cls, stream_id)
        return aggregate

    def agreement(self, agreement_id: str) -> Agreement:
        parse_agreement_id(agreement_id)
        return self.load(Agreement, agreement_id.strip())

    def grant(self, file_number: str) -> Grant:
        return self.load(Grant, check_file_number(file_number))

    def exists(self, stream_id: str) -> bool:
        return bool(self.recorder.select_events(stream_id, limit=1))

    def stream_ids_with(self, topic: str) -> list[str]:
        """Ids of the streams that have an event of this topic, in order of appearance."""
        seen = dict.fromkeys(n.originator_id for n in self.reads.all(topics=[topic]))
        return [str(i) for i in seen]

    def agreements(self) -> list[Agreement]:
        return [self.agreement(i) for i in self.stream_ids_with(Agreement.Recorded.TOPIC)]

    def grant_ids_of(self, agreement_id: str) -> list[str]:
        """File numbers of the grants linked to an agreement, read from their applications."""
        found = []
        for notification in self.reads.all(topics=[Grant.ApplicationSubmitted.TOPIC]):
            event = self.mapper.to_domain_event(notification)
            if isinstance(event, Grant.ApplicationSubmitted) and event.agreement_id == agreement_id:
                found.append(event.originator_id)
        return found

    def entries(self, stream_ids: Sequence[str]) -> list[Entry]:
        """The events of these streams with their global positions, in order."""
        return [self.entry(n) for n in self.reads.streams(stream_ids)]

    def entry(self, notification: Notification) -> Entry:
        event = self.mapper.to_domain_event(notification)
        assert isinstance(event, LedgerEvent)
        return Entry(notification.id, event)

    def trail_ids(self, stream_id: str) -> list[str]:
        """The streams an audit trail of this id covers: the stream, and for an agreement its
        grants and the documents it was imported from."""
        stream_id = stream_id.strip()
        if not self.exists(stream_id):
            raise StreamNotFoundError(stream_id)
        ids = [stream_id]
        entries = self.entries([stream_id])
        ids += sorted({d for e in entries if (d := _document_stream(e.event))} - {stream_id})
        if isinstance(entries[0].event, Agreement.Recorded):
            ids += self.grant_ids_of(stream_id)
        return ids


def _document_stream(event: LedgerEvent) -> str | None:
    document_id = getattr(event, "document_id", None)
    return document_id if isinstance(document_id, str) else None


def _not_found(cls: type[LedgerAggregate], stream_id: str) -> Exception:
    if cls is Agreement:
        return AgreementNotFoundError(stream_id)
    if cls is Grant:
        return GrantNotFoundError(stream_id)
    return StreamNotFoundError(stream_id)
