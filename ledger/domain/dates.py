"""Dates as people and documents write them: ISO, German numeric and German long form."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ledger.domain.errors import InvalidDateError

BERLIN = ZoneInfo("Europe/Berlin")

MONTHS = {
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "mai": 5,
    "juni": 6, "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11,
    "dezember": 12,
}
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)
_GERMAN = re.compile(r"^(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})$", re.ASCII)
_LONG = re.compile(r"^([0-9]{1,2})\.\s*([A-Za-zäÄöÖüÜ]+)\s+([0-9]{4})$")


def today() -> date:
    """Today in Hesse (the calendar the agreements use)."""
    return datetime.now(BERLIN).date()


def parse_date(text: str) -> date:
    """Parse ``2024-07-10``, ``10.07.2024``, ``1. 7. 2024`` or ``21. Dezember 2016``."""
    raw = text.strip()
    for pattern, build in ((_ISO, _ymd), (_GERMAN, _dmy), (_LONG, _long)):
        found = pattern.match(raw)
        if found:
            try:
                return build(found.groups())
            except ValueError:
                break
    raise InvalidDateError(raw)


def _ymd(g: tuple[str | None, ...]) -> date:
    return date(int(g[0] or 0), int(g[1] or 0), int(g[2] or 0))


def _dmy(g: tuple[str | None, ...]) -> date:
    return date(int(g[2] or 0), int(g[1] or 0), int(g[0] or 0))


def _long(g: tuple[str | None, ...]) -> date:
    month = MONTHS.get((g[1] or "").lower())
    if month is None:
        raise ValueError(g[1])
    return date(int(g[2] or 0), month, int(g[0] or 0))
