"""The dossier of one §6 judgement, rebuilt by replaying the ledger as of its evidence position:
what the assessor knew, how each deviation was treated, what arrived afterwards, and whether the
recorded indicators and the chain up to the evidence still hold."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ledger.app.assessments import AssessmentCommands
from ledger.domain.agreement import Agreement
from ledger.domain.entry import Entry
from ledger.domain.errors import AssessmentNotFoundError, NotInLedgerError
from ledger.domain.indicators import compute_indicators
from ledger.domain.replay import State
from ledger.domain.values import Indicator
from ledger.integrity.probe import as_read, mismatches
from ledger.integrity.rows import open_reader
from ledger.integrity.verify import classify


@dataclass(frozen=True)
class Dossier:
    agreement_id: str
    assessment: Agreement.TargetAchievementAssessed
    assessment_position: int
    sign_off: Entry | None
    superseded_by: str | None
    before: State  # the ledger as the assessor saw it
    after: tuple[Entry, ...]  # what arrived for this agreement after the evidence position
    recomputed: tuple[Indicator, ...]
    chain_ok: bool
    chain_detail: str

    @property
    def indicators_match(self) -> bool:
        return self.recomputed == self.assessment.indicators

    def indicator_differences(self) -> list[tuple[Indicator | None, Indicator | None]]:
        recorded, again = list(self.assessment.indicators), list(self.recomputed)
        width = max(len(recorded), len(again))
        pairs = [(recorded[i] if i < len(recorded) else None, again[i] if i < len(again) else None)
                 for i in range(width)]
        return [(a, b) for a, b in pairs if a != b]


class ExplainCommands(AssessmentCommands):
    def explain(self, agreement_id: str, assessment_id: str | None = None) -> Dossier:
        entries = self.agreement_trail(agreement_id)
        assessed = _assessment_entry(entries, agreement_id, assessment_id)
        event = assessed.event
        assert isinstance(event, Agreement.TargetAchievementAssessed)
        state = self.state_at(agreement_id, event.evidence_position, entries)
        sign_off = next((e for e in entries if isinstance(e.event, Agreement.AssessmentSignedOff)
                         and e.event.assessment_id == event.assessment_id), None)
        later = next((e.event.assessment_id for e in entries if isinstance(e.event, Agreement.AssessmentRevised)
                      and e.event.supersedes == event.assessment_id), None)
        ok, detail = self.chain_check(event.evidence_position, event.evidence_hash, [e.position for e in entries])
        own = {assessed.position, sign_off.position if sign_off else 0}
        return Dossier(agreement_id, event, assessed.position, sign_off, later, state,
                       tuple(e for e in entries if e.position > event.evidence_position and e.position not in own),
                       compute_indicators(state.known, state.grants), ok, detail)

    def chain_check(self, evidence: int, recorded_hash: str | None, positions: Sequence[int] = ()) -> tuple[bool, str]:
        """The rows the dossier rests on (its trail up to the evidence position) against their
        chain links, and the link at the evidence position against the one the assessment
        recorded: reads of those rows only, not of the whole ledger ('aqb verify' walks it all)."""
        wanted = sorted({p for p in positions if p <= evidence} | {evidence})
        given = {p: row for p in wanted if (row := self.reads.seen.get(p)) is not None}  # as the trail read them
        with open_reader(self.db) as reader:
            rows = reader.at([p for p in wanted if p not in given])
            rows.update(as_read(given, reader))
            bad = next(iter(mismatches(rows, wanted)), None)
            if bad is not None and bad.row is None:
                return False, f"chain broken at position {bad.position}: its row is missing"
            if bad is not None and bad.row is not None:
                found = classify(reader, bad.row, bad.prev, computed=bad.computed)
                return False, f"chain broken at position {found.position} ({found.kind}): {found.detail}"
        link_at = rows[evidence][0].event_hash
        if recorded_hash and (link_at is None or link_at.hex() != recorded_hash):
            shown = link_at.hex()[:16] if link_at else "(none)"
            return False, f"the link at position {evidence} is {shown}…, the assessment recorded {recorded_hash[:16]}…"
        return True, (f"chain links hold for the {len(wanted)} rows the dossier rests on, up to position {evidence}, "
                      "whose link is the one recorded ('aqb verify' walks the whole chain)")


def _assessment_entry(entries: list[Entry], agreement_id: str, assessment_id: str | None) -> Entry:
    found = [e for e in entries if isinstance(e.event, Agreement.TargetAchievementAssessed)]
    if assessment_id is not None:
        found = [e for e in found if _attr(e.event, "assessment_id") == assessment_id]
    if not found and assessment_id is None:
        raise NotInLedgerError(f"agreement {agreement_id} has no assessment yet: there is no judgement to explain",
                               f"record one with 'aqb assess {agreement_id} …', or see its trail")
    if not found:
        raise AssessmentNotFoundError(agreement_id, str(assessment_id))
    return found[-1]


def _attr(event: Any, name: str) -> Any:
    return getattr(event, name, None)
