"""The real 2024 Lahn-Dill-Kreis agreement (the seed) parses exactly, field by field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.importer.model import ParsedBudgetLine, ParsedCategory, ParsedSignature
from ledger.importer.parse import parse_document
from ledger.importer.read import read_source, seed_document_path

SHIPPED = "/work/shared/documents/zielvereinbarung-2024-lahn-dill-kreis.txt"
MINISTRY = "Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales"


def test_ships_the_seed_document_as_package_data() -> None:
    path = seed_document_path()
    assert path.name == "zielvereinbarung-2024-lahn-dill-kreis.txt"
    assert path.is_file()
    assert "Lahn-Dill-Kreis" in path.read_text(encoding="utf-8")


@pytest.mark.skipif(not Path(SHIPPED).exists(), reason="the shared original is not on this machine")
def test_ships_a_byte_for_byte_copy_of_the_shared_original() -> None:
    assert seed_document_path().read_bytes() == Path(SHIPPED).read_bytes()


def test_reads_the_seed_with_the_sha256_of_its_bytes() -> None:
    source = read_source(seed_document_path())
    assert source.name == "zielvereinbarung-2024-lahn-dill-kreis.txt"
    assert source.media_type == "text/plain"
    assert len(source.sha256) == 64
    assert source.text.startswith("\n\n\n\nARBEITSWELT")


def test_classifies_the_seed_as_an_aqb_agreement_despite_mentioning_sgb2(seed_text: str) -> None:
    document = parse_document(seed_text)
    assert "SGB II" in seed_text
    assert document.kind == "aqb-target-agreement"
    assert "Ausbildungs- und Qualifizierungsbudget" in document.kind_evidence
    assert document.importable


def test_reads_year_party_and_ministry_of_the_seed(seed_text: str) -> None:
    document = parse_document(seed_text)
    assert document.year == 2024
    assert document.party_ags == "06532"
    assert document.party_name == "Landkreis Lahn-Dill-Kreis"
    assert document.ministry_name == MINISTRY
    assert document.ministry_code == "HMSI"
    assert document.ministry_canonical_name == MINISTRY


def test_reads_the_section4_amount_of_the_seed_exactly(seed_text: str) -> None:
    document = parse_document(seed_text)
    assert document.budgets == ("AQB",)
    assert document.lines == (ParsedBudgetLine("AQB", Decimal("1185000.00"), "1.185.000 Euro"),)


def test_reads_the_section5_categories_and_projects_of_the_seed_in_order(seed_text: str) -> None:
    document = parse_document(seed_text)
    assert document.categories == (
        ParsedCategory("AV", "Ausbildungsvorbereitung", ("Ausbildungsvorbereitung",)),
        ParsedCategory(
            "AUS",
            "Ausbildung und Ausbildungscoaching in anerkannten Ausbildungsberufen",
            ("Integrative Ausbildung Plus",),
        ),
        ParsedCategory(
            "QUAL",
            "Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung",
            (
                "Lernwerkstatt digital",
                "Selbstlernzentrum",
                "Kompetenzförderung für Menschen im Langzeitbezug",
                "ViA - Vital und Aktiv",
                "Jump in",
            ),
        ),
        ParsedCategory(
            "PERS",
            "Weiterbildungsmaßnahmen für Personal der Landkreise und kreisfreien Städte in der "
            "fachlichen Verantwortung für Benachteiligte im Kontext der Arbeitsmarktförderung",
            ("Fortbildung für Mitarbeitende",),
        ),
    )


def test_finds_all_four_clauses_in_the_seed(seed_text: str) -> None:
    assert parse_document(seed_text).clauses == (
        "deviation-clause",
        "autumn-meeting",
        "publication",
        "un-crpd",
    )


def test_reads_the_ministry_signature_with_the_name_once(seed_text: str) -> None:
    ministry = parse_document(seed_text).signatures[0]
    assert ministry == ParsedSignature(
        side="ministry",
        organisation_code="HMSI",
        organisation=MINISTRY,
        place="Wiesbaden",
        signed_on=date(2024, 7, 1),
        date_raw="1. 7. 2024",
        signatory="Heike Hofmann",
        function="Staatsministerin",
        raw="Wiesbaden, den 1. 7. 2024\nHeike Hofmann\nHeike Hofmann\nStaatsministerin\n"
        "Hessisches Ministerium\nfür Arbeit, Integration,\nJugend und Soziales",
    )


def test_reads_the_party_signature_whose_date_is_on_a_later_line(seed_text: str) -> None:
    party = parse_document(seed_text).signatures[1]
    assert party == ParsedSignature(
        side="party",
        organisation_code="06532",
        organisation="des Landkreises Lahn-Dill-Kreis",
        place="Wetzlar",
        signed_on=date(2024, 7, 10),
        date_raw="10.07.2024",
        signatory="Stephan Aurand",
        function="Kreisbeigeordneter",
        raw="Wetzlar, den\n10.07.2024\nStephan Aurand\nStephan Aurand\nKreisbeigeordneter\n"
        "des Landkreises Lahn-Dill-Kreis",
    )


def test_parses_the_seed_without_warnings_or_missing_parts(seed_text: str) -> None:
    document = parse_document(seed_text)
    assert len(document.signatures) == 2
    assert document.warnings == ()
    assert document.missing == ()
