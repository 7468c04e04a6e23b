"""How events become JSON and back: stable names for dates, enums and value objects.

The library's transcoder matches exact types, so every enum and value object is registered by
name here. Collections in events are tuples; JSON has only lists, so decoding turns lists back
into tuples (in value objects here, at the top level of an event in `TupleMapper`).
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, cast

import orjson
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    Transcoding,
)
from eventsourcing.utils import resolve_topic

from ledger.domain import values


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class EnumAsValue(Transcoding):
    def __init__(self, enum_type: type[Enum], name: str) -> None:
        self.type = enum_type
        self.name = name
        self.members = {member.value: member for member in enum_type}  # a dict is faster than Enum()

    def encode(self, obj: Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> Enum:
        try:
            return self.members[data]
        except KeyError:
            return cast(Enum, self.type(data))  # the enum's own error names the bad value


TRANSIENT = "transient"  # field metadata: never stored (e.g. the authority a command resolved)


class DataclassAsDict(Transcoding):
    """A value object as a dict of its stored fields. `upcast` gives the values of fields that a
    stored older shape lacks: the tag of the old shape decodes through it (a value object's
    schema changes under a new tag, the old tag keeps decoding)."""

    def __init__(self, cls: type[Any], name: str, upcast: dict[str, Any] | None = None) -> None:
        self.type = cls
        self.name = name
        stored = [f for f in dataclasses.fields(cls) if not f.metadata.get(TRANSIENT)]
        self.transient = {f.name: f.default for f in dataclasses.fields(cls) if f.metadata.get(TRANSIENT)}
        self.upcast = {**(upcast or {}), **self.transient}
        self.fields = tuple(f.name for f in stored if f.name not in (upcast or {}))
        self.names = set(self.fields)
        hints = typing.get_type_hints(cls)
        self.tuple_fields = tuple(f for f in self.fields if "tuple" in str(hints[f]))

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self.fields}

    def decode(self, data: dict[str, Any]) -> Any:
        if data.keys() != self.names:  # an unknown or missing field: let the constructor say which
            return self.type(**{**self.upcast, **{k: as_tuples(v) for k, v in data.items()}})
        for name in self.tuple_fields:
            data[name] = as_tuples(data[name])
        data.update(self.upcast)
        obj: Any = object.__new__(self.type)  # frozen value objects without validation: skip __init__
        object.__setattr__(obj, "__dict__", data)  # the freshly decoded dict becomes its state
        return obj


def as_tuples(value: Any) -> Any:
    return tuple(as_tuples(v) for v in value) if isinstance(value, list) else value


ENUMS: dict[str, type[Enum]] = {
    "role": values.Role, "budget": values.Budget, "category": values.Category,
    "deviation_kind": values.DeviationKind, "scope": values.Scope, "decision": values.Decision,
    "proof_kind": values.ProofKind, "review_result": values.ReviewResult,
    "activity_kind": values.ActivityKind, "verdict": values.Verdict, "treatment": values.Treatment,
    "act": values.Act, "principal_kind": values.PrincipalKind,
}
VALUE_OBJECTS: dict[str, type[Any]] = {
    "actor": values.Actor, "document_ref": values.DocumentRef, "envelope_v2": values.Envelope,
    "budget_line": values.BudgetLine, "cash_year": values.CashYear, "measure": values.Measure,
    "field_change": values.FieldChange, "plan_line": values.PlanLine, "indicator": values.Indicator,
    "deviation_treatment": values.DeviationTreatment, "count": values.Count, "mandate": values.Mandate,
}
# Older shapes that stored events carry, each decoded into today's class (registered first, so
# that encoding always writes the newest tag). Envelope v1: before logins and mandates.
UPCAST: dict[str, tuple[type[Any], dict[str, Any]]] = {
    "envelope": (values.Envelope, {"login": None, "mandate": None}),
}


def register_all(transcoder: JSONTranscoder) -> None:
    transcoder.register(DecimalAsStr())
    transcoder.register(DatetimeAsISO())
    transcoder.register(DateAsISO())
    for name, enum_type in ENUMS.items():
        transcoder.register(EnumAsValue(enum_type, name))
    for name, (cls, defaults) in UPCAST.items():
        transcoder.register(DataclassAsDict(cls, name, defaults))
    for name, cls in VALUE_OBJECTS.items():
        transcoder.register(DataclassAsDict(cls, name))


class FastJSONTranscoder(JSONTranscoder):
    """The library's transcoder with a leaner hook for tagged objects (called for every dict),
    reading JSON with orjson (about twice as fast as the standard module with a hook). Encoding
    stays the library's (orjson would write enums and dates untagged). Text orjson refuses
    (NaN, integers beyond 64 bits) is read by the standard module as before. `_decode_obj` is the
    library's private hook (checked against the installed release: tests/integration/test_library_contract.py)."""

    def __init__(self) -> None:
        super().__init__()
        self._walk = _walker({}, super()._decode_obj)

    def register(self, transcoding: Transcoding) -> None:
        super().register(transcoding)
        self._walk = _walker({name: _direct(t) for name, t in self.names.items()}, super()._decode_obj)

    def decode(self, data: bytes) -> Any:
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError:
            return super().decode(data)
        kind = type(parsed)
        if kind is dict or kind is list:
            return self._walk(parsed)
        return parsed

    def _decode_obj(self, d: dict[str, Any]) -> Any:
        if len(d) == 2:
            kind = d.get("_type_")
            if kind is not None and "_data_" in d:
                try:
                    transcoding = self.names[kind]
                except KeyError:
                    return super()._decode_obj(d)  # the library's error for an unknown type
                return transcoding.decode(d["_data_"])
        return d


def _walker(decoders: dict[str, Callable[[Any], Any]], unknown: Callable[[dict[str, Any]], Any]
            ) -> Callable[[Any], Any]:
    """A dict's or list's members decoded in place, tagged objects bottom-up (what the standard
    decoder's object hook does), in one pass: a tagged object is a dict of exactly `_type_` and
    `_data_`; the members of its data are decoded before its transcoding is. `unknown` raises the
    library's error for an unregistered tag. This walk is most of the time of reading an event,
    so a tagged scalar (a date, an amount, an enum: most of them) is decoded where it is met,
    without a call of its own, and every name is bound locally."""

    def members(d: dict[str, Any]) -> dict[str, Any]:
        for key, item in d.items():
            if type(item) is dict:
                if len(item) == 2 and "_type_" in item and "_data_" in item:
                    data = item["_data_"]
                    decode = decoders.get(item["_type_"])
                    if decode is not None and type(data) is not dict and type(data) is not list:
                        d[key] = decode(data)
                        continue
                d[key] = tagged_or_plain(item)
            elif type(item) is list:
                d[key] = walk_list(item)
        return d

    def tagged_or_plain(d: dict[str, Any]) -> Any:
        if len(d) == 2 and "_type_" in d and "_data_" in d:
            decode = decoders.get(d["_type_"])
            if decode is None:
                return unknown(d)
            data = d["_data_"]
            if type(data) is dict:
                data = members(data)
            elif type(data) is list:
                data = walk_list(data)
            return decode(data)
        return members(d)

    def walk_list(items: list[Any]) -> list[Any]:
        return [tagged_or_plain(item) if type(item) is dict else walk_list(item) if type(item) is list else item
                for item in items]

    def walk(value: Any) -> Any:
        return tagged_or_plain(value) if type(value) is dict else walk_list(value)

    return walk


def _direct(transcoding: Transcoding) -> Callable[[Any], Any]:
    """The decoding of a transcoding as a call of its own: the constructor itself where the
    transcoding only calls it (the library's for datetimes and decimals, ours for dates)."""
    if isinstance(transcoding, DatetimeAsISO):
        return datetime.fromisoformat
    if isinstance(transcoding, DecimalAsStr):
        return Decimal
    if isinstance(transcoding, DateAsISO):
        return date.fromisoformat
    return transcoding.decode


def new_transcoder() -> JSONTranscoder:
    transcoder = FastJSONTranscoder()
    register_all(transcoder)
    return transcoder


class TupleMapper(Mapper[str]):
    """The library's mapper, with lists at the top level of an event read back as tuples, and a
    shorter way from a stored event to a domain event (the library's steps, without cipher or
    compressor, which the ledger uses neither of)."""

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        if self.cipher or self.compressor:
            event = super().to_domain_event(stored_event)
            state = vars(event)
        else:
            topic = stored_event.topic
            known = self._classes.get(topic)
            if known is None:
                cls = resolve_topic(topic)
                known = self._classes[topic] = (cls, getattr(cls, "class_version", 1))
            cls, wanted = known
            try:
                state = self.transcoder.decode(stored_event.state)
            except Exception as exc:
                raise MapperDeserialisationError(
                    f"Failed to deserialise state of stored event with topic '{topic}', originator_id "
                    f"'{stored_event.originator_id}' and originator_version {stored_event.originator_version}: {exc}"
                ) from exc
            state["originator_id"] = stored_event.originator_id
            state["originator_version"] = stored_event.originator_version
            version = state.pop("class_version", 1)
            while version < wanted:
                getattr(cls, f"upcast_v{version}_v{version + 1}")(state)
                version += 1
            event = object.__new__(cls)
            object.__setattr__(event, "__dict__", state)
        for key, value in state.items():
            if type(value) is list:
                state[key] = as_tuples(value)
        return event

    @functools.cached_property
    def _classes(self) -> dict[str, tuple[type[Any], int]]:
        """Each topic read so far: its class and the class version events are upcast to."""
        return {}
