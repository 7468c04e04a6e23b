"""`aqb record batch FILE`: a journal of commands, one per line, recorded all or nothing.

A line is a JSON object (JSON lines) or a CSV row (with a header): `command` names a command of
`aqb record` (`deviation`, `decision`, …) or of `aqb grant` (`grant payment`, …); the other keys
are that command's arguments and options by name (`agreement`, `deviation`, `file_number`, or
the argument's own name; `from`, `kind`, … or the option's own name); a repeated option takes a
list, a flag true or false; `actor` names who records the line (else `--actor`). Each line is
parsed by the command's own click parameters and run by its own code, so it is checked exactly
like the single command; the lines run one after the other on aggregates held in memory (a line
sees what the lines before it did), and everything is saved in one transaction at the end.

The batch id (SHA-256 of the file, or `--batch-id`) is the correlation id of every event it
records: running the same batch again finds it in the streams it touches and records nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from cli import clickhooks
from cli.session import Session
from ledger.domain.errors import InvalidInputError, LedgerError

ALIASES = {"agreement": "agreement_id", "deviation": "deviation_id", "file": "file_number"}
MARKER = "batch:"


@dataclass(frozen=True)
class Line:
    number: int
    fields: dict[str, Any]


def batch_id(path: Path, given: str | None) -> str:
    if given:
        if not given.strip() or len(given) > 64 or any(c.isspace() or c == '"' for c in given):
            raise InvalidInputError(f"invalid batch id '{given}'", "give up to 64 characters without spaces or quotes")
        return given
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_lines(path: Path) -> list[Line]:
    """The lines of a JSON-lines or CSV file (by its name's ending, else by its first character)."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv" or (path.suffix.lower() not in (".jsonl", ".json") and
                                         not text.lstrip().startswith("{")):
        return list(_csv_lines(text))
    return list(_json_lines(text))


def _json_lines(text: str) -> Iterator[Line]:
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            fields = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(f"line {number}: not a JSON object ({exc.msg})",
                                    'write one object per line: {"command": "deviation", …}') from None
        if not isinstance(fields, dict):
            raise InvalidInputError(f"line {number}: not a JSON object", 'write {"command": "deviation", …}')
        yield Line(number, fields)


def _csv_lines(text: str) -> Iterator[Line]:
    reader = csv.DictReader(io.StringIO(text))
    for row in reader:
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
    flag's value for a flag), and the parameters in the order the line named them."""

    values: dict[str, Any]
    order: list[click.Parameter]


def given(command: click.Command, line: Line) -> Given:
    fields = {ALIASES.get(k, k).replace("-", "_"): v for k, v in line.fields.items() if k not in ("command", "actor")}
    values: dict[str, Any] = {}
    order: list[click.Parameter] = []
    for param in command.params:
        if param.name is None or not param.expose_value:
            continue
        names = {param.name, *(o.lstrip("-").replace("-", "_") for o in param.opts)}
        key = next((n for n in names if n in fields), None)
        if key is None:
            continue
        value = _value(param, fields.pop(key), line)
        if value is not _ABSENT:
            values[param.name] = value
            order.append(param)
    if fields:
        raise InvalidInputError(f"line {line.number}: '{line.fields.get('command')}' has no option "
                                f"'{sorted(fields)[0]}'", f"see 'aqb {line.fields.get('command')} --help'")
    return Given(values, order)


_ABSENT = object()


def _value(param: click.Parameter, value: Any, line: Line) -> Any:
    """One field as click's parser would have stored it from the command line (a given flag as
    given: its value is the parser's)."""
    if isinstance(param, click.Option) and param.is_flag:
        if value not in (True, "true", "True", "1", "yes"):
            return _ABSENT  # false, as if the flag was not given
        return clickhooks.FLAG_GIVEN
    several = isinstance(value, list)
    if several and not param.multiple and param.nargs == 1:
        raise InvalidInputError(f"line {line.number}: '{_shown_name(param)}' takes one value, not a list",
                                f"see 'aqb {line.fields.get('command')} --help'")
    items = value if several and param.multiple else [value]
    stored = [tuple(_text(v) for v in item) if isinstance(item, list) else _text(item) for item in items]
    if isinstance(param, click.Argument) or not param.multiple:
        return stored[0]
    return stored


def _text(value: Any) -> str:
    """A field's value as the text a command line would carry (true/false as click's booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _shown_name(param: click.Parameter) -> str:
    return param.opts[0].lstrip("-") if param.opts else str(param.name)


def parse(command: click.Command, line_given: Given, line: Line, parent: click.Context) -> click.Context:
    """The line through the command's own parameters: each value converted and checked by its
    parameter's type, defaults, required parameters and callbacks exactly as click does for a
    command line (`clickhooks.process_parameters`), without tokenising a command line first."""
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
