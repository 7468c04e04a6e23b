"""The core of the application service: who records (the principal and its mandates), the write
path with retries, and the reads.

Every command resolves the recording principal from the registry (on PostgreSQL the
authenticated login; on SQLite the declared actor), loads its aggregate, runs the domain command
(which checks the rules and the mandate), and saves all resulting events in one transaction,
together with a check that the principal's registry streams did not change meanwhile. A
concurrent writer makes the save fail; the command is then re-run on fresh state, a few times,
before a clear conflict error.
"""

from __future__ import annotations

import contextlib
import random
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar, cast

from eventsourcing.application import Application
from eventsourcing.persistence import Mapper, PersistenceError, RecordConflictError, Transcoder

from ledger import __version__
from ledger.domain.agreement import Agreement, parse_agreement_id
from ledger.domain.authority import covering
from ledger.domain.base import LedgerAggregate, LedgerEvent
from ledger.domain.dates import today
from ledger.domain.entry import Entry
from ledger.domain.errors import (
    ActorRequiredError,
    AgreementNotFoundError,
    AlreadyExistsError,
    BrokenStreamError,
    ConcurrentWriteError,
    ConflictError,
    DatabaseUnavailableError,
    DateOrderError,
    GrantNotFoundError,
    InvalidInputError,
    LedgerError,
    NotAuthorisedError,
    StreamNotFoundError,
)
from ledger.domain.grant import Grant, check_file_number
from ledger.domain.principal import Principal, principal_id, usable_mandates
from ledger.domain.values import (
    LOGIN,
    Act,
    Actor,
    Authority,
    DocumentRef,
    Envelope,
    PrincipalKind,
    parse_actor,
    role_of,
)
from ledger.persistence.config import APP_NAME, Database
from ledger.persistence.decode import Decoder, RecentEntries
from ledger.persistence.reads import EventReads, Row
from ledger.transcodings import TupleMapper, new_transcoder

MAX_ATTEMPTS = 8
BACKOFF_SECONDS = 0.01
T = TypeVar("T")
A = TypeVar("A", bound=LedgerAggregate)


@dataclass(frozen=True)
class Meta:
    """Who and why, as given by the caller: the envelope without the derived parts. `actor` is
    LOGIN or LOGIN@ORG: on SQLite the declared principal (required); on PostgreSQL the principal
    is the authenticated login, and `actor` may only confirm it, or name the person a service
    login records for."""

    actor: str | None = None
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
class Who:
    actor: Actor
    authority: Authority


@dataclass
class Attempt:
    """What one run of a command read: the streams fetched together, who records, and the
    versions of the registry streams to hold at save."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    resolved: dict[str | None, Who] = field(default_factory=dict)
    expect: dict[str, int] = field(default_factory=dict)


@dataclass
class Batch:
    """Commands applied one after the other to aggregates held in memory, saved together at the
    end in one transaction (`LedgerCore.batch` … `save_batch`): all or nothing. `marker` is the
    correlation id of every event of the batch, by which a re-run finds it was recorded."""

    marker: str
    source: str | None = None  # the causation id of every event of the batch (its journal: sha256:…)
    aggregates: dict[str, LedgerAggregate] = field(default_factory=dict)
    resolved: dict[str | None, Who] = field(default_factory=dict)
    expect: dict[str, int] = field(default_factory=dict)
    recorded_before: int | None = None  # the position of an event of an earlier run of this batch
    recorded_from: str | None = None  # that event's causation id: the journal it came from

    def check_same_source(self) -> None:
        """An earlier run of this batch id that came from another journal is a conflict, never
        "recorded before": the journal at hand would be dropped without a word (a batch id given
        by hand, used again for another file). Runs of old releases named no journal."""
        if self.recorded_before is None or self.recorded_from is None or self.recorded_from == self.source:
            return
        raise ConflictError(
            f"batch {self.marker} was recorded before from another journal ({_short(self.recorded_from)}, "
            f"from position {self.recorded_before}; this one is {_short(self.source)}): nothing recorded",
            "give this journal its own --batch-id, or leave --batch-id out: the file's SHA-256 is then its id")


def _short(source: str | None) -> str:
    return "a journal without a name" if source is None else source[:19] + "…"


class LedgerCore(Application[str]):
    name = APP_NAME
    batch: Batch | None = None

    def __init__(self, db: Database, login: str | None = None) -> None:
        self.db = db
        self.login = login  # the authenticated login (PostgreSQL); None: actors are declared
        super().__init__(env=db.env)
        self.reads = EventReads(self.recorder)
        self.decoder = Decoder(self.mapper)
        self.recent = RecentEntries(self.decoder)  # the write path's loads, decoded once per row
        self.attempt = Attempt()

    def construct_mapper(self) -> Mapper[str]:
        return TupleMapper(transcoder=self.construct_transcoder())

    def construct_transcoder(self) -> Transcoder:
        return new_transcoder()

    @property
    def authenticated(self) -> bool:
        return self.login is not None

    # --- who records ------------------------------------------------------------------------
    def envelope(self, meta: Meta, natural: date | None = None, *, own_date: bool = True) -> Envelope:
        """The envelope of an act; `natural` is the act's own date (its effective date, which
        --effective may not contradict), or with `own_date=False` only the default of it."""
        who = self.who(meta.actor)
        if own_date and natural is not None and meta.effective is not None and meta.effective != natural:
            raise InvalidInputError(
                f"the act is dated {natural}, but --effective gives {meta.effective}",
                "an act with its own date takes effect on it: leave --effective out, or correct the act's date")
        effective = meta.effective or natural or today()
        if effective > today():
            raise DateOrderError(f"the act is dated {effective}, after today ({today()})",
                                 "record an act once it has happened, with the day it happened (--effective)")
        return Envelope(
            actor=who.actor,
            effective=effective,
            reason=meta.reason.strip() if meta.reason and meta.reason.strip() else None,
            document=meta.document,
            correlation_id=meta.correlation_id or uuid.uuid4().hex,
            causation_id=meta.causation_id,
            software_version=__version__,
            login=self.login,
            authority=who.authority,
        )

    def who(self, named: str | None) -> Who:
        """The recording principal with its usable mandates (resolved once per attempt)."""
        found = self.attempt.resolved.get(named)
        if found is None:
            found = self.attempt.resolved[named] = self._resolve(named)
        return found

    def _resolve(self, named: str | None) -> Who:
        on_behalf = False
        if self.login is not None:
            wanted, org = parse_actor(named) if named else (self.login, None)
            if wanted != self.login:
                self._check_service(self.login, named or "")
                on_behalf = True
        else:
            if not named:
                raise ActorRequiredError
            wanted, org = parse_actor(named)
        principal = self.registered(wanted)
        if org is not None and org != principal.organisation:
            raise NotAuthorisedError(f"{wanted} is registered for {principal.organisation}, not {org}",
                                     f"name the principal as {wanted} or {wanted}@{principal.organisation}")
        if not principal.active:  # who acts is not authorised (exit 6), not a rule of the act
            raise NotAuthorisedError(f"principal {wanted} is deactivated: it records nothing any more",
                                     "an administrator registers a new principal for the person")
        mandates = usable_mandates(principal, self._delegator)
        actor = Actor(wanted, principal.organisation, role_of(principal.organisation))
        return Who(actor, Authority(wanted, mandates, today(), self.login, on_behalf))

    def _check_service(self, login: str, named: str) -> None:
        service = self.principal_or_none(login)
        usable = usable_mandates(service, self._delegator) if service else ()
        if service is None or service.kind is not PrincipalKind.SERVICE or \
                covering(usable, Act.ON_BEHALF, None, None, today()) is None:
            raise NotAuthorisedError(
                f"you are connected as login {login}; the actor {named} is another principal",
                "record under your own login (leave out --actor); only a service login with an on-behalf "
                "mandate records for others",
            )

    def registered(self, login: str) -> Principal:
        principal = self.principal_or_none(login)
        if principal is None:
            raise NotAuthorisedError(
                f"{login} is not a registered principal of this ledger",
                "an administrator registers it with 'aqb principal register'; a new ledger starts with "
                "'aqb principal bootstrap'",
            )
        return principal

    def principal_or_none(self, login: str) -> Principal | None:
        stream = principal_id(login)
        rows = self.attempt.rows[stream] if stream in self.attempt.rows else self.reads.streams([stream])
        self.attempt.expect[stream] = rows[-1].originator_version if rows else 0
        aggregate = self.replay(rows) if rows else None
        return aggregate if isinstance(aggregate, Principal) else None

    def _delegator(self, login: str) -> Principal | None:
        try:
            return self.principal_or_none(login)
        except Exception:
            return None

    # --- the write path -----------------------------------------------------------------------
    def begin(self) -> None:
        """A command that creates starts from nothing read: what a command before it resolved
        (who records, with which mandates) or read is not carried over, also after it failed."""
        if self.batch is None:
            self.attempt = Attempt()

    def create(self, aggregate: LedgerAggregate, *others: LedgerAggregate) -> Receipt:
        """Save new aggregates (and changes to others) in one transaction."""
        if self.batch is not None:
            return self._keep(aggregate, *others)
        try:
            recordings = self._save(aggregate, *others)
        except RecordConflictError:
            raise AlreadyExistsError(
                f"{aggregate.id} already exists in this ledger", f"see it with 'aqb trail {aggregate.id}'"
            ) from None
        finally:
            self.attempt = Attempt()
        return Receipt(aggregate.id, recordings[-1].notification.id, len(recordings))

    def change(self, cls: type[A], stream_id: str, meta: Meta, command: Callable[[A], T]) -> tuple[T, Receipt]:
        """Load (the aggregate and the recording principal's registry stream in one read), run
        the command, save; on a concurrent write, reload and run it again."""
        if self.batch is not None:
            return self._change_in_batch(cls, stream_id, meta, command)
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                time.sleep(random.uniform(0, BACKOFF_SECONDS * attempt))  # noqa: S311 (jitter, not crypto)
            self.attempt = Attempt()
            self.prefetch([stream_id, *self._registry_streams(meta)])
            aggregate = self._loaded(cls, stream_id, self.attempt.rows[stream_id])
            result = command(aggregate)
            try:
                recordings = self._save(aggregate)
            except RecordConflictError:
                continue
            finally:
                self.attempt = Attempt()
            position = recordings[-1].notification.id if recordings else self.reads.head()
            return result, Receipt(stream_id, position, len(recordings), result if isinstance(result, str) else None)
        raise ConcurrentWriteError(stream_id, MAX_ATTEMPTS)

    # --- batches: many commands, one transaction -------------------------------------------------
    @contextlib.contextmanager
    def batched(self, marker: str, source: str | None = None) -> Iterator[Batch]:
        """Commands inside are applied in memory, in order, each checked by the rules as if it
        were run alone (it sees what the earlier ones did); `save_batch` records them."""
        self.batch = Batch(marker, source)
        try:
            yield self.batch
        finally:
            self.batch = None
            self.attempt = Attempt()

    def save_batch(self) -> list[int]:
        """Every event of the batch in one transaction (with the check that the recording
        principals' registry streams did not change); their positions."""
        batch = self.batch
        assert batch is not None
        self.attempt = Attempt(expect=dict(batch.expect))
        pending = [a for a in batch.aggregates.values() if a.pending_events]
        if not pending:
            return []
        try:
            recordings = self._save(*pending)
        except RecordConflictError:
            raise ConflictError("another writer changed a stream of this batch while it was checked",
                                "nothing was written; run the batch again") from None
        return [r.notification.id for r in recordings]

    def _change_in_batch(self, cls: type[A], stream_id: str, meta: Meta,
                         command: Callable[[A], T]) -> tuple[T, Receipt]:
        batch = self.batch
        assert batch is not None
        self.attempt = Attempt(resolved=batch.resolved, expect=batch.expect)
        aggregate = batch.aggregates.get(stream_id)
        if aggregate is None:
            self.prefetch([stream_id, *self._registry_streams(meta)])
            rows = self.attempt.rows[stream_id]
            self._note_marker(rows)
            aggregate = self._loaded(cls, stream_id, rows)
            batch.aggregates[stream_id] = aggregate
        if batch.recorded_before is not None:  # an earlier run recorded this batch: run nothing more
            return cast(T, None), Receipt(stream_id, 0, 0)
        if not isinstance(aggregate, cls):
            raise _not_found(cls, stream_id)
        before = len(aggregate.pending_events)
        result = command(aggregate)
        events = len(aggregate.pending_events) - before
        return result, Receipt(stream_id, 0, events, result if isinstance(result, str) else None)

    def _keep(self, aggregate: LedgerAggregate, *others: LedgerAggregate) -> Receipt:
        batch = self.batch
        assert batch is not None
        for one in (aggregate, *others):
            held = batch.aggregates.get(one.id)
            new = one.version == len(one.pending_events)
            if (held is not None and held is not one) or (held is None and new and self.exists(one.id)):
                self._note_marker(self.reads.streams([one.id]))
                if batch.recorded_before is not None:  # created by an earlier run of this batch
                    return Receipt(aggregate.id, 0, 0)
                raise AlreadyExistsError(f"{one.id} already exists in this ledger", f"see it with 'aqb trail {one.id}'")
            batch.aggregates[one.id] = one
        return Receipt(aggregate.id, 0, len(aggregate.pending_events))

    def note_earlier_run(self) -> None:
        """Look through the whole log for an earlier run of this batch id, or of this journal under
        another id (a journal given another id would be recorded twice; the same id given by hand
        to a journal of other streams would go unnoticed by the streams the batch reads)."""
        batch = self.batch
        assert batch is not None
        marker = f'"correlation_id":"{batch.marker}"'.encode()
        source = f'"causation_id":"{batch.source}"'.encode() if batch.source else None
        earlier = self.reads.first_holding([marker, *([source] if source else [])])
        if earlier is None:
            return
        envelope = self.decoder.event(earlier).envelope
        if envelope.correlation_id == batch.marker:
            batch.recorded_before, batch.recorded_from = earlier.id, envelope.causation_id
            return
        raise ConflictError(
            f"this journal ({_short(batch.source)}) was recorded before as batch {envelope.correlation_id} "
            f"(from position {earlier.id}): nothing recorded",
            f"a journal is recorded once; run it under --batch-id {envelope.correlation_id.removeprefix('batch:')} "
            "to see it recorded")

    def _note_marker(self, rows: Sequence[Row]) -> None:
        """Remember whether a stream read for the batch holds an event of an earlier run of it."""
        batch = self.batch
        if batch is None or batch.recorded_before is not None:
            return
        needle = f'"correlation_id":"{batch.marker}"'.encode()
        earlier = next((r for r in rows if needle in r.state), None)
        if earlier is not None:
            batch.recorded_before = earlier.id
            batch.recorded_from = self.decoder.event(earlier).envelope.causation_id

    def _save(self, *aggregates: LedgerAggregate) -> Any:
        try:
            return self.save(*aggregates, expect=dict(self.attempt.expect))
        except (RecordConflictError, ConflictError):
            raise
        except PersistenceError as exc:
            raise DatabaseUnavailableError(
                f"the ledger database refused the write: {str(exc).splitlines()[0]}",
                "nothing was written; check the database and run the command again",
            ) from None

    # --- reads --------------------------------------------------------------------------------
    def replay(self, rows: Sequence[Row]) -> LedgerAggregate | None:
        """An aggregate from its stored rows (each read through the checked decoder)."""
        return self.fold(self.recent.entries(rows))

    def fold(self, entries: Sequence[Entry]) -> LedgerAggregate | None:
        """An aggregate from the decoded entries of its stream, whose versions must follow on."""
        aggregate: Any = None
        for entry in entries:
            event = entry.event
            if event.originator_version != (aggregate.version + 1 if aggregate is not None else 1):
                raise BrokenStreamError(event.originator_id, entry.position, event.originator_version,
                                        aggregate.version if aggregate is not None else 0)
            aggregate = event.mutate(aggregate)
        return aggregate if isinstance(aggregate, LedgerAggregate) else None

    def prefetch(self, stream_ids: Sequence[str]) -> None:
        """Read these streams in one query for this attempt (an absent one: no rows)."""
        found: dict[str, list[Row]] = {i: [] for i in stream_ids}
        for row in self.reads.streams(list(found)):
            found[row.originator_id].append(row)
        self.attempt.rows.update(found)

    def _registry_streams(self, meta: Meta) -> list[str]:
        logins = {self.login} if self.login else set()
        if meta.actor:
            with contextlib.suppress(LedgerError):  # refused, with its message, when the envelope is made
                logins.add(parse_actor(meta.actor)[0])
        return [principal_id(login) for login in sorted(logins) if LOGIN.match(login)]

    def load(self, cls: type[A], stream_id: str) -> A:
        return self._loaded(cls, stream_id, self.reads.streams([stream_id]))

    def _loaded(self, cls: type[A], stream_id: str, rows: Sequence[Row]) -> A:
        aggregate = self.replay(rows)
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
        seen = dict.fromkeys(r.originator_id for r in self.reads.all(topics=[topic]))
        return [str(i) for i in seen]

    def agreements(self) -> list[Agreement]:
        return [self.agreement(i) for i in self.stream_ids_with(Agreement.Recorded.TOPIC)]

    def grant_ids_of(self, agreement_id: str) -> list[str]:
        """File numbers of the grants linked to an agreement, read from their applications (one
        lookup in the index of the links, never a read of every application)."""
        return [grant for grant, _ in self.reads.grants_of([agreement_id])]

    def entries(self, stream_ids: Sequence[str]) -> list[Entry]:
        """The events of these streams with their positions and recorded times, in order."""
        return self.decoder.entries(self.reads.streams(stream_ids))

    def entry(self, row: Row) -> Entry:
        return self.decoder.entry(row)

    def trail_ids(self, stream_id: str) -> list[str]:
        """The streams an audit trail of this id covers: the stream, and for an agreement its
        grants and the documents it was imported from."""
        own = self._own_entries(stream_id.strip())
        return [stream_id.strip(), *self._covered(own)]

    def trail(self, stream_id: str) -> list[Entry]:
        """The entries of the streams `trail_ids` names, in global order; each row read and
        decoded once."""
        own = self._own_entries(stream_id.strip())
        others = self._covered(own)
        if not others:
            return own
        return sorted([*own, *self.entries(others)], key=lambda e: e.position)

    def agreement_trail(self, agreement_id: str) -> list[Entry]:
        """An agreement's trail (with its grants and documents); an unknown id is refused as such."""
        parse_agreement_id(agreement_id)
        try:
            entries = self.trail(agreement_id)
        except StreamNotFoundError:
            raise AgreementNotFoundError(agreement_id.strip()) from None
        if not isinstance(entries[0].event, Agreement.Recorded):
            raise AgreementNotFoundError(agreement_id.strip())
        return entries

    def agreement_with_entries(self, agreement_id: str) -> tuple[Agreement, list[Entry]]:
        """The agreement and its own entries, from one read of its stream."""
        parse_agreement_id(agreement_id)
        stream = agreement_id.strip()
        rows = self.reads.streams([stream])
        entries = self.decoder.entries(rows)
        aggregate = self.fold(entries)
        if not isinstance(aggregate, Agreement):
            raise AgreementNotFoundError(stream)
        return aggregate, entries

    def compliance_ids(self, year: int) -> list[str]:
        """The agreements of a year that are recorded, in the order of the parties."""
        from ledger import reference  # noqa: PLC0415 (the parties' reference data, only here)
        from ledger.domain.agreement import agreement_id as make_id  # noqa: PLC0415

        return self.reads.existing([make_id(year, ags) for ags in reference.parties()])

    def _own_entries(self, stream_id: str) -> list[Entry]:
        own = self.entries([stream_id])
        if not own:
            raise StreamNotFoundError(stream_id)
        return own

    def _covered(self, own: Sequence[Entry]) -> list[str]:
        """The other streams a trail covers: the documents its events came from, its grants."""
        stream_id = own[0].event.originator_id
        ids = sorted({d for e in own if (d := _document_stream(e.event))} - {stream_id})
        if isinstance(own[0].event, Agreement.Recorded):
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
