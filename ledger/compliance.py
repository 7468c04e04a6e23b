"""Compliance: the obligations of an agreement and the grant rules, each judged PASS, FAIL,
PENDING (not yet due on the given day) or N/A, with the positions of the evidence.

Deadlines: application by 31 March of the year; signatures, grant notice, autumn meeting,
publication and deviation decisions by 31 December of the year; the judgement of target
achievement by 31 March of the following year; proofs of use by the dates in the grant notice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum

from ledger.domain.agreement import Agreement
from ledger.domain.entry import Entry
from ledger.domain.grant import Grant
from ledger.domain.values import ProofKind


class Status(Enum):
    PASS = "PASS"  # noqa: S105 (a verdict, not a password)
    FAIL = "FAIL"
    PENDING = "PENDING"
    NA = "N/A"


@dataclass(frozen=True)
class Check:
    obligation: str
    status: Status
    detail: str
    positions: tuple[int, ...] = ()


@dataclass(frozen=True)
class Facts:
    """An agreement's trail, with its state now, judged on a given day."""

    agreement: Agreement
    grants: tuple[Grant, ...]
    entries: tuple[Entry, ...]
    on: date
    four_eyes: bool

    def positions(self, event_type: type) -> tuple[int, ...]:
        return tuple(e.position for e in self.entries if isinstance(e.event, event_type))

    def due(self, deadline: date, missing: str, evidence: tuple[int, ...] = ()) -> Check:
        """Nothing yet: PENDING until the deadline, FAIL after it."""
        status = Status.PENDING if self.on <= deadline else Status.FAIL
        return Check("", status, f"{missing} (due {deadline})", evidence)


def signatures(f: Facts) -> Check:
    agreement = f.agreement
    signed = {s.party for (v, _), s in agreement.signatures.items() if v == agreement.content_version}
    evidence = f.positions(Agreement.Signed)
    if {"HMSI", agreement.party_ags} <= signed:
        since = agreement.in_force_since
        return Check("", Status.PASS, f"both signed; in force since {since or '(a date is blank)'}", evidence)
    missing = " and ".join(sorted({"HMSI", agreement.party_ags} - signed))
    return f.due(date(agreement.year, 12, 31), f"no signature of {missing}", evidence)


def application(f: Facts) -> Check:
    deadline = date(f.agreement.year, 3, 31)
    submitted = [g for g in f.grants if g.submitted_on]
    evidence = f.positions(Grant.ApplicationSubmitted)
    if not submitted:
        return f.due(deadline, "no application")
    first = min(g.submitted_on for g in submitted if g.submitted_on)
    status = Status.PASS if first <= deadline else Status.FAIL
    return Check("", status, f"submitted {first} (due {deadline})", evidence)


def grant_notice(f: Facts) -> Check:
    issued = [g.notice_date for g in f.grants if g.notice_date]
    if issued:
        return Check("", Status.PASS, f"notice of {min(issued)}", f.positions(Grant.NoticeIssued))
    return f.due(date(f.agreement.year, 12, 31), "no grant notice")


def autumn_meeting(f: Facts) -> Check:
    if "autumn-meeting" not in f.agreement.clauses:
        return Check("", Status.NA, "the agreement has no autumn-meeting clause")
    year_end = date(f.agreement.year, 12, 31)
    held = [(e.position, e.event) for e in f.entries if isinstance(e.event, Agreement.ImplementationMeetingHeld)]
    in_time = [(p, m) for p, m in held if m.held_on <= year_end]
    if in_time:
        return Check("", Status.PASS, f"held {in_time[0][1].held_on}", tuple(p for p, _ in in_time))
    return f.due(year_end, "no implementation meeting held", tuple(p for p, _ in held))


def deviations_decided(f: Facts) -> Check:
    deviations = f.agreement.deviations
    if not deviations:
        return Check("", Status.NA, "no deviation reported")
    open_ = [d for d in deviations.values() if d.decision is None]
    evidence = f.positions(Agreement.DeviationDecided)
    if not open_:
        return Check("", Status.PASS, f"all {len(deviations)} decided", evidence)
    names = ", ".join(d.deviation_id for d in open_)
    return f.due(date(f.agreement.year, 12, 31), f"undecided: {names}", evidence)


def assessment(f: Facts) -> Check:
    current = [a for a in f.agreement.assessments.values() if not a.superseded_by]
    if not current:
        return f.due(date(f.agreement.year + 1, 3, 31), "no assessment of target achievement")
    latest = current[-1]
    event = f.agreement.entries[latest.version]
    treated = {t.deviation_id for t in getattr(event, "treatments", ())}
    untreated = sorted(set(f.agreement.deviations) - treated)
    evidence = (*f.positions(Agreement.TargetAchievementAssessed), *f.positions(Agreement.AssessmentSignedOff))
    if untreated:
        return Check("", Status.FAIL, f"{latest.assessment_id} does not treat {', '.join(untreated)} "
                     "(arrived after its evidence position: revise it)", evidence)
    if f.four_eyes and latest.signed_off_by is None:
        return Check("", Status.PENDING, f"{latest.assessment_id} ({latest.verdict.value}) awaits a sign-off", evidence)
    return Check("", Status.PASS, f"{latest.assessment_id}: {latest.verdict.value}, treats every deviation", evidence)


def publication(f: Facts) -> Check:
    published = f.positions(Agreement.Published)
    signed_sha = (f.agreement.document_id or "").removeprefix("DOC-") or None
    if not published:
        return f.due(date(f.agreement.year, 12, 31), "not published")
    hashes = [getattr(e.event, "sha256", None) for e in f.entries if e.position in published]
    if signed_sha is None:
        return Check("", Status.PENDING, "published; no imported signed document to compare with", published)
    if signed_sha in hashes:
        return Check("", Status.PASS, f"published file = signed document (sha256 {signed_sha[:12]}…)", published)
    shown = ", ".join(f"{h[:12]}…" if h else "no hash" for h in hashes)
    return Check("", Status.FAIL, f"published file {shown} ≠ signed document {signed_sha[:12]}…", published)


def proofs_of_use(f: Facts) -> Check:
    if not any(g.notice_date for g in f.grants):
        return Check("", Status.NA, "no grant notice")
    problems: list[str] = []
    pending: list[str] = []
    for grant in f.grants:
        for kind, due in grant.proof_due.items():
            _judge_proof(f, grant, kind, due, problems, pending)
    evidence = (*f.positions(Grant.ProofOfUseSubmitted), *f.positions(Grant.ProofOfUseReviewed))
    if problems:
        return Check("", Status.FAIL, "; ".join(problems), evidence)
    if pending:
        return Check("", Status.PENDING, "; ".join(pending), evidence)
    return Check("", Status.PASS, "submitted on time and reviewed", evidence) if evidence else Check(
        "", Status.NA, "no proof of use due")


def _judge_proof(f: Facts, grant: Grant, kind: ProofKind, due: date | None, problems: list[str],
                 pending: list[str]) -> None:
    if due is None:
        return
    version = grant.proofs.get(kind)
    if version is None:
        (pending if f.on <= due else problems).append(f"{kind.value} proof due {due} not submitted")
        return
    submitted = getattr(grant.entries[version], "submitted_on", due)
    if submitted > due:
        problems.append(f"{kind.value} proof submitted {submitted}, due {due}")
    elif kind not in grant.reviews:
        pending.append(f"{kind.value} proof of {submitted} not yet reviewed")


def payments(f: Facts) -> Check:
    paid = [(e.position, e.event) for e in f.entries if isinstance(e.event, Grant.FundsDisbursed)]
    if not paid:
        return Check("", Status.NA, "no payment yet")
    problems = []
    for grant in f.grants:
        per_year: dict[int, Decimal] = {}
        for _, payment in paid:
            if payment.originator_id == grant.id:
                per_year[payment.cash_year] = per_year.get(payment.cash_year, Decimal(0)) + payment.amount
        schedule = {c.year: c.amount for c in grant.cash_schedule}
        problems += [f"{grant.id} cash year {y}: paid {a:,.2f} > scheduled {schedule.get(y, Decimal(0)):,.2f}"
                     for y, a in sorted(per_year.items()) if schedule and a > schedule.get(y, Decimal(0))]
        if grant.disbursed > grant.granted:
            problems.append(f"{grant.id}: paid {grant.disbursed:,.2f} > granted {grant.granted:,.2f}")
    evidence = tuple(p for p, _ in paid)
    if problems:
        return Check("", Status.FAIL, "; ".join(problems), evidence)
    total = sum((g.disbursed for g in f.grants), Decimal(0))
    return Check("", Status.PASS, f"{total:,.2f} EUR paid within the notice and its cash years", evidence)


RULES: tuple[tuple[str, Callable[[Facts], Check]], ...] = (
    ("signatures", signatures), ("application by 31 March", application), ("grant notice", grant_notice),
    ("autumn meeting", autumn_meeting), ("deviations decided", deviations_decided),
    ("assessment", assessment), ("published = signed", publication), ("proofs of use", proofs_of_use),
    ("payments within grant", payments),
)


def checklist(facts: Facts) -> list[Check]:
    return [Check(name, c.status, c.detail, c.positions) for name, rule in RULES for c in [rule(facts)]]


def obligations() -> Sequence[str]:
    return [name for name, _ in RULES]
