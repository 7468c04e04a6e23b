"""Parties that share a town name stay apart; "SGB II" in passing does not make an SGB II agreement."""

from __future__ import annotations

import pytest

from ledger.importer.classify import classify
from ledger.importer.parties import find_party


@pytest.mark.parametrize(
    ("phrase", "ags"),
    [
        ("Stadt Kassel", "06611"),
        ("Landkreis Kassel", "06633"),
        ("Magistrat der Stadt Kassel", "06611"),
        ("des Landkreises Kassel", "06633"),
        ("Stadt Offenbach am Main", "06413"),
        ("Kreis Offenbach", "06438"),
        ("Landkreis Lahn-Dill-Kreis", "06532"),
        ("des Lahn-Dill-Kreises", "06532"),
        ("Main-Kinzig-Kreis", "06435"),
        ("Landeshauptstadt Wiesbaden", "06414"),
        ("des Landkreises Gießen", "06531"),
        ("Kreisausschuss des Landkreises Fulda", "06631"),
    ],
)
def test_resolves_a_party_phrase_to_its_ags(phrase: str, ags: str) -> None:
    found = find_party(phrase)
    assert found is not None
    assert found.ags == ags


@pytest.mark.parametrize(
    "phrase", ["Kassel", "Offenbach", "Regierungspräsidium", "der Stadt Gießen", "Universitätsstadt Fulda"]
)
def test_does_not_guess_an_ambiguous_or_unknown_party(phrase: str) -> None:
    assert find_party(phrase) is None


def test_classifies_by_the_title_page_before_the_body() -> None:
    title = "Zielvereinbarung 2024 zur Umsetzung des hessischen Ausbildungs- und Qualifizierungsbudgets"
    body = title + " Rechtskreise SGB II, III, VIII, XII und AsylbLG; Jobcenter"
    assert classify(title, body).kind == "aqb-target-agreement"


def test_refuses_a_body_only_sgb2_agreement_by_paragraph_48b() -> None:
    text = "Zielvereinbarung 2024 Kennzahlen K1 Verringerung der Hilfebedürftigkeit nach § 48b SGB II"
    result = classify("Zielvereinbarung 2024", text)
    assert result.kind == "sgb2-target-agreement"
    assert "§ 48b SGB II" in result.evidence


def test_calls_a_zielvereinbarung_about_something_else_unknown() -> None:
    result = classify("Zielvereinbarung 2024", "Zielvereinbarung 2024 über Radwege")
    assert result.kind == "unknown"
    assert "neither" in result.evidence
