"""What every command shares: the database URL, the actor, the output (format, locale, file), the
open ledger.

The ledger's modules are imported when a command first needs them, so that `aqb --version` and
`aqb --help` stay fast.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

import click

from cli.formats import ALL, DATA, RECEIPT, REPORT, FormatRefusedError, check, help_text, locale_of, offers_files
from ledger.domain.errors import IntegrityBreakError

if TYPE_CHECKING:
    from cli.output.locale import Locale
    from ledger.application import Ledger, Meta
    from ledger.domain.values import DocumentRef

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ALL


@dataclass
class Session:
    url: str | None
    actor: str | None
    fmt: str = "table"
    debug: bool = False
    correlation_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    causation_id: str | None = None  # what caused the command's events (a batch: its journal)
    _ledger: Ledger | None = None
    wrote: bool = False  # set by meta(): every write asks for the caller's envelope
    fmt_given: bool = False  # --format was given (before or after the command)
    locale_given: str | None = None  # --locale, else AQB_LOCALE decides
    output: Path | None = None  # --output FILE
    force: bool = False  # --force: replace FILE
    batch: bool = False  # the commands run as lines of a batch (each reports nothing itself)

    @property
    def locale(self) -> Locale:
        """The locale of numbers and dates for people (checked before the command runs)."""
        return locale_of(self.locale_given)

    def ledger(self, *, create: bool = False) -> Ledger:
        if self._ledger is None:
            from ledger.application import open_ledger  # noqa: PLC0415 (heavy: only when a command runs)

            self._ledger = open_ledger(self.url, create=create)
        return self._ledger

    def meta(
        self, reason: str | None = None, effective: date | None = None,
        document: DocumentRef | None = None,
    ) -> Meta:
        """The caller's envelope. On SQLite the actor is declared and required (refused before
        anything is opened); on PostgreSQL the login records, and --actor may only confirm it (or
        name the person a service login records for)."""
        from ledger.application import Meta  # noqa: PLC0415
        from ledger.domain.errors import ActorRequiredError  # noqa: PLC0415
        from ledger.domain.values import parse_actor  # noqa: PLC0415
        from ledger.persistence.config import database_from_url  # noqa: PLC0415

        if self.actor:
            parse_actor(self.actor)
        elif database_from_url(self.url).backend == "sqlite":
            raise ActorRequiredError
        self.wrote = True
        return Meta(self.actor, effective, reason, document, self.correlation_id, self.causation_id)

    def where(self) -> str | None:
        """The ledger this command opened, described without its password."""
        return self._ledger.db.describe() if self._ledger is not None else None

    def check_read(self) -> None:
        """After a read: were the rows it showed intact, and does the last anchor still hold? A break
        is an error (exit 10) after the output; events not yet anchored are a note."""
        if self._ledger is None or self.wrote:
            return
        from ledger.integrity.probe import probe  # noqa: PLC0415 (only commands that opened a ledger)

        ledger = self._ledger
        found = probe(ledger.db, ledger.reads.seen, ledger.reads.head())
        if found.breaks:
            more = f" (and {len(found.breaks) - 1} more)" if len(found.breaks) > 1 else ""
            raise IntegrityBreakError(f"the ledger is not intact: {found.breaks[0]}{more}; the figures above "
                                      "cannot be trusted", "run 'aqb verify' to see every break")
        if found.anchored_at is not None and found.unanchored > 0:
            events = "1 event" if found.unanchored == 1 else f"{found.unanchored:,} events"
            verb = "is" if found.unanchored == 1 else "are"
            click.echo(f"note: {events} since the last anchor (position {found.anchored_at:,}) {verb} not "
                       "anchored yet ('aqb anchor create')", err=True)

    def close(self) -> None:
        if self._ledger is not None:
            if self.wrote:
                _bring_views_up_to_date(self._ledger)
            self._ledger.close()


def _bring_views_up_to_date(ledger: Ledger) -> None:
    """After a write, the views catch up before the command returns where this login may write
    them (SQLite; on PostgreSQL a projector: otherwise `aqb projections run` follows live)."""
    from projections.sync import catch_up, may_write_views  # noqa: PLC0415 (the read side, only after writes)

    if not may_write_views(ledger):
        return
    try:
        catch_up(ledger)
    except Exception as exc:
        click.echo(f"warning: views not brought up to date: {type(exc).__name__}: {exc} "
                   "(run 'aqb projections rebuild' or 'aqb projections run')", err=True)


def session() -> Session:
    obj = click.get_current_context().find_object(Session)
    assert obj is not None
    return obj


def _setter(name: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def store(ctx: click.Context, _: click.Parameter, value: Any) -> None:
        found = ctx.find_object(Session)
        if found is None or value is None or value is False:
            return
        setattr(found, name, value)
        if name == "fmt":
            found.fmt_given = True
    return store


def command_name(ctx: click.Context | None) -> str:
    """`aqb trail`, whatever name the program was started under (`python -m aqb`, a test runner):
    the commands' names up the chain of contexts (click's `command_path` without the usage of the
    groups' parameters, which it renders each time; no group of aqb has an argument)."""
    names: list[str] = []
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(["aqb", *reversed(names)])


class FormatChoice(click.Choice[str]):
    """The command's formats; a format it does not offer is refused in one line (not a usage screen)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if value in ALL and value not in self.choices:
            raise FormatRefusedError(command_name(ctx), value, list(self.choices))
        return str(super().convert(value, param, ctx))


def _options(offered: Sequence[str]) -> list[Callable[[F], F]]:
    found: list[Callable[[F], F]] = []
    if offered:
        found.append(click.option("--format", "fmt", type=FormatChoice(offered), default=None, metavar="FORMAT",
                                  expose_value=False, callback=_setter("fmt"), help=help_text(offered)))
    if offers_files(offered):
        found += [
            click.option("--output", "-o", "--out", "output", type=click.Path(dir_okay=False, path_type=Path),
                         default=None, expose_value=False, callback=_setter("output"), metavar="FILE",
                         help="Write the output to FILE, never over an existing file (xlsx, pdf: needed when "
                              "stdout is a terminal)."),
            click.option("--force", is_flag=True, expose_value=False, callback=_setter("force"),
                         help="Replace FILE if it exists (never written through a symlink)."),
            click.option("--locale", "locale_given", type=click.Choice(("en", "de")), default=None,
                         expose_value=False, callback=_setter("locale_given"),
                         help="Numbers and dates as in en (1,185,000.00 · 2024-07-10) or de (1.185.000,00 · "
                              "10.07.2024) [env AQB_LOCALE; default en]. JSON and CSV never localise."),
        ]
    return found


def _checked(func: F, offered: Sequence[str]) -> F:
    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> Any:
        s, ctx = session(), click.get_current_context()
        if not s.fmt_given and offered:
            s.fmt = offered[0]  # a command's first format is its default
        check(command_name(ctx), s.fmt, s.fmt_given, offered, s.output, s.force)
        _ = s.locale  # an unknown AQB_LOCALE is refused before anything is read
        return func(*args, **kwargs)

    command.__aqb_formats__ = tuple(offered)  # type: ignore[attr-defined]
    decorated: Any = command
    for option in reversed(_options(offered)):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]


@overload
def format_option(func: F) -> F: ...
@overload
def format_option(*, formats: Sequence[str]) -> Callable[[F], F]: ...
def format_option(func: F | None = None, *, formats: Sequence[str] = DATA) -> Any:
    """`--format` (and, where files are offered, `--output`, `--force`, `--locale`) on a command
    that shows data; checks them before the command runs. Bare: the formats of a table or object
    (table, json, csv, csv-de, xlsx); `formats=` names others (see :mod:`cli.formats`)."""
    if func is not None:
        return _checked(func, formats)
    return lambda f: _checked(f, formats)


def report_format_option(func: F) -> F:
    """A report that is also kept as a file: the table formats and markdown."""
    return _checked(func, REPORT)


def receipt_option(func: F) -> F:
    """A write command: what it did, as a sentence (table) or an object (json, csv)."""
    return _checked(func, RECEIPT)
