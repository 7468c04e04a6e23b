"""The real agreement written the other ways a ministry's or a converter's text writes it: each
variant reads exactly as the original (the same budget, categories, projects and signatures)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from ledger.importer.model import ParsedDocument
from ledger.importer.parse import parse_document

PROJECTS = ("- Lernwerkstatt digital\n- Selbstlernzentrum\n- Kompetenzförderung für Menschen im Langzeitbezug\n"
            "- ViA - Vital und Aktiv\n- Jump in")


def essentials(document: ParsedDocument) -> tuple[object, ...]:
    return (document.year, document.party_ags, [(ln.budget, ln.amount) for ln in document.lines], document.categories,
            [(s.side, s.signatory, s.function, s.place, s.signed_on) for s in document.signatures])


@pytest.mark.parametrize(("old", "new"), [
    ("§ 4\n\nHaushaltsmittel und Eckdaten", "§ 4.\n\nHaushaltsmittel und Eckdaten"),
    ("§ 4\n\nHaushaltsmittel und Eckdaten", "§ 4: Haushaltsmittel und Eckdaten"),
    ("§ 4\n\nHaushaltsmittel und Eckdaten", "§4 – Haushaltsmittel und Eckdaten"),
    ("§ 4\n\nHaushaltsmittel und Eckdaten", "4. Haushaltsmittel und Eckdaten"),
    ("1.185.000 Euro", "1 185 000 Euro"),
    ("1.185.000 Euro", "1’185’000 Euro"),
    ("1.185.000 Euro", "Euro 1.185.000"),
    ("Ausbildungsvorbereitung\n\n- Ausbildungsvorbereitung", "1. Ausbildungsvorbereitung\n\n- Ausbildungsvorbereitung"),
    (PROJECTS, re.sub("^- ", "* ", PROJECTS, flags=re.M)),
    (PROJECTS, re.sub("^- ", "• ", PROJECTS, flags=re.M)),
    (PROJECTS, "\n".join(f"{n}. {p[2:]}" for n, p in enumerate(PROJECTS.splitlines(), start=1))),
    ("- Kompetenzförderung für Menschen im Langzeitbezug", "- Kompetenzförderung für Menschen und\nLangzeitbezug"),
])
def test_a_variant_of_the_layout_reads_as_the_original(seed_text: str, old: str, new: str) -> None:
    assert old in seed_text
    original, variant = parse_document(seed_text), parse_document(seed_text.replace(old, new, 1))
    assert variant.importable and not variant.problems
    if "und\nLangzeitbezug" in new:
        projects = {c.code: c.projects for c in variant.categories}["QUAL"]
        assert "Kompetenzförderung für Menschen und Langzeitbezug" in projects
        return
    assert essentials(variant) == essentials(original)
    assert variant.lines[0].amount == Decimal("1185000.00")


def test_a_running_header_beside_the_page_numbers_is_removed_with_a_warning(seed_text: str) -> None:
    header = "Zielvereinbarung AQB 2024 – Lahn-Dill-Kreis"
    paged = seed_text.replace("§ 2\n", f"- 1 -\n{header}\n\n§ 2\n", 1).replace(
        "- Selbstlernzentrum\n", f"- Selbstlernzentrum\n\n- 2 -\n{header}\n\n", 1)
    variant = parse_document(paged)
    assert essentials(variant) == essentials(parse_document(seed_text))
    assert [w.code for w in variant.warnings].count("running-header-removed") == 2


def test_a_line_that_stands_twice_but_not_beside_page_numbers_stays(seed_text: str) -> None:
    twice = seed_text.replace("- Jump in\n", "- Jump in\n- Jump in\n", 1)
    assert "running-header-removed" not in [w.code for w in parse_document(twice).warnings]


def test_umlauts_written_out_read_as_the_original(seed_text: str) -> None:
    written_out = seed_text.replace("Ministerium für Arbeit", "Ministerium fuer Arbeit").replace(
        "Fachkräftesicherung\n", "Fachkraeftesicherung\n")
    variant, original = parse_document(written_out), parse_document(seed_text)
    assert [(c.code, c.projects) for c in variant.categories] == [(c.code, c.projects) for c in original.categories]
    assert variant.ministry_canonical_name == original.ministry_canonical_name
    assert "ministry-name-unknown" not in [w.code for w in variant.warnings]


def test_a_party_written_without_umlauts_is_found(seed_text: str) -> None:
    giessen = seed_text.replace("Landkreis Lahn-Dill-Kreis", "Landkreis Giessen").replace(
        "des Landkreises Lahn-Dill-Kreis", "des Landkreises Giessen").replace("Landkreises Lahn-Dill-Kreis",
                                                                            "Landkreises Giessen")
    assert parse_document(giessen).party_ags == "06531"


@pytest.mark.parametrize(("old", "new", "reason"), [
    ("und dem Landkreis Lahn-Dill-Kreis\n", "und dem Landkreis Lahn-Dill-Kreis (AGS 06533)\n",
     "it names the party 'Landkreis Lahn-Dill-Kreis (AGS 06533)', which is 06532, with the AGS 06533"),
    ("und dem Landkreis Lahn-Dill-Kreis\n", "und der Universitätsstadt Gießen\n",
     "its party 'Universitätsstadt Gießen' is none of the 26 parties"),
    ("aus dem Ausbildungs- und Qualifizierungsbudget 2024", "aus dem Ausbildungs- und Qualifizierungsbudget 2023",
     "it names the budget of 2023; the agreement is for 2024"),
    ("- Selbstlernzentrum\n", "- Selbstlernzentrum\n- Lernwerkstatt digital\n",
     "it lists the project 'Lernwerkstatt digital' twice"),
    ("- Ausbildungsvorbereitung\n", "- Ausbildungsvorbereitung\n- Jump in\n",
     "it lists the project 'Jump in' under AV and QUAL"),
])
def test_a_document_that_contradicts_itself_is_refused_naming_the_contradiction(
        seed_text: str, old: str, new: str, reason: str) -> None:
    assert old in seed_text
    variant = parse_document(seed_text.replace(old, new, 1))
    assert not variant.importable
    assert any(reason in p.reason for p in variant.problems), variant.problems
