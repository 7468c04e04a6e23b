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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

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


def command_of(groups: Sequence[click.Group], line: Line) -> tuple[click.Command, list[str]]:
    """The click command a line names (looked up in each group in turn: `aqb record`, then the
    root, for `grant payment`), and the line as that command's argument list."""
    name = str(line.fields.get("command", "")).strip()
    command = next((found for group in groups if (found := _resolve(group, name.split())) is not None), None)
    if command is None:
        raise InvalidInputError(f"line {line.number}: unknown command '{name}'",
                                "name a command of 'aqb record' (e.g. deviation) or 'aqb grant' (e.g. grant payment)")
    return command, _argv(command, line)


def _resolve(group: click.Group, words: list[str]) -> click.Command | None:
    """The command these words name below the group (through `get_command`, so that commands the
    root loads lazily are found too)."""
    command: click.Command | None = group if words else None
    for word in words:
        command = command.get_command(click.Context(command), word) if isinstance(command, click.Group) else None
    return None if command is None or isinstance(command, click.Group) else command


def _argv(command: click.Command, line: Line) -> list[str]:
    fields = {ALIASES.get(k, k).replace("-", "_"): v for k, v in line.fields.items() if k not in ("command", "actor")}
    args: list[str] = []
    options: list[str] = []
    for param in command.params:
        if param.name is None or not param.expose_value:
            continue
        names = {param.name, *(o.lstrip("-").replace("-", "_") for o in getattr(param, "opts", ()))}
        key = next((n for n in names if n in fields), None)
        if key is None:
            continue
        value = fields.pop(key)
        if isinstance(param, click.Argument):
            args.append(str(value))
        else:
            options += _option(param, value)
    if fields:
        raise InvalidInputError(f"line {line.number}: '{line.fields.get('command')}' has no option "
                                f"'{sorted(fields)[0]}'", f"see 'aqb {line.fields.get('command')} --help'")
    return [*args, *options]


def _option(param: click.Parameter, value: Any) -> list[str]:
    flag = param.opts[0] if isinstance(param, click.Option) else ""
    if isinstance(param, click.Option) and param.is_flag:
        return [flag] if value in (True, "true", "True", "1", "yes") else []
    values = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in values:
        out += [flag, *(str(v) for v in item)] if isinstance(item, list) else [flag, str(item)]
    return out


def parse(command: click.Command, argv: list[str], line: Line, parent: click.Context) -> click.Context:
    """The line through the command's own parser and parameter types."""
    try:
        return command.make_context(command.name or "", argv, parent=parent, resilient_parsing=False)
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
