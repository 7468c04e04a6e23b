"""The title page: year, ministry and party of "Zielvereinbarung 2024 zwischen dem <ministry> und
dem <party> zur Umsetzung des hessischen Ausbildungs- und Qualifizierungsbudgets".

The ministry is written in the dative ("dem Hessischen Ministerium für …"), or as the state
"vertreten durch das Hessische Ministerium für …"; its name is reported in the nominative
("Hessisches Ministerium für …"), the form the reference data and the signature block use. That
is grammar, not a guess, and gives no warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ledger import reference
from ledger.importer.clean import Line
from ledger.importer.model import ParseWarning
from ledger.importer.parties import find_party

_YEAR = r"((?:19|20)\d{2})"
_TITLE_YEAR = re.compile(
    r"Zielvereinbarung(?:en)?\s+(?:für\s+(?:das\s+)?(?:Haushalts)?(?:jahr\s+)?)?" + _YEAR + r"\b",
    re.IGNORECASE,
)
_BODY_YEAR = re.compile(r"(?:im\s+Jahr|[Bb]udget[s]?|Haushaltsjahr)\s+" + _YEAR + r"\b")
_BETWEEN = re.compile(
    r"zwischen\s+(?:dem|der|den)\s+(?P<ministry>.+?)\s+und\s+(?:dem|der|den)\s+(?P<party>.+?)"
    r"(?=\s+(?:zur|zum|über|nach|für\s+das|Präambel)\b|\s*$)"
)
_DATIVE = re.compile(r"^Hessischen?\b")
_REPRESENTED = re.compile(r"\bvertreten\s+durch\s+(?:das|den|die)\s+(?P<name>.+?),?$")


@dataclass(frozen=True)
class Header:
    year: int | None
    party_ags: str | None
    party_name: str | None
    ministry_name: str | None
    warnings: tuple[ParseWarning, ...]
    party_written: str | None = None  # the title's "und dem <party>" as written


def read_header(header: tuple[Line, ...], body: tuple[Line, ...]) -> Header:
    """Year, party and ministry from the title page; the year falls back to the body."""
    text = " ".join(line.text.strip() for line in header if line.text.strip())
    warnings: list[ParseWarning] = []
    year = _year(text, body, warnings)
    between = _BETWEEN.search(text)
    ministry = _ministry_written(between.group("ministry")) if between else None
    written = between.group("party") if between else None
    ags, name = _party(written, text, warnings)
    return Header(year, ags, name, ministry, tuple(warnings), written)


def _ministry_written(phrase: str) -> str:
    represented = _REPRESENTED.search(phrase)
    return _DATIVE.sub("Hessisches", represented.group("name") if represented else phrase)


def _year(text: str, body: tuple[Line, ...], warnings: list[ParseWarning]) -> int | None:
    found = _TITLE_YEAR.search(text)
    if found:
        return int(found.group(1))
    for line in body:
        in_body = _BODY_YEAR.search(line.text)
        if in_body:
            warnings.append(
                ParseWarning(
                    "year-from-body",
                    f"No year in the title; took {in_body.group(1)} from '{in_body.group(0)}'.",
                    line.no,
                )
            )
            return int(in_body.group(1))
    return None


def _party(
    phrase: str | None, header_text: str, warnings: list[ParseWarning]
) -> tuple[str | None, str | None]:
    found = find_party(phrase) if phrase else None
    if found and found.whole:
        return found.ags, found.written
    if found and phrase:
        warnings.append(
            ParseWarning(
                "party-found-in-phrase",
                f"The party is written as '{phrase}'; read it as '{found.written}'.",
            )
        )
        return found.ags, found.written
    return _party_anywhere(phrase, header_text, warnings)


def _party_anywhere(
    phrase: str | None, header_text: str, warnings: list[ParseWarning]
) -> tuple[str | None, str | None]:
    found = find_party(header_text)
    if found is None:
        if phrase:
            warnings.append(
                ParseWarning(
                    "party-unknown",
                    f"'{phrase}' names none of the 26 parties (or not unambiguously).",
                )
            )
        return None, None
    warnings.append(
        ParseWarning(
            "party-outside-title",
            f"No 'zwischen … und dem <party>' in the title; took '{found.written}' from the first pages.",
        )
    )
    return found.ags, found.written


@dataclass(frozen=True)
class MinistryIdentity:
    code: str | None
    canonical_name: str | None
    warnings: tuple[ParseWarning, ...]


def identify_ministry(written: str | None, signed_on: date | None, year: int | None) -> MinistryIdentity:
    """The ministry's canonical identity: on its signature date (else the party's); without any
    signature date, the name as written if it was valid during `year`, else the name valid on
    1 January of `year` (with a warning)."""
    if written is None or (signed_on is None and year is None):
        return MinistryIdentity(None, None, ())
    if signed_on is not None:
        return _identity_on(written, signed_on)
    assert year is not None
    in_year = [m for m in _known(written) if _valid_during(m, year)]
    if in_year:
        return MinistryIdentity(in_year[0].code, in_year[0].name, ())
    assumed = ParseWarning(
        "ministry-date-assumed",
        f"No signature date; took the ministry's name valid on 1 January {year}.",
    )
    identity = _identity_on(written, date(year, 1, 1))
    return MinistryIdentity(identity.code, identity.canonical_name, (assumed, *identity.warnings))


def _identity_on(written: str, on: date) -> MinistryIdentity:
    canonical = reference.ministry_on(on)
    known = _known(written)
    if not known:
        return MinistryIdentity(canonical.code, canonical.name, (_unknown_ministry(written),))
    if not any(_same(m.name, canonical.name) for m in known):
        return MinistryIdentity(canonical.code, canonical.name, (_other_period(written, on, canonical.name),))
    return MinistryIdentity(canonical.code, canonical.name, ())


def _known(written: str) -> list[reference.Ministry]:
    return [m for m in reference.ministries() if _same(m.name, written)]


def _valid_during(ministry: reference.Ministry, year: int) -> bool:
    ends_after_start = ministry.valid_until is None or ministry.valid_until >= date(year, 1, 1)
    return ministry.valid_from <= date(year, 12, 31) and ends_after_start


def _same(a: str, b: str) -> bool:
    """The same name, whatever the spaces, the case and umlauts written out ("für" / "fuer")."""
    def key(name: str) -> str:
        return " ".join(reference.transliterated(name).split()).casefold()

    return key(a) == key(b)


def _unknown_ministry(written: str) -> ParseWarning:
    return ParseWarning(
        "ministry-name-unknown",
        f"'{written}' is not a known name of the ministry; took the name valid on the date.",
    )


def _other_period(written: str, on: date, canonical: str) -> ParseWarning:
    return ParseWarning(
        "ministry-name-other-period",
        f"'{written}' was not the ministry's name on {on.isoformat()} ('{canonical}').",
    )
