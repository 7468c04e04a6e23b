"""`aqb record batch FILE`: a journal of commands, one per line, recorded all or nothing.

A line is a JSON object (JSON lines) or a CSV row (with a header): `command` names a command of
`aqb record` (`deviation`, `decision`, …) or of `aqb grant` (`grant payment`, …) that records an
event; the other keys are that command's arguments and options by name, each once (`agreement`,
`deviation`, `file_number`, or the argument's own name; `from`, `kind`, … or the option's own
name); a value is a text or a number (read with its digits), a repeated option takes a list, a
flag true or false, null is no value; `actor` names who records the line (else `--actor`). Each
line's values go through the command's own click parameters and the line is run by the
command's own code, so it is checked exactly like the single command; the lines run one after
the other on aggregates held in memory (a line sees what the lines before it did), and everything
is saved in one transaction at the end.

The batch id (SHA-256 of the file, or `--batch-id`) is the correlation id of every event it
records, the file's SHA-256 their causation id: running the same batch again finds it in the
streams it touches and records nothing; the same id with another file is a conflict.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from cli import clickhooks
from cli.session import Session
from ledger import inputs
from ledger.domain import validate
from ledger.domain.errors import InvalidInputError, LedgerError

ALIASES = {"agreement": "agreement_id", "deviation": "deviation_id", "file": "file_number"}
MARKER = "batch:"


@dataclass(frozen=True)
class Line:
    number: int
    fields: dict[str, Any]


@dataclass(frozen=True)
class Journal:
    """A journal file as read once: its lines and the SHA-256 of exactly those bytes."""

    lines: list[Line]
    sha256: str


_BATCH_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}", re.ASCII)


def batch_id(journal: Journal, given: str | None) -> str:
    if given:
        if not _BATCH_ID.fullmatch(given):
            raise InvalidInputError(f"invalid batch id '{validate.shown(given)}'",
                                    "give up to 64 letters, digits and . _ : / - (starting with a letter or digit)")
        return given
    return journal.sha256


def read_journal(path: Path) -> Journal:
    """The lines of a JSON-lines or CSV file (by its name's ending, else by its first character),
    read once (a regular file of at most 1 GB, like every file the ledger reads); a file that is
    not UTF-8 text or holds no command line is refused."""
    data = inputs.read_bytes(path, "journal")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path.name} is not UTF-8 text (byte {exc.start + 1} cannot be read)",
                                "save the journal as UTF-8") from None
    if path.suffix.lower() == ".csv" or (path.suffix.lower() not in (".jsonl", ".json") and
                                         not text.lstrip().startswith("{")):
        lines = list(_csv_lines(text))
    else:
        lines = list(_json_lines(text))
    if not lines:
        raise InvalidInputError(f"{path.name} holds no command line",
                                "write one command per line (see 'aqb record batch --help')")
    return Journal(lines, hashlib.sha256(data).hexdigest())


def _json_lines(text: str) -> Iterator[Line]:
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            fields = json.loads(raw, parse_float=Decimal, parse_constant=_no_constant,
                                object_pairs_hook=_once_each)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(f"line {number}: not a JSON object ({exc.msg})",
                                    'write one object per line: {"command": "deviation", …}') from None
        except ValueError as exc:
            raise InvalidInputError(f"line {number}: {exc}", 'write one object per line: {"command": "deviation", …}'
                                    ) from None
        except RecursionError:
            raise InvalidInputError(f"line {number}: nested too deeply to be a line of a journal",
                                    'write one flat object per line: {"command": "deviation", …}') from None
        if not isinstance(fields, dict):
            raise InvalidInputError(f"line {number}: not a JSON object", 'write {"command": "deviation", …}')
        yield Line(number, fields)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a value of a journal line")


def _once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose every key appears once (the standard module keeps the last silently)."""
    fields: dict[str, Any] = {}
    for key, value in pairs:
        if key in fields:
            raise ValueError(f"'{key}' is given twice")
        fields[key] = value
    return fields


def _csv_lines(text: str) -> Iterator[Line]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        yield from _csv_rows(reader)
    except csv.Error as exc:  # a field beyond the csv module's limit, a NUL byte, a broken quote
        raise InvalidInputError(f"line {reader.line_num + 1}: not a readable CSV row ({exc})",
                                "write one command per row, each value under 128 KB") from None


def _csv_rows(reader: csv.DictReader[str]) -> Iterator[Line]:
    header = [name.strip() for name in reader.fieldnames or []]
    twice = next((name for i, name in enumerate(header) if name and name in header[:i]), None)
    if twice is not None:
        raise InvalidInputError(f"line 1: the header names '{twice}' twice", "give every column once")
    for row in reader:
        if None in row:
            raise InvalidInputError(f"line {reader.line_num}: more values than the header has columns",
                                    "quote a value that holds a comma")
        fields = {k.strip(): v for k, v in row.items() if k and v not in (None, "")}
        if fields:
            yield Line(reader.line_num, fields)


def command_of(record: click.Group, grant: click.Group, line: Line) -> tuple[click.Command, Given]:
    """The command a line names — a command of `aqb record` (`deviation`, or `record deviation`) or
    of `aqb grant` (`grant payment`) that records an event; nothing else runs inside a batch (no
    batch within a batch, no read, no command of the other groups) — and what the line gives its
    parameters."""
    name = " ".join(str(line.fields.get("command", "")).split())
    words = name.split(" ")
    group = grant if words[0] == "grant" else record
    if words[0] in ("grant", "record"):
        words = words[1:]
    command = group.commands.get(words[0]) if len(words) == 1 else None
    if command is None or isinstance(command, click.Group) or words[0] in NOT_IN_A_JOURNAL.get(group.name, ()):
        raise InvalidInputError(f"line {line.number}: unknown command '{name}'",
                                "name a command of 'aqb record' (e.g. deviation) or 'aqb grant' (e.g. grant payment); "
                                "see 'aqb record batch --help'")
    return command, given(command, line)


# The commands of the two groups that record nothing: a journal within a journal, a read.
NOT_IN_A_JOURNAL: dict[str | None, tuple[str, ...]] = {"record": ("batch",), "grant": ("show",)}


@dataclass(frozen=True)
class Given:
    """A line's values for a command's parameters, in the shape click's parser hands them over
    (by parameter name: a string, a tuple for several values, a list for a repeated option, the
    flag's value for a flag), and the parameters given, in the command's order of them."""

    values: dict[str, Any]
    order: list[click.Parameter]


def given(command: click.Command, line: Line) -> Given:
    """What a line gives the command's parameters, each key checked: a key names a parameter
    once (by its name, an option's spelling or an alias), a value is a text, a number or
    true/false — a list of them for a repeated option or one taking several values — and null
    is no value."""
    if not isinstance(line.fields.get("actor", ""), str):
        raise _bad(line, "'actor' must be the principal's login, as text", "e.g. \"actor\": \"j.weber\"")
    spelled = _spellings(command)
    found: dict[str, tuple[int, click.Parameter, str, Any]] = {}
    unknown: list[str] = []
    for key, value in line.fields.items():
        if key in ("command", "actor"):
            continue
        hit = spelled.get(ALIASES.get(key, key).replace("-", "_"))
        if hit is None:
            unknown.append(key)
            continue
        index, param = hit
        name = param.name or ""
        if name in found:
            raise _bad(line, f"'{found[name][2]}' and '{key}' name the same option", "give it once")
        found[name] = (index, param, key, value)
    if unknown:
        raise _bad(line, f"'{line.fields.get('command')}' has no option '{sorted(unknown)[0]}'")
    values: dict[str, Any] = {}
    order: list[click.Parameter] = []
    for _, param, key, value in sorted(found.values(), key=lambda item: item[0]):
        stored = _value(param, key, value, line)
        if stored is not _ABSENT:
            values[param.name or ""] = stored
            order.append(param)
    return Given(values, order)


def _spellings(command: click.Command) -> dict[str, tuple[int, click.Parameter]]:
    """Every name a line may give a parameter of the command by (its name and each option's
    spelling, with underscores for dashes), with the parameter's place; the first parameter
    keeps a name that two share."""
    key = id(command)
    if key not in _SPELLINGS:
        spellings: dict[str, tuple[int, click.Parameter]] = {}
        for index, param in enumerate(command.params):
            if param.name is None or not param.expose_value:
                continue
            for name in (param.name, *(o.lstrip("-").replace("-", "_") for o in param.opts)):
                spellings.setdefault(name, (index, param))
        _SPELLINGS[key] = spellings
    return _SPELLINGS[key]


_SPELLINGS: dict[int, dict[str, tuple[int, click.Parameter]]] = {}


_ABSENT = object()
_TRUE = (True, "true", "True", "1", "yes")
_FALSE = (False, "false", "False", "0", "no", "")


def _value(param: click.Parameter, key: str, value: Any, line: Line) -> Any:
    """One field as click's parser would have stored it from the command line (a given flag as
    given: its value is the parser's); null as not given."""
    if value is None:
        return _ABSENT
    if isinstance(param, click.Option) and param.is_flag:
        if value in _TRUE and type(value) in (bool, str):
            return clickhooks.FLAG_GIVEN
        if value in _FALSE and type(value) in (bool, str):
            return _ABSENT  # as if the flag was not given
        raise _bad(line, f"'{key}' is a flag: true or false, not {_shown(value)}")
    several = isinstance(value, list)
    if several and not param.multiple and param.nargs == 1:
        raise _bad(line, f"'{key}' takes one value, not a list")
    items = value if several and param.multiple else [value]
    return _stored(param, [_texts(key, item, line) if isinstance(item, list) else _text(key, item, line)
                           for item in items])


def _stored(param: click.Parameter, stored: list[Any]) -> Any:
    return stored if isinstance(param, click.Option) and param.multiple else stored[0]


def _texts(key: str, items: list[Any], line: Line) -> tuple[str, ...]:
    return tuple(_text(key, item, line) for item in items)


def _text(key: str, value: Any, line: Line) -> str:
    """A field's value as the text a command line would carry (true/false as click's booleans;
    a number as written)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, Decimal)):
        return str(value)
    raise _bad(line, f"'{key}' must be a text, a number or true/false, not {_shown(value)}")


def _shown(value: Any) -> str:
    return {dict: "an object", list: "a list", type(None): "null"}.get(type(value), f"'{validate.shown(value)}'")


def _bad(line: Line, what: str, hint: str | None = None) -> InvalidInputError:
    return InvalidInputError(f"line {line.number}: {what}", hint or f"see 'aqb {line.fields.get('command')} --help'")


def parse(command: click.Command, line_given: Given, line: Line, parent: click.Context) -> click.Context:
    """The line through the command's own parameters: each value converted and checked by its
    parameter's type, defaults, required parameters and callbacks exactly as click does for a
    command line (`clickhooks.context_from_values`), without tokenising a command line first."""
    try:
        return clickhooks.context_from_values(command, line_given.values, line_given.order, parent)
    except LedgerError as exc:
        raise _at_line(exc, line.number) from None
    except click.ClickException as exc:
        raise InvalidInputError(f"line {line.number}: {exc.format_message()}",
                                f"see 'aqb {line.fields.get('command')} --help'") from None


def _at_line(exc: LedgerError, number: int) -> LedgerError:
    exc.message = f"line {number}: {exc.message}"
    exc.args = (exc.message,)
    return exc


def run_line(command: click.Command, ctx: click.Context, line: Line, marker: str) -> None:
    """Run the line by the command's own code, its events carrying the batch's marker."""
    session = ctx.find_object(Session)
    assert session is not None
    session.correlation_id = marker
    try:
        with ctx:
            ctx.invoke(command.callback or (lambda **_: None), **ctx.params)
    except LedgerError as exc:
        raise _at_line(exc, line.number) from None
