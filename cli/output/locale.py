"""Numbers and dates for people: ``en`` (1,185,000.00 · 2024-07-10) or ``de`` (1.185.000,00 · 10.07.2024).

The locale is a function argument; when it is not given, ``AQB_LOCALE`` decides, else ``en``.
JSON never localises (it uses :func:`cli.render.plain`).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from cli.output.neutral import visible

Locale = Literal["en", "de"]
LOCALES: tuple[Locale, ...] = ("en", "de")
ENV = "AQB_LOCALE"


class UnknownLocaleError(ValueError):
    def __init__(self, given: str) -> None:
        super().__init__(f"unknown locale {given!r} (give one of: {', '.join(LOCALES)})")


def resolve(given: str | None = None) -> Locale:
    """The locale to use: the argument, else ``AQB_LOCALE`` (``de_DE.UTF-8`` counts as ``de``), else ``en``."""
    raw = given if given is not None else os.environ.get(ENV, "")
    short = raw.strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    if not short:
        return "en"
    if short == "de":
        return "de"
    if short == "en":
        return "en"
    raise UnknownLocaleError(raw)


def _grouped(text: str, locale: Locale) -> str:
    """Swap the separators of an en-formatted number for de."""
    if locale == "en":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def money(value: Decimal, locale: Locale = "en", *, grouping: bool = True) -> str:
    """Money with cents: ``1,185,000.00`` (en) or ``1.185.000,00`` (de); exact, never a float."""
    return _grouped(f"{value:,.2f}" if grouping else f"{value:.2f}", locale)


def integer(value: int, locale: Locale = "en") -> str:
    """A count with thousands groups; positions and years are shown as they are (see :func:`text`)."""
    return _grouped(f"{value:,}", locale)


def day(value: date, locale: Locale = "en") -> str:
    return value.strftime("%d.%m.%Y") if locale == "de" else value.isoformat()


def moment(value: datetime, locale: Locale = "en") -> str:
    return value.strftime("%d.%m.%Y %H:%M:%S" if locale == "de" else "%Y-%m-%d %H:%M:%S")


YES_NO: Mapping[Locale, tuple[str, str]] = {"en": ("yes", "no"), "de": ("ja", "nein")}


def text(value: Any, locale: Locale = "en", *, pictures: bool = True) -> str:  # noqa: PLR0911 (one return per type)
    """One value as text for a person, in the locale; user text made visible (newlines kept).

    Integers are shown without groups (a position, a year or an AGS is an id, not a quantity);
    nested values become readable text (``key: value; …``), never a JSON fragment. ``pictures``: see
    :func:`cli.output.neutral.visible`.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES_NO[locale][0 if value else 1]
    if isinstance(value, Decimal):
        return money(value, locale)
    if isinstance(value, datetime):
        return moment(value, locale)
    if isinstance(value, date):
        return day(value, locale)
    if isinstance(value, Enum):
        return text(value.value, locale, pictures=pictures)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return text({f.name: getattr(value, f.name) for f in dataclasses.fields(value)}, locale, pictures=pictures)
    if isinstance(value, Mapping):
        return "; ".join(f"{visible(str(k), pictures=pictures)}: {text(v, locale, pictures=pictures)}"
                         for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(text(v, locale, pictures=pictures) for v in value)
    return visible(str(value), keep_newlines=True, pictures=pictures)
