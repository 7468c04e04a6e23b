"""The one validation layer: every value that enters an event passes here, whichever way it came
(a CLI option, the importer, a batch line, the library API). Each refusal is an
`InvalidValueError` (exit 4) naming the field, showing the value (made visible and short), saying
what is allowed.

- money: a finite, non-negative Decimal with at most two decimal places, at most 999,999,999.99;
- counts: whole numbers 0 … 10,000,000; years 2000 … 2100; positions and versions ≥ 1;
- dates: 1 January 2000 … 31 December 2100;
- text: Unicode NFC, trimmed, not empty; no control characters, no invisible format characters
  (bidi embeddings/overrides/isolates, zero-width characters), no lone surrogates, and no line
  breaks except in the few fields that hold paragraphs (`MULTILINE`); at most 1,000 characters on
  a line, 20,000 in a paragraph field;
- hashes: 64 hexadecimal digits (SHA-256), stored in lower case;
- URLs: http or https with a host, no spaces, at most 2,048 characters.

`event_fields` applies these by the value's type and the field's name to an event's fields (and to
the values nested in them); `envelope` to what every event carries.
"""

from __future__ import annotations

import dataclasses
import re
import typing
import unicodedata
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from ledger.domain.errors import InvalidValueError
from ledger.domain.money import MAX
from ledger.domain.values import DocumentRef, Envelope

MAX_MONEY = MAX  # the ceiling parse_amount enforces too
MAX_COUNT = 10_000_000
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
FIRST_YEAR, LAST_YEAR = 2000, 2100
LINE_MAX, PARAGRAPH_MAX, URL_MAX = 1_000, 20_000, 2_048

MULTILINE = frozenset({"raw_text", "rationale", "findings", "note"})
HASHES = frozenset({"sha256", "evidence_hash"})
YEARS = frozenset({"year", "cash_year"})
POSITIONS = frozenset({"corrects_version", "evidence_position"})
MAY_BE_EMPTY = frozenset({"old", "new"})  # a correction's old or new text of an empty field
_HEX64 = re.compile(r"[0-9a-f]{64}")
_FORBIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def shown(value: object, limit: int = 40) -> str:
    """A value as a message shows it: invisible characters as <U+XXXX>, cut to `limit`."""
    text = str(value)
    out = "".join(c if unicodedata.category(c) not in _FORBIDDEN else f"<U+{ord(c):04X}>" for c in text[:limit])
    return out + ("…" if len(text) > limit else "")


def _label(name: str) -> str:
    return name.replace("_", " ")


def money(value: Decimal, name: str = "amount") -> Decimal:
    if not value.is_finite():
        raise InvalidValueError(_label(name), shown(value), "not a number", "give an amount such as 1185000.00")
    if value < 0:
        raise InvalidValueError(_label(name), shown(value), "amounts are never negative",
                                "give an amount of 0.00 or more")
    if value != value.quantize(Decimal("0.01")):
        raise InvalidValueError(_label(name), shown(value), "more than two decimal places", "give whole cents")
    if value > MAX_MONEY:
        raise InvalidValueError(_label(name), shown(value), f"above the ceiling of {MAX_MONEY:,.2f} EUR",
                                "check the number of digits")
    return value.quantize(Decimal("0.01"))


def whole(value: int, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not low <= value <= high:
        raise InvalidValueError(_label(name), shown(value), f"allowed are whole numbers {low:,} to {high:,}",
                                "give a number in that range")
    return value


def count(value: int, name: str = "count") -> int:
    return whole(value, name, 0, MAX_COUNT)


def year(value: int, name: str = "year") -> int:
    return whole(value, name, FIRST_YEAR, LAST_YEAR)


def day(value: date, name: str = "date") -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise InvalidValueError(_label(name), value.isoformat(), f"allowed are {FIRST_DAY} to {LAST_DAY}",
                                "check the year")
    return value


def text(value: str, name: str = "text", *, multiline: bool = False, empty: bool = False) -> str:
    """Free text: NFC, trimmed, no control or invisible characters (line feeds only where allowed)."""
    if value.isascii() and value.isprintable():  # the common case: nothing forbidden, already NFC
        normal = value.strip()
    else:
        for char in value:
            if unicodedata.category(char) in _FORBIDDEN and not (multiline and char == "\n"):
                what = ("a line break" if char in "\r\n\u2028\u2029\x85" else
                        f"the invisible character U+{ord(char):04X}")
                raise InvalidValueError(_label(name), shown(value), f"holds {what}",
                                        "write it without control characters" + ("" if multiline else " on one line"))
        normal = unicodedata.normalize("NFC", value).strip()
    if not normal and not empty:
        raise InvalidValueError(_label(name), shown(value), "empty", "give a value, or leave the option out")
    limit = PARAGRAPH_MAX if multiline else LINE_MAX
    if len(normal) > limit:
        raise InvalidValueError(_label(name), shown(normal), f"longer than {limit:,} characters", "shorten it")
    return normal


def sha256(value: str, name: str = "sha256") -> str:
    lower = value.strip().lower()
    if not _HEX64.fullmatch(lower):
        raise InvalidValueError(_label(name), shown(value), "a SHA-256 is 64 hexadecimal digits",
                                "give the file instead, or its full SHA-256")
    return lower


def url(value: str, name: str = "url") -> str:
    clean = text(value, name)
    parts = urlsplit(clean)
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # not a number, or beyond 65535
        port_ok = False
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in clean) \
            or len(clean) > URL_MAX or not port_ok:
        raise InvalidValueError(_label(name), shown(value), "an http(s) address with a host (and a port up to "
                                "65535), without spaces", "e.g. https://arbeitswelt.hessen.de/…")
    if parts.username is not None or parts.password is not None:  # a password kept in the ledger for good
        raise InvalidValueError(_label(name), shown(value), "an address without a user name or password",
                                "give the public address of the page")
    return clean


def value_of(name: str, value: Any, *, optional: bool = False) -> Any:
    """One field's value, checked by its type and name (tuples and nested records item by item).
    An empty text of an optional field is no value (None)."""
    kind = type(value)
    check = _CHECKS.get(kind)  # the common case: an amount, a number, a text, a day
    if check is None:
        if isinstance(value, tuple):
            return tuple(value_of(name, item) for item in value)
        fields = record_fields(kind)
        if fields:
            return _record(value, fields)
    if optional and isinstance(value, str) and not value.strip():
        return None
    return value if check is None else check(name, value)


def _record(value: Any, fields: tuple[tuple[str, bool], ...]) -> Any:
    changes = {field: value_of(field, getattr(value, field), optional=maybe) for field, maybe in fields}
    if all(new is getattr(value, field) for field, new in changes.items()):
        return value  # nothing normalised: the record as it is
    return dataclasses.replace(value, **changes)


def record_fields(cls: type) -> tuple[tuple[str, bool], ...]:
    """The checked fields of a record class (a dataclass: those its constructor takes, not the
    transient ones), each with whether it admits None; empty for any other class."""
    found = _RECORDS.get(cls)
    if found is None:
        found = ()
        if dataclasses.is_dataclass(cls):
            maybe = optional_fields(cls)
            found = tuple((f.name, f.name in maybe) for f in dataclasses.fields(cls)
                          if f.init and not f.metadata.get("transient"))
        _RECORDS[cls] = found
    return found


_RECORDS: dict[type, tuple[tuple[str, bool], ...]] = {}


@lru_cache(maxsize=256)
def optional_fields(cls: type) -> frozenset[str]:
    """The fields of a record whose type admits None."""
    hints = typing.get_type_hints(cls)
    return frozenset(n for n, h in hints.items() if type(None) in typing.get_args(h))


def _integer(name: str, value: int) -> int:
    if name in YEARS:
        return year(value, name)
    return whole(value, name, 1, 2**62) if name in POSITIONS else count(value, name)


def _string(name: str, value: str) -> str:
    if name in HASHES:
        return sha256(value, name)
    if name == "url":
        return url(value, name)
    return text(value, name, multiline=name in MULTILINE, empty=name in MAY_BE_EMPTY)


_CHECKS: dict[type, Any] = {
    Decimal: lambda name, value: money(value, name), int: _integer, str: _string,
    date: lambda name, value: day(value, name),
}


def event_fields(event_class: type, fields: Mapping[str, Any]) -> dict[str, Any]:
    """An event's own fields, checked (the envelope by `envelope`)."""
    maybe = optional_fields(event_class)
    return {name: envelope(value) if isinstance(value, Envelope) else value_of(name, value, optional=name in maybe)
            for name, value in fields.items()}


def envelope(env: Envelope) -> Envelope:
    reason = None if env.reason is None else text(env.reason, "reason", empty=True) or None
    document = None if env.document is None else document_ref(env.document)
    effective = day(env.effective, "effective date")
    if reason is env.reason and document == env.document:
        return env  # nothing normalised
    return dataclasses.replace(env, effective=effective, reason=reason, document=document)


def document_ref(ref: DocumentRef) -> DocumentRef:
    return DocumentRef(
        kind=text(ref.kind, "document kind"),
        reference=text(ref.reference, "document"),
        issued_on=None if ref.issued_on is None else day(ref.issued_on, "document date"),
        sha256=None if ref.sha256 is None else sha256(ref.sha256, "document sha256"),
        section=None if ref.section is None else text(ref.section, "document section"),
    )


EVENT_METADATA = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic"})


def _own_field_names(cls: type) -> tuple[str, ...]:
    found = _OWN_FIELDS.get(cls)
    if found is None:
        found = _OWN_FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.name not in EVENT_METADATA)
    return found


_OWN_FIELDS: dict[type, tuple[str, ...]] = {}


def refusal(event: Any) -> str | None:
    """Why the validation layer would refuse a stored event's values (None: it would not) — for
    `aqb verify`, which finds events inserted past the application (with psql, say)."""
    fields = {name: getattr(event, name) for name in _own_field_names(type(event))}
    try:
        event_fields(type(event), fields)
    except InvalidValueError as exc:
        return f"{exc.message} ({type(event).__qualname__}); the application would have refused it"
    return None
