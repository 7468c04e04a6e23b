"""The byte layout of one chain link: the single specification, used by Python and by SQL.

Layout 1 (rows written before logins were stamped; the embedded SQLite ledger):

    link(n) = SHA-256( 0x01                                 layout version, 1 byte
                     ‖ prev_hash                            32 bytes (32 zero bytes for the first row)
                     ‖ int64_be(notification_id)            the row's global position
                     ‖ int64_be(originator_version)
                     ‖ int64_be(recorded_at)                microseconds since 1970-01-01 UTC
                     ‖ uint32_be(len) ‖ originator_id       UTF-8
                     ‖ uint32_be(len) ‖ topic               UTF-8
                     ‖ uint32_be(len) ‖ state )             the stored bytes as written

Layout 2 (PostgreSQL, since the database stamps who recorded each row): the same with 0x02 as
its first byte and `uint32_be(len) ‖ recorded_by` (the login, UTF-8) between topic and state.

`prev_hash` is the link of the row before in global order (by position, gaps in positions are
allowed: a failed save burns sequence numbers). Integers are signed 64-bit big-endian, lengths
unsigned 32-bit big-endian. PostgreSQL computes the same bytes with `int8send`, `int4send`,
`convert_to(…, 'UTF8')` and the built-in `sha256(bytea)`: see `sql_link_expression`.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable
from datetime import UTC, datetime

V1, V2 = b"\x01", b"\x02"
GENESIS = bytes(32)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_HEAD = struct.Struct(">qqqI")
_LEN = struct.Struct(">I")
Hasher = Callable[[bytes, int, str, int, str, int, bytes, "str | None"], bytes]


def link_bytes(prev_hash: bytes, position: int, originator_id: str, version: int, topic: str,
               recorded_us: int, state: bytes, recorded_by: str | None = None) -> bytes:
    """The exact bytes that are hashed into one link (layout 2 when a login was stamped)."""
    oid, top = originator_id.encode(), topic.encode()
    by = b"" if recorded_by is None else _LEN.pack(len(recorded_by.encode())) + recorded_by.encode()
    return b"".join((V1 if recorded_by is None else V2, prev_hash,
                     _HEAD.pack(position, version, recorded_us, len(oid)), oid,
                     _LEN.pack(len(top)), top, by, _LEN.pack(len(state)), state))


def link_hash(prev_hash: bytes, position: int, originator_id: str, version: int, topic: str,
              recorded_us: int, state: bytes, recorded_by: str | None = None) -> bytes:
    return hashlib.sha256(link_bytes(prev_hash, position, originator_id, version, topic,
                                     recorded_us, state, recorded_by)).digest()


def hasher() -> Hasher:
    """`link_hash` for long runs: the same layouts, with each topic's and login's field cached."""
    sha256, head, length, join = hashlib.sha256, _HEAD.pack, _LEN.pack, b"".join
    fields: dict[str, bytes] = {}

    def field(text: str) -> bytes:
        found = fields.get(text)
        if found is None:
            found = fields[text] = length(len(text.encode())) + text.encode()
        return found

    def link_of(prev_hash: bytes, position: int, originator_id: str, version: int, topic: str,
                recorded_us: int, state: bytes, recorded_by: str | None = None) -> bytes:
        oid = originator_id.encode()
        if recorded_by is None:
            return sha256(join((V1, prev_hash, head(position, version, recorded_us, len(oid)), oid,
                                field(topic), length(len(state)), state))).digest()
        return sha256(join((V2, prev_hash, head(position, version, recorded_us, len(oid)), oid,
                            field(topic), field(recorded_by), length(len(state)), state))).digest()
    return link_of


def epoch_us(moment: datetime) -> int:
    """A UTC-aware time as integer microseconds since the epoch (exact, no float)."""
    return (moment - EPOCH) // _MICROSECOND


def from_epoch_us(micros: int) -> datetime:
    return EPOCH + micros * _MICROSECOND


def sql_link_expression(prev: str, row: str, recorded_us: str, *, layout: int = 2) -> str:
    """The same layout as a PostgreSQL expression over a row variable (used by the trigger)."""
    login = f"|| {_sql_field(f'convert_to({row}.recorded_by, {_UTF8})')} " if layout == 2 else ""
    return (
        f"sha256('\\x0{layout}'::bytea || {prev} || int8send({row}.notification_id) "
        f"|| int8send({row}.originator_version) || int8send({recorded_us}) "
        f"|| {_sql_field(f'convert_to({row}.originator_id, {_UTF8})')} "
        f"|| {_sql_field(f'convert_to({row}.topic, {_UTF8})')} "
        f"{login}|| {_sql_field(f'{row}.state')})"
    )


def _sql_field(expr: str) -> str:
    return f"int4send(octet_length({expr})) || {expr}"


_UTF8 = "'UTF8'"
_MICROSECOND = datetime.resolution
