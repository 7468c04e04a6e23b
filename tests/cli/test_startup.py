"""`aqb --version` and `aqb --help` load no command module; the registry in cli/main.py stays true
to the modules it names. (Timings: bench/startup.py.)"""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli import commands
from cli.docs import walk
from cli.main import COMMANDS, cli

HEAVY = ("cli.commands", "ledger.app", "ledger.application", "projections", "psycopg", "eventsourcing", "rich")


def _loaded_after(args: list[str]) -> list[str]:
    """The heavy modules in memory after `aqb ARGS`, in a fresh interpreter."""
    probe = ("import sys; from click.testing import CliRunner; from cli.main import cli; "
             f"result = CliRunner().invoke(cli, {args!r}); assert result.exit_code == 0, result.output; "
             f"print(' '.join(sorted(m for m in sys.modules if m.startswith({HEAVY!r}))))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return done.stdout.split()


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["-h"]])
def test_version_and_help_load_nothing_of_the_ledger(args: list[str]) -> None:
    assert _loaded_after(args) == []


def test_every_module_command_is_registered_under_its_name() -> None:
    contributed: dict[str, click.Command] = {}
    for info in pkgutil.iter_modules(commands.__path__):
        module = importlib.import_module(f"cli.commands.{info.name}")
        contributed |= {command.name or "": command for command in getattr(module, "COMMANDS", ())}
    assert set(contributed) == set(COMMANDS)
    ctx = click.Context(cli)
    assert all(cli.get_command(ctx, name) is command for name, command in contributed.items())


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_listed_words_give_the_same_short_help(name: str) -> None:
    real = cli.get_command(click.Context(cli), name)
    assert real is not None
    listed = click.Command(name, help=COMMANDS[name][1])
    for limit in range(20, 121):
        assert listed.get_short_help_str(limit) == real.get_short_help_str(limit), (
            f"the words for '{name}' in cli/main.py COMMANDS no longer start its help: copy its first sentence")


def test_dash_h_is_help_everywhere() -> None:
    runner = CliRunner()
    for path, _ in walk():
        result = runner.invoke(cli, [*path, "-h"], prog_name="aqb")
        assert result.exit_code == 0, path
        assert result.stdout.startswith(" ".join(("Usage: aqb", *path, "[OPTIONS]"))), path


def test_every_command_says_which_formats_it_writes() -> None:
    undeclared = [" ".join(path) for path, command in walk()
                  if not isinstance(command, click.Group) and not hasattr(command.callback, "__aqb_formats__")]
    assert undeclared == []


def _completion(**env: str) -> subprocess.CompletedProcess[str]:
    aqb = str(Path(sys.executable).with_name("aqb"))
    return subprocess.run([aqb], env={**os.environ, **env}, capture_output=True, text=True, check=False, timeout=60)


def test_shell_completion_as_the_readme_documents_it() -> None:
    script = _completion(_AQB_COMPLETE="bash_source")
    assert script.returncode == 0 and "_aqb_completion" in script.stdout
    commands = _completion(_AQB_COMPLETE="bash_complete", COMP_WORDS="aqb tr", COMP_CWORD="1")
    assert commands.stdout.split() == ["plain,trail"]
    formats = _completion(_AQB_COMPLETE="bash_complete", COMP_WORDS="aqb trail X --format cs", COMP_CWORD="4")
    assert formats.stdout.split() == ["plain,csv", "plain,csv-de"]
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert 'eval "$(_AQB_COMPLETE=bash_source aqb)"' in readme and "_AQB_COMPLETE=zsh_source" in readme


def test_python_dash_m_aqb_takes_dash_h() -> None:
    result = subprocess.run([sys.executable, "-m", "aqb", "-h"], capture_output=True, text=True, check=False,
                            timeout=60, cwd=Path(__file__).parents[2])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: aqb [OPTIONS] COMMAND [ARGS]...")
