"""The figures of an agreement with its grants, computed once from the aggregates' state (with
corrections laid over): the money stages of docs/domain.md and the cash years. Views, reports, the
§6 dossier and the CLI show these; none of them sums money of its own.

A stage that was never reached is None ("not reached"), which is not 0.00.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal

from ledger.domain.agreement import Agreement
from ledger.domain.grant import Grant

ZERO = Decimal("0.00")
STAGES = ("announced", "agreed", "requested", "granted", "amended", "disbursed", "proven", "reclaimed",
          "refunded")


def total(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the facts there are; None when there is none."""
    known = [v for v in values if v is not None]
    return sum(known, ZERO) if known else None


@dataclass(frozen=True)
class MoneyStages:
    announced: Decimal | None
    agreed: Decimal | None
    requested: Decimal | None
    granted: Decimal | None  # as the notices granted
    amended: Decimal | None  # as the latest amendments grant (None: never amended)
    disbursed: Decimal | None
    proven: Decimal | None
    reclaimed: Decimal | None
    refunded: Decimal | None

    def as_dict(self) -> dict[str, Decimal | None]:
        return asdict(self)

    @property
    def current_grant(self) -> Decimal | None:
        return self.amended if self.amended is not None else self.granted

    @property
    def undrawn(self) -> Decimal | None:
        return None if self.current_grant is None else self.current_grant - (self.disbursed or ZERO)


def stages(agreement: Agreement, grants: Sequence[Grant]) -> MoneyStages:
    noticed = [g for g in grants if g.notice_amount is not None]
    return MoneyStages(
        announced=total(agreement.announced.values()),
        agreed=agreement.total if agreement.lines else None,
        requested=total(g.requested for g in grants),
        granted=total(g.notice_amount for g in noticed),
        amended=total(g.granted for g in noticed) if any(g.amended is not None for g in noticed) else None,
        disbursed=total(p.amount for g in grants for p in g.payments),
        proven=total(g.proven for g in grants),
        reclaimed=total(g.reclaimed for g in grants if g.reclaimed),
        refunded=total(g.refunded for g in grants if g.refunded),
    )


@dataclass(frozen=True)
class CashYearStages:
    """One cash year across an agreement and its grants."""

    year: int
    announced: Decimal | None
    granted: Decimal | None  # as the notices schedule it
    amended: Decimal | None  # as the amendments schedule it
    disbursed: Decimal | None


def cash_years(agreement: Agreement, grants: Sequence[Grant]) -> list[CashYearStages]:
    years = {c.year for schedule in agreement.announced_cash.values() for c in schedule}
    for g in grants:
        years |= {c.year for c in (*g.notice_schedule, *g.amended_schedule)} | {p.cash_year for p in g.payments}
    return [CashYearStages(
        year,
        announced=total(c.amount for s in agreement.announced_cash.values() for c in s if c.year == year),
        granted=total(c.amount for g in grants for c in g.notice_schedule if c.year == year),
        amended=total(c.amount for g in grants for c in g.amended_schedule if c.year == year),
        disbursed=total(p.amount for g in grants for p in g.payments if p.cash_year == year),
    ) for year in sorted(years)]
