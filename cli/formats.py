"""Which output formats a command offers, and what is checked before it runs.

`--format` is accepted before the command (for every format) and after it (for the formats the
command offers). Either way the command checks, before it reads or writes anything, that it can
produce the format, that a file named by `--output` may be written, that binary bytes are not sent
to a terminal, and that the locale is known; each refusal is one line on stderr.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cli.output.errors import BinaryToTerminalError, OutputError
from ledger.domain.errors import InvalidInputError

if TYPE_CHECKING:
    from cli.output.locale import Locale

ALL = ("table", "json", "csv", "markdown", "csv-de", "xlsx", "html", "pdf")
DATA = ("table", "json", "csv", "csv-de", "xlsx")  # every command that shows a table or an object
RECEIPT = ("table", "json", "csv")  # what a write command says it did
REPORT = (*DATA, "markdown")  # the reports that are also kept as Markdown files
DOSSIER = (*DATA, "html", "pdf")  # a table, or one self-contained dossier
REPORT_DOSSIER = (*REPORT, "html", "pdf")
NONE: tuple[str, ...] = ()  # a command that reports on stderr only
HELP = {"table": "a table for people", "json": "exact data for scripts", "csv": "for scripts",
        "markdown": "a report kept as a file", "csv-de": "German Excel: BOM, ';', decimal comma",
        "xlsx": "Excel", "html": "one self-contained dossier", "pdf": "the dossier as A4 pages"}


class FormatRefusedError(OutputError):
    """The command cannot produce the format it was asked for."""

    exit_code = 2  # a usage error: nothing was read or written

    def __init__(self, command: str, fmt: str, offered: Sequence[str]) -> None:
        if not offered:
            super().__init__(f"{command} has no output format: it reports on stderr", "leave out --format")
        else:
            super().__init__(f"{command} cannot write --format {fmt}", f"it writes {', '.join(offered)}")


class TableToFileError(OutputError):
    exit_code = 2

    def __init__(self) -> None:
        super().__init__("--output FILE takes a format for files, not the table for people",
                         "give --format csv-de, xlsx, html, pdf, json or csv as well")


def help_text(offered: Sequence[str]) -> str:
    return "Output format: " + "; ".join(f"{f} ({HELP[f]})" for f in offered) + " [also before the command]."


def locale_of(given: str | None) -> Locale:
    from cli.output.locale import ENV, UnknownLocaleError, resolve  # noqa: PLC0415 (not needed for --version)

    try:
        return resolve(given)
    except UnknownLocaleError:
        raise InvalidInputError(f"unknown locale in AQB_LOCALE: {os.environ.get(ENV, '')}",
                                "set AQB_LOCALE to en or de (de_DE.UTF-8 counts as de), or give --locale") from None


def check(command: str, fmt: str, given: bool, offered: Sequence[str], output: Path | None, force: bool) -> None:
    """Everything that must hold before a command reads or writes anything for its output."""
    from cli.output.files import BINARY, check_new  # noqa: PLC0415 (not needed for --version)

    if fmt not in offered and (given or fmt != "table"):
        raise FormatRefusedError(command, fmt, offered)
    if output is not None and str(output) != "-":
        if fmt == "table":
            raise TableToFileError
        check_new(output, force=force)
    elif fmt in BINARY and sys.stdout.isatty():
        raise BinaryToTerminalError(fmt)


def offers_files(offered: Sequence[str]) -> bool:
    return any(f in ("csv-de", "xlsx", "html", "pdf") for f in offered)
