"""§6 judgements: record an assessment with what it rested on, sign it off, and replay the ledger
as of any position to see what an assessor knew."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from ledger.app.core import LedgerCore, Meta, Receipt
from ledger.domain.agreement import Agreement
from ledger.domain.clocks import Clock
from ledger.domain.entry import Entry
from ledger.domain.errors import DateOrderError, EvidenceBeyondHeadError
from ledger.domain.indicators import compute_indicators
from ledger.domain.replay import State, state_under
from ledger.domain.values import DeviationTreatment, Treatment, Verdict
from ledger.integrity.rows import open_reader


class AssessmentCommands(LedgerCore):
    def assess(
        self, meta: Meta, agreement_id: str, verdict: str, rationale: str, treatments: Mapping[str, str],
        evidence_position: int | None = None, revises: str | None = None,
    ) -> Receipt:
        """Record a judgement as of the evidence position (default: the head of the ledger now)."""
        evidence = self.check_evidence_position(evidence_position)
        state = self.state_at(agreement_id, evidence)
        known = tuple(d for d in state.known.deviations)
        treated = tuple(DeviationTreatment(d, Treatment(t)) for d, t in treatments.items())

        def judge(agg: Agreement) -> None:
            envelope = self.envelope(meta)
            agg.assess(envelope, verdict=Verdict(verdict), rationale=rationale,
                       indicators=compute_indicators(state.known, state.grants), treatments=treated,
                       known_deviations=known, evidence_position=evidence,
                       evidence_hash=self.chain_hash_at(evidence), supersedes=revises)
            check_evidence_not_later(state, evidence, envelope.effective)  # after the command's own rules

        return self.change(Agreement, agreement_id, meta, judge)[1]

    def sign_off_assessment(self, meta: Meta, agreement_id: str, assessment_id: str, note: str | None) -> Receipt:
        return self.change(Agreement, agreement_id, meta, lambda agg: agg.sign_off(
            self.envelope(meta), assessment_id, note))[1]

    def check_evidence_position(self, position: int | None) -> int:
        head = self.reads.head()
        if position is None:
            return head
        if not 1 <= position <= head:
            raise EvidenceBeyondHeadError(
                f"evidence position {position} is not in the ledger (its head is at {head})",
                "name a position the assessor could have seen, at most the head",
            )
        return position

    def state_at(self, agreement_id: str, position: int, trail: Sequence[Entry] | None = None) -> State:
        """Replay the agreement and its grants up to a global position (inclusive); `trail` is the
        agreement's trail when the caller has already read it."""
        stream = agreement_id.strip()
        if trail is None:
            trail = self.agreement_trail(stream)  # an unknown agreement is named as such
        found = state_under(trail, stream, Clock(at=position))
        if found.agreement is None:
            raise EvidenceBeyondHeadError(f"{stream} was not yet recorded at position {position}",
                                          "name a later position")
        return found

    def chain_hash_at(self, position: int) -> str | None:
        """The chain link (hex) of the event at this position, as the database computed it."""
        with open_reader(self.db) as reader:
            row = next(reader.rows(position, position), None)
        return row.event_hash.hex() if row and row.event_hash else None


def check_evidence_not_later(state: State, evidence: int, day: date) -> None:
    """A judgement rests on what had happened by its day: evidence that holds an entry dated after
    it (a backdated judgement with the head as its evidence) is refused."""
    later = next((e for e in state.entries if e.event.envelope.effective > day), None)
    if later is not None:
        raise DateOrderError(
            f"the judgement is dated {day}, but its evidence (position {evidence}) holds entry {later.position}, "
            f"{type(later.event).LABEL or type(later.event).__qualname__}, dated {later.event.envelope.effective}",
            "give --evidence the position the assessor saw on that day, or date the judgement the day it was made")
