"""What kind of document this is: an AQB target agreement, an SGB II target agreement (job-centre
steering under § 48b SGB II, which the ministry signs with the same districts), or unknown.

The title page decides first: an AQB agreement names the "Ausbildungs- und Qualifizierungsbudget"
there, an SGB II agreement names § 48b SGB II. Only when the title page names neither (or both)
does the whole text count. "SGB II" alone never counts: the AQB agreement lists the
"Rechtskreise SGB II, III, VIII, XII" in passing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ledger.importer.model import DocumentKind

_AGREEMENT = re.compile(r"Zielvereinbarung", re.IGNORECASE)
_AQB = re.compile(r"Ausbildungs-\s*und\s+Qualifizierungsbudget")
_SGB2_SIGNS = (
    ("names '§ 48b SGB II'", re.compile(r"§\s*48\s*b\s+(?:Abs\.\s*\d+\s+)?SGB\s*II\b")),
    ("lists Kennzahlen", re.compile(r"\bKennzahl(?:en)?\b")),
    ("names the Jobcenter", re.compile(r"\bJobcenter\b")),
    ("speaks of the kommunaler Träger", re.compile(r"\bkommunale[rn]?\s+Träger")),
)


@dataclass(frozen=True)
class Classification:
    kind: DocumentKind
    evidence: str


def classify(title_page: str, whole: str) -> Classification:
    """Classify by the title page (`title_page`, the text before § 1) and the whole text."""
    if not _AGREEMENT.search(whole):
        return Classification("unknown", "The text never says 'Zielvereinbarung'.")
    aqb_title, sgb2_title = bool(_AQB.search(title_page)), bool(_SGB2_SIGNS[0][1].search(title_page))
    if sgb2_title and not aqb_title:
        return _sgb2(whole)
    if aqb_title and not sgb2_title:
        return _aqb("on its title page")
    return _by_whole_text(whole)


def _by_whole_text(whole: str) -> Classification:
    signs = _sgb2_signs(whole)
    aqb = bool(_AQB.search(whole))
    if "names '§ 48b SGB II'" in signs or (len(signs) >= 2 and not aqb):
        return _sgb2(whole)
    if aqb:
        return _aqb("in the text (not on its title page)")
    return Classification(
        "unknown",
        "A Zielvereinbarung, but it names neither the Ausbildungs- und Qualifizierungsbudget "
        "nor § 48b SGB II.",
    )


def _sgb2_signs(text: str) -> list[str]:
    return [sign for sign, pattern in _SGB2_SIGNS if pattern.search(text)]


def _sgb2(whole: str) -> Classification:
    signs = ", ".join(_sgb2_signs(whole))
    no_aqb = "" if _AQB.search(whole) else "; it never names the Ausbildungs- und Qualifizierungsbudget"
    return Classification(
        "sgb2-target-agreement",
        f"An SGB II target agreement (job-centre steering under § 48b SGB II): the text {signs}{no_aqb}.",
    )


def _aqb(where: str) -> Classification:
    return Classification(
        "aqb-target-agreement",
        f"A Zielvereinbarung that names the Ausbildungs- und Qualifizierungsbudget {where}.",
    )
