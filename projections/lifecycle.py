"""Lifecycle per agreement: how far has it come through the year?

Answers: who signed for the ministry and for the party and when, since when the agreement is in
force, when the grant application came and whether it met 31 March, the grant notice, whether
and when the autumn implementation meeting was held, the publication, and for each proof of use
(interim, final) when it was due, when it was submitted and how it was reviewed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from projections.folds import AgreementFold, GrantFold
from projections.tables import Row, Table

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


def rows(agreement: AgreementFold, grants: Sequence[GrantFold]) -> dict[str, list[Row]]:
    return {LIFECYCLE.name: [lifecycle_row(agreement, grants)]}


def in_force_since(a: AgreementFold) -> date | None:
    """The later signature date, once both parties have signed with a date."""
    dates = [signed_on for _, signed_on in a.signatures.values()]
    if len(dates) < 2 or any(d is None for d in dates):
        return None
    return max(d for d in dates if d is not None)


def lifecycle_row(a: AgreementFold, grants: Sequence[GrantFold]) -> Row:
    ministry, party = a.signatures.get("ministry"), a.signatures.get("party")
    applied = min((g.submitted_on for g in grants if g.submitted_on), default=None)
    on_time = None if applied is None or not a.year else applied <= date(a.year, 3, 31)
    return (
        a.stream_id, a.year, a.party_ags,
        ministry[0] if ministry else None, ministry[1] if ministry else None,
        party[0] if party else None, party[1] if party else None, in_force_since(a),
        applied, on_time, min((g.notice_on for g in grants if g.notice_on), default=None),
        max(a.meetings, default=None), len(a.meetings), a.published_on,
        *_proof(grants, "interim"), *_proof(grants, "final"),
    )


def _proof(grants: Sequence[GrantFold], kind: str) -> tuple[date | None, date | None, str | None]:
    due = min((d for g in grants if (d := g.proof_due.get(kind))), default=None)
    submitted = max((d for g in grants if (d := g.proof_submitted.get(kind))), default=None)
    reviews = [g.reviews[kind] for g in sorted(grants, key=lambda g: g.stream_id) if kind in g.reviews]
    return due, submitted, ", ".join(reviews) or None
