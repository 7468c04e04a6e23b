"""The signature blocks at the end: "<place>, den <date>", then who signs (`signatories`).

A block starts at a line "Wiesbaden, den 1. 7. 2024" (or "Wetzlar, den" with the date on a later
line, or none at all; "Friedberg (Hessen), 3.4.2019") and runs to the next such line; a line "Für
den Landkreis …" right before it is its first line. The name, function and organisation are read by
`signatories.read_signer`: where the PDF text repeats the name it is taken once (identical text is
no guess and gives no warning); the organisation is kept exactly as written, lines joined with one
space ("des Landkreises Lahn-Dill-Kreis", with its article), and its identity is `organisation_code`.

What the ledger would refuse is refused here first, as a `ParseProblem` that names the block: a
block that does not say who signs, a second block for the same side, and a party's block for
another party than the agreement's. Signatures are listed the ministry's first, whatever the order
on the page. Blocks set side by side (a text that keeps the page's layout) are made one column
first, by `clean.clean_text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ledger import reference
from ledger.domain.dates import parse_date
from ledger.domain.errors import InvalidDateError
from ledger.importer.clean import Line
from ledger.importer.model import ParsedSignature, ParseProblem, ParseWarning
from ledger.importer.signatories import Signer, read_signer

# A place: capitalised words, joined by the small words and abbreviations of Hessian place names
# ("Frankfurt am Main", "Frankfurt a. M.", "Bad Homburg v. d. Höhe", "Limburg a. d. Lahn",
# "Friedberg (Hessen)").
_CONNECTOR = r"(?:am|an|auf|bei|der|im|in|ob|vor|(?:[a-z]\.\s?){1,3}(?:[A-ZÄÖÜ][\w.äöüß-]*)?)"
_PLACE = re.compile(
    r"^(?P<place>[A-ZÄÖÜ][\w.äöüß-]*(?:\s(?:[A-ZÄÖÜ][\w.äöüß-]*|" + _CONNECTOR + r")){0,6}?(?: \([\w. ]+\))?)"
    r"\s*,\s*(?P<den>den\b)?\s*(?P<rest>.*)$"
)
# A date that names only the month ("im Juli 2024"): the block starts, its day is not known.
_MONTH_ONLY = re.compile(
    r"^(?:im\s+)?(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)"
    r"\s+\d{4}$", re.IGNORECASE)
# Within a block: a line that reads like the head of another block (place, date), which was not
# taken as one; the blocks would run together.
_LIKE_A_HEAD = re.compile(
    r"^[A-ZÄÖÜ][^,]{1,60},\s*(?:den\b|\d{1,2}\.\s?\d{1,2}\.|\d{1,2}\.\s+[A-ZÄÖÜa-zäöü]+\s+\d{4}"
    r"|im\s+[A-ZÄÖÜa-zäöü]+\s+\d{4})")
_LEAD = re.compile(r"^Für\s+(?:das|den|die)\s")
_SHORT_YEAR = re.compile(r"^(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{2})$")
HINT = (
    "check the signature blocks of the document (--dry-run shows how each was read); if it is right as "
    "written, record its signatures by hand with 'aqb record signature'"
)


@dataclass(frozen=True)
class Signatures:
    signatures: tuple[ParsedSignature, ...]
    warnings: tuple[ParseWarning, ...]
    problems: tuple[ParseProblem, ...] = ()


@dataclass(frozen=True)
class _Block:
    head: Line
    place: str
    date_raw: str | None
    signed_on: date | None
    signer: Signer
    raw: str
    stray: str | None = None  # a line after the head that reads like another block's head

    @property
    def label(self) -> str:
        return f"the signature block '{self.head.text.strip()}' (line {self.head.no})"


def read_signatures(lines: tuple[Line, ...], party_ags: str | None) -> Signatures:
    """Every signature block in `lines` (the end of the document)."""
    warnings: list[ParseWarning] = []
    blocks = [_block(lead, body, party_ags, warnings) for lead, body in _chunks(lines)]
    problems = _checked(blocks, party_ags)
    found = [_parsed(b) for b in blocks if b.signer.side is not None]
    found.sort(key=lambda s: s.side != "ministry")
    return Signatures(tuple(found), tuple(warnings), tuple(problems))


def _chunks(lines: tuple[Line, ...]) -> list[tuple[list[Line], tuple[Line, ...]]]:
    """Each block as (its "Für …" line before the place line, the place line and what follows)."""
    starts = [i for i, line in enumerate(lines) if _place_line(line.text)]
    leads = [_lead(lines, start, starts[n - 1] if n else -1) for n, start in enumerate(starts)]
    chunks = []
    for n, (start, lead) in enumerate(zip(starts, leads, strict=True)):
        following = leads[n + 1] if n + 1 < len(starts) else None
        end = following if following is not None else (starts[n + 1] if n + 1 < len(starts) else len(lines))
        chunks.append(([lines[lead]] if lead is not None else [], lines[start:end]))
    return chunks


def _lead(lines: tuple[Line, ...], start: int, previous: int) -> int | None:
    for index in range(start - 1, previous, -1):
        if lines[index].text.strip():
            return index if _LEAD.match(lines[index].text.strip()) else None
    return None


def is_place_line(text: str) -> bool:
    """Whether the text is the line a signature block starts with ("Wiesbaden, den 1. 7. 2024")."""
    return _place_line(text) is not None


def _place_line(text: str) -> re.Match[str] | None:
    match = _PLACE.match(text.strip())
    if match is None:
        return None
    rest = match.group("rest").strip()
    if match.group("den") or _as_date(rest) is not None or _MONTH_ONLY.match(rest):
        return match
    return None


def _as_date(text: str) -> date | None:
    try:
        return parse_date(text)
    except InvalidDateError:
        short = _SHORT_YEAR.match(text.strip())
        if short is None:
            return None
    try:
        return date(2000 + int(short.group(3)), int(short.group(2)), int(short.group(1)))
    except ValueError:
        return None


def _block(lead: list[Line], block: tuple[Line, ...], party_ags: str | None, warnings: list[ParseWarning]) -> _Block:
    head = _place_line(block[0].text)
    assert head is not None  # guaranteed by _chunks
    texts = [line for line in block[1:] if line.text.strip()]
    date_raw, texts = _date_text(head.group("rest").strip(), texts)
    signed_on = _signed_on(date_raw, block[0], warnings)
    signer = read_signer([line.text.strip() for line in [*lead, *texts]], party_ags)
    place = head.group("place")
    _signer_warnings(signer, place, block[0].no, warnings)
    raw = "\n".join(line.text.strip() for line in [*lead, *block] if line.text.strip())
    stray = next((line.text.strip() for line in texts if _LIKE_A_HEAD.match(line.text.strip())), None)
    return _Block(block[0], place, date_raw, signed_on, signer, raw, stray)


def _date_text(rest: str, texts: list[Line]) -> tuple[str | None, list[Line]]:
    if rest:
        return rest, texts
    for index, line in enumerate(texts):
        if _as_date(line.text) is not None:
            return line.text.strip(), texts[:index] + texts[index + 1 :]
    return None, texts


def _signed_on(date_raw: str | None, head: Line, warnings: list[ParseWarning]) -> date | None:
    if date_raw is None:
        message = f"'{head.text.strip()}' is followed by no date; the signature date is left empty."
        warnings.append(ParseWarning("signature-date-blank", message, head.no))
        return None
    signed_on = _as_date(date_raw)
    if signed_on is None and _MONTH_ONLY.match(date_raw):
        message = f"'{date_raw}' names the month, not the day; the signature date is left empty."
        warnings.append(ParseWarning("signature-date-unreadable", message, head.no))
    elif signed_on is None:
        message = f"'{date_raw}' is not a date; the signature date is left empty."
        warnings.append(ParseWarning("signature-date-unreadable", message, head.no))
    elif _SHORT_YEAR.match(date_raw):
        message = f"'{date_raw}' has a two-digit year; read it as {signed_on.isoformat()}."
        warnings.append(ParseWarning("signature-date-short-year", message, head.no))
    return signed_on


def _signer_warnings(signer: Signer, place: str, line_no: int, warnings: list[ParseWarning]) -> None:
    if signer.guessed:
        message = (f"The signature block at '{place}' names no party, only the office '{signer.function}'; "
                   f"took the agreement's party ({signer.code}).")
        warnings.append(ParseWarning("signature-party-by-function", message, line_no))
    if signer.side is not None and not signer.signatory:
        message = f"The signature block at '{place}' names no signatory."
        warnings.append(ParseWarning("signature-incomplete", message, line_no))


def _checked(blocks: list[_Block], party_ags: str | None) -> list[ParseProblem]:
    problems = [ParseProblem(b.label, b.signer.reason, HINT, b.head.no) for b in blocks if b.signer.side is None]
    for block in blocks:
        if block.stray is not None:
            reason = (f"it holds the line '{block.stray}', which reads like the place and date of another "
                      "signature block, but its place is not one the importer reads; the two blocks would run "
                      "together")
            problems.append(ParseProblem(block.label, reason, HINT, block.head.no))
    first: dict[str, _Block] = {}
    for block in blocks:
        side = block.signer.side
        if side is None:
            continue
        if side in first:
            earlier = first[side]
            reason = (f"it is a second signature for the {side} ({block.signer.code}), after {earlier.label}; "
                      "each side signs an agreement once")
            problems.append(ParseProblem(block.label, reason, HINT, block.head.no))
        first.setdefault(side, block)
        if side == "party" and party_ags is not None and block.signer.code != party_ags:
            problems.append(ParseProblem(block.label, _other_party(block, party_ags), HINT, block.head.no))
    return problems


def _other_party(block: _Block, party_ags: str) -> str:
    code = block.signer.code or "?"
    return (f"it is signed for {reference.organisation_name(code)} ({code}), not for the agreement's party "
            f"{reference.organisation_name(party_ags)} ({party_ags})")


def _parsed(block: _Block) -> ParsedSignature:
    signer = block.signer
    assert signer.side is not None  # open blocks are problems, not signatures
    return ParsedSignature(
        signer.side, signer.code or "", signer.organisation, block.place, block.signed_on, block.date_raw,
        signer.signatory, signer.function, block.raw,
    )
