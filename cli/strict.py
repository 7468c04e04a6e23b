"""An option that takes one value is given once.

Click keeps the last of `--amount 5 --amount 6` without a word, and a flag with its opposite
(`--force --no-force`) the same way: on a command line that records a permanent event, the value
the person meant is not known, so the command is refused before it runs (exit 2, as any other
usage error), naming both spellings. Options that take several values (`--line`, `--set`, …) are
repeated on purpose and stay as they are. A value is never mistaken for an option: the token after
an option that takes a value is its value, as click reads it; after `--` nothing is an option.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import click

_DONE = "_aqb_strict"


def once(command: click.Command) -> click.Command:
    """The command, and every command below it, refusing a single-valued option given twice."""
    if getattr(command, _DONE, False):
        return command
    original: Callable[[click.Context, list[str]], list[str]] = command.parse_args
    group = isinstance(command, click.Group)

    @functools.wraps(original)
    def parse_args(ctx: click.Context, args: list[str]) -> list[str]:
        refuse_repeats(command, ctx, args, stop_at_argument=group)
        return original(ctx, args)

    command.parse_args = parse_args  # type: ignore[method-assign]
    setattr(command, _DONE, True)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            once(sub)
    return command


def refuse_repeats(command: click.Command, ctx: click.Context, args: list[str], *, stop_at_argument: bool) -> None:
    """Raise a usage error when an option that takes one value appears twice among `args`
    (a group's own options end at its first argument, the name of its command)."""
    options = [p for p in command.get_params(ctx) if isinstance(p, click.Option)]
    names = {name: p for p in options for name in (*p.opts, *p.secondary_opts)}
    seen: dict[str, str] = {}
    index = 0
    while index < len(args):
        given = args[index]
        if given == "--":
            return
        spelled = given.partition("=")[0] if given.startswith("--") else given
        param = names.get(spelled)
        if param is None:
            if stop_at_argument and not given.startswith("-"):
                return
            index += 1
            continue
        single = not (param.multiple or param.count)
        key = param.name or spelled
        if single and key in seen:
            said = f"{seen[key]} and {spelled}" if seen[key] != spelled else f"{spelled} twice"
            raise click.UsageError(f"{said}: the option takes one value, give it once", ctx=ctx)
        seen[key] = spelled
        takes_value = not param.is_flag and "=" not in given and given in names
        index += 1 + (max(param.nargs, 1) if takes_value else 0)
