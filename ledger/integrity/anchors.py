"""Signed anchors of the chain head: position, link, Merkle root, time, signed with Ed25519 by a
key that lives outside the database. An anchor kept by an auditor catches what the chain alone
cannot: someone who disabled the triggers, changed a row and recomputed every later link.

An anchor file is JSON; the signature covers the canonical JSON (sorted keys, no spaces) of every
field except `signature`.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger import inputs
from ledger.domain.errors import InvalidInputError, NotFoundError

FORMAT = "aqb-anchor/1"


@dataclass(frozen=True)
class Anchor:
    position: int
    tree_size: int
    head_hash: str
    merkle_root: str
    anchored_at: str
    ledger: str
    key_id: str
    public_key: str
    signature: str = ""
    format: str = FORMAT

    def payload(self) -> bytes:
        fields = {k: v for k, v in asdict(self).items() if k != "signature"}
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def key_id(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(raw_public(public)).hexdigest()[:16]


def raw_public(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def keygen(private_path: Path) -> tuple[Path, str]:
    """Write a new key pair: PRIVATE (PEM, mode 0600) and PRIVATE.pub; refuse to overwrite."""
    public_path = private_path.with_name(private_path.name + ".pub")
    for path in (private_path, public_path):
        if path.exists():
            raise InvalidInputError(f"{path} already exists", "choose another path; a key is never overwritten")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    private_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    public_path.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                         serialization.PublicFormat.SubjectPublicKeyInfo))
    return public_path, key_id(key.public_key())


def load_private(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(_read(path, "signing key"), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise InvalidInputError(f"{path} is not a readable Ed25519 private key: {_first(exc)}",
                                "give the key written by 'aqb anchor keygen' (PEM, no password)") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInputError(f"{path} is not an Ed25519 private key", "create one with 'aqb anchor keygen'")
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(_read(path, "public key"))
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise InvalidInputError(f"{path} is not a readable Ed25519 public key: {_first(exc)}",
                                "give the .pub file of 'aqb anchor keygen' (PEM)") from None
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInputError(f"{path} is not an Ed25519 public key", "use the .pub file of 'aqb anchor keygen'")
    return key


def sign(key: Ed25519PrivateKey, *, position: int, tree_size: int, head_hash: bytes, merkle_root: bytes,
         ledger: str) -> Anchor:
    public = key.public_key()
    unsigned = Anchor(position, tree_size, head_hash.hex(), merkle_root.hex(),
                      datetime.now(UTC).isoformat(timespec="microseconds"), ledger, key_id(public),
                      raw_public(public).hex())
    return replace(unsigned, signature=key.sign(unsigned.payload()).hex())


def signature_valid(anchor: Anchor, pinned: Ed25519PublicKey | None = None) -> bool:
    """The signature is valid for the pinned key (or, unpinned, for the key the anchor names)."""
    public = pinned or Ed25519PublicKey.from_public_bytes(bytes.fromhex(anchor.public_key))
    if pinned is not None and raw_public(pinned).hex() != anchor.public_key:
        return False
    try:
        public.verify(bytes.fromhex(anchor.signature), anchor.payload())
    except (InvalidSignature, ValueError):
        return False
    return True


def parse(text: str, source: str) -> Anchor:
    try:
        data = inputs.json_value(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"format is {data.get('format') if isinstance(data, dict) else None!r}")
        anchor = Anchor(**data)
        _check_fields(anchor)
        return anchor
    except (ValueError, TypeError, AttributeError) as exc:
        raise InvalidInputError(f"{source} is not an aqb anchor: {exc}",
                                "give a file written by 'aqb anchor create'") from None


HEX_BYTES = {"head_hash": 32, "merkle_root": 32, "public_key": 32, "signature": 64}


def _check_fields(anchor: Anchor) -> None:
    """Every field of the type and size an anchor has (a stored row is any text a writer chose)."""
    for name in ("position", "tree_size"):
        value = getattr(anchor, name)
        if type(value) is not int or value < 0:
            raise ValueError(f"{name} is {value!r}, not a whole number")
    for name, size in HEX_BYTES.items():
        value = getattr(anchor, name)
        if not isinstance(value, str) or len(value) != 2 * size:
            raise ValueError(f"{name} is not {size} bytes in hex")
        bytes.fromhex(value)
    for name in ("anchored_at", "ledger", "key_id", "format"):
        if not isinstance(getattr(anchor, name), str):
            raise ValueError(f"{name} is not text")


def read_file(path: Path) -> Anchor:
    return parse(inputs.read_bytes(path, "anchor file").decode("utf-8", errors="replace"), str(path))


def _first(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:120] or type(exc).__name__


def _read(path: Path, what: str) -> bytes:
    try:
        return inputs.read_bytes(path, "key")
    except NotFoundError:
        raise NotFoundError(f"cannot read the {what} {path}: no such file",
                            "check the path (--key, AQB_ANCHOR_KEY, --public-key)") from None
