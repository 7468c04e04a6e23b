"""Expected failures of the output layer, shown like every other error of `aqb`: one line on
stderr, ``error: what (what to do)``, and an exit code."""

from __future__ import annotations

from typing import IO, Any

import click


class OutputError(click.ClickException):
    """An output that cannot be made; ``hint`` says what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(f"{message} ({hint})")

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True, file=file)


class BinaryToTerminalError(OutputError):
    """xlsx or PDF bytes would garble a terminal."""

    exit_code = 2  # a usage error: the same command with --output works

    def __init__(self, fmt: str) -> None:
        super().__init__(f"--format {fmt} writes a binary file and stdout is a terminal",
                         "give --output FILE, or redirect stdout to a file")


class RendererUnavailableError(OutputError):
    """A library the format needs cannot be loaded (a system library is missing)."""

    exit_code = 1

    def __init__(self, fmt: str, detail: str, packages: str) -> None:
        super().__init__(f"--format {fmt} cannot be rendered: {detail}", f"install {packages}")
