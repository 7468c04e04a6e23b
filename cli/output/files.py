"""Outputs that are files: the German CSV, xlsx, HTML and PDF, and where their bytes go.

``--output FILE`` writes the file (atomically: a half-written file never takes the name); without
it, text formats go to stdout, and binary ones (xlsx, PDF) go to stdout only when it is not a
terminal: on a terminal they are refused with a message saying what to do.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

import click

from cli.output.errors import BinaryToTerminalError
from cli.output.neutral import OutputRow
from cli.output.spreadsheet import csv_de, object_rows
from ledger.domain.errors import InvalidInputError, StorageError

SPREADSHEETS = ("csv-de", "xlsx")
DOCUMENTS = ("html", "pdf")
FILE_FORMATS = (*SPREADSHEETS, *DOCUMENTS)
BINARY = frozenset({"xlsx", "pdf"})


def deliver(data: bytes, output: str | os.PathLike[str] | None, *, fmt: str, stream: BinaryIO | None = None) -> None:
    """Write the bytes to ``output`` (``-`` or ``None``: stdout), refusing binary bytes on a terminal."""
    if output is not None and str(output) != "-":
        write_atomically(Path(output), data)
        return
    sys.stdout.flush()
    target = stream if stream is not None else sys.stdout.buffer
    if fmt in BINARY and target.isatty():
        raise BinaryToTerminalError(fmt)
    target.write(data)
    target.flush()


def check_new(path: Path, *, force: bool = False) -> None:
    """A file the user named may be written: it does not exist (nor as a symlink) unless `force`;
    and `force` replaces only a regular file or a symlink itself — never a device, a directory or
    another special file."""
    if path.exists() and not path.is_symlink() and not path.is_file():
        raise InvalidInputError(f"{path} is not a regular file (a device, directory or other special file)",
                                "name a regular file to write")
    if not force and (path.exists() or path.is_symlink()):
        what = "a symbolic link" if path.is_symlink() else "a file"
        raise InvalidInputError(f"{path} is already {what}: it is not overwritten",
                                "choose another name, or give --force to replace it")
    if path.parent and not path.parent.is_dir():
        raise InvalidInputError(f"the folder {path.parent} does not exist", "create it first, or name another file")


def write_new(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write a file the user named: never over an existing file or through a symlink unless
    `force` (then the name is replaced, atomically; a symlink itself, never its target)."""
    check_new(path, force=force)
    try:
        write_atomically(path, data)
    except OSError as exc:
        raise StorageError(f"cannot write {path}: {exc.strerror or exc}",
                           "check the folder's rights and free space; nothing was written") from None


def write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent or Path(), prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def table_bytes(
    fmt: str, rows: Sequence[OutputRow], columns: Sequence[str], *, title: str = "", caption: str = "",
    numeric: Sequence[str] = (), locale: str | None = None,
) -> bytes:
    """A table in one of the file formats."""
    if fmt == "csv-de":
        return csv_de(rows, columns)
    if fmt == "xlsx":
        from cli.output.xlsx import table_xlsx  # noqa: PLC0415 (XlsxWriter only when asked for)

        return table_xlsx(rows, columns, title=title, caption=caption, locale=locale)
    from cli.output.document import Document, Header, TableSection  # noqa: PLC0415

    document = Document(title or "Table", Header(report=title or "Table"),
                        [TableSection("", columns, rows, numeric=numeric, caption=caption)])
    return document_bytes(fmt, document, locale=locale)


def object_bytes(fmt: str, obj: OutputRow, *, title: str = "", locale: str | None = None) -> bytes:
    """One record in one of the file formats: one row per field (nested fields flattened); in
    xlsx each list of records on a sheet of its own."""
    if fmt == "xlsx":
        from cli.output.xlsx import object_sheets, xlsx_bytes  # noqa: PLC0415 (XlsxWriter only when asked for)

        return xlsx_bytes(object_sheets(obj), title=title, locale=locale)
    if fmt in SPREADSHEETS:
        return table_bytes(fmt, object_rows(obj), ["field", "value"], title=title, locale=locale)
    from cli.output.document import object_document  # noqa: PLC0415

    return document_bytes(fmt, object_document(obj, title or "Record"), locale=locale)


def document_bytes(fmt: str, document: Any, *, locale: str | None = None) -> bytes:
    """A dossier (:class:`cli.output.document.Document`) as HTML or PDF."""
    if fmt == "html":
        from cli.output.html import render_html  # noqa: PLC0415 (Jinja2 only when asked for)

        return render_html(document, locale=locale).encode("utf-8")
    if fmt == "pdf":
        from cli.output.pdf import render_pdf  # noqa: PLC0415 (WeasyPrint only when asked for)

        return render_pdf(document, locale=locale)
    raise click.UsageError(f"a dossier is written as html or pdf, not {fmt}")
