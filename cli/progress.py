"""Progress on stderr for long work: a bar on a terminal, a plain line per tenth otherwise."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

PLAIN_FROM = 100_000  # below this, plain output stays quiet


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """Yields `advance(done)`: how far the work is, out of `total`."""
    err = Console(stderr=True)
    if not err.is_terminal:
        yield _plain(label, total)
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)


def _plain(label: str, total: int) -> Callable[[int], None]:
    shown = [0]

    def advance(done: int) -> None:
        tenth = done * 10 // total if total >= PLAIN_FROM else 0
        if tenth > shown[0]:
            shown[0] = tenth
            click.echo(f"{label}: {tenth * 10} % ({done:,} of {total:,})", err=True)
    return advance
