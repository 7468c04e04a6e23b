"""The document model of a dossier: a title, a header block that says what the report is and what
it stands on, then sections. Rendered as HTML (:mod:`cli.output.html`) or PDF (:mod:`cli.output.pdf`).

Everything is plain values: ``Decimal`` money, ``date``/``datetime``, ``str``, ``int``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from cli.output.charts.data import MoneyStages, StatusMatrix, Timeline
from cli.output.neutral import OutputRow
from cli.output.spreadsheet import flatten


@dataclass(frozen=True)
class Header:
    """What the report is and what it stands on."""

    report: str  # what it shows, e.g. "Budget dossier of AQB-2024-06532 (Lahn-Dill-Kreis 2024)"
    ledger: str = ""  # which ledger: pass it through ledger_label() (no passwords in a report)
    position: int | None = None  # the ledger position the report stands at
    chain_link: str | None = None  # the chain link (hex) at that position
    chain_verified: bool | None = None  # None: not checked
    chain_detail: str = ""  # e.g. "chain verified from position 1 to 34 (34 events)"
    produced_by: str = ""  # who asked for it (an actor), and the software
    produced_at: datetime | None = None  # when it was made (UTC)


@dataclass(frozen=True)
class KeyValues:
    title: str
    items: Sequence[tuple[str, Any]]


@dataclass(frozen=True)
class TableSection:
    title: str
    columns: Sequence[str]
    rows: Sequence[OutputRow]
    numeric: Sequence[str] = ()  # right-aligned columns (money, counts, positions)
    caption: str = ""


@dataclass(frozen=True)
class Paragraph:
    text: str
    title: str = ""


@dataclass(frozen=True)
class Chart:
    title: str
    data: MoneyStages | Timeline | StatusMatrix
    caption: str = ""


Section = KeyValues | TableSection | Paragraph | Chart


@dataclass(frozen=True)
class Document:
    title: str
    header: Header
    sections: Sequence[Section] = field(default_factory=list)
    landscape: bool = False  # PDF pages in landscape (wide tables, the statewide matrix)


def ledger_label(url: str) -> str:
    """A database URL fit to print: the password (and any query string) removed."""
    parts = urlsplit(url)
    if parts.password is None and not parts.query:
        return url
    host = parts.hostname or ""
    netloc = (f"{parts.username}@" if parts.username else "") + host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _records(value: Any) -> list[Mapping[str, Any]] | None:
    if isinstance(value, list | tuple) and value and all(isinstance(v, Mapping) for v in value):
        return list(value)
    return None


def object_document(obj: OutputRow, title: str, header: Header | None = None) -> Document:
    """A record as a document: its plain fields as one block, each list of records as a table,
    each nested object as its own block."""
    fields: list[tuple[str, Any]] = []
    sections: list[Section] = []
    for key, value in obj.items():
        records = _records(value)
        if records is not None:
            columns = list(dict.fromkeys(c for r in records for c in r))
            sections.append(TableSection(key, columns, records))
        elif isinstance(value, Mapping):
            sections.append(KeyValues(key, list(flatten(value))))
        else:
            fields.append((key, value))
    blocks: list[Section] = [KeyValues("", fields)] if fields else []
    return Document(title, header or Header(report=title), [*blocks, *sections])
