"""Compliance reports: one agreement's checklist, or the statewide matrix of a year."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ledger import reference, settings
from ledger.app.core import LedgerCore
from ledger.compliance import Check, Facts, checklist
from ledger.domain.agreement import Agreement
from ledger.domain.agreement import agreement_id as make_agreement_id
from ledger.domain.agreement_rules import parse_party
from ledger.domain.clocks import Clock
from ledger.domain.entry import Entry
from ledger.domain.errors import UndecodableEventError
from ledger.domain.replay import State, aggregates_of, state_under
from ledger.lateness import Lateness, LateReport, late_report


@dataclass(frozen=True)
class AgreementReport:
    agreement_id: str
    party_ags: str
    party_name: str
    checks: tuple[Check, ...] | None  # None: no agreement recorded for this party and year (under the clock)
    broken: str | None = None  # why the agreement could not be read (an integrity break), if so


class ReportCommands(LedgerCore):
    def facts(self, agreement_id: str, clock: Clock, *, four_eyes: bool | None = None) -> Facts | None:
        """The agreement and its grants as the clock sees them (None: not yet recorded then)."""
        return _facts(state_under(self.agreement_trail(agreement_id), agreement_id.strip(), clock), clock,
                      four_eyes)

    def compliance(self, agreement_id: str, clock: Clock, *, four_eyes: bool | None = None) -> AgreementReport:
        """One agreement's checklist, from one read of its trail (an unknown id is refused as such)."""
        trail = self.agreement_trail(agreement_id)
        found = state_under(trail, agreement_id.strip(), clock)
        current = found.agreement if len(found.entries) == len(trail) else _current(trail)
        facts = _facts(found, clock, four_eyes)
        assert current is not None
        return AgreementReport(agreement_id, current.party_ags, current.party_name,
                               None if facts is None else tuple(checklist(facts)))

    def compliance_year(self, year: int, clock: Clock, *, four_eyes: bool | None = None,
                        party: str | None = None) -> list[AgreementReport]:
        """Every party of the year (all 26 unless one is named), recorded or not: the year's
        agreements are looked up by id, and only their trails are read."""
        party = None if party is None else parse_party(party)
        recorded = set(self.compliance_ids(year))
        eyes = settings.four_eyes() if four_eyes is None else four_eyes
        reports = []
        for ags, known in reference.parties().items():
            if party is not None and ags != party:
                continue
            target = make_agreement_id(year, ags)
            if target in recorded:
                reports.append(self._judged(target, ags, known.display_name, clock, four_eyes=eyes))
            else:
                reports.append(AgreementReport(target, ags, known.display_name, None))
        return reports

    def _judged(self, target: str, ags: str, name: str, clock: Clock, *, four_eyes: bool) -> AgreementReport:
        """One party's checklist; an agreement whose events cannot be read is reported as broken,
        and the other parties are judged all the same."""
        try:
            return self.compliance(target, clock, four_eyes=four_eyes)
        except UndecodableEventError as exc:
            return AgreementReport(target, ags, name, None, exc.message)

    def late_entries(self, year: int, lateness: Lateness, *, party: str | None = None,
                     worst: int = 10) -> LateReport:
        """Recording lag of every entry of the year's agreements (with their grants and documents)."""
        party = None if party is None else parse_party(party)
        entries: list[tuple[Entry, str]] = []
        for agreement_id in sorted(self.compliance_ids(year)):
            ags = agreement_id.rsplit("-", 1)[1]
            if party is None or ags == party:
                entries += [(e, ags) for e in self.agreement_trail(agreement_id)]
        return late_report(entries, lateness, worst=worst)

    def stream_ids_with_prefix(self, prefix: str) -> list[str]:
        return [i for i in self.stream_ids_with(Agreement.Recorded.TOPIC) if i.startswith(prefix)]


def _facts(found: State, clock: Clock, four_eyes: bool | None) -> Facts | None:
    if found.agreement is None:
        return None
    return Facts(found.agreement, found.grants, found.entries, clock.day,
                 settings.four_eyes() if four_eyes is None else four_eyes)


def _current(trail: Sequence[Entry]) -> Agreement | None:
    """The agreement as it stands now (its corrections laid over), from its trail."""
    stream = trail[0].event.originator_id
    found = aggregates_of([e for e in trail if e.event.originator_id == stream]).get(stream)
    return found if isinstance(found, Agreement) else None
