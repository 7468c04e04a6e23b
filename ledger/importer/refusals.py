"""Why a document cannot be imported, decided from its parse before anything reaches the ledger.

Every refusal is a `DocumentRefusedError` (exit code 9) whose message names the file and what it is,
or the part that could not be read; the domain never sees a document that would break one of its
rules (a second signature for one side, a signature for an organisation that is not a party).
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger.domain.errors import DocumentRefusedError
from ledger.importer.model import ParsedDocument, ParseProblem, SourceFile

AQB_KIND = "aqb-target-agreement"
NOTHING = "nothing was recorded"
_NOT_AN_AGREEMENT = {
    "sgb2-target-agreement": "SGB II agreements are not part of this ledger",
    "funding-guidelines": "funding guidelines set the programme's rules and are not recorded; import the "
    "Zielvereinbarung of a party and year",
    "grant-notice": "a grant notice of RP Kassel belongs to its grant case: record it with 'aqb grant notice' "
    "or 'aqb grant amendment'",
}


def refusal(source: SourceFile, doc: ParsedDocument) -> DocumentRefusedError | None:
    """Why this document cannot be imported, or None."""
    if doc.kind in _NOT_AN_AGREEMENT:
        return DocumentRefusedError(
            f"{source.name} is not an AQB target agreement: {doc.kind_evidence.rstrip('.')}",
            f"{_NOT_AN_AGREEMENT[doc.kind]}; {NOTHING}",
        )
    if doc.kind != AQB_KIND:
        return DocumentRefusedError(
            f"{source.name} does not look like an AQB target agreement: {doc.kind_evidence}",
            f"import a Zielvereinbarung on the Ausbildungs- und Qualifizierungsbudget; {NOTHING}",
        )
    if "§4 amount" in doc.missing and any(p.part == "§ 4" for p in doc.problems):
        return _unreadable(source, tuple(p for p in doc.problems if p.part == "§ 4"))  # why it is missing
    if doc.missing:
        return DocumentRefusedError(
            f"{source.name} lacks required parts: {', '.join(doc.missing)}",
            f"check that the file is complete; --dry-run shows what was found; {NOTHING}",
        )
    if doc.problems:
        return _unreadable(source, doc.problems)
    return None


def batch_refusal(parsed: Sequence[tuple[SourceFile, ParsedDocument]]) -> DocumentRefusedError | None:
    """The first refusal of any file; else two different files for one agreement in one import."""
    for source, doc in parsed:
        found = refusal(source, doc)
        if found is not None:
            return found
    seen: dict[tuple[int | None, str | None], SourceFile] = {}
    for source, doc in parsed:
        first = seen.setdefault((doc.year, doc.party_ags), source)
        if first.sha256 != source.sha256:
            return DocumentRefusedError(
                f"{first.name} and {source.name} are two different documents of the agreement "
                f"AQB-{doc.year}-{doc.party_ags}",
                f"import one of them; record the other afterwards with --amendment and a --reason; {NOTHING}",
            )
    return None


def _unreadable(source: SourceFile, problems: tuple[ParseProblem, ...]) -> DocumentRefusedError:
    reasons = "; ".join(f"{p.part} cannot be read: {p.reason.rstrip('.')}" for p in problems)
    hints = "; ".join(dict.fromkeys(p.hint for p in problems))
    return DocumentRefusedError(f"{source.name}: {reasons}", f"{hints}; {NOTHING}")
