"""`aqb projections check`: each view table against a replay of the events up to the position the
view stands at. A row that differs, is missing or is extra is named; an auditor needs no trust in
whoever could write the view tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ledger.app.core import LedgerCore
from projections.engine import VIEWS
from projections.replay import replay_all
from projections.store import ViewStore
from projections.tables import TableRow, sort_rows

MAX_LISTED = 10


@dataclass
class ViewCheck:
    view: str
    position: int
    rows: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def check_views(ledger: LedgerCore, names: list[str] | None = None) -> list[ViewCheck]:
    store = ViewStore(ledger.recorder)
    results = []
    for name in names or sorted(VIEWS):
        position = store.position(name)
        expected = replay_all(ledger, upto=position)
        result = ViewCheck(name, position)
        for table in VIEWS[name].tables:
            stored = sort_rows(table, store.rows(name, table))
            result.rows += len(stored)
            result.differences += _differences(table.name, [table.key_of(r) for r in stored], stored,
                                               sort_rows(table, expected[table.name]), table.key_of)
        results.append(result)
    return results


def _differences(table: str, keys: list[TableRow], stored: list[TableRow], expected: list[TableRow],
                 key_of: Callable[[TableRow], TableRow]) -> list[str]:
    wanted = {key_of(r): r for r in expected}
    found = dict(zip(keys, stored, strict=True))
    problems = [f"{table}: row {_key(k)} differs from the replay" for k in found
                if k in wanted and found[k] != wanted[k]]
    problems += [f"{table}: row {_key(k)} is not in the replay" for k in found if k not in wanted]
    problems += [f"{table}: row {_key(k)} of the replay is missing" for k in wanted if k not in found]
    return problems[:MAX_LISTED]


def _key(key: TableRow) -> str:
    return "/".join(str(k) for k in key)
