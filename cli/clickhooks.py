"""The one place that reaches below click's public interface.

A line of a batch names its values by parameter, so it need not be turned into a command line and
parsed again: `context_from_values` hands the values to the command's parameters the way click's
own `Command.parse_args` does after its tokeniser ran (each value through `handle_parse_result`:
type conversion, defaults, required check, callbacks; then the missing-value sentinel turned into
None; a left-out parameter whose default cannot change from line to line takes the value click
gave it once). That uses two names that click does not export: `iter_params_for_processing` and `UNSET`
(click ≥ 8.3); a given flag's stored value is asked of click's parser.
`tests/cli/test_batch_parse.py` checks, for every command a batch can name, that
this gives the same parameters and the same errors as `make_context` on the equivalent command
line, so a click release that changes either fails there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import click
from click._utils import UNSET
from click.core import ParameterSource, iter_params_for_processing

FLAG_GIVEN = object()  # in the values: this flag was given (click's parser stores the flag's own value)


def context_from_values(command: click.Command, values: Mapping[str, Any], order: Sequence[click.Parameter],
                        parent: click.Context) -> click.Context:
    """A context for `command` below `parent` with its parameters processed from `values`
    (shaped as click's parser stores them), as `command.make_context` would for a command line."""
    ctx = command.context_class(command, info_name=command.name, parent=parent, **command.context_settings)
    if any(value is FLAG_GIVEN for value in values.values()):
        values = _with_flag_values(command, ctx, values)
    defaults = _defaults(command, parent) if ctx.default_map is None and ctx.auto_envvar_prefix is None else {}
    with ctx.scope(cleanup=False):
        for param in iter_params_for_processing(order, command.get_params(ctx)):
            name = param.name or ""
            if name in defaults and name not in values:
                ctx.params[name], source = defaults[name]
                ctx.set_parameter_source(name, source)
                continue
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


def _defaults(command: click.Command, parent: click.Context) -> dict[str, tuple[Any, ParameterSource]]:
    """The value and source click gives each parameter of `command` that a line leaves out, for
    the parameters where that cannot change from line to line: no callback, no environment
    variable, not required, a default that is not computed, a value that cannot be changed (None, a
    text, a number, a tuple of them). Worked out once per command by click itself, on a context
    of its own; the rest are processed for every line."""
    key = id(command)
    if key not in _DEFAULTS:
        found: dict[str, tuple[Any, ParameterSource]] = {}
        scratch = command.context_class(command, info_name=command.name, parent=parent, **command.context_settings)
        names = [p.name for p in command.params]
        for param in command.params:
            if (param.name is None or names.count(param.name) > 1 or param.callback is not None
                    or param.envvar is not None or param.required or callable(param.default)
                    or getattr(param, "deprecated", False) or getattr(param, "prompt", None)):
                continue
            with scratch.scope(cleanup=False):
                param.handle_parse_result(scratch, {}, [])
            value, source = scratch.params.get(param.name, UNSET), scratch.get_parameter_source(param.name)
            if source is not None and _unchangeable(value):
                found[param.name] = (value, source)
        _DEFAULTS[key] = found
    return _DEFAULTS[key]


_DEFAULTS: dict[int, dict[str, tuple[Any, ParameterSource]]] = {}


def _unchangeable(value: Any) -> bool:
    if isinstance(value, tuple):
        return all(_unchangeable(item) for item in value)
    return value is None or value is UNSET or isinstance(value, (str, int, float, Decimal, date))
