"""A long-lived writer decodes each stored row once (`RecentEntries`) and folds the same event
objects again on every load. That is only sound while no fold can change an event: every event's
fields, and what they hold, are immutable; and a row is known by all it holds, so a row changed
in the database is decoded afresh."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping, MutableMapping, MutableSequence, MutableSet
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ledger.application import Meta, open_ledger
from ledger.domain.base import LedgerEvent
from ledger.persistence.decode import RecentEntries
from tests.cast import prepare

MUTABLE = (list, dict, set, bytearray, MutableSequence, MutableMapping, MutableSet, Mapping)


def concrete(root: type) -> set[type]:
    found: set[type] = set()
    for cls in root.__subclasses__():
        found |= concrete(cls)
        if dataclasses.is_dataclass(cls) and not getattr(cls, "__abstractmethods__", None):
            found.add(cls)
    return found


def mutable_parts(hint: Any, path: str, seen: set[Any]) -> list[str]:
    origin = typing.get_origin(hint) or hint
    if isinstance(origin, type) and issubclass(origin, MUTABLE):
        return [f"{path}: {hint}"]
    parts = [p for arg in typing.get_args(hint) for p in mutable_parts(arg, path, seen)]
    if isinstance(hint, type) and dataclasses.is_dataclass(hint) and hint not in seen:
        seen.add(hint)
        if not hint.__dataclass_params__.frozen:  # type: ignore[attr-defined]
            parts.append(f"{path}: {hint.__qualname__} is not frozen")
        for name, inner in typing.get_type_hints(hint).items():
            parts += mutable_parts(inner, f"{path}.{name}", seen)
    return parts


def test_every_event_holds_only_immutable_values() -> None:
    classes = concrete(LedgerEvent)
    assert len(classes) > 30
    found = []
    for cls in sorted(classes, key=lambda c: c.__qualname__):
        for name, hint in typing.get_type_hints(cls).items():
            if name in ("originator_id", "originator_version", "timestamp") or \
                    typing.get_origin(hint) is typing.ClassVar:
                continue
            found += mutable_parts(hint, f"{cls.__qualname__}.{name}", set())
    assert found == []


def test_a_row_is_decoded_once_and_a_changed_row_afresh(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    open_ledger(url, create=True).close()
    prepare(url)
    ledger = open_ledger(url)
    try:
        ledger.create_agreement(Meta("a.schneider@HMSI", reason="r"), "AQB-2024-06532", [("AQB", Decimal("1000"))])
        rows = ledger.reads.streams(["AQB-2024-06532"])
        recent = RecentEntries(ledger.decoder, limit=2)
        first = recent.entries(rows)
        assert recent.entries(rows)[0] is first[0]
        forced = rows[0]._replace(state=rows[0].state.replace(b"1000", b"9000"), recorded_at=datetime.now(UTC))
        assert recent.entries([forced])[0] is not first[0]
        assert len(recent.kept) == 2
    finally:
        ledger.close()
