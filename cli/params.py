"""Parameter types. They raise the ledger's own input errors, so a malformed amount or date gets
the same one-line message and exit code everywhere."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ledger import inputs
from ledger.domain import validate
from ledger.domain.dates import parse_date
from ledger.domain.errors import InvalidInputError, InvalidValueError
from ledger.domain.money import parse_amount
from ledger.domain.values import DocumentRef

if TYPE_CHECKING:
    from ledger.app.core import Meta


class AmountType(click.ParamType[Decimal]):
    name = "AMOUNT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Decimal:
        return validate.money(value if isinstance(value, Decimal) else parse_amount(str(value)))


class DateType(click.ParamType[date]):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        return validate.day(value if isinstance(value, date) else parse_date(str(value)))


class WholeType(click.ParamType[int]):
    """A whole number in the digits 0-9 (not ١٢ or １２, which int() would take), within a range;
    refused with exit 4 like every invalid value."""

    name = "INTEGER"

    def __init__(self, low: int | None = None, high: int | None = None) -> None:
        self.low, self.high = low, high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip()
            digits = text.removeprefix("-")
            if not (digits.isascii() and digits.isdigit() and len(digits) <= 19):
                raise InvalidValueError(_option(param), validate.shown(text), "not a whole number",
                                        "write it with the digits 0-9")
            number = int(text)
        low = self.low if self.low is not None else -(2**63)
        high = self.high if self.high is not None else 2**63 - 1
        return validate.whole(number, _option(param), low, high)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str | None:
        if self.low is not None and self.high is not None:
            return f"{self.low}..{self.high}"
        return None


def _option(param: click.Parameter | None) -> str:
    return (param.opts[0] if param is not None and param.opts else "number").lstrip("-")


def whole(low: int | None = None, high: int | None = None) -> WholeType:
    return WholeType(low, high)


class KeyAmountType(click.ParamType[tuple[Any, Decimal]]):
    """KEY=AMOUNT, e.g. 2024=985000 (a cash year) or QUAL=480.000 (a plan line)."""

    name = "KEY=AMOUNT"

    def __init__(self, key_is_year: bool = False) -> None:
        self.key_is_year = key_is_year

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        key, sep, amount = str(value).partition("=")
        if not sep or not key.strip():
            raise InvalidInputError(f"invalid '{value}': expected KEY=AMOUNT", "e.g. 2024=985000.00")
        if self.key_is_year:
            if not (key.strip().isascii() and key.strip().isdigit() and len(key.strip()) == 4):
                raise InvalidInputError(f"invalid cash year '{validate.shown(key)}'", "e.g. --cash-year 2024=985000.00")
            return validate.year(int(key), "cash year"), validate.money(parse_amount(amount))
        return validate.text(key, "item"), validate.money(parse_amount(amount))


# A file the command reads: its checks are the ledger's own (`ledger.inputs`: missing 3, a directory,
# device, pipe or oversized file 4, unreadable 6), not click's usage error (2).
INPUT_FILE = click.Path(path_type=Path)
AMOUNT = AmountType()
DATE = DateType()
CASH_YEAR = KeyAmountType(key_is_year=True)
PLAN_LINE = KeyAmountType()


def choices(enum: Any) -> click.Choice[str]:
    """A choice of an enumeration's values."""
    return click.Choice([m.value for m in enum])


def file_sha256(path: Path, what: str = "source document") -> str:
    return inputs.sha256_of(path, what)


def document_ref(reference: str | None, file: Path | None) -> DocumentRef | None:
    """`--document REF` (an Aktenzeichen, letter, URL) or `--document-file PATH` (hashed)."""
    if file is not None:
        return DocumentRef("file", file.name, None, file_sha256(file))
    if reference:
        return DocumentRef("reference", reference.strip())
    return None


def meta_of(reason: str | None, effective: date | None, document: str | None,
                  document_file: Path | None) -> Meta:
    """The envelope of a command from its `envelope_options`."""
    from cli.session import session  # noqa: PLC0415 (the session module imports no command parameters)

    return session().meta(reason, effective, document_ref(document, document_file))


def document_options(func: Any) -> Any:
    func = click.option("--document-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        help="The source document as a file; its SHA-256 is recorded.")(func)
    return click.option("--document", metavar="REF",
                        help="Source document reference (Aktenzeichen, letter, minutes).")(func)


def envelope_options(func: Any) -> Any:
    """--reason, --effective, --document, --document-file."""
    func = document_options(func)
    func = click.option("--effective", type=DATE, help="When it happened in the world (default: "
                        "the event's own date, else today).")(func)
    return click.option("--reason", help="Why this is recorded (required for money, decisions and "
                        "corrections).")(func)
