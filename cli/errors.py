"""The one place that turns expected errors into a one-line message on stderr and an exit code.

Exit codes:
  0 success · 1 internal error (a bug: rerun with --debug) · 2 usage error (unknown option,
  missing argument) · 3 not found · 4 invalid input (amount, date, id, actor) · 5 a rule of the
  ledger refused the command · 6 not authorised (no actor, wrong organisation) · 7 conflict
  with concurrent writers · 8 database unavailable or not migrated · 9 document refused ·
  10 integrity break found · 11 an obligation is FAIL (report compliance --exit-code)
"""

from __future__ import annotations

import sys
import traceback
from typing import IO, Any, NoReturn

import click

from cli.output.neutral import visible
from ledger.domain.errors import LedgerError

EXIT_CODES = __doc__.split("Exit codes:")[1].strip() if __doc__ else ""
COMPLIANCE_FAIL = 11


class ComplianceFailedError(click.ClickException):
    """`aqb report compliance --exit-code` found an obligation that is FAIL (the report is shown)."""

    exit_code = COMPLIANCE_FAIL

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"compliance: {self.format_message()}", err=True, file=file)


def one_line(text: str) -> str:
    """One line, every control and invisible character shown as a stand-in (a value the user
    typed can be quoted in a message; it cannot drive the terminal)."""
    return visible(" ".join(text.split()))


def fail(error: LedgerError) -> NoReturn:
    message = one_line(error.message)
    if error.hint:
        message += f" ({one_line(error.hint)})"
    click.echo(f"error: {message}", err=True)
    sys.exit(error.exit_code)


def crash(exc: BaseException, *, debug: bool) -> NoReturn:
    if debug:
        traceback.print_exception(exc)
    detail = one_line(str(exc)) or type(exc).__name__
    click.echo(
        f"internal error: {type(exc).__name__}: {detail} (nothing was written; rerun with --debug "
        "for the traceback and report it)",
        err=True,
    )
    sys.exit(1)
