"""What every command shares: the database URL, the actor, the output format, the open ledger."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import click

from ledger.application import Ledger, Meta, open_ledger
from ledger.domain.errors import ActorRequiredError, IntegrityBreakError
from ledger.domain.values import DocumentRef, parse_actor
from ledger.persistence.config import database_from_url

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("table", "json", "csv")


@dataclass
class Session:
    url: str | None
    actor: str | None
    fmt: str = "table"
    debug: bool = False
    correlation_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    _ledger: Ledger | None = None
    wrote: bool = False  # set by meta(): every write asks for the caller's envelope
    batch: bool = False  # the commands run as lines of a batch (each reports nothing itself)

    def ledger(self, *, create: bool = False) -> Ledger:
        if self._ledger is None:
            self._ledger = open_ledger(self.url, create=create)
        return self._ledger

    def meta(
        self, reason: str | None = None, effective: date | None = None,
        document: DocumentRef | None = None,
    ) -> Meta:
        """The caller's envelope. On SQLite the actor is declared and required (refused before
        anything is opened); on PostgreSQL the login records, and --actor may only confirm it (or
        name the person a service login records for)."""
        if self.actor:
            parse_actor(self.actor)
        elif database_from_url(self.url).backend == "sqlite":
            raise ActorRequiredError
        self.wrote = True
        return Meta(self.actor, effective, reason, document, self.correlation_id)

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
            click.echo(f"note: {found.unanchored} events since the last anchor (position {found.anchored_at}) "
                       "are not anchored yet ('aqb anchor create')", err=True)

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


def _set_format(ctx: click.Context, _: click.Parameter, value: str | None) -> None:
    if value:
        found = ctx.find_object(Session)
        if found is not None:
            found.fmt = value


def format_option(func: F) -> F:
    """`--format table|json|csv` on a command that shows data (also accepted before the command)."""
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default=None, expose_value=False,
        callback=_set_format, help="Output format: a table for people, json or csv for scripts.",
    )(func)


def report_format_option(func: F) -> F:
    """`--format table|json|csv|markdown` on a report that is also kept as a file."""
    return click.option(
        "--format", "fmt", type=click.Choice((*FORMATS, "markdown")), default=None, expose_value=False,
        callback=_set_format, help="Output format: a report for people; json, csv or markdown for files.",
    )(func)
