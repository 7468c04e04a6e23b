"""What a document is, said with the evidence, and the refusal of every document that is not an
AQB target agreement as what it is — never as an agreement lacking parts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ledger.importer.classify import classify
from ledger.importer.parse import parse_document
from ledger.importer.read import read_source
from ledger.importer.refusals import refusal

Read = Callable[[str], Path]


def refused(path: Path) -> tuple[str, str]:
    source = read_source(path)
    found = refusal(source, parse_document(source.text))
    assert found is not None
    return found.message, found.hint


def test_refuses_funding_guidelines_as_guidelines_although_they_name_the_budget_and_the_agreements(
    fixture_path: Read,
) -> None:
    message, hint = refused(fixture_path("foerdergrundsaetze-aqb-2019.txt"))
    assert message == (
        "foerdergrundsaetze-aqb-2019.txt is not an AQB target agreement: Funding guidelines (Fördergrundsätze), "
        "not an agreement between the ministry and a party: its title reads 'Fördergrundsätze'; the text calls "
        "itself Fördergrundsätze or Förderrichtlinie, names Zuwendungsempfänger, sets the Gegenstand der "
        "Förderung, says when it comes into force"
    )
    assert hint.startswith("funding guidelines set the programme's rules and are not recorded")
    assert hint.endswith("nothing was recorded")


def test_refuses_a_grant_notice_pointing_to_the_grant_commands(fixture_path: Read) -> None:
    message, hint = refused(fixture_path("zuwendungsbescheid-2024-lahn-dill-kreis.txt"))
    assert message.startswith(
        "zuwendungsbescheid-2024-lahn-dill-kreis.txt is not an AQB target agreement: A grant notice "
        "(Zuwendungsbescheid), not an agreement between the ministry and a party: its title reads "
        "'Zuwendungsbescheid'; the text calls itself a Zuwendungsbescheid, grants in the first person"
    )
    assert "has a Rechtsbehelfsbelehrung" in message
    assert "'aqb grant notice'" in hint


def test_refuses_an_sgb2_agreement_of_another_year_and_party(fixture_path: Read) -> None:
    message, hint = refused(fixture_path("zielvereinbarung-2019-landkreis-giessen-sgb2.txt"))
    assert message == (
        "zielvereinbarung-2019-landkreis-giessen-sgb2.txt is not an AQB target agreement: An SGB II target "
        "agreement (job-centre steering under § 48b SGB II): the text names '§ 48b SGB II', lists Kennzahlen, "
        "names the Jobcenter, speaks of the kommunaler Träger"
    )
    assert hint == "SGB II agreements are not part of this ledger; nothing was recorded"


def test_refuses_an_unmapped_category_heading_naming_section5(seed_text: str, tmp_path: Path) -> None:
    path = tmp_path / "zv.txt"
    path.write_text(seed_text.replace("\nAusbildungsvorbereitung\n\n- ", "\nModellprojekte\n\n- "), encoding="utf-8")
    message, hint = refused(path)
    assert message == "zv.txt: § 5 cannot be read: the heading 'Modellprojekte' matches no measure category"
    assert hint == ("add the heading's wording to the aliases in ledger/reference/categories.json; "
                    "nothing was recorded")


def test_names_every_part_that_cannot_be_read(seed_text: str, tmp_path: Path) -> None:
    text = seed_text.replace("1.185.000 Euro\n", "1.185.000 Euro und 50.000 Euro aus dem Arbeitsmarktbudget\n")
    text = text.replace("Kreisbeigeordneter\ndes Landkreises Lahn-Dill-Kreis", "Geschäftsführer\nJobcenter Lahn-Dill")
    path = tmp_path / "zv.txt"
    path.write_text(text, encoding="utf-8")
    message, _ = refused(path)
    assert message.startswith("zv.txt: § 4 cannot be read: the total '1.185.000 Euro' (line 63) is not the sum")
    assert message.endswith(
        "; the signature block 'Wetzlar, den' (line 117) cannot be read: 'Jobcenter Lahn-Dill' is neither the "
        "ministry nor one of the 26 parties"
    )


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Förderrichtlinie zum Ausbildungs- und Qualifizierungsbudget", "funding-guidelines"),
        ("Richtlinien des Landes Hessen zur Förderung der Ausbildung", "funding-guidelines"),
        ("Bescheid über die Gewährung einer Zuwendung", "grant-notice"),
        ("Änderungsbescheid", "grant-notice"),
        ("Zielvereinbarung 2021\nzur Umsetzung des Ausbildungs- und Qualifizierungsbudgets", "aqb-target-agreement"),
    ],
)
def test_the_title_says_what_a_document_is(title: str, kind: str) -> None:
    body = f"{title}\n§ 1 Grundlage sind die Zielvereinbarungen zum Ausbildungs- und Qualifizierungsbudget."
    assert classify(title, body).kind == kind


def test_without_a_title_two_signs_of_a_grant_notice_decide() -> None:
    text = ("Sehr geehrte Damen und Herren, auf Ihren Antrag bewillige ich Ihnen aus dem Ausbildungs- und "
            "Qualifizierungsbudget gemäß der Zielvereinbarung 1.185.000 Euro. Rechtsbehelfsbelehrung: …")
    result = classify("Regierungspräsidium Kassel", text)
    assert result.kind == "grant-notice"
    assert "it has no title that says what it is" in result.evidence


def test_one_sign_alone_does_not_turn_an_agreement_into_a_notice(seed_text: str) -> None:
    assert parse_document(seed_text.replace("Präambel", "Präambel\n\nAktenzeichen: 57-123")).kind == (
        "aqb-target-agreement"
    )
