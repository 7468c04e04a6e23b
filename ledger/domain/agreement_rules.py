"""The Agreement's identifiers, and its rules (docs/domain.md and what the catalogue implies), each a
named guard with a message that says what to do."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ledger import reference
from ledger.domain import calendar
from ledger.domain.agreement_state import ZERO, DeviationState, ProjectState
from ledger.domain.errors import (
    ApprovalMissingError,
    BudgetExceededError,
    CashScheduleError,
    DateOrderError,
    DeviationAlreadyDecidedError,
    DuplicateSignatureError,
    InvalidIdentifierError,
    InvalidInputError,
    InvariantError,
    NegativeAmountError,
    NotAuthorisedError,
    ReallocationExceedsSourceError,
    RuleViolationError,
)
from ledger.domain.money import money
from ledger.domain.values import BudgetLine, CashYear, Category, Decision, Envelope, Scope

if TYPE_CHECKING:
    from datetime import date

    from ledger.domain.agreement import Agreement

AGREEMENT_ID = re.compile(r"^AQB-(?P<year>\d{4})-(?P<ags>\d{5})$")


def agreement_id(year: int, ags: str) -> str:
    return f"AQB-{year}-{ags}"


def parse_agreement_id(text: str) -> tuple[int, str]:
    """Split and check an id such as AQB-2024-06532."""
    found = AGREEMENT_ID.match(text.strip())
    if not found or reference.party(found.group("ags")) is None or \
            not calendar.FIRST_YEAR <= int(found.group("year")) <= calendar.LAST_YEAR:
        raise InvalidIdentifierError(
            f"invalid agreement id '{text}'",
            "write AQB-<year 2000–2100>-<AGS of one of the 26 parties>, e.g. AQB-2024-06532",
        )
    return int(found.group("year")), found.group("ags")


def parse_party(text: str) -> str:
    """Check a party given by its AGS, such as 06532 (one of the 26 parties)."""
    ags = text.strip()
    if reference.party(ags) is None:
        raise InvalidIdentifierError(f"invalid party '{text}': not the AGS of one of the 26 parties",
                                     "write the five digits of its AGS, e.g. 06532 (Lahn-Dill-Kreis)")
    return ags


def check_one_line_per_budget(lines: tuple[BudgetLine, ...]) -> None:
    """§ 4 gives each budget one amount: two lines for one budget would add up to a total the
    agreement does not name."""
    seen: set[str] = set()
    for line in lines:
        if line.budget.value in seen:
            raise InvalidInputError(f"two § 4 lines for {line.budget.value}",
                                    "give each budget once: --amount is the AQB line, --line BUDGET=AMOUNT any other")
        seen.add(line.budget.value)


def section4_amounts(lines: tuple[BudgetLine, ...]) -> dict[str, Decimal]:
    return {f"§4 {line.budget.value}": line.amount for line in lines}


def valid_amount(amount: Decimal, what: str) -> Decimal:
    """Money in an event: never negative, always in cents."""
    if amount < 0:
        raise NegativeAmountError(what)
    return money(amount)


def _eur(amount: Decimal) -> str:
    return f"{amount:,.2f} EUR"


# --- money ------------------------------------------------------------------------------------
def check_schedule_adds_up(schedule: Sequence[CashYear], amount: Decimal, what: str) -> None:
    """Cash years, when given, add up to the amount, once per year."""
    if not schedule:
        return
    years = [c.year for c in schedule]
    if len(set(years)) != len(years):
        raise CashScheduleError(f"{what} name a year twice", "give each cash year once")
    scheduled = sum((c.amount for c in schedule), ZERO)
    if scheduled != amount:
        raise CashScheduleError(f"{what} add up to {_eur(scheduled)}, not {_eur(amount)}",
                                "make the cash years add up to the amount")


_PROJECT_ID = re.compile(r"P\d+", re.ASCII)


def project_name(agreement: Agreement, given: str) -> str:
    """The name a project is planned under: a project's id (P3) stands for that listed project; a
    new project is never named like an id, which would then mean two projects."""
    if not _PROJECT_ID.fullmatch(given.strip().upper()):
        return given
    listed = agreement.projects.get(given.strip().upper())
    if listed is None:
        raise InvalidIdentifierError(f"{agreement.id} has no project {given.strip()}",
                                     "name a new project by its name, or a listed one by its id "
                                     f"(see 'aqb agreement show {agreement.id}')")
    return listed.name


def check_not_planned_yet(name: str, existing: ProjectState | None) -> None:
    if existing is not None and existing.planned is not None:
        raise RuleViolationError(f"project '{name}' is already planned as {existing.project_id}",
                                 "move money with 'aqb record reallocation' or correct the entry")


def check_within_budget(agreement: Agreement, name: str, amount: Decimal) -> None:
    """Planned amounts never take the agreement beyond its §4 budget."""
    after = agreement.allocated + amount
    if after > agreement.total:
        raise BudgetExceededError(
            f"planning {_eur(amount)} for '{name}' would allocate {_eur(after)}, above the §4 budget of "
            f"{_eur(agreement.total)} of {agreement.id} ({_eur(agreement.unallocated)} unallocated)",
            "plan at most the unallocated amount, move money from a project, or amend the agreement first",
        )


def check_reallocation(agreement: Agreement, source: str, target: str, amount: Decimal, approval: str | None) -> None:
    """A move of money has a source, a different target, an approval, and the source holds it."""
    if source == target:
        raise RuleViolationError(f"a reallocation moves money between two items, not from {source} to itself",
                                 "name a different --to")
    if not (approval and approval.strip()):
        raise ApprovalMissingError("a reallocation needs the reference of its approval", "give --approval REF")
    if amount <= 0:
        raise RuleViolationError("a reallocation moves more than 0.00 EUR", "give the amount moved")
    holds = agreement.holds(source)
    if amount > holds:
        raise ReallocationExceedsSourceError(f"cannot move {_eur(amount)} from {source}: it holds {_eur(holds)}",
                                             "move at most what the source holds")


# --- deviations and decisions ----------------------------------------------------------------
def scope_ref(agreement: Agreement, scope: Scope, ref: str | None) -> str | None:
    """A deviation's scope names what exists: a project of the agreement, or a measure category."""
    if scope is Scope.PROJECT:
        if not ref:
            raise RuleViolationError("a deviation of a project names the project", "give --ref P3 (or its name)")
        return agreement.project_ref(ref)
    if scope is Scope.CATEGORY:
        if ref not in Category.__members__:
            raise RuleViolationError(f"a deviation of a category names one of {', '.join(Category.__members__)}",
                                     "give --ref AV, AUS, QUAL, PERS, TZA or SPRACH")
        return ref
    return ref


def check_decision(envelope: Envelope, deviation: DeviationState, decision: Decision, conditions: str | None,
                   *, revise: bool) -> None:
    check_decider_is_not_reporter(envelope, deviation)
    last = deviation.decision
    if last is not None and not revise:
        raise DeviationAlreadyDecidedError(
            f"deviation {deviation.deviation_id} was already decided ({last.decision.value})",
            "a change of mind is a new decision: add --revise with a --reason",
        )
    if revise and last is None:
        raise RuleViolationError(f"deviation {deviation.deviation_id} has no decision to revise",
                                 "decide it first, without --revise")
    if decision is Decision.APPROVED_WITH_CONDITIONS and not (conditions and conditions.strip()):
        raise RuleViolationError("an approval with conditions needs the conditions", "give --conditions '…'")
    check_not_before(envelope.effective, deviation.effective, f"the decision on {deviation.deviation_id}",
                     f"its report ({deviation.effective})", "nothing is decided before it was reported")
    if last is not None and last.effective is not None:
        check_not_before(envelope.effective, last.effective, "a revised decision",
                         f"the decision it revises ({last.effective})",
                         "a change of mind is dated when it happened, never before the decision it changes")


def check_decider_is_not_reporter(envelope: Envelope, deviation: DeviationState) -> None:
    if envelope.actor.organisation == deviation.reported_by.organisation:
        raise NotAuthorisedError(
            f"{envelope.actor} may not decide deviation {deviation.deviation_id}: "
            f"{deviation.reported_by.organisation} reported it",
            "a deviation is decided by the ministry or RP Kassel, never by the one who reported it",
        )


# --- dates ------------------------------------------------------------------------------------
def check_not_before(day: date, earliest: date, what: str, reference_: str, hint: str) -> None:
    if day < earliest:
        raise DateOrderError(f"{what} is dated {day}, before {reference_}", hint + " (check --effective)")


def check_not_before_the_year(agreement: Agreement, day: date, what: str) -> None:
    check_not_before(day, calendar.year_start(agreement.year), what, f"the programme year {agreement.year} began",
                     f"{what} of {agreement.id} falls in or after its year")


def check_meeting(agreement: Agreement, held_on: date, discussed: Sequence[DeviationState]) -> None:
    check_not_before_the_year(agreement, held_on, "the implementation meeting")
    for deviation in discussed:
        check_not_before(held_on, deviation.effective, f"a meeting that discusses {deviation.deviation_id}",
                         f"its report ({deviation.effective})", "a meeting discusses what was reported before it")


def check_signature(agreement: Agreement, party: str, organisation: str) -> None:
    if not agreement.is_party_of(party):
        raise RuleViolationError(f"{party} is not a party of {agreement.id}",
                                 f"the parties are {reference.MINISTRY} and {agreement.party_ags}")
    if organisation != party:
        raise RuleViolationError(f"the signatory belongs to {organisation}, not to the signing party {party}",
                                 "a party signs through its own representative")
    if (agreement.content_version, party) in agreement.signatures:
        raise DuplicateSignatureError(f"{party} has already signed {agreement.id}",
                                      "each party signs an agreement version once; correct the entry if it was wrong")


def check_counts(counts: Mapping[str, Any]) -> None:
    if counts["period_end"] < counts["period_start"]:
        raise RuleViolationError("the period ends before it starts", "check --from and --to")
    numbers = [counts["entries"], counts["exits"], *(c.count for c in counts["outcomes"])]
    if any(n < 0 for n in numbers):
        raise NegativeAmountError("a count")


# --- the state as a whole (after a correction) ------------------------------------------------
def check_agreement_invariants(agreement: Agreement) -> None:
    """What must hold of an agreement's state whatever was recorded or corrected."""
    for project in agreement.projects.values():
        if project.current < 0 or (project.planned is not None and project.planned < 0):
            raise InvariantError(f"project {project.project_id} would hold {_eur(project.current)}",
                                 "a project never holds less than nothing")
    if agreement.allocated > agreement.total:
        raise InvariantError(f"{agreement.id} would allocate {_eur(agreement.allocated)}, above its §4 budget of "
                             f"{_eur(agreement.total)}", "plan within the budget, or amend the agreement first")
