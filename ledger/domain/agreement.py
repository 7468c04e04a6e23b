"""The Agreement aggregate: one Zielvereinbarung (party × year) and everything that happens to it.

Its state is the one model of an agreement: views, reports and commands all read it (with the
corrections laid over). Events only assign state, and tolerate a history with gaps (a replay of
what had happened by a date leaves out what came later); the rules live in the command methods
and in `agreement_rules`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from ledger import reference
from ledger.domain import agreement_assessment
from ledger.domain import agreement_rules as rules
from ledger.domain.agreement_rules import AGREEMENT_ID, agreement_id, parse_agreement_id, valid_amount
from ledger.domain.agreement_state import (
    UNALLOCATED,
    ZERO,
    AssessmentState,
    DecisionState,
    DeviationState,
    MeetingState,
    ProjectState,
    PublicationState,
    ReallocationState,
    SignatureState,
)
from ledger.domain.authority import DECIDERS, MINISTRY_ONLY, MINISTRY_OR_PARTY, REPORTERS, Rule, authorise
from ledger.domain.base import (
    CorrectionEvent,
    LedgerAggregate,
    LedgerCreated,
    LedgerEvent,
    check_in_programme,
    check_reason_given,
)
from ledger.domain.errors import DeviationNotFoundError, ProjectNotFoundError
from ledger.domain.values import (
    Act,
    ActivityKind,
    Budget,
    BudgetLine,
    CashYear,
    Category,
    Count,
    Decision,
    DeviationKind,
    DeviationTreatment,
    Envelope,
    Indicator,
    Measure,
    Scope,
    Verdict,
)

# The identifiers and the money guard live in agreement_rules; they are part of this module's API.
__all__ = ["AGREEMENT_ID", "Agreement", "agreement_id", "parse_agreement_id", "valid_amount"]


class Agreement(LedgerAggregate):
    TOPIC = "aqb:Agreement"

    class Event(LedgerEvent):
        TOPIC = "aqb:Agreement.Event"

    # --- events (docs/domain.md) ----------------------------------------------------------------
    class ContentEvent(Event):
        """Base of the events that state the agreed content of a version (§4 lines, §5 measures)."""

        TOPIC = "aqb:Agreement.ContentEvent"
        ministry_name: str
        budgets: tuple[Budget, ...]
        lines: tuple[BudgetLine, ...]
        measures: tuple[Measure, ...]
        clauses: tuple[str, ...]
        document_id: str | None

        def amounts(self) -> dict[str, Decimal]:
            return rules.section4_amounts(self.lines)

    class Recorded(LedgerCreated, ContentEvent):
        TOPIC = "aqb:Agreement.Recorded:v1"
        LABEL = "agreement recorded"
        RULE = Rule(Act.RECORD, MINISTRY_ONLY)
        year: int
        party_ags: str
        party_name: str

        def on(self, agg: Agreement) -> None:
            agg.year, agg.party_ags, agg.party_name = self.year, self.party_ags, self.party_name
            agg.take_content(self)

    class Amended(ContentEvent):
        """A new version of the agreement's content (an amendment document); both parties sign
        the new version again."""

        TOPIC = "aqb:Agreement.Amended:v1"
        LABEL = "agreement amended"
        RULE = Rule(Act.RECORD, MINISTRY_ONLY)

        def on(self, agg: Agreement) -> None:
            agg.content_version += 1
            agg.take_content(self)

    class AllocationAnnounced(Event):
        TOPIC = "aqb:Agreement.AllocationAnnounced:v1"
        LABEL = "allocation announced"
        RULE = Rule(Act.RECORD, MINISTRY_ONLY)
        AMOUNT_FIELD = "amount"
        budget: Budget
        amount: Decimal
        cash_schedule: tuple[CashYear, ...]

        def on(self, agg: Agreement) -> None:
            agg.announced[self.budget] = self.amount
            agg.announced_cash[self.budget] = self.cash_schedule

    class ProjectPlanned(Event):
        TOPIC = "aqb:Agreement.ProjectPlanned:v1"
        LABEL = "project planned"
        RULE = Rule(Act.RECORD, MINISTRY_OR_PARTY)
        AMOUNT_FIELD = "planned_amount"
        project_id: str
        name: str
        category: Category
        planned_amount: Decimal
        planned_places: int | None

        def on(self, agg: Agreement) -> None:
            project = agg.projects.setdefault(
                self.project_id, ProjectState(self.project_id, self.name, self.category)
            )
            project.name, project.category = self.name, self.category
            project.planned, project.places = self.planned_amount, self.planned_places

    class FundsReallocated(Event):
        TOPIC = "aqb:Agreement.FundsReallocated:v1"
        LABEL = "funds reallocated"
        RULE = Rule(Act.DECIDE, DECIDERS)
        AMOUNT_FIELD = "amount"
        from_project: str
        to_project: str
        amount: Decimal
        approval_reference: str | None

        def on(self, agg: Agreement) -> None:
            if self.from_project in agg.projects:
                agg.projects[self.from_project].moved_out += self.amount
            if self.to_project in agg.projects:
                agg.projects[self.to_project].moved_in += self.amount
            agg.reallocations.append(ReallocationState(
                self.from_project, self.to_project, self.amount, self.approval_reference, self.envelope.actor,
                self.originator_version, self.envelope.effective))

    class DeviationReported(Event):
        TOPIC = "aqb:Agreement.DeviationReported:v1"
        LABEL = "deviation reported"
        RULE = Rule(Act.RECORD, REPORTERS)
        deviation_id: str
        kind: DeviationKind
        scope: Scope
        scope_ref: str | None
        metric: str | None
        planned: str | None
        actual: str | None
        cause: str

        def on(self, agg: Agreement) -> None:
            agg.deviations[self.deviation_id] = DeviationState(
                self.deviation_id, self.kind, self.scope, self.scope_ref, self.metric,
                self.planned, self.actual, self.cause, self.envelope.actor,
                self.originator_version, self.envelope.effective,
            )

    class DeviationDecided(Event):
        TOPIC = "aqb:Agreement.DeviationDecided:v1"
        LABEL = "deviation decided"
        RULE = Rule(Act.DECIDE, DECIDERS)
        deviation_id: str
        decision: Decision
        decision_reference: str | None
        conditions: str | None

        def on(self, agg: Agreement) -> None:
            deviation = agg.deviations.get(self.deviation_id)
            if deviation is not None:
                deviation.decisions.append(DecisionState(
                    self.decision, self.envelope.actor, self.originator_version,
                    self.decision_reference, self.conditions, self.envelope.effective,
                ))

    class Signed(Event):
        """A signature of one version of the content. Version 2 of the event names that version:
        replayed by the day an act took effect, a signature of an amendment may come before the
        amendment itself (signed 3 November, the amendment recorded as of the 10th), and was laid
        on the version before it, taking the place of that version's own signature."""

        TOPIC = "aqb:Agreement.Signed:v1"
        LABEL = "signed"
        RULE = Rule(Act.RECORD, MINISTRY_OR_PARTY)
        class_version = 2
        party: str  # HMSI or the party's AGS
        signatory: str
        function: str
        organisation: str  # the signatory's organisation code
        organisation_text: str | None  # as written in the document
        place: str | None
        signed_on: date | None
        raw_text: str | None
        content_version: int | None  # the version signed (None: stored before, the version then current)

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["content_version"] = None

        def on(self, agg: Agreement) -> None:
            agg.signatures[(self.content_version or agg.content_version, self.party)] = SignatureState(
                self.party, self.signatory, self.function, self.organisation, self.place,
                self.signed_on, self.originator_version,
            )

    class ImplementationMeetingHeld(Event):
        TOPIC = "aqb:Agreement.ImplementationMeetingHeld:v1"
        LABEL = "implementation meeting held"
        RULE = Rule(Act.RECORD, MINISTRY_OR_PARTY)
        held_on: date
        participants: tuple[str, ...]
        agenda: tuple[str, ...]
        deviations_discussed: tuple[str, ...]
        agreed_actions: tuple[str, ...]
        minutes_reference: str | None

        def on(self, agg: Agreement) -> None:
            agg.meetings.append(MeetingState(self.held_on, self.originator_version, self.participants,
                                             self.deviations_discussed, self.agreed_actions, self.minutes_reference))

    class Published(Event):
        TOPIC = "aqb:Agreement.Published:v1"
        LABEL = "published"
        RULE = Rule(Act.RECORD, MINISTRY_ONLY)
        url: str
        published_on: date
        sha256: str | None

        def on(self, agg: Agreement) -> None:
            agg.publications.append(PublicationState(self.url, self.published_on, self.sha256, self.originator_version))

    class ImprovementActivityRecorded(Event):
        TOPIC = "aqb:Agreement.ImprovementActivityRecorded:v1"
        LABEL = "§7 activity"
        RULE = Rule(Act.RECORD, MINISTRY_OR_PARTY)
        kind: ActivityKind
        title: str
        held_on: date

        def on(self, agg: Agreement) -> None:
            agg.activities.append(self.originator_version)

    class ParticipationReported(Event):
        """What a project delivered in a period: entries, exits and outcomes, as counts only."""

        TOPIC = "aqb:Agreement.ParticipationReported:v1"
        LABEL = "participation reported"
        RULE = Rule(Act.RECORD, MINISTRY_OR_PARTY)
        project_id: str
        period_start: date
        period_end: date
        entries: int
        exits: int
        outcomes: tuple[Count, ...]

        def on(self, agg: Agreement) -> None:
            project = agg.projects.get(self.project_id)
            if project is not None:
                project.entries += self.entries
                project.exits += self.exits
                project.reported_periods += 1

    class EntryCorrected(CorrectionEvent, Event):
        TOPIC = "aqb:Agreement.EntryCorrected:v1"
        LABEL = "entry corrected"
        RULE = Rule(Act.DECIDE, DECIDERS)

    class TargetAchievementAssessed(Event):
        """The §6 judgement: a human verdict, what it rested on (indicators computed from the
        ledger, the treatment of every deviation) and the evidence position the assessor saw."""

        TOPIC = "aqb:Agreement.TargetAchievementAssessed:v1"
        LABEL = "target achievement assessed"
        RULE = Rule(Act.ASSESS, MINISTRY_ONLY)
        assessment_id: str
        verdict: Verdict
        rationale: str
        indicators: tuple[Indicator, ...]
        treatments: tuple[DeviationTreatment, ...]
        evidence_position: int
        evidence_hash: str | None
        supersedes: str | None

        def on(self, agg: Agreement) -> None:
            agg.assessments[self.assessment_id] = AssessmentState(
                self.assessment_id, self.verdict, self.envelope.actor, self.originator_version,
                self.evidence_position, self.supersedes, assessor_login=self.envelope.login,
                effective=self.envelope.effective, treatments=self.treatments)
            superseded = agg.assessments.get(self.supersedes or "")
            if superseded is not None:
                superseded.superseded_by = self.assessment_id

    class AssessmentRevised(TargetAchievementAssessed):
        """A new judgement that supersedes an earlier one; the earlier one stays on record."""

        TOPIC = "aqb:Agreement.AssessmentRevised:v1"
        LABEL = "assessment revised"

    class AssessmentSignedOff(Event):
        TOPIC = "aqb:Agreement.AssessmentSignedOff:v1"
        LABEL = "assessment signed off"
        RULE = Rule(Act.SIGN_OFF, MINISTRY_ONLY)
        assessment_id: str
        note: str | None

        def on(self, agg: Agreement) -> None:
            assessment = agg.assessments.get(self.assessment_id)
            if assessment is not None:
                assessment.signed_off_by = self.envelope.actor
                assessment.signed_off_on = self.envelope.effective
                assessment.signed_off_version = self.originator_version

    # --- state ------------------------------------------------------------------------------
    def __init__(self) -> None:
        super().__init__()
        self.year = 0
        self.party_ags = self.party_name = self.ministry_name = ""
        self.budgets: tuple[Budget, ...] = ()
        self.lines: tuple[BudgetLine, ...] = ()
        self.measures: tuple[Measure, ...] = ()
        self.clauses: tuple[str, ...] = ()
        self.document_id: str | None = None
        self.content_version = 1
        self.announced: dict[Budget, Decimal] = {}
        self.announced_cash: dict[Budget, tuple[CashYear, ...]] = {}
        self.projects: dict[str, ProjectState] = {}
        self.deviations: dict[str, DeviationState] = {}
        self.reallocations: list[ReallocationState] = []
        self.signatures: dict[tuple[int, str], SignatureState] = {}
        self.meetings: list[MeetingState] = []
        self.publications: list[PublicationState] = []
        self.activities: list[int] = []
        self.assessments: dict[str, AssessmentState] = {}

    def take_content(self, content: Agreement.ContentEvent) -> None:
        """The agreed content of a version: §4 lines, §5 measures (new projects get the next id). A
        project the last version listed and this one does not is kept (its money and history are
        real) and marked as dropped in this version; listed again, it is no longer dropped."""
        before = {name.strip().casefold() for measure in self.measures for name in measure.projects}
        self.ministry_name, self.budgets, self.lines = content.ministry_name, content.budgets, content.lines
        self.measures, self.clauses, self.document_id = content.measures, content.clauses, content.document_id
        listed = {name.strip().casefold() for measure in content.measures for name in measure.projects}
        for measure in content.measures:
            for name in measure.projects:
                if self.find_project_by_name(name) is None:
                    pid = f"P{len(self.projects) + 1}"
                    self.projects[pid] = ProjectState(pid, name, measure.category)
        for project in self.projects.values():
            if project.name.casefold() in listed:
                project.dropped_in = None
            elif project.name.casefold() in before:
                project.dropped_in = self.content_version

    @property
    def party(self) -> str | None:
        return self.party_ags

    @property
    def budget_year(self) -> int | None:
        return self.year or None

    @property
    def total(self) -> Decimal:
        """The §4 amount: the sum of the budget lines."""
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def allocated(self) -> Decimal:
        return sum((p.current for p in self.projects.values()), ZERO)

    @property
    def unallocated(self) -> Decimal:
        return self.total - self.allocated

    @property
    def in_force_since(self) -> date | None:
        """The later of both signature dates, once both parties have signed this version."""
        both = self.current_signatures()
        if len({s.party for s in both}) < 2 or any(s.signed_on is None for s in both):
            return None
        return max(s.signed_on for s in both if s.signed_on is not None)

    @property
    def entered_into_force(self) -> date | None:
        """The day the agreement first came into force: the later signature date of the first
        version both parties signed (an amendment signed later does not move it)."""
        by_version: dict[int, list[SignatureState]] = {}
        for (version, _), signature in self.signatures.items():
            by_version.setdefault(version, []).append(signature)
        for version in sorted(by_version):
            both = by_version[version]
            if len({s.party for s in both}) >= 2 and all(s.signed_on is not None for s in both):
                return max(s.signed_on for s in both if s.signed_on is not None)
        return None

    def current_signatures(self) -> list[SignatureState]:
        return self.signatures_of(self.content_version)

    def signatures_of(self, version: int) -> list[SignatureState]:
        return [s for (v, _), s in self.signatures.items() if v == version]

    @property
    def version_in_force(self) -> int | None:
        """The latest version (up to the current one) that both parties signed, with both dates:
        the one in force, while an amendment waits for its signatures."""
        found = None
        for version in sorted({v for v, _ in self.signatures if v <= self.content_version}):
            both = self.signatures_of(version)
            if len({s.party for s in both}) >= 2 and all(s.signed_on is not None for s in both):
                found = version
        return found

    def signatures_in_force(self) -> list[SignatureState]:
        """The signatures of the version in force; of the current version while none is."""
        version = self.version_in_force
        return self.current_signatures() if version is None else self.signatures_of(version)

    @property
    def in_force_since_version(self) -> date | None:
        """The later signature date of the version in force (None: no version is)."""
        version = self.version_in_force
        if version is None:
            return None
        return max(s.signed_on for s in self.signatures_of(version) if s.signed_on is not None)

    @property
    def signed_document_sha256(self) -> str | None:
        """The SHA-256 of the imported, signed document of this version (if it was imported)."""
        return (self.document_id or "").removeprefix("DOC-") or None

    def published_equals_signed(self) -> bool | None:
        """Whether a publication's file is the signed document (None: nothing to compare)."""
        if not self.publications or self.signed_document_sha256 is None:
            return None
        return any(p.sha256 == self.signed_document_sha256 for p in self.publications)

    def check_invariants(self) -> None:
        rules.check_agreement_invariants(self)

    # --- commands ---------------------------------------------------------------------------
    @classmethod
    def record(cls, envelope: Envelope, *, year: int, party_ags: str, **content: Any) -> Agreement:
        envelope = authorise(envelope, cls.Recorded.RULE, "an agreement", party_ags)
        check_in_programme(envelope.effective, year, agreement_id(year, party_ags))
        rules.check_one_line_per_budget(content["lines"])
        content["lines"] = tuple(
            replace(line, amount=valid_amount(line.amount, "the §4 amount")) for line in content["lines"]
        )
        return cls._create(
            cls.Recorded, id=agreement_id(year, party_ags), envelope=envelope, year=year,
            party_ags=party_ags, **content,
        )

    def amend(self, envelope: Envelope, **content: Any) -> None:
        envelope = self.authorise(envelope, self.Amended, "an amendment")
        check_reason_given(envelope, "an amendment")
        rules.check_one_line_per_budget(content["lines"])
        content["lines"] = tuple(
            replace(line, amount=valid_amount(line.amount, "the §4 amount")) for line in content["lines"]
        )
        self.trigger_event(self.Amended, envelope=envelope, **content)

    def announce_allocation(
        self, envelope: Envelope, budget: Budget, amount: Decimal, cash_schedule: tuple[CashYear, ...]
    ) -> None:
        amount = valid_amount(amount, "the announced amount")
        envelope = self.authorise(envelope, self.AllocationAnnounced, "an allocation", amount)
        check_reason_given(envelope, "an allocation")
        rules.check_schedule_adds_up(cash_schedule, amount, "the announced cash years")
        self.trigger_event(
            self.AllocationAnnounced, envelope=envelope, budget=budget, amount=amount,
            cash_schedule=cash_schedule,
        )

    def plan_project(
        self, envelope: Envelope, name: str, category: Category, amount: Decimal, places: int | None
    ) -> str:
        amount = valid_amount(amount, "the planned amount")
        envelope = self.authorise(envelope, self.ProjectPlanned, "a project", amount)
        check_reason_given(envelope, "a planned project amount")
        name = rules.project_name(self, name)  # "P3": the listed project P3, never a new one named so
        existing = self.find_project_by_name(name)
        rules.check_not_planned_yet(name, existing)
        rules.check_within_budget(self, name, amount)
        project_id = self.project_id_for(existing)
        self.trigger_event(
            self.ProjectPlanned, envelope=envelope, project_id=project_id, name=name,
            category=category, planned_amount=amount, planned_places=places,
        )
        return project_id

    def reallocate(
        self, envelope: Envelope, source: str, target: str, amount: Decimal, approval: str | None
    ) -> None:
        amount = valid_amount(amount, "the reallocated amount")
        envelope = self.authorise(envelope, self.FundsReallocated, "a reallocation", amount)
        check_reason_given(envelope, "a reallocation")
        source_id, target_id = self.project_ref(source), self.project_ref(target)
        rules.check_reallocation(self, source_id, target_id, amount, approval)
        self.trigger_event(
            self.FundsReallocated, envelope=envelope, from_project=source_id,
            to_project=target_id, amount=amount, approval_reference=approval,
        )

    def report_deviation(self, envelope: Envelope, **facts: Any) -> str:
        envelope = self.authorise(envelope, self.DeviationReported, "a deviation")
        check_reason_given(envelope, "a deviation")
        rules.check_not_before_the_year(self, envelope.effective, "a deviation")  # §6: in-year deviations
        facts["scope_ref"] = rules.scope_ref(self, facts["scope"], facts["scope_ref"])
        deviation_id = self.next_deviation_id()
        self.trigger_event(self.DeviationReported, envelope=envelope, deviation_id=deviation_id, **facts)
        return deviation_id

    def decide_deviation(
        self, envelope: Envelope, deviation_id: str, decision: Decision,
        reference_: str | None, conditions: str | None, *, revise: bool = False,
    ) -> None:
        envelope = self.authorise(envelope, self.DeviationDecided, "a decision on a deviation")
        check_reason_given(envelope, "a decision")
        deviation = self.deviation(deviation_id)
        rules.check_decision(envelope, deviation, decision, conditions, revise=revise)
        self.trigger_event(
            self.DeviationDecided, envelope=envelope, deviation_id=deviation_id,
            decision=decision, decision_reference=reference_, conditions=conditions,
        )

    def sign(self, envelope: Envelope, **signature: Any) -> None:
        envelope = self.authorise(envelope, self.Signed, "a signature")
        rules.check_signature(self, signature["party"], signature["organisation"])
        self.trigger_event(self.Signed, envelope=envelope, content_version=self.content_version, **signature)

    def hold_meeting(self, envelope: Envelope, **meeting: Any) -> None:
        envelope = self.authorise(envelope, self.ImplementationMeetingHeld, "a meeting")
        discussed = [self.deviation(d) for d in meeting["deviations_discussed"]]
        rules.check_meeting(self, meeting["held_on"], discussed)
        self.trigger_event(self.ImplementationMeetingHeld, envelope=envelope, **meeting)

    def publish(self, envelope: Envelope, url: str, published_on: date, sha256: str | None) -> None:
        envelope = self.authorise(envelope, self.Published, "a publication")
        rules.check_not_before_the_year(self, published_on, "a publication")
        self.trigger_event(
            self.Published, envelope=envelope, url=url, published_on=published_on, sha256=sha256
        )

    def record_activity(self, envelope: Envelope, kind: ActivityKind, title: str, held_on: date) -> None:
        envelope = self.authorise(envelope, self.ImprovementActivityRecorded, "a §7 activity")
        self.trigger_event(
            self.ImprovementActivityRecorded, envelope=envelope, kind=kind, title=title, held_on=held_on
        )

    def report_participation(self, envelope: Envelope, project: str, **counts: Any) -> None:
        envelope = self.authorise(envelope, self.ParticipationReported, "participation")
        rules.check_counts(counts)
        self.trigger_event(self.ParticipationReported, envelope=envelope, project_id=self.project_ref(project),
                           **counts)

    def assess(
        self, envelope: Envelope, *, verdict: Verdict, rationale: str, indicators: tuple[Indicator, ...],
        treatments: tuple[DeviationTreatment, ...], known_deviations: tuple[str, ...],
        evidence_position: int, evidence_hash: str | None, supersedes: str | None = None,
    ) -> str:
        """Record the §6 judgement; every deviation known at the evidence position needs a treatment."""
        return agreement_assessment.record_assessment(
            self, envelope, verdict=verdict, rationale=rationale, indicators=indicators, treatments=treatments,
            known_deviations=known_deviations, evidence_position=evidence_position, evidence_hash=evidence_hash,
            supersedes=supersedes)

    def sign_off(self, envelope: Envelope, assessment_id: str, note: str | None) -> None:
        """The second pair of eyes: another person of the ministry confirms the judgement."""
        agreement_assessment.record_sign_off(self, envelope, assessment_id, note)

    # --- queries ----------------------------------------------------------------------------
    def find_project_by_name(self, name: str) -> ProjectState | None:
        wanted = name.strip().casefold()
        return next((p for p in self.projects.values() if p.name.casefold() == wanted), None)

    def project_id_for(self, existing: ProjectState | None) -> str:
        """The id a planned project gets: its own when it was listed before, else the next one."""
        return existing.project_id if existing else f"P{len(self.projects) + 1}"

    def next_deviation_id(self) -> str:
        return f"D{len(self.deviations) + 1}"

    def project_ref(self, ref: str) -> str:
        """A project id (P3), an exact project name, or 'unallocated' → its id."""
        if ref == UNALLOCATED or ref in self.projects:
            return ref
        found = self.find_project_by_name(ref)
        if found is None:
            raise ProjectNotFoundError(self.id, ref)
        return found.project_id

    def deviation(self, deviation_id: str) -> DeviationState:
        try:
            return self.deviations[deviation_id]
        except KeyError:
            raise DeviationNotFoundError(self.id, deviation_id) from None

    def holds(self, item: str) -> Decimal:
        """What a project (or the unallocated rest) holds now."""
        return self.unallocated if item == UNALLOCATED else self.projects[item].current

    def is_party_of(self, party: str) -> bool:
        return party in (reference.MINISTRY, self.party_ags)
