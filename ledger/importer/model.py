"""What the importer finds in a document. Plain frozen dataclasses; no I/O, no ledger types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

DocumentKind = Literal[
    "aqb-target-agreement", "sgb2-target-agreement", "funding-guidelines", "grant-notice", "unknown"
]
Side = Literal["ministry", "party"]


@dataclass(frozen=True)
class ParseWarning:
    code: str  # short, stable, kebab-case, e.g. "hyphenation-joined", "party-alias"
    message: str  # one sentence a person understands
    line: int | None = None  # 1-based line in the (cleaned) text, when known


@dataclass(frozen=True)
class ParseProblem:
    """A part of an agreement that was found but cannot be read consistently: importing it would
    record something wrong, so the document is refused (never guessed, never left to the domain)."""

    part: str  # the part, as a person finds it: "§ 4", "the signature block 'Wetzlar, den …' (line 118)"
    reason: str  # one sentence: what contradicts what
    hint: str  # what to do about it
    line: int | None = None


@dataclass(frozen=True)
class ParsedBudgetLine:
    budget: str  # "AQB" or "AMB" (Arbeitsmarktbudget); earmarked lines "TZA", "SPRACH"
    amount: Decimal  # exact euros with cents
    raw: str  # the amount exactly as written, e.g. "1.185.000 Euro"


@dataclass(frozen=True)
class ParsedCategory:
    code: str  # AV, AUS, QUAL, PERS (or TZA, SPRACH)
    label: str  # the heading as written (after PDF clean-up)
    projects: tuple[str, ...]


@dataclass(frozen=True)
class ParsedSignature:
    side: Side
    organisation_code: str  # "HMSI" for the ministry, the party's AGS otherwise
    organisation: str  # as written, lines joined with a space; "" when only the function says it
    place: str | None
    signed_on: date | None  # None when the date line is blank
    date_raw: str | None  # the date as written, or None
    signatory: str  # the name once, even where the PDF text repeats it
    function: str  # e.g. "Staatsministerin", "Kreisbeigeordneter"
    raw: str  # the signature block as written


@dataclass(frozen=True)
class ParsedDocument:
    kind: DocumentKind
    kind_evidence: str  # why the classifier decided so, one sentence
    year: int | None
    party_ags: str | None
    party_name: str | None  # as written, e.g. "Landkreis Lahn-Dill-Kreis", "Stadt Kassel"
    ministry_name: str | None  # as written
    ministry_code: str | None  # canonical identity for that year: "HMSI"
    ministry_canonical_name: str | None  # from reference data for that year
    budgets: tuple[str, ...]  # ("AQB",) or ("AQB", "AMB")
    lines: tuple[ParsedBudgetLine, ...]  # in the order AQB, AMB, TZA, SPRACH
    categories: tuple[ParsedCategory, ...]
    clauses: tuple[str, ...]  # subset of: "deviation-clause", "autumn-meeting", "publication", "un-crpd"
    signatures: tuple[ParsedSignature, ...]  # the ministry's first, then the party's
    warnings: tuple[ParseWarning, ...] = ()
    missing: tuple[str, ...] = field(default=())  # required parts not found, e.g. ("§4 amount",)
    problems: tuple[ParseProblem, ...] = field(default=())  # parts found but unreadable

    @property
    def importable(self) -> bool:
        return self.kind == "aqb-target-agreement" and not self.missing and not self.problems


@dataclass(frozen=True)
class SourceFile:
    name: str  # file name without directories
    sha256: str  # hex digest of the file's bytes
    media_type: Literal["text/plain", "application/pdf"]
    text: str  # the text (extracted from the PDF for PDFs)
