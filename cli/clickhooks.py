"""The one place that reaches below click's public interface.

A line of a batch names its values by parameter, so it need not be turned into a command line and
parsed again: `context_from_values` hands the values to the command's parameters the way click's
own `Command.parse_args` does after its tokeniser ran (each value through `handle_parse_result`:
type conversion, defaults, required check, callbacks; then the missing-value sentinel turned into
None). That uses two names that click does not export: `iter_params_for_processing` and `UNSET`
(click ≥ 8.3); a given flag's stored value is asked of click's parser.
`tests/cli/test_batch_parse.py` checks, for every command a batch can name, that
this gives the same parameters and the same errors as `make_context` on the equivalent command
line, so a click release that changes either fails there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import click
from click._utils import UNSET
from click.core import iter_params_for_processing

FLAG_GIVEN = object()  # in the values: this flag was given (click's parser stores the flag's own value)


def context_from_values(command: click.Command, values: Mapping[str, Any], order: Sequence[click.Parameter],
                        parent: click.Context) -> click.Context:
    """A context for `command` below `parent` with its parameters processed from `values`
    (shaped as click's parser stores them), as `command.make_context` would for a command line."""
    ctx = command.context_class(command, info_name=command.name, parent=parent, **command.context_settings)
    if any(value is FLAG_GIVEN for value in values.values()):
        values = _with_flag_values(command, ctx, values)
    with ctx.scope(cleanup=False):
        for param in iter_params_for_processing(order, command.get_params(ctx)):
            param.handle_parse_result(ctx, values, [])
        for name, value in ctx.params.items():
            if value is UNSET:
                ctx.params[name] = None
    return ctx


def _with_flag_values(command: click.Command, ctx: click.Context, values: Mapping[str, Any]) -> dict[str, Any]:
    """Each given flag's value as click's parser stores it (the flag value, True for a plain
    flag; a list of it for a repeated flag), asked of the command's own parser."""
    parser = command.make_parser(ctx)
    flags = {p.name: p.opts[0] for p in command.params if isinstance(p, click.Option) and p.is_flag}
    return {name: parser.parse_args(args=[flags[name]])[0][name] if value is FLAG_GIVEN else value
            for name, value in values.items()}
