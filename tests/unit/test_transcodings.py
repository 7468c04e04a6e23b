"""Decoding stored events: fast paths that give exactly what the constructors would."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from eventsourcing.persistence import StoredEvent, TranscodingNotRegisteredError

from ledger.domain.agreement import Agreement
from ledger.domain.entry import Entry
from ledger.domain.values import Actor, Category, DocumentRef, Envelope, Measure, Role
from ledger.transcodings import TupleMapper, new_transcoder


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


def test_a_signature_stored_before_it_named_its_version_is_laid_on_the_version_then_current() -> None:
    """Agreement.Signed version 1 (stored before `content_version`) is upcast: its version is
    the one current when it is replayed, as it was before; version 2 names its own."""
    mapper = TupleMapper(transcoder=new_transcoder())
    envelope = Envelope(Actor("a.schneider", "HMSI", Role.MINISTRY), date(2024, 7, 1), "ZV", None, "c", None, "x")
    signed = Agreement.Signed(originator_id="AQB-2024-06532", originator_version=2, timestamp=datetime.now(UTC),
                              envelope=envelope, party="HMSI", signatory="Heike Hofmann", function="Staatsministerin",
                              organisation="HMSI", organisation_text=None, place="Wiesbaden",
                              signed_on=date(2024, 7, 1), raw_text=None, content_version=3)
    stored = mapper.to_stored_event(signed)
    state = json.loads(stored.state)
    assert (state["class_version"], state["content_version"]) == (2, 3)
    assert mapper.to_domain_event(stored) == signed
    del state["class_version"], state["content_version"]  # as version 1 stored it
    old = StoredEvent(stored.originator_id, stored.originator_version, stored.topic, json.dumps(state).encode())
    assert mapper.to_domain_event(old).content_version is None
