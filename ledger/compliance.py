"""Compliance: the obligations of an agreement and the grant rules, each judged PASS, FAIL,
PENDING (not yet due on the day judged) or N/A, with the positions of the evidence.

Every fact comes from the aggregates' state (with corrections laid over), replayed from the
entries that the chosen clock keeps: what had happened by a day (effective dates), what the
ledger knew on a day (recorded time), or both. Deadlines are those of `ledger.domain.calendar`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

from ledger.domain import calendar
from ledger.domain.agreement import Agreement
from ledger.domain.agreement_state import AssessmentState
from ledger.domain.entry import Entry
from ledger.domain.grant import Grant
from ledger.domain.grant_state import ZERO
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
    """An agreement and its grants as the chosen clock saw them, judged on a given day."""

    agreement: Agreement
    grants: tuple[Grant, ...]
    entries: tuple[Entry, ...]
    on: date
    four_eyes: bool

    def positions(self, *event_types: type) -> tuple[int, ...]:
        return tuple(e.position for e in self.entries if isinstance(e.event, event_types))

    def position_of(self, stream: str, version: int) -> tuple[int, ...]:
        return tuple(e.position for e in self.entries
                     if e.event.originator_id == stream and e.event.originator_version == version)

    def due(self, deadline: date, missing: str, evidence: tuple[int, ...] = ()) -> Check:
        """Nothing yet: PENDING until the deadline, FAIL after it."""
        status = Status.PENDING if self.on <= deadline else Status.FAIL
        return Check("", status, f"{missing} (due {deadline})", evidence)


def _late(day: date, deadline: date) -> str:
    return "" if day <= deadline else f", after the deadline {deadline} (late)"


def signatures(f: Facts) -> Check:
    """Both parties signed by the year's end: the agreement came into force (its first version
    signed by both; an amendment's signatures, however late, do not undo that)."""
    a = f.agreement
    deadline = calendar.year_end(a.year)
    evidence = f.positions(Agreement.Signed)
    since = a.entered_into_force
    if since is not None:
        status = Status.PASS if since <= deadline else Status.FAIL
        awaiting = sorted({"HMSI", a.party_ags} - {s.party for s in a.current_signatures()})
        pending = f"; version {a.content_version} awaits the signature of {' and '.join(awaiting)}" if awaiting else ""
        return Check("", status, f"both signed; in force since {since}{_late(since, deadline)}{pending}", evidence)
    signed = {s.party for s in a.current_signatures()}
    if {"HMSI", a.party_ags} <= signed:
        return Check("", Status.FAIL, "both signed, but a signature's date is blank (correct it)", evidence)
    missing = " and ".join(sorted({"HMSI", a.party_ags} - signed))
    return f.due(deadline, f"no signature of {missing}", evidence)


def application(f: Facts) -> Check:
    deadline = calendar.application_deadline(f.agreement.year)
    submitted = [g.submitted_on for g in f.grants if g.submitted_on]
    if not submitted:
        return f.due(deadline, "no application")
    first = min(submitted)
    evidence = f.positions(Grant.ApplicationSubmitted)
    requested = sum((g.requested for g in f.grants), ZERO)
    if requested > f.agreement.total:
        return Check("", Status.FAIL, f"{len(submitted)} application(s) request {requested:,.2f} EUR, above the § 4 "
                     f"budget of {f.agreement.total:,.2f} EUR; the first submitted {first} (due {deadline})"
                     f"{_late(first, deadline)}", evidence)
    status = Status.PASS if first <= deadline else Status.FAIL
    return Check("", status, f"submitted {first} (due {deadline}){_late(first, deadline)}", evidence)


def grant_notice(f: Facts) -> Check:
    issued = [g.notice_date for g in f.grants if g.notice_date]
    granted = sum((g.granted for g in f.grants if g.notice_date), ZERO)
    evidence = f.positions(Grant.NoticeIssued, Grant.NoticeAmended)
    if issued and granted > f.agreement.total:
        return Check("", Status.FAIL, f"{len(issued)} notice(s) grant {granted:,.2f} EUR, above the § 4 budget of "
                     f"{f.agreement.total:,.2f} EUR", evidence)
    if issued:
        return Check("", Status.PASS, f"notice of {min(issued)}", evidence)
    return f.due(calendar.year_end(f.agreement.year), "no grant notice")


def autumn_meeting(f: Facts) -> Check:
    a = f.agreement
    if "autumn-meeting" not in a.clauses:
        return Check("", Status.NA, "the agreement has no autumn-meeting clause")
    deadline = calendar.year_end(a.year)
    evidence = tuple(p for m in a.meetings for p in f.position_of(a.id, m.version))
    in_time = sorted(m.held_on for m in a.meetings if m.held_on <= deadline)
    if in_time:
        return Check("", Status.PASS, f"held {in_time[0]}", evidence)
    if a.meetings:
        late = min(m.held_on for m in a.meetings)
        return Check("", Status.FAIL, f"held {late}, after {deadline} (late)", evidence)
    return f.due(deadline, "no implementation meeting held")


def deviations_decided(f: Facts) -> Check:
    deviations = f.agreement.deviations
    if not deviations:
        return Check("", Status.NA, "no deviation reported")
    year_end, judgement = calendar.year_end(f.agreement.year), calendar.judgement_deadline(f.agreement.year)
    evidence = f.positions(Agreement.DeviationReported, Agreement.DeviationDecided)
    # A deviation reported in the year is decided by its end; one reported later, before the judgement.
    # One reported after the judgement's deadline came too late to be judged: the report is what is
    # late (its decision is not blamed for a deadline that had passed before it was reported).
    reported_late = {d.deviation_id: d.effective for d in deviations.values() if d.effective > judgement}
    due = {d.deviation_id: year_end if d.effective <= year_end else judgement for d in deviations.values()}
    open_ = [d.deviation_id for d in deviations.values() if d.decision is None]
    late = [f"{d.deviation_id} decided {first.effective}, after {due[d.deviation_id]}"
            for d in deviations.values() if d.decisions and (first := d.decisions[0]).effective is not None
            and first.effective > due[d.deviation_id] and d.deviation_id not in reported_late]
    if reported_late:
        said = "; ".join(f"{i} reported {day}, after the judgement deadline {judgement} (late report)"
                         for i, day in reported_late.items())
        undecided = f"; undecided: {', '.join(open_)}" if open_ else ""
        return Check("", Status.FAIL, said + undecided + (f"; {'; '.join(late)} (late)" if late else ""), evidence)
    if open_:
        return f.due(min(due[i] for i in open_), f"undecided: {', '.join(open_)}", evidence)
    if late:
        return Check("", Status.FAIL, f"{'; '.join(late)} (late)", evidence)
    return Check("", Status.PASS, f"all {len(deviations)} decided", evidence)


def assessment(f: Facts) -> Check:
    a = f.agreement
    deadline = calendar.judgement_deadline(a.year)
    current = [s for s in a.assessments.values() if not s.superseded_by]
    if not current:
        return f.due(deadline, "no assessment of target achievement")
    latest = current[-1]
    evidence = f.positions(Agreement.TargetAchievementAssessed, Agreement.AssessmentSignedOff)
    made = latest.effective or deadline
    untreated = sorted(set(a.deviations) - {t.deviation_id for t in latest.treatments})
    # reported after the judgement was made: not the judgement's fault, but it is to be revised
    after = [d for d in untreated if a.deviations[d].effective > made]
    if untreated and len(after) < len(untreated):
        return Check("", Status.FAIL, f"{latest.assessment_id} does not treat {', '.join(untreated)} "
                     "(arrived after its evidence position: revise it)", evidence)
    first = _first_judgement(a, latest)
    if (first.effective or deadline) > deadline:
        return Check("", Status.FAIL, f"{latest.assessment_id} ({latest.verdict.value}) made {made}, after the "
                     f"deadline {deadline} (late)", evidence)
    if after:
        reported = ", ".join(f"{d} (reported {a.deviations[d].effective})" for d in after)
        return Check("", Status.PENDING, f"{latest.assessment_id} ({latest.verdict.value}) of {made} was made in "
                     f"time; {reported} came after it: revise the judgement to treat it", evidence)
    when = f"{made} (revising {first.assessment_id} of {first.effective}, made in time)" if first is not latest \
        else str(made)
    if f.four_eyes and latest.signed_off_by is None:
        revision_after = first is not latest and made > deadline  # prompted by what came after the deadline
        status = Status.PENDING if f.on <= deadline or revision_after else Status.FAIL
        return Check("", status, f"{latest.assessment_id} ({latest.verdict.value}) of {when} awaits a "
                     f"sign-off (due {deadline})", evidence)
    return Check("", Status.PASS, f"{latest.assessment_id}: {latest.verdict.value}, made {when} (due {deadline}), "
                 "treats every deviation", evidence)


def _first_judgement(a: Agreement, latest: AssessmentState) -> AssessmentState:
    """The judgement a chain of revisions started from (its lateness is the chain's)."""
    found, seen = latest, {latest.assessment_id}
    while found.supersedes and found.supersedes in a.assessments and found.supersedes not in seen:
        found = a.assessments[found.supersedes]
        seen.add(found.assessment_id)
    return found


def publication(f: Facts) -> Check:
    a = f.agreement
    evidence = tuple(p for pub in a.publications for p in f.position_of(a.id, pub.version))
    if not a.publications:
        return f.due(calendar.year_end(a.year), "not published")
    same = a.published_equals_signed()
    signed = a.signed_document_sha256 or ""
    if same is None:
        return Check("", Status.PENDING, "published; no imported signed document to compare with", evidence)
    if same:
        return Check("", Status.PASS, f"published file = signed document (sha256 {signed[:12]}…)", evidence)
    shown = ", ".join(f"{p.sha256[:12]}…" if p.sha256 else "no hash" for p in a.publications)
    return Check("", Status.FAIL, f"published file {shown} ≠ signed document {signed[:12]}…", evidence)


def proofs_of_use(f: Facts) -> Check:
    if not any(g.notice_date for g in f.grants):
        return Check("", Status.NA, "no grant notice")
    problems: list[str] = []
    pending: list[str] = []
    for grant in f.grants:
        for kind, due in grant.proof_due.items():
            _judge_proof(f, grant, kind, due, problems, pending)
    evidence = f.positions(Grant.ProofOfUseSubmitted, Grant.ProofOfUseReviewed)
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
    proof = grant.proofs.get(kind)
    if proof is None:
        (pending if f.on <= due else problems).append(f"{kind.value} proof due {due} not submitted")
        return
    first = proof.first_submitted_on or proof.submitted_on  # a proof submitted again was in on its first day
    if first > due:
        problems.append(f"{kind.value} proof submitted {first}, due {due} (late)")
    elif kind not in grant.reviews or grant.reviews[kind].version < proof.version:
        again = " (submitted again)" if first != proof.submitted_on else ""
        pending.append(f"{kind.value} proof of {proof.submitted_on}{again} not yet reviewed")


def payments(f: Facts) -> Check:
    evidence = f.positions(Grant.FundsDisbursed)
    if not evidence:
        return Check("", Status.NA, "no payment yet")
    problems = []
    for grant in f.grants:
        problems += [f"{grant.id} cash year {y.year}: paid {y.paid:,.2f} > scheduled {y.scheduled or ZERO:,.2f}"
                     for y in grant.cash_years() if not y.within]
        if grant.disbursed > grant.granted:
            problems.append(f"{grant.id}: paid {grant.disbursed:,.2f} > granted {grant.granted:,.2f}")
    if problems:
        return Check("", Status.FAIL, "; ".join(problems), evidence)
    paid = sum((g.disbursed for g in f.grants), ZERO)
    return Check("", Status.PASS, f"{paid:,.2f} EUR paid within the notice and its cash years", evidence)


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
