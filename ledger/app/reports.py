"""Compliance reports: one agreement's checklist, or the statewide matrix of a year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ledger import reference
from ledger.app.core import LedgerCore
from ledger.compliance import Check, Facts, checklist
from ledger.domain.agreement import Agreement
from ledger.domain.agreement import agreement_id as make_agreement_id
from ledger.domain.errors import UndecodableEventError
from ledger.domain.grant import Grant


@dataclass(frozen=True)
class AgreementReport:
    agreement_id: str
    party_ags: str
    party_name: str
    checks: tuple[Check, ...] | None  # None: no agreement recorded for this party and year
    broken: str | None = None  # why the agreement could not be read (an integrity break), if so


class ReportCommands(LedgerCore):
    def facts(self, agreement_id: str, on: date, *, four_eyes: bool) -> Facts:
        ids = self.trail_ids(agreement_id)
        grants = tuple(self.grant(i) for i in ids if i != agreement_id and not i.startswith("DOC-"))
        return Facts(self.agreement(agreement_id), tuple(g for g in grants if isinstance(g, Grant)),
                     tuple(self.entries(ids)), on, four_eyes)

    def compliance(self, agreement_id: str, on: date, *, four_eyes: bool) -> AgreementReport:
        facts = self.facts(agreement_id, on, four_eyes=four_eyes)
        return AgreementReport(agreement_id, facts.agreement.party_ags, facts.agreement.party_name,
                               tuple(checklist(facts)))

    def compliance_year(self, year: int, on: date, *, four_eyes: bool, party: str | None = None
                        ) -> list[AgreementReport]:
        """Every party of the year (all 26 unless one is named), recorded or not."""
        recorded = set(self.stream_ids_with_prefix(f"AQB-{year}-"))
        reports = []
        for ags, known in reference.parties().items():
            if party and ags != party:
                continue
            target = make_agreement_id(year, ags)
            if target in recorded:
                reports.append(self._judged(target, ags, known.display_name, on, four_eyes=four_eyes))
            else:
                reports.append(AgreementReport(target, ags, known.display_name, None))
        return reports

    def _judged(self, target: str, ags: str, name: str, on: date, *, four_eyes: bool) -> AgreementReport:
        """One party's checklist; an agreement whose events cannot be read is reported as broken,
        and the other parties are judged all the same."""
        try:
            return self.compliance(target, on, four_eyes=four_eyes)
        except UndecodableEventError as exc:
            return AgreementReport(target, ags, name, None, exc.message)

    def stream_ids_with_prefix(self, prefix: str) -> list[str]:
        return [i for i in self.stream_ids_with(Agreement.Recorded.TOPIC) if i.startswith(prefix)]
