"""`aqb`: the command line of the AQB ledger."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from typing import Any

import click

from cli import commands, errors
from cli.session import FORMATS, Session
from ledger import __version__
from ledger.domain.errors import LedgerError


class AqbGroup(click.Group):
    """Runs a command and maps every expected error to one line on stderr and its exit code."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Click's main, with a usage error (unknown option, bad choice, missing argument) as one
        line on stderr — what was wrong and where the help is — and exit code 2."""
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.ClickException as exc:
            context = getattr(exc, "ctx", None)
            where = " ".join(["aqb", *context.command_path.split()[1:]]) if context is not None else "aqb"
            errors.usage(exc.format_message(), f"see '{where} --help'", exc.exit_code)
        except click.Abort:
            errors.usage("aborted", "nothing was written", 1)
        if isinstance(code, int) and code:
            sys.exit(code)
        return code

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            found = ctx.find_object(Session)
            if found is not None:
                found.check_read()
            return result
        except LedgerError as exc:
            found = ctx.find_object(Session)
            errors.fail(exc, found.where() if found is not None else None)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            sys.stdout = None  # the reader went away (aqb trail … | head): nothing more to say
            sys.exit(0)
        except Exception as exc:
            found = ctx.find_object(Session)
            known = errors.environmental(exc)
            if known is not None:
                errors.fail(known, found.where() if found is not None else None)
            errors.crash(exc, debug=bool(found and found.debug))
        finally:
            found = ctx.find_object(Session)
            if found is not None:
                found.close()


@click.group(cls=AqbGroup, epilog=f"Exit codes: {errors.EXIT_CODES}")
@click.option("--database", "url", envvar="AQB_DATABASE_URL", metavar="URL",
              help="postgresql://USER[:PASSWORD]@HOST:PORT/DB[?schema=S] or sqlite:///ABSOLUTE/PATH "
                   "[env AQB_DATABASE_URL; default: an SQLite file in your data directory].")
@click.option("--actor", envvar="AQB_ACTOR", metavar="NAME@ORG",
              help="Who records: a user at HMSI, RPKS or a party's AGS, e.g. m.weber@HMSI "
                   "[env AQB_ACTOR; required to write].")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output format of commands that show data.")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.version_option(__version__, prog_name="aqb")
@click.pass_context
def cli(ctx: click.Context, url: str | None, actor: str | None, fmt: str, debug: bool) -> None:
    """An event-sourced audit ledger for Hessian AQB target agreements (Zielvereinbarungen).

    Every allocation, project, reallocation, deviation, decision, signature, meeting,
    publication, grant notice, payment, proof of use and correction is an immutable event.

    \b
    Example:
      aqb demo
      aqb --database sqlite:///tmp/ledger.sqlite3 --actor m.weber@HMSI agreement create \\
          --year 2024 --party 06532 --amount 1.185.000
      aqb trail AQB-2024-06532
    """
    ctx.obj = Session(url=url, actor=actor, fmt=fmt, debug=debug)


def _add_commands() -> None:
    """Every module in cli/commands contributes the commands it lists in COMMANDS."""
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        for command in getattr(module, "COMMANDS", ()):
            cli.add_command(command)


_add_commands()


def main() -> None:
    cli(prog_name="aqb")
