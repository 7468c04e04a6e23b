"""Who signs a signature block: the ministry or a party, read from the lines under place and date.

A block's lines are the signatory's name, the function and the organisation, in that order; an
organisation may also come first ("Für den Landkreis Kassel", "Der Kreisausschuss des …"). A
function is a title from the reference table (`reference.signatories()`), possibly after a prefix:
"Staatsministerin", "Hessischer Minister für Soziales und Integration", "Erste Stadträtin". A
function line that goes on with "des/der/im …" is split there: "Landrat" / "des Lahn-Dill-Kreises".
An unknown title right after the name still counts as the function; the remaining lines are the
organisation, kept as written.

The side is what the block says, the organisation first:
1. the organisation names the ministry (any of its names over the years, in any case — "Hessisches
   Ministerium …", "des Hessischen Ministeriums …" — or an abbreviation, or "Für das Land Hessen", for
   which the ministry signs) or a party (by its names);
2. else the function: a ministry-only title ("Staatssekretärin", "Minister"), or any title with one
   of the ministry's portfolios ("Abteilungsleiterin für Arbeit, Integration, Jugend und Soziales"),
   is the ministry; a party office ("Landrätin", "Oberbürgermeister") or body ("Kreisausschuss")
   is the agreement's party — a guess, since no party is named (`Signer.guessed`).
A function of the other side than the organisation's, a portfolio that is not the ministry's
("Minister für Finanzen"), or a block that says nothing leaves the side open, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ledger import reference
from ledger.importer.model import Side
from ledger.importer.parties import find_party
from ledger.reference import MINISTRY, SignatoryRole

_ORG_WORDS = re.compile(r"^(?:Für|für|Der|Die|Das|des|der|dem|den|im|beim)\s")
_ARTICLE_SPLIT = re.compile(r"\s(?=(?:des|der|im|beim)\s)")
_PORTFOLIO = re.compile(r"\bfür\s+\S")


@dataclass(frozen=True)
class Signer:
    signatory: str
    function: str
    organisation: str  # as written; "" when only the function says who signs
    side: Side | None  # None: the block does not say (see `reason`)
    code: str | None  # "HMSI" or the party's AGS
    guessed: bool = False  # the agreement's party, taken from a party office alone
    reason: str = ""  # why the side is open, one clause


_Decision = tuple[Side | None, str | None, bool, str]  # side, code, guessed, why open


@dataclass(frozen=True)
class _Lines:
    name: str
    functions: list[str]
    organisation: list[str]


def read_signer(lines: list[str], party_ags: str | None) -> Signer:
    """The signer of a block whose lines (without place and date) are `lines`."""
    marks, lines = _marks(lines)
    parts = _split(_once(lines))
    function, organisation = " ".join(parts.functions), " ".join(parts.organisation)
    side, code, guessed, reason = _side(function, organisation, party_ags)
    if marks:  # "Staatssekretär (In Vertretung)"
        function = f"{function} ({', '.join(marks)})" if function else ", ".join(marks)
    return Signer(parts.name, function, organisation, side, code, guessed, reason)


def _marks(lines: list[str]) -> tuple[list[str], list[str]]:
    """The marks of representation ("In Vertretung", "i. V.") taken out of the block, whether on a
    line of their own or before the name ("i. V. Manuel Stock"); "gez." (a copy of the signed
    text) is dropped."""
    marks: list[str] = []
    kept: list[str] = []
    for line in lines:
        mark = _mark_at(line)
        if mark is None:
            kept.append(line)
            continue
        if mark != "gez.":
            marks.append(mark)
        if line[len(mark):].strip():
            kept.append(line[len(mark):].strip())
    return marks, kept


def _mark_at(line: str) -> str | None:
    for mark in sorted(reference.signatories().representation, key=len, reverse=True):
        if line == mark or (line.startswith(mark) and line[len(mark):len(mark) + 1].isspace()):
            return mark
    return None


def _once(lines: list[str]) -> list[str]:
    """The name once where the PDF text repeats it: two equal lines, or one line "X X"."""
    texts = [_halved(line) for line in lines]
    if len(texts) >= 2 and texts[0] == texts[1]:
        return texts[1:]
    return texts


def _halved(line: str) -> str:
    words = line.split()
    half = len(words) // 2
    return " ".join(words[:half]) if half and len(words) % 2 == 0 and words[:half] == words[half:] else line


def _split(texts: list[str]) -> _Lines:
    marks = reference.signatories().representation
    lead: list[str] = []
    functions: list[str] = []
    while len(texts) > 1 and (texts[0] in marks or (_is_organisation(texts[0]) and not _is_function(texts[0]))):
        (functions if texts[0] in marks else lead).append(texts.pop(0))
    name = texts.pop(0) if texts and not _is_function(texts[0]) else ""
    organisation: list[str] = []
    for line in texts:
        if organisation or not _takes_function(line, functions):
            organisation.append(line)
            continue
        head, rest = _function_and_rest(line)
        functions.append(head)
        organisation += [rest] if rest else []
    return _Lines(name, functions, lead + organisation)


def _function_and_rest(line: str) -> tuple[str, str]:
    """'Landrat des Lahn-Dill-Kreises' → 'Landrat', 'des Lahn-Dill-Kreises'; a portfolio stays."""
    if not _is_function(line):
        return line, ""
    pieces = _ARTICLE_SPLIT.split(line, maxsplit=1)
    return pieces[0], pieces[1] if len(pieces) > 1 else ""


def _takes_function(line: str, functions: list[str]) -> bool:
    if _is_function(line) or line in reference.signatories().representation:
        return True
    if functions:  # "für Soziales und Integration" or "Jugend und Soziales" wrapped from the function
        wrapped = functions[-1].endswith((",", " und")) and not _is_organisation(line)
        return wrapped or (line[:1].islower() and not _ARTICLE_SPLIT.match(" " + line))
    return not _is_organisation(line)


def _is_organisation(line: str) -> bool:
    if _ORG_WORDS.match(line) or _ministry_named(line) or _body(line):
        return True
    found = find_party(line)
    return found is not None and (found.whole or line.startswith(found.written))


def _is_function(line: str) -> bool:
    return _function_role(line) is not None


@cache
def _titles() -> re.Pattern[str]:
    data = reference.signatories()
    titles = sorted((r.title for r in data.functions), key=len, reverse=True)
    prefixes = "|".join(re.escape(p) for p in data.prefixes)
    alternatives = "|".join(re.escape(t) for t in titles)
    return re.compile(rf"^(?:(?:{prefixes})\s+)*(?P<title>{alternatives})(?![\w-])")


def _function_role(text: str) -> SignatoryRole | None:
    found = _titles().match(text)
    if found is None:
        return None
    return next(r for r in reference.signatories().functions if r.title == found.group("title"))


def _body(text: str) -> SignatoryRole | None:
    words = text.split()
    return next((b for b in reference.signatories().bodies if b.title in words[:2]), None)


@cache
def _ministry_patterns() -> tuple[re.Pattern[str], ...]:
    names = [_declined(m.name) for m in reference.ministries()]
    short = [rf"(?<!\w){re.escape(a)}(?!\w)" for a in reference.ministry_abbreviations()]
    state = r"^(?:[Ff]ür\s+)?(?:das\s+)?Land\s+Hessen\s*:?$"  # "Für das Land Hessen": the ministry signs for the state
    return tuple(re.compile(p) for p in (*names, *short, state))


def _declined(name: str) -> str:
    """'Hessisches Ministerium für …' in any case: 'dem Hessischen Ministerium', 'des … Ministeriums'."""
    words = []
    for word in name.split():
        if word == "Hessisches":
            words.append("Hessische[nrs]?")
        elif word.endswith("ministerium") or word == "Ministerium":
            words.append(re.escape(word) + "s?")
        else:
            words.append(re.escape(word))
    pattern = r"\s+".join(words)
    for umlaut, written in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):  # "Ministerium fuer …"
        pattern = pattern.replace(umlaut, f"(?:{umlaut}|{written})")
    return pattern


@cache
def _portfolios() -> tuple[re.Pattern[str], ...]:
    phrases = [m.name.split(" für ", 1)[1] for m in reference.ministries() if " für " in m.name]
    return tuple(re.compile(r"\bfür\s+" + r"\s+".join(re.escape(w) for w in p.split())) for p in phrases)


def _ministry_named(text: str) -> bool:
    return any(p.search(text) for p in _ministry_patterns())


def _side(function: str, organisation: str, party_ags: str | None) -> _Decision:
    role = _function_role(function)
    if _ministry_named(organisation):
        if role is not None and role.side == "party":
            return None, None, False, f"its organisation is the ministry but '{function}' is a party's office"
        return "ministry", MINISTRY, False, ""
    party = find_party(organisation) if organisation else None
    if party is not None:
        if role is not None and role.side == "ministry":
            return None, None, False, f"its organisation is a party ({party.ags}) but '{function}' is the ministry's"
        return "party", party.ags, False, ""
    if organisation and not _body(organisation):
        return None, None, False, f"'{organisation}' is neither the ministry nor one of the 26 parties"
    return _side_by_function(role, function, organisation, party_ags)


def _side_by_function(
    role: SignatoryRole | None, function: str, organisation: str, party_ags: str | None
) -> _Decision:
    if role is not None and role.side != "party" and _PORTFOLIO.search(function):
        if any(p.search(function) for p in _portfolios()):
            return "ministry", MINISTRY, False, ""
        return None, None, False, f"'{function}' is not a function of the ministry responsible for the AQB"
    if role is not None and role.side == "ministry":
        return "ministry", MINISTRY, False, ""
    party_office = (role is not None and role.side == "party") or bool(_body(organisation) or _body(function))
    if party_office and party_ags is not None:
        return "party", party_ags, True, ""
    said = ", ".join(f"'{t}'" for t in (function, organisation) if t) or "nothing but a name"
    return None, None, False, f"it names neither the ministry nor a party ({said})"
