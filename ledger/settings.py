"""Settings read from the environment, each checked once, with a message that names the variable.

- AQB_FOUR_EYES (yes|no, default yes): whether a §6 assessment counts only once a second person
  of the ministry has signed it off.
- AQB_LATE_DAYS (0–3650, default 10): an event whose effective date lies more than this many
  days before the day it was recorded is a late entry. Ten days follows the GoBD's expectation
  that non-cash business transactions are recorded within ten days ("zeitgerechte Erfassung").
"""

from __future__ import annotations

import os

from ledger.domain.errors import InvalidInputError

YES = ("yes", "1", "true", "on")
NO = ("no", "0", "false", "off")


def four_eyes() -> bool:
    text = os.environ.get("AQB_FOUR_EYES", "yes").strip().lower()
    if text not in YES + NO:
        raise InvalidInputError(f"invalid AQB_FOUR_EYES '{text}'", "set it to yes or no")
    return text in YES


def late_days() -> int:
    text = os.environ.get("AQB_LATE_DAYS", "10").strip()
    if not text.isascii() or not text.isdigit() or not 0 <= int(text) <= 3650:
        raise InvalidInputError(f"invalid AQB_LATE_DAYS '{text}'", "give whole days from 0 to 3650")
    return int(text)
