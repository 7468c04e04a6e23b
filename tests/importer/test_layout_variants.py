"""The real agreement written the other ways a ministry's or a converter's text writes it: each
variant reads exactly as the original (the same budget, categories, projects and signatures)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
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


SECTION5 = re.compile(r"(?<=folgende Projekte:\n\n).*?(?=\n\nDie Förderung)", re.S)
CATEGORIES = (("Ausbildungsvorbereitung", ("Ausbildungsvorbereitung",)),
              ("Ausbildung und Ausbildungscoaching in anerkannten Ausbildungsberufen",
               ("Integrative Ausbildung Plus",)),
              ("Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung",
               ("Lernwerkstatt digital", "Selbstlernzentrum", "Kompetenzförderung für Menschen im Langzeitbezug",
                "ViA - Vital und Aktiv", "Jump in")),
              ("Weiterbildungsmaßnahmen für Personal der Landkreise und kreisfreien Städte in der fachlichen "
               "Verantwortung für Benachteiligte im Kontext der Arbeitsmarktförderung",
               ("Fortbildung für Mitarbeitende",)))


def with_section5(seed_text: str, section5: str) -> ParsedDocument:
    assert SECTION5.search(seed_text)
    return parse_document(SECTION5.sub(lambda _: section5, seed_text, count=1))


def pipe_table() -> str:
    rows = [f"| {category if i == 0 else ''} | {project} | 20 |"
            for category, projects in CATEGORIES for i, project in enumerate(projects)]
    return "\n".join(["| Maßnahmenart | Projekt | Plätze |", "|---|---|---|", *rows])


def layout_table(width: int = 40) -> str:
    """As pdftotext -layout writes a table: columns aligned, a long category wrapped over the lines
    of its projects (and further lines of its own where it has fewer projects than lines)."""
    lines = [f"{'Maßnahmenart':<{width}}{'Projekt':<50}Plätze", "-" * 100]
    for category, projects in CATEGORIES:
        words, cells, cell = category.split(), [], ""
        for word in words:
            if cell and len(cell) + 1 + len(word) > width - 4:
                cells.append(cell)
                cell = word
            else:
                cell = f"{cell} {word}".strip()
        cells.append(cell)
        for i in range(max(len(cells), len(projects))):
            left = cells[i] if i < len(cells) else ""
            project = projects[i] if i < len(projects) else ""
            lines.append(f"{left:<{width}}{project:<50}{'12' if project else ''}".rstrip())
    return "\n".join([*lines, "-" * 100])


@pytest.mark.parametrize("table", [pipe_table, layout_table], ids=["pipe table", "layout table"])
def test_section5_as_a_table_reads_as_the_list(seed_text: str, table: Callable[[], str]) -> None:
    original, variant = parse_document(seed_text), with_section5(seed_text, table())
    assert variant.importable and not variant.problems, variant.problems
    assert variant.categories == original.categories
    assert "section5-table" in {w.code for w in variant.warnings}


def test_a_numbered_heading_the_aliases_do_not_know_is_refused_not_made_a_project(seed_text: str) -> None:
    numbered = "\n\n".join(f"{n}. {category}\n" + "\n".join(f"• {p}" for p in projects)
                           for n, (category, projects) in enumerate(CATEGORIES, start=1))
    assert with_section5(seed_text, numbered).categories == parse_document(seed_text).categories
    unknown = with_section5(seed_text, numbered.replace("3. Qualifizierungsprojekte zur Arbeitsmarktintegration, "
                                                         "Fachkräftesicherung", "3. Projekte für Erwerbslose"))
    assert not unknown.importable
    assert [p.reason for p in unknown.problems] == [
        "the heading 'Projekte für Erwerbslose' matches no measure category"]


def test_an_amount_beside_a_project_is_not_part_of_its_name(seed_text: str) -> None:
    written = seed_text.replace("- Selbstlernzentrum", "- Selbstlernzentrum: 120.000,00 Euro").replace(
        "- Jump in", "- Jump in (135.000 €)")
    document = parse_document(written)
    assert document.categories == parse_document(seed_text).categories
    assert [w.message.split("'")[1] for w in document.warnings if w.code == "project-amount-not-recorded"] == [
        "Selbstlernzentrum: 120.000,00 Euro", "Jump in (135.000 €)"]


def test_a_document_cut_off_is_refused_and_a_signed_one_without_section6_warns(seed_text: str) -> None:
    cut = parse_document(seed_text[: seed_text.index("- Integrative Ausbildung Plus")])
    assert not cut.importable
    assert {p.part for p in cut.problems} == {"§ 6"}
    no_projects = with_section5(seed_text, "Die Projekte werden im Antrag benannt.")
    assert [p.reason for p in no_projects.problems] == ["no project could be read from it"]
    start, end = seed_text.index("§ 6 Zielsteuerung"), seed_text.index("§ 7")
    signed = parse_document(seed_text[:start] + seed_text[end:])
    assert signed.importable
    assert "No '§ 6' heading" in " ".join(w.message for w in signed.warnings)


def test_text_in_unicode_nfd_reads_as_the_original(seed_text: str) -> None:
    decomposed = unicodedata.normalize("NFD", seed_text)
    assert decomposed != seed_text
    assert essentials(parse_document(decomposed)) == essentials(parse_document(seed_text))
