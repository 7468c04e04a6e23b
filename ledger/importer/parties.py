"""Finding a party (one of the 26 Gebietskörperschaften) in a phrase as the documents write it.

Each party gets the written forms it appears under, in the cases the agreements use: "Landkreis
Lahn-Dill-Kreis", "Landkreises Lahn-Dill-Kreis", "Lahn-Dill-Kreises", "Stadt Kassel", "Kreis
Offenbach". A bare town name ("Kassel", "Offenbach") is a form only where no other party's name
starts with it, so Stadt Kassel (06611) and Landkreis Kassel (06633), or Stadt Offenbach am Main
(06413) and Kreis Offenbach (06438), are never confused. The longest form found wins. A district's
bare town name after "Stadt" ("der Stadt Gießen", "Universitätsstadt Gießen") is that town, which
is no party, not the district.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ledger import reference
from ledger.reference import Party


@dataclass(frozen=True)
class PartyMatch:
    ags: str
    written: str  # the form exactly as found in the phrase
    whole: bool  # the phrase is nothing but this form


def find_party(phrase: str) -> PartyMatch | None:
    """The party named in `phrase`, by its longest written form, or None."""
    text = " ".join(phrase.split())
    for form, ags in _forms():
        found = re.search(r"(?<![\w-])" + re.escape(form) + r"(?![\w-])", text)
        if found and not (form in _district_towns() and _AFTER_STADT.search(text[: found.start()])):
            return PartyMatch(ags, found.group(0), found.group(0) == text)
    return None


_AFTER_STADT = re.compile(r"stadt\s+$", re.IGNORECASE)


@cache
def _district_towns() -> frozenset[str]:
    """Districts named after their seat ("Gießen", "Fulda"): the bare name may mean the town."""
    everyone = reference.parties().values()
    names = {p.name for p in everyone if p.kind != "Stadt" and "kreis" not in p.name.lower()}
    return frozenset(names | {reference.transliterated(n) for n in names})


@cache
def _forms() -> tuple[tuple[str, str], ...]:
    everyone = tuple(reference.parties().values())
    pairs = {(form, p.ags) for p in everyone for form in _forms_of(p, everyone)}
    return tuple(sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0])))


def _forms_of(party: Party, everyone: tuple[Party, ...]) -> set[str]:
    forms = set(party.aliases) | {party.display_name}
    if party.kind == "Stadt":
        forms |= {f"Stadt {party.name}", f"kreisfreien Stadt {party.name}"}
    else:
        forms |= _district_forms(party.name)
    if _bare_name_is_unique(party, everyone):
        forms.add(party.name)
    return forms | {reference.transliterated(form) for form in forms}  # "Landkreis Giessen"


def _district_forms(name: str) -> set[str]:
    forms = {f"Landkreis {name}", f"Landkreises {name}", f"Kreis {name}", f"Kreises {name}"}
    if name.lower().endswith("kreis"):
        forms |= {name, f"{name}es"}
    return forms


def _bare_name_is_unique(party: Party, everyone: tuple[Party, ...]) -> bool:
    others = [p.name for p in everyone if p.ags != party.ags]
    return not any(other == party.name or other.startswith(party.name + " ") for other in others)
