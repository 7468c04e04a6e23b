"""The programme's calendar: every deadline the ledger judges by, written once.

Application with its financing plan by 31 March of the year; signatures, the grant notice, the
autumn implementation meeting, the publication and the decision of every deviation by 31
December; the judgement of target achievement (§6) by 31 March of the following year. Proofs of
use are due by the dates in the grant notice.
"""

from __future__ import annotations

from datetime import date

FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a programme, an act or a cash year may belong to


def application_deadline(year: int) -> date:
    return date(year, 3, 31)


def year_end(year: int) -> date:
    """Signatures, grant notice, autumn meeting, publication, deviation decisions."""
    return date(year, 12, 31)


def judgement_deadline(year: int) -> date:
    """The §6 judgement of target achievement."""
    return date(year + 1, 3, 31)


def year_start(year: int) -> date:
    return date(year, 1, 1)
