"""What a document is: an AQB target agreement; an SGB II target agreement (job-centre steering
under § 48b SGB II, which the ministry signs with the same districts); funding guidelines
(Fördergrundsätze, Förderrichtlinie); a grant notice (Zuwendungsbescheid); or something else.

A document says what it is in its title: the first line of the title page (the text before § 1)
that starts with a designation — "Zielvereinbarung 2024", "Fördergrundsätze …", "Richtlinie zur
Förderung …", "Zuwendungsbescheid", "Bescheid über …" — decides. Funding guidelines and grant
notices name the budget and "die Zielvereinbarungen" in passing; their titles keep them apart.
Without such a line, the signs in the whole text decide: guidelines or a notice need two signs of
their own and more than the other; else a text that says "Zielvereinbarung" is an agreement.

An agreement is an AQB one when its title page names the "Ausbildungs- und Qualifizierungsbudget",
an SGB II one when it names § 48b SGB II; only when it names neither (or both) does the whole
text count. "SGB II" alone never counts: the AQB agreement lists the "Rechtskreise SGB II, III,
VIII, XII" in passing. The evidence names what was found, in words a person can check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ledger.importer.model import DocumentKind

_AGREEMENT = re.compile(r"Zielvereinbarung", re.IGNORECASE)
_AQB = re.compile(r"Ausbildungs-\s*und\s+Qualifizierungsbudget")
_SGB2_SIGNS = (
    ("names '§ 48b SGB II'", re.compile(r"§\s*48\s*b\s+(?:(?:Abs\.|Satz|Nr\.)\s*\d+\s+)*SGB\s*II\b")),
    ("lists Kennzahlen", re.compile(r"\bKennzahl(?:en)?\b")),
    ("names the Jobcenter", re.compile(r"\bJobcenters?\b")),
    ("speaks of the kommunaler Träger", re.compile(r"\bkommunale[mnr]?\s+Träger")),
)
_DESIGNATIONS: tuple[tuple[DocumentKind | None, re.Pattern[str]], ...] = (
    (None, re.compile(r"^Zielvereinbarung", re.IGNORECASE)),  # an agreement: AQB or SGB II, see below
    ("funding-guidelines", re.compile(
        r"^(?:Fördergrundsätze|Förder(?:ungs)?richtlinien?|Richtlinien?\b|Grundsätze\s+(?:zur|für\s+die|der)\s+Förderung)",
        re.IGNORECASE,
    )),
    ("grant-notice", re.compile(r"^(?:Zuwendungs|Bewilligungs|Änderungs|Zuweisungs|Widerrufs)?bescheid\b", re.I)),
)
_SIGNS: dict[DocumentKind, tuple[tuple[str, re.Pattern[str]], ...]] = {
    "funding-guidelines": (
        ("calls itself Fördergrundsätze or Förderrichtlinie", re.compile(r"Fördergrundsätz|Förderrichtlinie")),
        ("names Zuwendungsempfänger", re.compile(r"Zuwendungsempfänger")),
        ("sets the Gegenstand der Förderung", re.compile(r"Gegenstand\s+der\s+Förderung|Fördergegenst|förderfähig")),
        ("sets Zuwendungsvoraussetzungen", re.compile(r"Zuwendungsvoraussetzung|Antragsberechtigt|antragsberechtigt")),
        ("says when it comes into force", re.compile(r"Inkrafttreten|\btritt\b.{0,60}\bin\s+Kraft\b")),
    ),
    "grant-notice": (
        ("calls itself a Zuwendungsbescheid", re.compile(r"\b(?:Zuwendungs|Bewilligungs|Änderungs)bescheid")),
        ("grants in the first person ('bewillige ich')", re.compile(r"\b(?:bewillige|gewähre)\s+ich\b")),
        ("has a Rechtsbehelfsbelehrung", re.compile(r"Rechtsbehelfsbelehrung")),
        ("sets Nebenbestimmungen", re.compile(r"Nebenbestimmungen|\bANBest")),
        ("names an Aktenzeichen", re.compile(r"\bAktenzeichen\b|\bAz\.")),
    ),
}
_WHAT = {
    "funding-guidelines": "Funding guidelines (Fördergrundsätze), not an agreement between the ministry and a party",
    "grant-notice": "A grant notice (Zuwendungsbescheid), not an agreement between the ministry and a party",
}
_TITLE_LINES = 40


@dataclass(frozen=True)
class Classification:
    kind: DocumentKind
    evidence: str


def classify(title_page: str, whole: str) -> Classification:
    """Classify by the title page (`title_page`: the lines before § 1) and the whole text."""
    designated = _designation(title_page)
    if designated is not None:
        kind, title = designated
        return _agreement(title_page, whole) if kind is None else _other(kind, whole, f"its title reads '{title}'")
    scores = {kind: _signs(kind, whole) for kind in _SIGNS}
    best = max(scores, key=lambda kind: len(scores[kind]))
    if len(scores[best]) >= 2 and all(len(v) < len(scores[best]) for k, v in scores.items() if k != best):
        return _other(best, whole, "it has no title that says what it is")
    if not _AGREEMENT.search(whole):
        return Classification("unknown", "The text never says 'Zielvereinbarung'.")
    return _agreement(title_page, whole)


def _designation(title_page: str) -> tuple[DocumentKind | None, str] | None:
    lines = [line.strip() for line in title_page.split("\n") if line.strip()][:_TITLE_LINES]
    for line in lines:
        for kind, pattern in _DESIGNATIONS:
            if pattern.match(line):
                return kind, line
    return None


def _signs(kind: DocumentKind, text: str) -> list[str]:
    return [sign for sign, pattern in _SIGNS[kind] if pattern.search(text)]


def _other(kind: DocumentKind, whole: str, title: str) -> Classification:
    signs = _signs(kind, whole)
    found = f"; the text {', '.join(signs)}" if signs else ""
    return Classification(kind, f"{_WHAT[kind]}: {title}{found}.")


def _agreement(title_page: str, whole: str) -> Classification:
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
