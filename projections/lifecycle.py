"""Lifecycle per agreement: how far has it come through the year?

Answers: who signed for the ministry and for the party and when, since when the agreement is in
force, when the grant application came and whether it met 31 March, the grant notice, whether
and when the autumn implementation meeting was held, the publication, and for each proof of use
(interim, final) when it was due, when it was submitted and how it was reviewed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ledger import reference
from ledger.domain import calendar
from ledger.domain.agreement import Agreement
from ledger.domain.grant import Grant
from ledger.domain.values import ProofKind
from projections.tables import Table, TableRow

LIFECYCLE = Table("aqb_view_lifecycle", (
    ("agreement_id", "text"), ("year", "int"), ("party_ags", "text"),
    ("ministry_signatory", "text"), ("ministry_signed_on", "date"),
    ("party_signatory", "text"), ("party_signed_on", "date"), ("in_force_since", "date"),
    ("applied_on", "date"), ("application_on_time", "bool"), ("notice_on", "date"),
    ("meeting_held_on", "date"), ("meetings", "int"), ("published_on", "date"),
    ("interim_due", "date"), ("interim_submitted", "date"), ("interim_review", "text"),
    ("final_due", "date"), ("final_submitted", "date"), ("final_review", "text"),
), key=("agreement_id",), indexes=(("year", "party_ags"),))

TABLES = (LIFECYCLE,)


def rows(agreement: Agreement, grants: Sequence[Grant]) -> dict[str, list[TableRow]]:
    return {LIFECYCLE.name: [lifecycle_row(agreement, grants)]}


def lifecycle_row(a: Agreement, grants: Sequence[Grant]) -> TableRow:
    signed = {("ministry" if s.party == reference.MINISTRY else "party"): s for s in a.signatures_in_force()}
    ministry, party = signed.get("ministry"), signed.get("party")
    applied = min((g.submitted_on for g in grants if g.submitted_on), default=None)
    on_time = None if applied is None or not a.year else applied <= calendar.application_deadline(a.year)
    return (
        a.id, a.year, a.party_ags,
        ministry.signatory if ministry else None, ministry.signed_on if ministry else None,
        party.signatory if party else None, party.signed_on if party else None, a.in_force_since_version,
        applied, on_time, min((g.notice_date for g in grants if g.notice_date), default=None),
        max((m.held_on for m in a.meetings), default=None), len(a.meetings),
        max((p.published_on for p in a.publications), default=None),
        *_proof(grants, ProofKind.INTERIM), *_proof(grants, ProofKind.FINAL),
    )


def _proof(grants: Sequence[Grant], kind: ProofKind) -> tuple[date | None, date | None, str | None]:
    due = min((d for g in grants if (d := g.proof_due.get(kind))), default=None)
    submitted = max((p.submitted_on for g in grants if (p := g.proofs.get(kind))), default=None)
    reviews = [g.reviews[kind].result.value for g in sorted(grants, key=lambda g: g.id) if kind in g.reviews]
    return due, submitted, ", ".join(reviews) or None
