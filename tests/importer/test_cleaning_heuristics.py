"""Undoing PDF artefacts: what is joined, what is kept, and that each heuristic is reported."""

from __future__ import annotations

from ledger.importer.clean import clean_text


def cleaned(text: str) -> list[str]:
    return [line.text for line in clean_text(text).lines]


def codes(text: str) -> list[str]:
    return [w.code for w in clean_text(text).warnings]


def test_joins_a_hyphenated_word_broken_inside_a_line() -> None:
    assert cleaned("die Kammern werden ein- gebunden") == ["die Kammern werden eingebunden"]
    assert codes("die Kammern werden ein- gebunden") == ["hyphenation-joined"]


def test_joins_a_hyphenated_word_broken_over_two_lines_keeping_line_numbers() -> None:
    result = clean_text("Akteure des Arbeits-\nmarktes in eine Strategie")
    assert [(line.no, line.text) for line in result.lines] == [
        (1, "Akteure des Arbeitsmarktes"),
        (2, "in eine Strategie"),
    ]
    assert [(w.code, w.line) for w in result.warnings] == [("hyphenation-joined", 1)]


def test_keeps_the_hyphen_of_a_compound_broken_before_a_capital() -> None:
    assert cleaned("dem Landkreis Lahn-\nDill-Kreis") == ["dem Landkreis Lahn-Dill-Kreis", ""]


def test_keeps_suspended_hyphens_before_und_and_real_compounds_intact() -> None:
    text = (
        "Ausbildungs- und Qualifizierungsbudget im Lahn-Dill-Kreis, Arbeitsmarkt-\nund Ausbildungsstrategie"
    )
    assert cleaned(text) == [
        "Ausbildungs- und Qualifizierungsbudget im Lahn-Dill-Kreis, Arbeitsmarkt-",
        "und Ausbildungsstrategie",
    ]
    assert codes(text) == []


def test_collapses_spaced_hyphens_only_inside_known_party_names() -> None:
    text = "dem Main - Kinzig - Kreis\n- ViA - Vital und Aktiv"
    assert cleaned(text) == ["dem Main-Kinzig-Kreis", "- ViA - Vital und Aktiv"]
    assert codes(text) == ["spaced-hyphen-collapsed"]


def test_joins_letter_spaced_logo_text_word_by_word() -> None:
    assert cleaned("A R B E I T S W E L T  H E S S E N") == ["ARBEITSWELT HESSEN"]
    assert codes("A R B E I T S W E L T  H E S S E N") == ["letter-spacing-joined"]


def test_removes_page_numbers_but_not_a_year_on_its_own_line() -> None:
    text = "Zielvereinbarung\n2024\n3\nSeite 2 von 4\n- 4 -"
    assert cleaned(text) == ["Zielvereinbarung", "2024"]
    assert codes(text) == ["page-number-removed"] * 3


def test_removes_bold_markers_and_justification_spaces_silently() -> None:
    assert cleaned("**§ 4  Haushaltsmittel   und Eckdaten**") == ["§ 4 Haushaltsmittel und Eckdaten"]
    assert codes("**§ 4  Haushaltsmittel   und Eckdaten**") == []
