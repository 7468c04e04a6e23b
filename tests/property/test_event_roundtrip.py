"""Every event class survives the application's mapper, and a real event store, unchanged.

The strategies are derived from each event class's type hints, so a new event class (or a new
field of a known type) is covered without touching this file; a field type without a strategy
fails `test_every_registered_event_class_is_covered` with its name.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import itertools
import pkgutil
import re
import types
import typing
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import JSONTranscoder, Mapper
from eventsourcing.utils import get_topic, resolve_topic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import domain as domain_package
from ledger.application import open_ledger
from ledger.domain.agreement import Agreement
from ledger.domain.base import LedgerAggregate, LedgerCreated, LedgerEvent
from ledger.domain.document import Document
from ledger.domain.grant import Grant
from ledger.domain.principal import Principal
from ledger.domain.values import Actor, Role
from ledger.transcodings import register_all
from tests.cast import ADMIN, Acting

RP = "k.becker"  # RP Kassel's officer of the cast

VERSIONED_TOPIC = re.compile(r":v\d+$")
SET_BY_TEST = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic"})

# --- discovery ---------------------------------------------------------------------------------


def all_subclasses(cls: type) -> Iterator[type]:
    sub: type
    for sub in cls.__subclasses__():
        yield sub
        yield from all_subclasses(sub)


def import_domain_modules() -> None:
    """Load every module of `ledger.domain`, so that no aggregate escapes discovery."""
    for module in pkgutil.iter_modules(domain_package.__path__):
        importlib.import_module(f"ledger.domain.{module.name}")


def nested_event_classes(aggregate: type[LedgerAggregate]) -> list[type[LedgerEvent]]:
    """The aggregate's nested event classes with a versioned topic (`...:v<n>`)."""
    return [
        cls for cls in vars(aggregate).values()
        if isinstance(cls, type) and issubclass(cls, LedgerEvent)
        and VERSIONED_TOPIC.search(vars(cls).get("TOPIC", ""))
    ]


import_domain_modules()
AGGREGATES: tuple[type[LedgerAggregate], ...] = tuple(sorted(
    {a for a in all_subclasses(LedgerAggregate) if "TOPIC" in vars(a)}, key=lambda a: str(vars(a)["TOPIC"])
))
EVENT_CLASSES: tuple[type[LedgerEvent], ...] = tuple(
    cls for aggregate in AGGREGATES for cls in nested_event_classes(aggregate)
)
CREATORS: dict[type[LedgerAggregate], type[LedgerEvent]] = {  # the event that starts each aggregate's stream
    aggregate: next(c for c in nested_event_classes(aggregate) if issubclass(c, LedgerCreated))
    for aggregate in AGGREGATES
}


def event_id(cls: type) -> str:
    return cls.__qualname__


# --- strategies from type hints ----------------------------------------------------------------

MONEY = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False, allow_infinity=False,
)
UTC_DATETIMES = st.datetimes(timezones=st.just(UTC))  # the ledger stores UTC-aware times only
SCALARS: dict[object, st.SearchStrategy[Any]] = {
    # text as the ledger accepts it: no control characters (the input layer refuses them, and
    # PostgreSQL's JSON cannot hold \u0000) and no lone surrogates (not UTF-8)
    str: st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=40),
    int: st.integers(min_value=-(2**63), max_value=2**63 - 1),
    bool: st.booleans(),
    Decimal: MONEY,
    date: st.dates(),
    datetime: UTC_DATETIMES,
}


class NoStrategyError(TypeError):
    pass


def strategy_for(hint: Any) -> st.SearchStrategy[Any]:
    """A strategy for any value of this annotated type, as events use them."""
    if hint in SCALARS:
        return SCALARS[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(st.none() if a is type(None) else strategy_for(a) for a in args))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return st.lists(strategy_for(args[0]), max_size=3).map(tuple)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return st.sampled_from(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return st.builds(hint, **fields_of(hint, skip=frozenset()))
    raise NoStrategyError(f"no strategy for type {hint!r}")


def fields_of(cls: type, skip: frozenset[str]) -> dict[str, st.SearchStrategy[Any]]:
    hints = typing.get_type_hints(cls)
    return {
        f.name: strategy_for(hints[f.name])
        for f in dataclasses.fields(cls) if f.init and f.name not in skip and not f.metadata.get("transient")
    }


def owner_of(cls: type[LedgerEvent]) -> type[LedgerAggregate]:
    return next(a for a in AGGREGATES if cls in nested_event_classes(a))


def event_strategy(cls: type[LedgerEvent]) -> st.SearchStrategy[LedgerEvent]:
    """Any instance of this event class: facts from the type hints, identity set here."""
    identity: dict[str, st.SearchStrategy[Any]] = {
        "originator_id": st.uuids().map(lambda u: u.hex),
        "originator_version": st.integers(min_value=1, max_value=2**31),
        "timestamp": UTC_DATETIMES,
    }
    if issubclass(cls, LedgerCreated):
        identity["originator_topic"] = st.just(get_topic(owner_of(cls)))
    return st.builds(cls, **identity, **fields_of(cls, skip=SET_BY_TEST))


ANY_EVENT = st.sampled_from(EVENT_CLASSES).flatmap(event_strategy)


# --- comparison --------------------------------------------------------------------------------


def assert_identical(expected: Any, actual: Any, path: str) -> None:
    """Equal, and of the same types all the way down (tuple stays tuple, Enum stays Enum,
    Decimal keeps its exponent, datetimes keep their offset)."""
    assert type(actual) is type(expected), f"{path}: {type(expected).__name__} became {type(actual).__name__}"
    if isinstance(expected, Decimal):
        assert actual.as_tuple() == expected.as_tuple(), f"{path}: {expected!r} became {actual!r}"
    elif isinstance(expected, datetime):
        assert (actual, actual.utcoffset()) == (expected, expected.utcoffset()), f"{path}: {actual!r}"
    elif isinstance(expected, tuple):
        assert len(actual) == len(expected), f"{path}: {expected!r} became {actual!r}"
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            assert_identical(e, a, f"{path}[{i}]")
    elif dataclasses.is_dataclass(expected):
        for f in dataclasses.fields(expected):
            if not f.metadata.get("transient"):  # never stored (the authority a command resolved)
                assert_identical(getattr(expected, f.name), getattr(actual, f.name), f"{path}.{f.name}")
    else:
        assert actual == expected, f"{path}: {expected!r} became {actual!r}"


def assert_round_trip(event: LedgerEvent, restored: Any) -> None:
    assert_identical(event, restored, type(event).__qualname__)
    assert restored == event


def library_transcoder() -> JSONTranscoder:
    """The library's transcoder as it is, with the ledger's transcodings registered."""
    transcoder = JSONTranscoder()
    register_all(transcoder)
    return transcoder


LIBRARY_TRANSCODER = library_transcoder()


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mapper(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mapper[str]]:
    """The mapper of a real Ledger (its transcoder and tuple handling), on an SQLite file."""
    path: Path = tmp_path_factory.mktemp("roundtrip") / "ledger.sqlite3"
    ledger = open_ledger(f"sqlite://{path}", create=True)
    yield ledger.mapper
    ledger.close()


# --- tests -------------------------------------------------------------------------------------


def test_every_registered_event_class_is_covered() -> None:
    """Discovery finds every versioned event class, each topic resolves back to its class, and
    every one of them has a strategy for each of its fields."""
    versioned = {
        cls for cls in all_subclasses(LedgerEvent)
        if VERSIONED_TOPIC.search(vars(cls).get("TOPIC", ""))
    }
    assert versioned == set(EVENT_CLASSES), "a versioned event class is not nested in an aggregate"
    assert {Agreement, Grant} <= set(AGGREGATES)
    known = {Agreement.Recorded, Agreement.EntryCorrected, Grant.ApplicationSubmitted, Grant.EntryCorrected}
    assert known <= set(EVENT_CLASSES)
    topics = [cls.TOPIC for cls in EVENT_CLASSES]
    assert len(set(topics)) == len(topics), "two event classes share a topic"
    for cls in EVENT_CLASSES:
        assert "TOPIC" in vars(cls), f"{cls.__qualname__} inherits its topic"
        assert get_topic(cls) == cls.TOPIC
        assert resolve_topic(cls.TOPIC) is cls
        event_strategy(cls).validate()  # raises NoStrategyError for a field type without one


@pytest.mark.parametrize("event_class", EVENT_CLASSES, ids=event_id)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_event_survives_the_mapper_unchanged(
    mapper: Mapper[str], event_class: type[LedgerEvent], data: st.DataObject
) -> None:
    event = data.draw(event_strategy(event_class))
    stored = mapper.to_stored_event(event)
    assert stored.topic == event_class.TOPIC
    assert_round_trip(event, mapper.to_domain_event(stored))
    assert mapper.transcoder.decode(stored.state) == LIBRARY_TRANSCODER.decode(stored.state), \
        "the ledger's fast decoding differs from the library's own (the standard json module with its object hook)"


STREAMS = itertools.count(1)


def stream_of(aggregate: type[LedgerAggregate]) -> str:
    """A new stream id of the aggregate's kind (the database keeps each kind of event to its own)."""
    n = next(STREAMS) + uuid.uuid4().int % 10**8
    return {Agreement: f"AQB-{1000 + n // 100000 % 9000:04d}-{n % 100000:05d}",
            Principal: f"PRINCIPAL-p{uuid.uuid4().hex[:12]}",
            Document: f"DOC-{hashlib.sha256(uuid.uuid4().bytes).hexdigest()}"}.get(aggregate, f"G-{uuid.uuid4().hex}")


@settings(
    max_examples=20, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(events=st.lists(ANY_EVENT, min_size=1, max_size=5), data=st.data())
def test_events_survive_a_real_event_store_unchanged(ledger: Acting, events: list[LedgerEvent],
                                                     data: st.DataObject) -> None:
    """Saved through the recorder and read back, each in a stream of its kind, after its stream's
    creating event (itself any instance of it). On PostgreSQL the database checks who recorded:
    each event is recorded by an officer's own login, of an organisation its type's rule names
    (the administrator of the ministry under its mandate M1, or RP Kassel's officer)."""
    for event in events:
        aggregate = owner_of(type(event))
        stream = stream_of(aggregate)
        chain = [event] if isinstance(event, LedgerCreated) else [data.draw(event_strategy(CREATORS[aggregate])), event]
        saved = []
        for version, e in enumerate(chain, start=1):
            ministry = Role.MINISTRY in type(e).RULE.roles or isinstance(e, Principal.Event)
            login, actor = (ADMIN, Actor(ADMIN, "HMSI", Role.MINISTRY)) if ministry else (
                RP, Actor(RP, "RPKS", Role.GRANT_AUTHORITY))
            writer = ledger.as_(login)
            e = dataclasses.replace(  # type: ignore[type-var]  # noqa: PLW2901
                e, originator_id=stream, originator_version=version,
                envelope=dataclasses.replace(e.envelope, actor=actor, login=writer.login, mandate=f"{login}/M1"))
            writer.recorder.insert_events([writer.mapper.to_stored_event(e)])
            saved.append(e)
        restored = [writer.mapper.to_domain_event(s) for s in writer.recorder.select_events(stream)]
        assert len(restored) == len(saved)
        for original, back in zip(saved, restored, strict=True):
            assert_round_trip(original, back)
