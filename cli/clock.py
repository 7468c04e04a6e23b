"""The clock options of every judging read (status, overview, compliance): `--on` (what had
happened by a day), `--as-known-on` (what the ledger knew on a day), and for status `--at`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

import click

from cli.params import DATE, whole
from ledger.domain.clocks import Clock

ON_HELP = ("Judge with what had happened by this day: events with an effective date up to it, with "
           "every correction known now [alias --effective].")
KNOWN_HELP = ("Judge with what the ledger knew on this day: events recorded by its end (Europe/Berlin), "
              "later entries and corrections left out [alias --as-of].")


def clock_options(*, positions: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Adds --on/--as-known-on (and --at) and passes one `clock: Clock` to the command."""

    def wrap(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def command(*args: Any, on: date | None, known_on: date | None, at: int | None = None,
                    **kwargs: Any) -> Any:
            return func(*args, clock=Clock(on=on, known_on=known_on, at=at), **kwargs)

        decorated: Callable[..., Any] = command
        if positions:
            decorated = click.option("--at", type=whole(1), metavar="POSITION",
                                     help="Judge with what the ledger held at this position.")(decorated)
        decorated = click.option("--as-known-on", "--as-of", "known_on", type=DATE, metavar="DATE",
                                 help=KNOWN_HELP)(decorated)
        return click.option("--on", "--effective", "on", type=DATE, metavar="DATE", help=ON_HELP)(decorated)

    return wrap
