"""Files the ledger reads (agreement documents, published files, keys, anchors, bundles, batch
journals): only
regular files, never more than a limit, and every failure a named error with its exit code — a
missing file is not found (3), a device, directory or oversized file invalid input (4), a file the
user may not read not authorised (6). A symlink is followed only to a regular file, so a link to
/dev/zero is refused before a byte is read."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from ledger.domain.errors import AuthorityError, InvalidInputError, NotFoundError

KB, MB, GB = 1 << 10, 1 << 20, 1 << 30
LIMITS = {"document": 50 * MB, "published file": 2 * GB, "source document": 2 * GB, "key": 64 * KB,
          "anchor file": 1 * MB, "bundle": 1 * GB, "journal": 1 * GB}
CHUNK = 1 << 16


def _size(limit: int) -> str:
    return f"{limit // GB} GB" if limit >= GB else f"{limit // MB} MB" if limit >= MB else f"{limit // KB} KB"


def check_file(path: Path, what: str) -> int:
    """The size of a readable regular file, or the error that says why not."""
    limit = LIMITS[what]
    try:
        info = path.stat()
    except FileNotFoundError:
        raise NotFoundError(f"no {what} at {path}", "check the path") from None
    except PermissionError:
        raise AuthorityError(f"the {what} {path} may not be read by this user", "check its permissions") from None
    except OSError as exc:
        raise InvalidInputError(f"the {what} {path} cannot be read: {exc.strerror}", "check the path") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device, pipe or socket)"
        raise InvalidInputError(f"the {what} {path} is {kind}", f"give the {what} as a regular file")
    if info.st_size > limit:
        raise InvalidInputError(f"the {what} {path} is larger than {_size(limit)}", f"give the {what} itself")
    return info.st_size


def read_bytes(path: Path, what: str) -> bytes:
    check_file(path, what)
    limit = LIMITS[what]
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except PermissionError:
        raise AuthorityError(f"the {what} {path} may not be read by this user", "check its permissions") from None
    except OSError as exc:
        raise InvalidInputError(f"the {what} {path} cannot be read: {exc.strerror}", "check the path") from None
    if len(data) > limit:
        raise InvalidInputError(f"the {what} {path} grew beyond {_size(limit)} while it was read",
                                f"give the {what} itself")
    return data


def json_value(data: str | bytes) -> Any:
    """A JSON document a user gave (an anchor, a bundle): its value, or ValueError — also for
    nesting deeper than the parser's recursion allows, which is no document of the ledger's."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def sha256_of(path: Path, what: str) -> str:
    """The SHA-256 of a regular file, read in chunks up to its limit."""
    check_file(path, what)
    digest, read, limit = hashlib.sha256(), 0, LIMITS[what]
    try:
        fd = os.open(path, os.O_RDONLY)
        with os.fdopen(fd, "rb") as handle:
            while chunk := handle.read(CHUNK):
                read += len(chunk)
                if read > limit:
                    raise InvalidInputError(f"the {what} {path} grew beyond {_size(limit)} while it was read",
                                            f"give the {what} itself")
                digest.update(chunk)
    except PermissionError:
        raise AuthorityError(f"the {what} {path} may not be read by this user", "check its permissions") from None
    return digest.hexdigest()
