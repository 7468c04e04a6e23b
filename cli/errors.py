"""The one place that turns expected errors into a one-line message on stderr and an exit code.

Exit codes:
  0 success · 1 internal error (a bug: rerun with --debug) · 2 usage error (unknown option,
  missing argument) · 3 not found · 4 invalid input (amount, date, id, actor) · 5 a rule of the
  ledger refused the command · 6 not authorised (no actor, wrong organisation) · 7 conflict
  with concurrent writers · 8 database unavailable or not migrated · 9 document refused ·
  10 integrity break found · 11 an obligation is FAIL (report compliance --exit-code)
"""

from __future__ import annotations

import errno
import sys
import traceback
from typing import IO, Any, NoReturn

import click

from cli.output.errors import OutputError
from cli.output.neutral import visible
from ledger.domain.errors import AuthorityError, LedgerError, NotFoundError, StorageError

EXIT_CODES = __doc__.split("Exit codes:")[1].strip() if __doc__ else ""
COMPLIANCE_FAIL = 11


class ComplianceFailedError(click.ClickException):
    """`aqb report compliance --exit-code` found an obligation that is FAIL (the report is shown)."""

    exit_code = COMPLIANCE_FAIL

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"compliance: {self.format_message()}", err=True, file=file)


OWN_LINE = (OutputError, ComplianceFailedError)  # errors that print their own line (and hint)


def one_line(text: str) -> str:
    """One line, every control and invisible character shown as a stand-in (a value the user
    typed can be quoted in a message; it cannot drive the terminal)."""
    return visible(" ".join(text.split()))


def fail(error: LedgerError, ledger: str | None = None) -> NoReturn:
    """The error's line; a "not found" in the ledger names the ledger it looked in."""
    message = one_line(error.message)
    if ledger and isinstance(error, NotFoundError) and error.in_ledger:
        message = (message.replace("in this ledger", f"in the ledger {ledger}") if "in this ledger" in message
                   else f"{message} in the ledger {ledger}")
    if error.hint:
        message += f" ({one_line(error.hint)})"
    click.echo(f"error: {message}", err=True)
    sys.exit(error.exit_code)


def usage(message: str, hint: str, code: int) -> NoReturn:
    click.echo(f"error: {one_line(message)} ({hint})", err=True)
    sys.exit(code)


def environmental(exc: BaseException) -> LedgerError | None:
    """An error of the machine, not of the program — a full disk, a permission, a database that
    refused — as the ledger error with its documented exit code (None: a real bug)."""
    import sqlite3  # noqa: PLC0415 (the drivers only when a command failed: --version stays fast)

    import psycopg  # noqa: PLC0415
    from eventsourcing.persistence import PersistenceError  # noqa: PLC0415

    if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
        return _os_error(exc)
    if isinstance(exc, sqlite3.Error):
        return StorageError(f"the SQLite ledger refused: {one_line(str(exc)) or type(exc).__name__}",
                            "check the file, its directory and the free space")
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return AuthorityError(f"PostgreSQL refused: {one_line(str(exc)).split(' CONTEXT:')[0]}",
                              "this login lacks the right; see 'aqb db add-login'")
    if isinstance(exc, psycopg.Error | PersistenceError):
        return StorageError(f"the database refused: {one_line(str(exc)).split(' CONTEXT:')[0]}",
                            "nothing was written; check the database and run the command again")
    return None


def _os_error(exc: OSError) -> LedgerError:
    where = f": {exc.filename}" if exc.filename else ""
    found = {
        errno.ENOSPC: (StorageError, f"no space left on the device{where}", "free some space and run it again"),
        errno.EDQUOT: (StorageError, f"the disk quota is exhausted{where}", "free some space and run it again"),
        errno.EACCES: (AuthorityError, f"permission denied{where}", "check the permissions of the file or directory"),
        errno.EPERM: (AuthorityError, f"operation not permitted{where}", "check the permissions"),
        errno.EROFS: (StorageError, f"the file system is read-only{where}", "choose a writable place"),
    }.get(exc.errno or 0)
    if found is None:
        return StorageError(f"{exc.strerror or type(exc).__name__}{where}", "check the path and the device")
    kind, message, hint = found
    return kind(message, hint)


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
