"""Versioned reference data: the 26 parties, the ministry's names by period, category aliases,
the budgets' names and the functions of the people who sign.

The data lives in JSON files beside this module so that a change of a name or an alias is a
reviewed data change with its own version, not an edit of scattered constants.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

MINISTRY = "HMSI"
GRANT_AUTHORITY = "RPKS"


@dataclass(frozen=True)
class Party:
    ags: str
    name: str
    kind: str  # "Stadt" (kreisfreie Stadt) or "Landkreis"
    aliases: tuple[str, ...]

    @property
    def display_name(self) -> str:
        if self.kind == "Stadt":
            return f"Stadt {self.name}"
        if self.name.endswith("kreis") or self.name.endswith("Kreis"):
            return self.name
        return f"Landkreis {self.name}"


@dataclass(frozen=True)
class Ministry:
    code: str
    name: str
    valid_from: date
    valid_until: date | None


SignatorySide = Literal["ministry", "party", "either"]


@dataclass(frozen=True)
class BudgetDef:
    code: str  # AQB, AMB, TZA, SPRACH
    earmark: bool  # an earmarked line of the AQB (TZA, SPRACH)
    names: tuple[str, ...]  # as agreements write them; see budgets.json for how they match


@dataclass(frozen=True)
class SignatoryRole:
    title: str  # a function ("Landrätin") or a body ("Kreisausschuss") as written
    side: SignatorySide


@dataclass(frozen=True)
class Signatories:
    prefixes: tuple[str, ...]  # words before a function: "Hessischer", "Der", …
    functions: tuple[SignatoryRole, ...]
    bodies: tuple[SignatoryRole, ...]  # organs that sign for a party: "Kreisausschuss", "Magistrat"
    representation: tuple[str, ...]  # "In Vertretung", "i. A.", …


@dataclass(frozen=True)
class CategoryDef:
    code: str
    label: str
    aliases: tuple[str, ...]


def _load(name: str) -> dict[str, Any]:
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def parties() -> dict[str, Party]:
    """All parties by AGS."""
    rows = _load("parties.json")["parties"]
    return {
        r["ags"]: Party(r["ags"], r["name"], r["kind"], tuple(r["aliases"])) for r in rows
    }


def party(ags: str) -> Party | None:
    return parties().get(ags)


@cache
def ministries() -> tuple[Ministry, ...]:
    rows = _load("ministries.json")["ministries"]
    return tuple(
        Ministry(
            r["code"],
            r["name"],
            date.fromisoformat(r["valid_from"]),
            date.fromisoformat(r["valid_until"]) if r["valid_until"] else None,
        )
        for r in rows
    )


def ministry_on(day: date) -> Ministry:
    """The ministry's canonical identity on a given day (the latest one before the first period)."""
    for m in ministries():
        if m.valid_from <= day and (m.valid_until is None or day <= m.valid_until):
            return m
    return ministries()[0]


@cache
def ministry_abbreviations() -> tuple[str, ...]:
    """Short forms of the ministry's name written in documents ("HMSI")."""
    return tuple(_load("ministries.json")["abbreviations"])


@cache
def budgets() -> tuple[BudgetDef, ...]:
    rows = _load("budgets.json")["budgets"]
    return tuple(BudgetDef(r["code"], bool(r["earmark"]), tuple(r["names"])) for r in rows)


@cache
def signatories() -> Signatories:
    data = _load("signatories.json")
    return Signatories(
        tuple(data["prefixes"]),
        tuple(SignatoryRole(r["title"], r["side"]) for r in data["functions"]),
        tuple(SignatoryRole(r["name"], r["side"]) for r in data["bodies"]),
        tuple(data["representation"]),
    )


@cache
def categories() -> dict[str, CategoryDef]:
    rows = _load("categories.json")["categories"]
    return {r["code"]: CategoryDef(r["code"], r["label"], tuple(r["aliases"])) for r in rows}


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def transliterated(text: str) -> str:
    """The text as a keyboard without umlauts writes it: "Gießen" → "Giessen", "für" → "fuer"."""
    return text.translate(_UMLAUTS)


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", transliterated(text.lower())).strip()


def category_for_label(label: str) -> str | None:
    """The category code whose alias matches the label exactly (after normalising spaces and
    punctuation), or None."""
    wanted = _norm(label)
    for cat in categories().values():
        if any(_norm(alias) == wanted for alias in (cat.label, *cat.aliases)):
            return cat.code
    return None


def organisation_name(code: str) -> str:
    """A readable name for an organisation code (HMSI, RPKS or an AGS)."""
    if code == MINISTRY:
        return ministries()[-1].name
    if code == GRANT_AUTHORITY:
        grant: dict[str, str] = _load("ministries.json")["grant_authority"]
        return grant["name"]
    found = party(code)
    return found.display_name if found else code
