"""Table specifications of the read models, and the SQL generated from them for both backends.

Each view owns a few plain SQL tables. Columns have a kind (money, date, time, …) that maps to
NUMERIC(14,2)/DATE/TIMESTAMPTZ on PostgreSQL and to TEXT on SQLite, where money is a decimal
string with cents and dates and times are ISO strings (UTC). Never a float.
"""

# ruff: noqa: S608 -- table and column names are constants of this package; values are parameters

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any, Literal

Backend = Literal["postgresql", "sqlite"]
TableRow = tuple[Any, ...]

PG_TYPES = {"text": "text", "int": "integer", "bigint": "bigint", "money": "numeric(14,2)",
            "date": "date", "time": "timestamptz", "bool": "boolean"}
SQLITE_TYPES = {"text": "TEXT", "int": "INTEGER", "bigint": "INTEGER", "money": "TEXT",
                "date": "TEXT", "time": "TEXT", "bool": "INTEGER"}
TRACKING = "aqb_view_tracking"

SLOTS = ("a", "b")  # two table sets per view: one is read, the other can be rebuilt


def create_tracking(qualified: str) -> str:
    return (f"CREATE TABLE IF NOT EXISTS {qualified} (view text PRIMARY KEY, position bigint NOT NULL, "
            "slot text NOT NULL)")


@dataclass(frozen=True)
class Table:
    """One table of a view: its columns (name, kind), its primary key, and the column that says
    which agreement a row belongs to (rows are replaced per agreement), if any."""

    name: str
    columns: tuple[tuple[str, str], ...]
    key: tuple[str, ...]
    owner: str | None = "agreement_id"
    indexes: tuple[tuple[str, ...], ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.columns)

    def create(self, backend: Backend, slot: str, schema: str | None = None) -> list[str]:
        """DDL of one slot of this table (run by migrations, as the owner)."""
        types = PG_TYPES if backend == "postgresql" else SQLITE_TYPES
        plain = f"{self.name}_{slot}"
        table = f'"{schema}".{plain}' if schema else plain
        cols = ", ".join(f"{c} {types[k]}" for c, k in self.columns)
        statements = [f"CREATE TABLE IF NOT EXISTS {table} ({cols}, PRIMARY KEY ({', '.join(self.key)}))"]
        for index in self.indexes:
            statements.append(
                f"CREATE INDEX IF NOT EXISTS {plain}_{'_'.join(index)}_idx ON {table} ({', '.join(index)})"
            )
        return statements

    def insert(self, backend: Backend, name: str | None = None) -> str:
        mark = "%s" if backend == "postgresql" else "?"
        marks = ", ".join([mark] * len(self.columns))
        return f"INSERT INTO {name or self.name} ({', '.join(self.names)}) VALUES ({marks})"

    @cached_property
    def key_indexes(self) -> tuple[int, ...]:
        return tuple(self.names.index(k) for k in self.key)

    def key_of(self, row: TableRow) -> TableRow:
        return tuple(row[i] for i in self.key_indexes)

    def upsert(self, backend: Backend, name: str) -> str:
        """Insert, or update the row with the same key (PostgreSQL and SQLite alike)."""
        others = [c for c in self.names if c not in self.key]
        sets = ", ".join(f"{c} = excluded.{c}" for c in others)
        return f"{self.insert(backend, name)} ON CONFLICT ({', '.join(self.key)}) DO UPDATE SET {sets}"

    def delete_key(self, backend: Backend, name: str) -> str:
        mark = "%s" if backend == "postgresql" else "?"
        return f"DELETE FROM {name} WHERE {' AND '.join(f'{k} = {mark}' for k in self.key)}"

    def delete_owned(self, backend: Backend, count: int, name: str | None = None) -> str:
        if backend == "postgresql":
            return f"DELETE FROM {name or self.name} WHERE {self.owner} = ANY(%s)"
        return f"DELETE FROM {name or self.name} WHERE {self.owner} IN ({', '.join('?' * count)})"

    def select(self, where: str = "", name: str | None = None) -> str:
        return f"SELECT {', '.join(self.names)} FROM {name or self.name} {where} ORDER BY {', '.join(self.key)}"


def to_sqlite(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):  # datetime too: ISO, with its UTC offset
        return value.isoformat()
    return value


def sqlite_row(row: TableRow) -> TableRow:
    return tuple(to_sqlite(v) for v in row)


def from_db(kind: str, value: Any) -> Any:
    """A stored value back as the Python value a projection computed."""
    if value is None:
        return None
    if kind == "money":
        return Decimal(value).quantize(Decimal("0.01"))
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    if kind == "time" and isinstance(value, str):
        return datetime.fromisoformat(value)
    if kind == "bool":
        return bool(value)
    return value


def decode_rows(table: Table, rows: Sequence[Sequence[Any]]) -> list[TableRow]:
    kinds = [k for _, k in table.columns]
    return [tuple(from_db(k, v) for k, v in zip(kinds, row, strict=True)) for row in rows]


def sort_rows(table: Table, rows: Sequence[TableRow]) -> list[TableRow]:
    """Rows in primary-key order (key columns are never NULL)."""
    indexes = [table.names.index(k) for k in table.key]
    return sorted(rows, key=lambda r: tuple(r[i] for i in indexes))
