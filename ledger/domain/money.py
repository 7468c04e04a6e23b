"""Money: exact `Decimal` euros with cents, parsed from plain or German notation. Never a float."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ledger.domain.errors import InvalidAmountError

CENT = Decimal("0.01")
MAX = Decimal("999999999.99")  # the ceiling of every amount (ledger.domain.validate)

_SUFFIX = re.compile(r"\s*(?:eur|euro|€)\s*$", re.IGNORECASE)
_PLAIN = re.compile(r"^\d+(?:\.\d{1,2})?$", re.ASCII)
_GERMAN_GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d{1,2}|,-{1,2})?$", re.ASCII)
_GERMAN_COMMA = re.compile(r"^\d+(?:,\d{1,2}|,-{1,2})$", re.ASCII)
_GROUPED_APART = re.compile(r"^\d{1,3}(?:(?: \d{3})+|(?:['’]\d{3})+)(?:,(?:\d{2}|-{1,2}))?$")
_SPACES = ("\u00a0", "\u202f", " ")
_TO_SPACE = str.maketrans({"\u00a0": " ", "\u202f": " "})
_SPACED_GROUPS = re.compile(r"^-?\d{1,3}(?: \d{3})+(?:[,.]\d{1,2}|,-{1,2})?$", re.ASCII)
_AMBIGUOUS = re.compile(r"^\d{1,3}\.\d{3}$", re.ASCII)
_MILLIONS = re.compile(r"^(\d+(?:,\d+)?)\s*(?:mio\.?|millionen)$", re.IGNORECASE | re.ASCII)
# thousands: "1.234,5 T€", "985 TEUR", "985,8 Tsd. Euro", "985 tausend Euro" (the currency already cut off)
_THOUSANDS = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?\s*(?:t|tsd\.?|tausend)$", re.IGNORECASE | re.ASCII)


def money(value: Decimal | int | str) -> Decimal:
    """Normalise to a Decimal with exactly two places (cents), within the ledger's ceiling."""
    try:
        amount = Decimal(value)
        if amount.is_finite() and abs(amount) > MAX:
            raise InvalidAmountError(str(value), f"above the ceiling of {MAX:,.2f} EUR")
        return amount.quantize(CENT)
    except InvalidOperation:
        raise InvalidAmountError(str(value), "not a number") from None


def parse_amount(text: str) -> Decimal:
    """Parse an amount given by a person, e.g. on the command line.

    Accepted: plain ``1185000``, ``1185000.00``; German ``1.185.000``, ``1.185.000,00``,
    ``1185000,50``, ``106.000,--``; an optional ``EUR``/``Euro``/``€``. Refused: negatives,
    more than two decimal places, and ``1.185`` (a thousands group or a decimal fraction?).
    """
    raw = text.strip()
    core = _SUFFIX.sub("", raw).strip()
    if any(space in core for space in _SPACES):  # only between thousands groups: "1 185 000,00"
        spaced = core.translate(_TO_SPACE)
        if not _SPACED_GROUPS.match(spaced):
            raise InvalidAmountError(raw, "a space only separates groups of three digits (1 185 000,00)")
        core = spaced.replace(" ", "")
    if core.startswith("-"):
        raise InvalidAmountError(raw, "amounts are never negative")
    if _AMBIGUOUS.match(core):
        raise InvalidAmountError(raw, "ambiguous, the dot could separate thousands or decimals")
    if _PLAIN.match(core):
        return money(core)
    if _GERMAN_GROUPED.match(core) or _GERMAN_COMMA.match(core):
        return _german(core)
    raise InvalidAmountError(raw, "use plain 1185000.00 or German 1.185.000,00")


def parse_document_amount(text: str) -> Decimal:
    """Parse an amount as written in an agreement: everything `parse_amount` takes, plus
    millions (``1,3 Mio. Euro``) and thousands (``1.234,5 T€``, ``985 TEUR``, ``985,8 Tsd. Euro``),
    to the cent. A lone ``879.800`` (one thousands group) counts as German here, because documents
    never write euro fractions with a dot."""
    raw = text.strip()
    core = _SUFFIX.sub("", raw).strip().replace("\u00a0", " ").replace("\u202f", " ")
    if _GROUPED_APART.match(core):  # "1 185 000", "1’185’000": thousands grouped by a space or an apostrophe
        core = re.sub(r"[ '’]", ".", core.partition(",")[0]) + (f",{core.partition(',')[2]}" if "," in core else "")
    millions = _MILLIONS.match(core)
    if millions:
        return _exact(Decimal(millions.group(1).replace(",", ".")) * 1_000_000, raw)
    thousands = _THOUSANDS.match(core)
    if thousands:
        whole, fraction = thousands.group(1).replace(".", ""), thousands.group(2) or "0"
        return _exact(Decimal(f"{whole}.{fraction}") * 1_000, raw)
    compact = core.replace(" ", "")
    if _AMBIGUOUS.match(compact):
        return _german(compact)
    return parse_amount(compact)


def written_unit(text: str) -> Decimal | None:
    """The unit an amount as written in an agreement counts in: millions, thousands, or None
    (euros). A total in a unit is exact only to its last digit."""
    core = _SUFFIX.sub("", text.strip()).strip().replace("\u00a0", " ")
    if _MILLIONS.match(core):
        return Decimal(1_000_000)
    if _THOUSANDS.match(core):
        return Decimal(1_000)
    return None


def _exact(amount: Decimal, raw: str) -> Decimal:
    """An amount in thousands or millions, to the cent: "1,2345678 Mio." names a fraction of a cent."""
    if amount != amount.quantize(CENT):
        raise InvalidAmountError(raw, "more decimal places than cents")
    return money(amount)


def _german(core: str) -> Decimal:
    whole, _, cents = core.partition(",")
    cents = cents.strip("-") or "0"
    try:
        return money(Decimal(whole.replace(".", "") + "." + cents))
    except InvalidOperation:
        raise InvalidAmountError(core, "not a number") from None
