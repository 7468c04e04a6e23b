"""What the ledger takes from eventsourcing below its documented interface, in one list.

The recorders and the transcoder override or call methods that the library does not document
(`_insert_stored_events`, `_decode_obj`, …) and set attributes it uses inside (`lock_table_statements`,
`sql_create_statements`, …). The library is pinned; when the pin moves, this file says at once which
of them the new release changed, instead of a failure deep in a write. The last test keeps the list
complete: a new use of a private name of a library in the code fails it until it is listed here.
(click's: `cli/clickhooks.py`, checked by tests/cli/test_batch_parse.py.)
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import JSONTranscoder, Mapper
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore, PostgresFactory
from eventsourcing.sqlite import SQLiteApplicationRecorder

from ledger.application import open_ledger
from ledger.persistence import postgres
from ledger.transcodings import FastJSONTranscoder

ROOT = Path(__file__).resolve().parents[2]

# (class, method, the parameters the ledger passes or overrides with, by name)
METHODS: list[tuple[type[Any], str, tuple[str, ...]]] = [
    (PostgresApplicationRecorder, "_insert_stored_events", ("self", "curs", "stored_events")),
    (PostgresApplicationRecorder, "_fetch_ids_after_insert_events", ("self", "curs", "stored_events")),
    (PostgresApplicationRecorder, "_lock_table", ("self", "curs")),
    (PostgresApplicationRecorder, "_notify_channel", ("self", "curs")),
    (PostgresApplicationRecorder, "construct_pg_stored_event",
     ("self", "originator_id", "originator_version", "topic", "state")),
    (PostgresApplicationRecorder, "insert_events", ("self", "stored_events")),
    (SQLiteApplicationRecorder, "_insert_events", ("self", "c", "stored_events")),
    (JSONTranscoder, "_decode_obj", ("self", "d")),
    (JSONTranscoder, "register", ("self", "transcoding")),
    (Mapper, "to_domain_event", ("self", "stored_event")),
]

# Private names of the library that the ledger's code calls or overrides (the last test).
PRIVATE = {name for _cls, name, _params in METHODS if name.startswith("_")}


def test_the_pinned_release_is_the_installed_one() -> None:
    pins = [line for line in (ROOT / "pyproject.toml").read_text(encoding="utf-8").splitlines()
            if '"eventsourcing' in line]
    assert pins, "pyproject.toml names no eventsourcing release"
    assert f"=={metadata.version('eventsourcing')}\"" in pins[0], (pins[0], metadata.version("eventsourcing"))


@pytest.mark.parametrize(("cls", "name", "params"), METHODS, ids=[f"{c.__name__}.{n}" for c, n, _ in METHODS])
def test_each_method_the_ledger_relies_on_takes_what_it_passes(cls: type[Any], name: str,
                                                               params: tuple[str, ...]) -> None:
    method = getattr(cls, name, None)
    assert callable(method), f"{cls.__name__}.{name} is gone from this release of eventsourcing"
    signature = inspect.signature(method)
    assert tuple(signature.parameters)[:len(params)] == params, (f"{cls.__name__}.{name}", signature)


def test_the_transcoder_reads_the_library_registry_it_extends() -> None:
    transcoder = FastJSONTranscoder()
    assert isinstance(transcoder.names, dict)  # the library's registry of transcodings, by name
    assert transcoder.decode(transcoder.encode({"a": [1, "x"]})) == {"a": [1, "x"]}


@pytest.fixture
def recorder(pg_url: str) -> Iterator[postgres.AdvisoryLockRecorder]:
    ledger = open_ledger(pg_url)
    try:
        assert isinstance(ledger.recorder, postgres.AdvisoryLockRecorder)
        yield ledger.recorder
    finally:
        ledger.close()


def test_the_recorder_attributes_the_ledger_sets_are_the_ones_the_library_reads(
        recorder: postgres.AdvisoryLockRecorder) -> None:
    library = inspect.getsource(PostgresApplicationRecorder)
    for attribute in ("lock_table_statements", "insert_events_statement", "events_table_name"):
        assert f"self.{attribute}" in library, f"the library no longer uses {attribute}"
        assert hasattr(recorder, attribute)
    # The insert function the ledger never uses is left out of the tables the library creates.
    statements = [str(s) for s in recorder.sql_create_statements]
    assert not any("FUNCTION" in s.upper() and "insert" in s.lower() for s in statements), statements
    assert isinstance(recorder.create_insert_function_statement_index, int)
    datastore: PostgresDatastore = recorder.datastore
    assert isinstance(datastore.pool.kwargs, dict) and "row_factory" in datastore.pool.kwargs
    assert isinstance(datastore.lock_timeout, int) and datastore.schema
    assert "self.env" in inspect.getsource(PostgresFactory.__init__) or hasattr(PostgresFactory, "env")


def _private_uses() -> Iterator[tuple[str, str]]:
    """(name, where) for each private name (one leading underscore) that the code reaches for
    on an object or overrides in a class, and that the code itself does not define."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8"))
             for package in ("ledger", "projections", "cli") for path in sorted((ROOT / package).rglob("*.py"))}
    defined: set[str] = set()
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                defined.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                defined.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                defined.add(node.id)
    library_methods = {name for cls in (PostgresApplicationRecorder, SQLiteApplicationRecorder, JSONTranscoder,
                                        Mapper, PostgresDatastore) for name in dir(cls)}
    for path, tree in trees.items():
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in defined:
                yield node.attr, f"{where}:{node.lineno}"
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if (isinstance(item, ast.FunctionDef) and _private(item.name)
                            and item.name in library_methods):
                        yield item.name, f"{where}:{item.lineno} (overrides the library's)"


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in NAMEDTUPLE_API


NAMEDTUPLE_API = {"_replace", "_asdict", "_fields", "_make"}  # documented API of named tuples


def test_every_private_name_of_the_library_the_code_uses_is_listed_here() -> None:
    unlisted = sorted({f"{name} at {where}" for name, where in _private_uses() if name not in PRIVATE})
    assert not unlisted, f"add to METHODS, with the parameters it is called with: {unlisted}"


def test_the_search_for_private_uses_finds_the_known_ones() -> None:
    assert {name for name, _where in _private_uses()} >= {"_insert_stored_events", "_decode_obj", "_insert_events"}
