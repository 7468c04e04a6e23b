"""The signature blocks at the end: "<place>, den <date>", the signatory, function, organisation.

A block starts at a line "Wiesbaden, den 1. 7. 2024" (or "Wetzlar, den" with the date on a later
line, or none at all) and runs to the next such line. Where the PDF text repeats the name (the
signature line and the printed name), the name is taken once; identical lines are no guess and
give no warning. The organisation is kept exactly as written, lines joined with one space
("des Landkreises Lahn-Dill-Kreis", with its article): its identity is `organisation_code`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ledger.domain.dates import parse_date
from ledger.domain.errors import InvalidDateError
from ledger.importer.clean import Line
from ledger.importer.model import ParsedSignature, ParseWarning, Side
from ledger.importer.parties import find_party
from ledger.reference import MINISTRY

_PLACE = re.compile(
    r"^(?P<place>[A-ZÄÖÜ][\w.äöüß-]*(?: (?:[A-ZÄÖÜ][\w.äöüß-]*|am|an|der|im|vor|v\.d\.)){0,3})"
    r",\s*(?P<den>den\b)?\s*(?P<rest>.*)$"
)


@dataclass(frozen=True)
class Signatures:
    signatures: tuple[ParsedSignature, ...]
    warnings: tuple[ParseWarning, ...]


def read_signatures(lines: tuple[Line, ...], party_ags: str | None) -> Signatures:
    """Every signature block in `lines` (the end of the document)."""
    starts = [i for i, line in enumerate(lines) if _place_line(line.text)]
    warnings: list[ParseWarning] = []
    found = []
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(lines)
        found.append(_signature(lines[start:end], party_ags, warnings))
    return Signatures(tuple(found), tuple(warnings))


def _place_line(text: str) -> re.Match[str] | None:
    match = _PLACE.match(text.strip())
    if match is None:
        return None
    if match.group("den") or _as_date(match.group("rest")) is not None:
        return match
    return None


def _as_date(text: str) -> date | None:
    try:
        return parse_date(text)
    except InvalidDateError:
        return None


def _signature(
    block: tuple[Line, ...], party_ags: str | None, warnings: list[ParseWarning]
) -> ParsedSignature:
    head = _place_line(block[0].text)
    assert head is not None  # guaranteed by read_signatures
    texts = [line for line in block[1:] if line.text.strip()]
    date_raw, texts = _date_text(head.group("rest").strip(), texts)
    signed_on = _signed_on(date_raw, block[0], warnings)
    names = _dedupe_name([line.text.strip() for line in texts])
    signatory, function = [*names, "", ""][:2]
    organisation = " ".join(names[2:])
    side, code = _organisation(organisation, party_ags, block[0], warnings)
    if not signatory or not organisation:
        warnings.append(_incomplete(head.group("place"), block[0].no))
    raw = "\n".join(line.text.strip() for line in block if line.text.strip())
    return ParsedSignature(
        side, code, organisation, head.group("place"), signed_on, date_raw, signatory, function, raw
    )


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
    if signed_on is None:
        message = f"'{date_raw}' is not a date; the signature date is left empty."
        warnings.append(ParseWarning("signature-date-unreadable", message, head.no))
    return signed_on


def _dedupe_name(texts: list[str]) -> list[str]:
    if len(texts) >= 2 and texts[0] == texts[1]:
        return texts[1:]
    return texts


def _organisation(
    organisation: str, party_ags: str | None, head: Line, warnings: list[ParseWarning]
) -> tuple[Side, str]:
    if "Ministerium" in organisation or MINISTRY in organisation.split():
        return "ministry", MINISTRY
    found = find_party(organisation)
    if found:
        return "party", found.ags
    message = f"'{organisation}' names no known party; took the agreement's party."
    warnings.append(ParseWarning("signature-organisation-unresolved", message, head.no))
    return "party", party_ags or ""


def _incomplete(place: str, line_no: int) -> ParseWarning:
    return ParseWarning(
        "signature-incomplete",
        f"The signature block at '{place}' lacks the signatory or the organisation.",
        line_no,
    )
