"""Decoding stored events: fast paths that give exactly what the constructors would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from eventsourcing.persistence import TranscodingNotRegisteredError

from ledger.domain.entry import Entry
from ledger.domain.values import Category, DocumentRef, Measure, Role
from ledger.transcodings import new_transcoder


def test_a_value_object_stored_before_a_field_was_added_gets_the_default() -> None:
    transcoder = new_transcoder()
    old = b'{"_type_":"document_ref","_data_":{"kind":"file","reference":"zv.pdf"}}'
    assert transcoder.decode(old) == DocumentRef("file", "zv.pdf")


def test_value_objects_and_enums_round_trip_with_tuples_restored() -> None:
    transcoder = new_transcoder()
    measure = Measure(Category.QUAL, "Qualifizierung", ("Jump in", "Lernwerkstatt digital"))
    again = transcoder.decode(transcoder.encode({"m": measure, "r": Role.PARTY}))
    assert again == {"m": measure, "r": Role.PARTY}
    assert type(again["m"].projects) is tuple


def test_an_unknown_stored_type_is_refused_by_name() -> None:
    with pytest.raises(TranscodingNotRegisteredError, match="'no_such_type'"):
        new_transcoder().decode(b'{"_type_":"no_such_type","_data_":1}')


def test_an_entry_built_for_a_row_read_is_the_entry_its_constructor_makes() -> None:
    """`Entry.stamped` skips the frozen dataclass's setattr per field; a field added to Entry and
    not to it would fail here (equality compares every field)."""
    event = object()
    at = datetime(2024, 7, 10, 9, 30, tzinfo=UTC)
    fast, made = Entry.stamped(7, event, at, "a.schneider"), Entry(7, event, at, "a.schneider")  # type: ignore[arg-type]
    assert fast == made and hash(fast) == hash(made) and vars(fast) == vars(made)
