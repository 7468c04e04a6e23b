"""A line of a batch is checked exactly like the single command: for every write command a batch
can name, its valid command line and each of its bad values (the fuzz list of
`test_fuzz_writes.py`), the batch's way in — the line's fields by name (`cli.batch.given`), handed
to the parameters without a tokeniser (`cli.clickhooks`) — gives the same parameters, or the same
error, as click's own `make_context` on that command line."""

from __future__ import annotations

from typing import Any

import click
import pytest
from click.testing import CliRunner

from cli.batch import ALIASES, Line, given
from cli.clickhooks import context_from_values
from cli.main import cli
from tests.cli.test_fuzz_writes import BASELINES, CASES, command_of

BATCHABLE = sorted(p for p in BASELINES if p.split()[0] in ("record", "grant"))


def root_context() -> click.Context:
    """`aqb`'s context as its own invocation makes it (with its help option names, which the
    commands' help options are made from and keep)."""
    return click.Context(cli, info_name="aqb", **cli.context_settings)


def outcome(make: Any) -> tuple[str, Any]:
    try:
        ctx = make()
    except click.ClickException as exc:
        return type(exc).__name__, exc.format_message()
    except Exception as exc:
        return type(exc).__name__, str(exc)
    return "ok", (ctx.params, {name: ctx.get_parameter_source(name) for name in ctx.params})


def fields_of(command: click.Command, argv: list[str]) -> dict[str, Any]:
    """The batch line a user would write for this command line: each value by its parameter's
    name, a list for a repeated option or several values, true for a flag."""
    parser = command.make_parser(click.Context(command, parent=root_context()))
    opts, _, _ = parser.parse_args(args=list(argv))
    names = {v: k for k, v in ALIASES.items()}
    fields: dict[str, Any] = {}
    for param in command.params:
        if param.name not in opts:
            continue
        value = opts[param.name]
        if isinstance(param, click.Option) and param.is_flag:
            value = True
        elif isinstance(value, list):
            value = [list(v) if isinstance(v, tuple) else v for v in value]
        elif isinstance(value, tuple):
            value = list(value)
        fields[names.get(param.name, param.name)] = value
    return fields


def both(path: str, argv: list[str]) -> tuple[tuple[str, Any], tuple[str, Any]]:
    command = command_of(path)
    root = root_context()
    line = Line(2, {"command": path.removeprefix("record "), **fields_of(command, argv)})
    by_click = outcome(lambda: command.make_context(command.name, list(argv), parent=root))
    values = given(command, line)
    by_batch = outcome(lambda: context_from_values(command, values.values, values.order, root))
    return by_click, by_batch


@pytest.mark.parametrize("path", BATCHABLE)
def test_a_valid_line_gives_the_parameters_of_its_command_line(path: str) -> None:
    by_click, by_batch = both(path, list(BASELINES[path][1]))
    assert by_click[0] == "ok"
    assert by_batch == by_click


@pytest.mark.parametrize(("path", "index", "value"), [(p, i, v) for p, _, i, v in CASES if p in BATCHABLE],
                         ids=[f"{p}:{o}:{ascii(v)[:24]}" for p, o, _, v in CASES if p in BATCHABLE])
def test_a_bad_value_in_a_line_is_refused_as_on_the_command_line(path: str, index: int, value: str) -> None:
    args = list(BASELINES[path][1])
    by_click, by_batch = both(path, [*args[:index], value, *args[index + 1:]])
    assert by_batch == by_click


@pytest.mark.parametrize("path", BATCHABLE)
def test_a_line_without_its_required_values_is_refused_as_on_the_command_line(path: str) -> None:
    command = command_of(path)
    root = root_context()
    by_click = outcome(lambda: command.make_context(command.name, [], parent=root))
    by_batch = outcome(lambda: context_from_values(command, {}, [], root))
    assert by_click[0] != "ok"
    assert by_batch == by_click


def test_the_line_a_user_writes_is_what_the_parser_would_store() -> None:
    command = command_of("record meeting")
    line = Line(7, {"command": "meeting", "agreement": "AQB-2024-06532", "date": "2024-11-20",
                    "participant": ["HMSI", "RP Kassel"], "discussed": "D1", "minutes": "Protokoll"})
    values = given(command, line)
    assert values.values == {"agreement_id": "AQB-2024-06532", "held_on": "2024-11-20",
                             "participants": ["HMSI", "RP Kassel"], "discussed": ["D1"], "minutes": "Protokoll"}
    assert [p.name for p in values.order] == ["agreement_id", "held_on", "participants", "discussed", "minutes"]


def test_a_list_for_an_option_that_takes_one_value_is_refused() -> None:
    command = command_of("grant payment")
    line = Line(4, {"command": "grant payment", "file_number": "RPKS-57-AQB-2024-017", "date": "2025-03-01",
                    "amount": ["100", "200"], "reason": "Abruf"})
    with pytest.raises(Exception, match=r"line 4: 'amount' takes one value, not a list"):
        given(command, line)


def test_reading_a_line_leaves_the_commands_own_help_as_it_was() -> None:
    """A command keeps the help option it first made: reading a line (with a flag, whose value
    is asked of the parser) must not make it under a context without `aqb`'s `-h`."""
    command = command_of("record decision")
    line = Line(3, {"command": "decision", "agreement": "AQB-2024-06532", "deviation": "D1",
                    "decision": "approved", "reason": "neu", "revise": True})
    values = given(command, line)
    ctx = context_from_values(command, values.values, values.order, root_context())
    assert ctx.params["revise"] is True
    shown = CliRunner().invoke(cli, ["record", "decision", "--help"])
    assert "-h, --help" in shown.output
