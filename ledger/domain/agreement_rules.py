"""The Agreement's identifiers, authorities and shared guards."""

from __future__ import annotations

import re
from decimal import Decimal

from ledger import reference
from ledger.domain.agreement_state import DeviationState
from ledger.domain.errors import InvalidIdentifierError, NegativeAmountError, NotAuthorisedError
from ledger.domain.money import money
from ledger.domain.values import BudgetLine, Envelope

AGREEMENT_ID = re.compile(r"^AQB-(?P<year>\d{4})-(?P<ags>\d{5})$")


def agreement_id(year: int, ags: str) -> str:
    return f"AQB-{year}-{ags}"


def parse_agreement_id(text: str) -> tuple[int, str]:
    """Split and check an id such as AQB-2024-06532."""
    found = AGREEMENT_ID.match(text.strip())
    if not found or reference.party(found.group("ags")) is None:
        raise InvalidIdentifierError(
            f"invalid agreement id '{text}'",
            "write AQB-<year>-<AGS of one of the 26 parties>, e.g. AQB-2024-06532",
        )
    return int(found.group("year")), found.group("ags")


def section4_amounts(lines: tuple[BudgetLine, ...]) -> dict[str, Decimal]:
    return {f"§4 {line.budget.value}": line.amount for line in lines}


def valid_amount(amount: Decimal, what: str) -> Decimal:
    """Money in an event: never negative, always in cents."""
    if amount < 0:
        raise NegativeAmountError(what)
    return money(amount)


def check_decider_is_not_reporter(envelope: Envelope, deviation: DeviationState) -> None:
    if envelope.actor.organisation == deviation.reported_by.organisation:
        raise NotAuthorisedError(
            f"{envelope.actor} may not decide deviation {deviation.deviation_id}: "
            f"{deviation.reported_by.organisation} reported it",
            "a deviation is decided by the ministry or RP Kassel, never by the one who reported it",
        )
