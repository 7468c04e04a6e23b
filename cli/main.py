"""`aqb`: the command line of the AQB ledger.

The commands are listed here by name and module, and a module is imported only when its command
runs (or its help is shown): `aqb --version` loads click and nothing of the ledger.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from cli import errors, strict
from cli.formats import ALL
from ledger import __version__
from ledger.domain.errors import LedgerError

# name → ("module:attribute", the start of its help). `aqb --help` lists the commands from these words
# and imports no command module: they are the help's first sentence, as far as a help 120 columns wide
# shows it (a test keeps them equal). Each module also lists what it contributes in COMMANDS.
COMMANDS: dict[str, tuple[str, str]] = {
    "agreement": ("cli.commands.agreement:agreement",
        "Create, list and show agreements (Zielvereinbarungen)."),
    "anchor": ("cli.commands.integrity:anchor",
        "Signed anchors of the chain head, kept outside the database."),
    "assess": ("cli.commands.assessment:assess",
        "Record the §6 judgement of target achievement (`aqb assess ID …`) or sign one off."),
    "db": ("cli.commands.db:db",
        "The database behind the ledger."),
    "decisions": ("cli.commands.decisions:decisions",
        "Each decision on a deviation (every one: a revision never hides what it revised) and each "
        "reallocation: when it was reported,"),
    "demo": ("cli.commands.demo:demo",
        "Import the real seed agreement (Lahn-Dill-Kreis 2024) into a fresh ledger and play a realistic "
        "year around it, including the"),
    "explain": ("cli.commands.assessment:explain",
        "The dossier of a judgement: the ledger replayed as of its evidence position (§4 budget, money "
        "stages, §5 projects, each deviation"),
    "export": ("cli.commands.proofs:export",
        "Files for auditors."),
    "grant": ("cli.commands.grant:grant",
        "Record RP Kassel's grant case: application, notice, amendment, payment, proof, review, refund."),
    "import": ("cli.commands.importing:import_command",
        "Import Zielvereinbarungen from .txt (text extracted from a PDF) or .pdf files with a text layer: "
        "the document, the agreement"),
    "overview": ("cli.commands.status:overview",
        "All 26 parties of a year side by side: agreed, granted, disbursed, undrawn, deviations, and the "
        "lifecycle flags (in force,"),
    "principal": ("cli.commands.principal:principal",
        "The principals of the ledger (people and service logins) and their mandates."),
    "projections": ("cli.commands.projections:projections",
        "The read models (budget status, lifecycle, audit index): follow, rebuild, inspect."),
    "proof": ("cli.commands.proofs:proof_command",
        "One event with its link and a Merkle inclusion proof into the latest anchor (about log2(n) "
        "hashes), as JSON that can be checked"),
    "record": ("cli.commands.record:record",
        "Record an event on an agreement: allocation, project, reallocation, deviation, decision, "
        "signature, meeting, publication,"),
    "report": ("cli.commands.report:report",
        "Reports for auditors."),
    "status": ("cli.commands.status:status",
        "Where an agreement's budget stands: money stages per line and cash year, projects and categories, "
        "deviations with their decisions,"),
    "trail": ("cli.commands.trail:trail",
        "The audit trail of an agreement (with its grants and source documents) or of one grant: position, "
        "recorded time (UTC), effective"),
    "verify": ("cli.commands.integrity:verify_command",
        "Recompute the hash chain over every row, name the first broken position and the kind of break "
        "(changed-row, missing-row, foreign-insert,"),
}


class AqbGroup(click.Group):
    """Loads a command when it is asked for; runs it and maps every expected error to one line on
    stderr and its exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:  # noqa: ARG002 (click's signature)
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:  # noqa: ARG002
        if cmd_name not in COMMANDS:
            return None
        module, _, attribute = COMMANDS[cmd_name][0].partition(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return strict.once(command)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:  # noqa: ARG002
        """The commands with the start of their help, without importing their modules."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, click.Command(name, help=words).get_short_help_str(limit))
                for name, (_, words) in sorted(COMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        strict.refuse_repeats(self, ctx, args, stop_at_argument=True)
        return super().parse_args(ctx, args)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Click's main, with a usage error (unknown option, bad choice, missing argument) as one
        line on stderr — what was wrong and where the help is — and exit code 2."""
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except errors.OWN_LINE as exc:  # a refused output, a compliance FAIL: already one line with its hint
            exc.show()
            sys.exit(exc.exit_code)
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
        from cli.session import Session  # noqa: PLC0415 (not needed for --version and --help)

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


@click.group(cls=AqbGroup, epilog=f"Exit codes: {errors.EXIT_CODES}",
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--database", "url", envvar="AQB_DATABASE_URL", metavar="URL",
              help="postgresql://USER[:PASSWORD]@HOST:PORT/DB[?schema=S] or sqlite:///ABSOLUTE/PATH "
                   "[env AQB_DATABASE_URL; default: an SQLite file in your data directory].")
@click.option("--actor", envvar="AQB_ACTOR", metavar="LOGIN[@ORG]",
              help="Who records. On SQLite (single user) the registered principal you declare, e.g. "
                   "a.schneider or a.schneider@HMSI (required to write). On PostgreSQL the recorder is "
                   "the authenticated login: leave it out, or name the login itself, or — for a service "
                   "login — the person it records for [env AQB_ACTOR].")
@click.option("--format", "fmt", type=click.Choice(ALL), default=None, metavar="FORMAT",
              help=f"Output format of commands that show data: {', '.join(ALL)} [default: table]; each "
                   "command's --help says which it writes, and one that cannot write a format refuses it.")
@click.option("--locale", "locale", type=click.Choice(("en", "de")), default=None,
              help="Numbers and dates for people: en or de [env AQB_LOCALE; default en].")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.version_option(__version__, "--version", prog_name="aqb")
@click.pass_context
def cli(ctx: click.Context, url: str | None, actor: str | None, fmt: str | None, locale: str | None,
        debug: bool) -> None:
    """An event-sourced audit ledger for Hessian AQB target agreements (Zielvereinbarungen).

    Every allocation, project, reallocation, deviation, decision, signature, meeting,
    publication, grant notice, payment, proof of use and correction is an immutable event.

    \b
    Example:
      aqb --database sqlite:///tmp/aqb-demo.sqlite3 demo
      aqb --database sqlite:///tmp/aqb-demo.sqlite3 trail AQB-2024-06532 --format html --output trail.html
      aqb --database sqlite:///tmp/aqb-demo.sqlite3 --actor a.schneider@HMSI agreement create \\
          --year 2025 --party 06532 --amount 1.185.000 --reason "ZV 2025 unterzeichnet"
    """
    from cli.session import Session  # noqa: PLC0415 (not needed for --version and --help)

    ctx.obj = Session(url=url, actor=actor, fmt=fmt or "table", debug=debug, fmt_given=fmt is not None,
                      locale_given=locale)


def main() -> None:
    cli(prog_name="aqb")
