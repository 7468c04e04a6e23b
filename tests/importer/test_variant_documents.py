"""Realistic variants of the real agreement: other parties, two budgets, a blank signature date,
PDF artefacts, an SGB II agreement to refuse, a truncated file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from ledger.importer.model import ParsedBudgetLine, ParsedDocument
from ledger.importer.parse import parse_document

Parse = Callable[[str], ParsedDocument]

OLD_MINISTRY = "Hessisches Ministerium für Soziales und Integration"


def warning_codes(document: ParsedDocument) -> set[str]:
    return {w.code for w in document.warnings}


def test_resolves_stadt_kassel_to_the_kreisfreie_stadt_06611(parse_fixture: Parse) -> None:
    document = parse_fixture("zielvereinbarung-2024-stadt-kassel.txt")
    assert (document.party_ags, document.party_name) == ("06611", "Stadt Kassel")
    assert document.lines == (ParsedBudgetLine("AQB", Decimal("1412500.00"), "1.412.500 Euro"),)
    party = document.signatures[1]
    assert (party.organisation_code, party.organisation) == ("06611", "Magistrat der Stadt Kassel")
    assert (party.place, party.signed_on, party.signatory) == ("Kassel", date(2024, 7, 15), "Anna Beispiel")
    assert document.warnings == ()
    assert document.importable


def test_resolves_landkreis_kassel_to_the_district_06633_even_when_signed_in_kassel(
    parse_fixture: Parse,
) -> None:
    document = parse_fixture("zielvereinbarung-2024-landkreis-kassel.txt")
    assert (document.party_ags, document.party_name) == ("06633", "Landkreis Kassel")
    party = document.signatures[1]
    assert (party.organisation_code, party.organisation) == ("06633", "des Landkreises Kassel")
    assert (party.place, party.signed_on, party.date_raw) == ("Kassel", date(2024, 7, 12), "12.07.2024")
    assert party.function == "Erster Kreisbeigeordneter"
    assert document.warnings == ()


def test_reads_both_budget_lines_of_an_older_agreement_and_checks_the_total(parse_fixture: Parse) -> None:
    document = parse_fixture("zielvereinbarung-2018-lahn-dill-kreis-two-budgets.txt")
    assert document.year == 2018
    assert document.budgets == ("AQB", "AMB")
    assert document.lines == (
        ParsedBudgetLine("AQB", Decimal("879800.00"), "879.800 Euro"),
        ParsedBudgetLine("AMB", Decimal("106000.00"), "106.000,-- €"),
    )
    assert document.warnings == ()  # 879.800 + 106.000 = the total 985.800


def test_keeps_the_older_ministry_name_valid_in_2018(parse_fixture: Parse) -> None:
    document = parse_fixture("zielvereinbarung-2018-lahn-dill-kreis-two-budgets.txt")
    assert document.ministry_name == OLD_MINISTRY
    assert document.ministry_code == "HMSI"
    assert document.ministry_canonical_name == OLD_MINISTRY
    ministry, party = document.signatures
    assert ministry.organisation == OLD_MINISTRY
    assert (ministry.signed_on, party.signed_on) == (date(2018, 3, 12), date(2018, 3, 26))
    assert party.date_raw == "26. März 2018"


def test_leaves_a_blank_signature_date_empty_with_a_warning(parse_fixture: Parse) -> None:
    document = parse_fixture("zielvereinbarung-2024-lahn-dill-kreis-blank-date.txt")
    party = document.signatures[1]
    assert (party.place, party.signed_on, party.date_raw) == ("Wetzlar", None, None)
    assert (party.signatory, party.function) == ("Stephan Aurand", "Kreisbeigeordneter")
    assert [(w.code, w.line) for w in document.warnings] == [("signature-date-blank", 117)]
    assert document.importable  # a missing signature date is recorded, not refused


def test_undoes_pdf_artefacts_and_reports_each_heuristic(parse_fixture: Parse) -> None:
    document = parse_fixture("zielvereinbarung-2017-main-kinzig-kreis-pdf-artefacts.txt")
    assert (document.year, document.party_ags, document.party_name) == (2017, "06435", "Main-Kinzig-Kreis")
    assert document.lines == (ParsedBudgetLine("AQB", Decimal("1300000.00"), "1,3 Mio. Euro"),)
    assert [c.code for c in document.categories] == ["AV", "AUS", "QUAL", "PERS"]
    assert "ViA - Vital und Aktiv" in document.categories[2].projects
    assert len(document.categories[2].projects) == 5
    assert document.clauses == ("deviation-clause", "autumn-meeting", "publication", "un-crpd")
    assert warning_codes(document) == {
        "letter-spacing-joined",
        "hyphenation-joined",
        "page-number-removed",
        "spaced-hyphen-collapsed",
    }
    assert document.missing == ()


def test_joins_a_category_heading_broken_by_a_hyphen_or_wrapped_over_lines(parse_fixture: Parse) -> None:
    document = parse_fixture("zielvereinbarung-2017-main-kinzig-kreis-pdf-artefacts.txt")
    aus, pers = document.categories[1], document.categories[3]
    assert aus.label == "Ausbildung und Ausbildungscoaching in anerkannten Ausbildungsberufen"
    assert pers.label.startswith("Weiterbildungsmaßnahmen für Personal der Landkreise")
    assert pers.label.endswith(
        "in der fachlichen Verantwortung für Benachteiligte im Kontext der Arbeitsmarktförderung"
    )


def test_reads_long_german_dates_and_the_party_from_a_spaced_hyphen_signature(parse_fixture: Parse) -> None:
    document = parse_fixture("zielvereinbarung-2017-main-kinzig-kreis-pdf-artefacts.txt")
    ministry, party = document.signatures
    assert (ministry.signed_on, ministry.date_raw) == (date(2016, 12, 5), "5. Dezember 2016")
    assert (party.place, party.signed_on) == ("Gelnhausen", date(2016, 12, 21))
    assert (party.organisation, party.organisation_code) == ("des Main-Kinzig-Kreises", "06435")
    assert document.ministry_canonical_name == OLD_MINISTRY


def test_reads_a_section_heading_on_the_same_line_and_on_the_next_line(parse_fixture: Parse) -> None:
    document = parse_fixture("zielvereinbarung-2017-main-kinzig-kreis-pdf-artefacts.txt")
    assert document.lines  # "§ 4 Haushaltsmittel und Eckdaten" on one line, in bold
    assert document.categories  # "§ 5" with "Ziele für die Umsetzung …" on the next line


def test_refuses_sgb2_agreement_naming_what_it_is(parse_fixture: Parse) -> None:
    document = parse_fixture("zielvereinbarung-2024-lahn-dill-kreis-sgb2.txt")
    assert document.kind == "sgb2-target-agreement"
    assert "§ 48b SGB II" in document.kind_evidence
    assert "Kennzahlen" in document.kind_evidence
    assert "Jobcenter" in document.kind_evidence
    assert not document.importable


def test_still_names_year_and_party_of_a_refused_sgb2_agreement(parse_fixture: Parse) -> None:
    document = parse_fixture("zielvereinbarung-2024-lahn-dill-kreis-sgb2.txt")
    assert (document.year, document.party_ags) == (2024, "06532")
    assert (document.lines, document.categories, document.clauses) == ((), (), ())
    assert document.missing == ()
    assert "party-found-in-phrase" in warning_codes(document)


def test_reports_the_missing_amount_of_a_truncated_file_and_reads_the_rest(parse_fixture: Parse) -> None:
    document = parse_fixture("zielvereinbarung-2024-lahn-dill-kreis-truncated.txt")
    assert document.kind == "aqb-target-agreement"
    assert document.missing == ("§4 amount",)
    assert (document.year, document.party_ags, document.party_name) == (
        2024,
        "06532",
        "Landkreis Lahn-Dill-Kreis",
    )
    assert (
        document.ministry_canonical_name
        == "Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales"
    )
    assert document.signatures == ()
    assert {"section-missing", "signatures-missing"} <= warning_codes(document)
    assert not document.importable


def test_reports_missing_year_party_and_amount_without_raising() -> None:
    document = parse_document("Zielvereinbarung zur Umsetzung des Ausbildungs- und Qualifizierungsbudgets")
    assert document.kind == "aqb-target-agreement"
    assert document.missing == ("year", "party", "ministry", "§4 amount")


def test_calls_a_text_without_zielvereinbarung_unknown() -> None:
    document = parse_document("Protokoll der Umsetzungsbesprechung\n\nLahn-Dill-Kreis, 14.10.2024")
    assert document.kind == "unknown"
    assert "Zielvereinbarung" in document.kind_evidence
    assert not document.importable


def test_keeps_projects_of_an_unknown_heading_under_a_question_mark(seed_text: str) -> None:
    document = parse_document(seed_text.replace("\nAusbildungsvorbereitung\n\n- ", "\nModellprojekte\n\n- "))
    assert document.categories[0].code == "?"
    assert document.categories[0].label == "Modellprojekte"
    assert document.categories[0].projects == ("Ausbildungsvorbereitung",)
    unmapped = [w for w in document.warnings if w.code == "category-unmapped"]
    assert len(unmapped) == 1
    assert unmapped[0].line == 73  # the heading line in the source
    assert "Modellprojekte" in unmapped[0].message


def test_takes_a_lone_amount_without_budget_name_as_aqb_with_a_warning(seed_text: str) -> None:
    text = seed_text.replace(
        "aus dem Ausbildungs- und Qualifizierungsbudget 2024 zur Verfügung.", "zur Verfügung."
    )
    document = parse_document(text)
    assert document.lines == (ParsedBudgetLine("AQB", Decimal("1185000.00"), "1.185.000 Euro"),)
    assert "budget-assumed-aqb" in warning_codes(document)


def test_reports_a_lost_section4_heading_and_still_reads_section5(seed_text: str) -> None:
    document = parse_document(seed_text.replace("§ 4\n", "\n"))
    assert document.missing == ("§4 amount",)
    assert [c.code for c in document.categories] == ["AV", "AUS", "QUAL", "PERS"]
    assert {"section-number-skipped", "section-missing"} <= warning_codes(document)


def test_does_not_take_a_cited_paragraph_for_a_section_heading(seed_text: str) -> None:
    text = seed_text.replace("§ 3\n", "§ 12 Abs. 2 der Richtlinie gilt entsprechend\n\n§ 3\n")
    document = parse_document(text)
    assert document.lines
    assert "section-number-skipped" not in warning_codes(document)


def test_reads_the_ministry_of_a_title_naming_the_state_represented_by_it() -> None:
    document = parse_document(
        "Zielvereinbarung 2019\n\nzwischen\n\ndem Land Hessen, vertreten durch das Hessische Ministerium für "
        "Soziales und Integration,\n\nund dem Wetteraukreis\n\nzur Umsetzung des hessischen Ausbildungs- und "
        "Qualifizierungsbudgets"
    )
    assert document.ministry_name == OLD_MINISTRY
    assert (document.ministry_code, document.ministry_canonical_name) == ("HMSI", OLD_MINISTRY)
    assert document.party_ags == "06440"
