"""The base of every aggregate and event in the ledger: string ids, the envelope, explicit topics,
and visible corrections.

Events are frozen dataclasses with an `on(aggregate)` method that only assigns state: it runs
again on every replay, so it reads no clock, does no I/O and makes no ids. Rules live in the
aggregates' public command methods, before an event is triggered.
"""

from __future__ import annotations

import copy
import dataclasses
import typing
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, ClassVar, TypeVar, cast

from eventsourcing.domain import BaseAggregate, CanInitAggregate, CanMutateAggregate, MetaDomainEvent

from ledger.domain import validate
from ledger.domain.authority import Rule, authorise
from ledger.domain.dates import today
from ledger.domain.errors import (
    CorrectionError,
    DateOrderError,
    EventNotFoundError,
    InvariantError,
    LedgerError,
    MissingReasonError,
)
from ledger.domain.values import Envelope, FieldChange

TLedgerAggregate = TypeVar("TLedgerAggregate", bound="LedgerAggregate")


class LedgerEvent(CanMutateAggregate[str], metaclass=MetaDomainEvent):
    """Base of all ledger events: who, when, why and from which document (the envelope)."""

    originator_id: str
    originator_version: int
    timestamp: datetime  # recorded time, UTC
    envelope: Envelope

    TOPIC: ClassVar[str]
    LABEL: ClassVar[str] = ""  # short name shown in trails, e.g. "signed"
    RULE: ClassVar[Rule]  # the act it needs and who may do it (see ledger.domain.authority)
    AMOUNT_FIELD: ClassVar[str | None] = None  # the amount a mandate's ceiling limits

    def apply(self, aggregate: Any) -> None:
        aggregate.entries[self.originator_version] = self
        self.on(aggregate)

    def on(self, aggregate: Any) -> None:
        """Assign the facts of this event to the aggregate's state."""

    def amounts(self) -> dict[str, Decimal]:
        """The money this event states, by name, for trails and indexes."""
        return {k: v for k, v in vars(self).items() if isinstance(v, Decimal)}

    def authorised_amount(self) -> Decimal | None:
        """The amount a mandate's ceiling is checked against (None: the act states none)."""
        value = getattr(self, self.AMOUNT_FIELD, None) if self.AMOUNT_FIELD else None
        return value if isinstance(value, Decimal) else None


class LedgerCreated(CanInitAggregate[str], LedgerEvent):
    originator_topic: str


class LedgerAggregate(BaseAggregate[str]):
    """An aggregate whose history can be corrected by visible `EntryCorrected` events."""

    entries: dict[int, LedgerEvent]
    corrections: dict[int, dict[str, str]]

    def __init__(self) -> None:
        self.entries = {}
        self.corrections = {}

    @property
    def party(self) -> str | None:
        """The party whose agreement or grant this is (None: no party's)."""
        return None

    @property
    def budget_year(self) -> int | None:
        """The programme year the aggregate belongs to (None: no year's, e.g. a principal)."""
        return None

    def authorise(self, envelope: Envelope, event_class: type[LedgerEvent], what: str,
                  amount: Decimal | None = None) -> Envelope:
        """The envelope under the mandate of the recording principal that covers this event."""
        return authorise(envelope, event_class.RULE, what, self.party, amount)

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        """Every event is recorded under a mandate (a command that forgot to authorise fails
        here), with values the validation layer accepts, and leaves a state whose invariants hold
        (what `aqb verify` checks after every event; the command's aggregate is then discarded) — or,
        where a row inserted past the application broke one already, breaks it no further."""
        check_authorised(event_class, kwargs)
        envelope = kwargs.get("envelope")
        if isinstance(envelope, Envelope):
            check_in_programme(envelope.effective, self.budget_year, getattr(self, "id", ""))
        standing = self.broken_invariant()  # a break already in the ledger (inserted past the application)
        super().trigger_event(event_class, **validate.event_fields(event_class, kwargs))
        if self.broken_invariant() not in (None, standing):
            self.check_invariants()  # raises it

    def broken_invariant(self) -> str | None:
        """Which invariant the state breaks now (None: none)."""
        try:
            self.check_invariants()
        except InvariantError as exc:
            return exc.message
        return None

    @classmethod
    def _create(cls: type[TLedgerAggregate], event_class: Any, **kwargs: Any) -> TLedgerAggregate:
        check_authorised(event_class, kwargs)
        return super()._create(event_class, **validate.event_fields(event_class, kwargs))

    # --- corrections ------------------------------------------------------------------------
    def correct(
        self, envelope: Envelope, version: int, changes: tuple[FieldChange, ...], approver: str | None
    ) -> None:
        """Correct an entry by a new event that points at it; the entry itself stays as it was."""
        envelope = self.authorise(envelope, getattr(self, "EntryCorrected"), "a correction")  # noqa: B009
        check_reason_given(envelope, "a correction")
        self.check_correction(version, changes, today())
        self.check_corrected_state(version, changes)
        self.trigger_event(
            getattr(self, "EntryCorrected"), envelope=envelope, corrects_version=version, changes=changes,  # noqa: B009
            approver=approver,
        )

    def check_correction(self, version: int, changes: tuple[FieldChange, ...], day: date | None = None) -> None:
        """A correction names an existing entry, real fields of it, and their current values; the
        date of an act is never corrected to a day after the one the correction is made on (`day`):
        its command would have refused the act as dated in the future."""
        target = self.entries.get(version)
        if target is None:
            raise EventNotFoundError(self.id, version)
        if isinstance(target, CorrectionEvent):
            raise CorrectionError(
                f"entry {version} of {self.id} is itself a correction",
                "correct the original entry; a correction is never corrected in place",
            )
        if not changes:
            raise CorrectionError("a correction needs at least one field change", "give --set FIELD=NEW")
        current = self.corrected(target)
        for change in changes:
            _check_change(current, change)
            if day is not None and change.field in ACT_DATES and change.new and date.fromisoformat(change.new) > day:
                raise DateOrderError(
                    f"the correction would date the act ({change.field}) {change.new}, after the day it is "
                    f"made ({day})", "an act is dated the day it happened; correct it once it has happened")

    def check_corrected_state(self, version: int, changes: tuple[FieldChange, ...]) -> None:
        """The state the correction would lead to keeps every rule of the aggregate: the corrected
        entry and each after it is one its command would record on the state before it, and the
        invariants hold at the end."""
        trial = copy.deepcopy(self)
        trial.corrections.setdefault(version, {}).update({c.field: c.new for c in changes})
        trial.replay_with_corrections(check_from=version)
        trial.check_invariants()

    def check_invariants(self) -> None:
        """What must hold of the state whatever was recorded or corrected (each aggregate says)."""

    def corrected(self, event: LedgerEvent) -> LedgerEvent:
        """The event as it stands after every correction made to it."""
        overlay = self.corrections.get(event.originator_version)
        if not overlay:
            return event
        values = {name: coerce_field(type(event), name, text) for name, text in overlay.items()}
        return dataclasses.replace(event, **values)  # type: ignore[type-var]

    def replay_with_corrections(self, *, check_from: int | None = None) -> None:
        """Rebuild state from the entries, with corrections laid over the corrected fields; from
        entry `check_from` on, each corrected entry must be one its command would record on the
        state before it (for a correction being made, not one recorded)."""
        from ledger.domain.event_rules import check_event  # noqa: PLC0415 (the rules import the aggregates)

        entries, corrections = self.entries, self.corrections
        type(self).__init__(self)
        self.entries, self.corrections = entries, corrections
        for version in sorted(entries):
            event = entries[version]
            if isinstance(event, CorrectionEvent):
                continue
            corrected = self.corrected(event)
            if check_from is not None and version >= check_from:
                try:
                    check_event(self, corrected)
                except CorrectionError:
                    raise
                except LedgerError as exc:
                    raise InvariantError(f"the correction would make entry {version} of {self.id} one its "
                                         f"command refuses: {exc.message}", exc.hint) from None
            corrected.on(self)


class CorrectionEvent(LedgerEvent):
    """Marker base of `EntryCorrected` events: they point at what they correct."""

    corrects_version: int
    changes: tuple[FieldChange, ...]
    approver: str | None

    def on(self, aggregate: Any) -> None:
        overlay = aggregate.corrections.setdefault(self.corrects_version, {})
        for change in self.changes:
            overlay[change.field] = change.new
        aggregate.replay_with_corrections()


def check_in_programme(day: date, year: int | None, what: str) -> None:
    """An act on a year's agreement or grant takes place from 1 January of the year before (an
    allocation is announced in December) on: a day before that is a typing error (2001 for 2024)."""
    if year is not None and day < date(year - 1, 1, 1):
        raise DateOrderError(f"the act is dated {day}, before {year - 1}-01-01: {what} belongs to the {year} "
                             "programme", "check the date: a year's acts are dated from the year before on")


ACT_DATES = frozenset({  # the fields that date an act itself (its command's effective date)
    "signed_on", "held_on", "published_on", "submitted_on", "approved_on", "notice_date", "amended_on", "value_date",
})


def _check_change(event: LedgerEvent, change: FieldChange) -> None:
    names = {f.name for f in dataclasses.fields(cast(Any, event))} - {
        "originator_id", "originator_version", "timestamp", "envelope", "originator_topic",
    }
    if change.field not in names:
        raise CorrectionError(
            f"{type(event).__qualname__} has no field '{change.field}'",
            f"correctable fields: {', '.join(sorted(names))}",
        )
    shown = show_value(getattr(event, change.field))
    if shown != change.old:
        raise CorrectionError(
            f"field '{change.field}' reads '{shown}', not '{change.old}'",
            "name the value as it stands now (see 'aqb trail')",
        )
    coerce_field(type(event), change.field, change.new)


def show_value(value: object) -> str:
    """How a field value is written in corrections and trails."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


_SCALARS: dict[object, Any] = {
    str: str, int: int, Decimal: Decimal, date: date.fromisoformat, bool: lambda t: t == "True",
}


def coerce_field(event_cls: type[LedgerEvent], name: str, text: str) -> object:
    """Turn the text of a corrected value back into the field's type; refuse what cannot be."""
    hint = typing.get_type_hints(event_cls)[name]
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    optional = len(args) == 1 and type(None) in typing.get_args(hint)
    base = args[0] if optional else hint
    if optional and text == "":
        return None
    if base in (int, Decimal) and not (text.strip().isascii() and text.strip()):
        raise CorrectionError(f"'{validate.shown(text)}' is not a valid value for '{name}'",
                              "write numbers with the digits 0-9")
    try:
        if isinstance(base, type) and issubclass(base, Enum):
            return base(text)
        return validate.value_of(name, _SCALARS[base](text))
    except KeyError:
        raise CorrectionError(
            f"field '{name}' cannot be corrected field by field",
            "record a new event that states the right facts",
        ) from None
    except (ValueError, InvalidOperation):
        raise CorrectionError(f"'{text}' is not a valid value for '{name}'", "check the value") from None


def check_authorised(event_class: Any, kwargs: dict[str, Any]) -> None:
    envelope = kwargs.get("envelope")
    if not isinstance(envelope, Envelope) or envelope.mandate is None:
        raise RuntimeError(f"{event_class.__qualname__} triggered without an authorised envelope")


# --- guards shared by all aggregates -----------------------------------------------------------
def check_reason_given(envelope: Envelope, what: str) -> None:
    if not (envelope.reason and envelope.reason.strip()):
        raise MissingReasonError(what)
