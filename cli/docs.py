"""The command reference (docs/cli.md), generated from the commands' own --help texts.

    python -m cli.docs > docs/cli.md

A test fails when docs/cli.md and the code drift apart.
"""

from __future__ import annotations

import click
from click.testing import CliRunner

from cli.main import cli

WIDTH = 100


def walk(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    """Every command under a group (the group first), loading the lazily listed ones."""
    ctx = click.Context(group)
    found: list[tuple[tuple[str, ...], click.Command]] = [(prefix, group)]
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            found += walk(command, (*prefix, name))
        else:
            found.append(((*prefix, name), command))
    return found


def commands() -> list[tuple[str, ...]]:
    return [path for path, _ in walk()]


def render_reference() -> str:
    runner = CliRunner()
    parts = ["# aqb command reference", "",
             "Generated from `--help` by `python -m cli.docs > docs/cli.md`; a test keeps it in step.", ""]
    for path in commands():
        result = runner.invoke(cli, [*path, "--help"], terminal_width=WIDTH, prog_name="aqb")
        parts += [f"## aqb {' '.join(path)}".rstrip(), "", "```text", result.stdout.rstrip(), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    click.echo(render_reference(), nl=False)
