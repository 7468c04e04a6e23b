"""§ 4: each amount tied to the budget its sentence names, in any order and wording; the total
checked against the lines; a contradiction refused naming § 4, a guess reported as a warning."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from ledger.importer.amounts import read_amounts
from ledger.importer.clean import clean_text
from ledger.importer.model import ParsedBudgetLine, ParsedDocument, ParseProblem
from ledger.importer.parse import parse_document

Parse = Callable[[str], ParsedDocument]
AQB = "Ausbildungs- und Qualifizierungsbudget"
HINT = (
    "check § 4 of the document; if it is right as written, record the agreement by hand with "
    "'aqb agreement create --line BUDGET=AMOUNT'"
)


def section4(text: str) -> tuple[list[tuple[str, Decimal]], list[str], list[str]]:
    found = read_amounts(clean_text(text).lines)
    return (
        [(line.budget, line.amount) for line in found.lines],
        [w.code for w in found.warnings],
        [p.reason for p in found.problems],
    )


TWO = [("AQB", Decimal("879800.00")), ("AMB", Decimal("106000.00"))]


@pytest.mark.parametrize(
    "text",
    [
        # the budget before its amount, each in its own clause (the held-out shape)
        f"Das HMSI stellt dem Landkreis im Jahr 2018 aus dem {AQB} Haushaltsmittel in Höhe von 879.800 Euro "
        "und aus dem Arbeitsmarktbudget Haushaltsmittel in Höhe von 106.000 Euro zur Verfügung.",
        # the amount before its budget
        f"Das HMSI stellt Haushaltsmittel in Höhe von 879.800 Euro aus dem {AQB} 2018 und 106.000,-- € aus dem "
        "Arbeitsmarktbudget 2018 zur Verfügung.",
        # the other budget first
        "Das HMSI stellt aus dem Arbeitsmarktbudget 2018 Haushaltsmittel in Höhe von 106.000 Euro und aus dem "
        f"{AQB} 2018 Haushaltsmittel in Höhe von 879.800 Euro zur Verfügung.",
        # a total with "davon", every amount on its own line
        "Das HMSI stellt im Jahr 2018 Haushaltsmittel in Höhe von insgesamt\n\n985.800 Euro\n\nzur Verfügung, "
        f"davon\n\n879.800 Euro\n\naus dem {AQB} 2018 und\n\n106.000,-- €\n\naus dem Arbeitsmarktbudget 2018.",
        # both budgets named first, the total, then "Davon" in the next sentence
        f"Das HMSI stellt aus dem {AQB} 2018 und dem Arbeitsmarktbudget 2018 Haushaltsmittel in Höhe von "
        "insgesamt 985.800 Euro zur Verfügung. Davon entfallen 879.800 Euro auf das Ausbildungs- und "
        "Qualifizierungsbudget und 106.000 Euro auf das Arbeitsmarktbudget.",
        # a total named for both budgets, then broken down after "davon"
        f"Das HMSI stellt Haushaltsmittel in Höhe von insgesamt 985.800 Euro aus dem {AQB} und dem "
        "Arbeitsmarktbudget zur Verfügung, davon 879.800 Euro aus dem AQB und 106.000 Euro aus dem AMB.",
        # a table, one row per budget, the total last
        f"{AQB} 2018: 879.800 Euro\nArbeitsmarktbudget 2018: 106.000,-- €\nSumme: 985.800 Euro",
        # separate sentences, with "für das" and a colon
        f"Für das {AQB} 2018 stehen 879.800 Euro zur Verfügung. Arbeitsmarktbudget 2018: 106.000 Euro.",
        # the currency before the amount
        f"Aus dem {AQB} 2018 stehen EUR 879.800,00 und aus dem Arbeitsmarktbudget 2018 € 106.000 zur Verfügung.",
        # a bracketed breakdown of a total
        "Das HMSI stellt Haushaltsmittel in Höhe von 985.800 Euro (879.800 Euro aus dem AQB; 106.000 Euro aus "
        "dem AMB) zur Verfügung.",
    ],
)
def test_ties_each_amount_to_the_budget_of_its_clause(text: str) -> None:
    lines, warnings, problems = section4(text)
    assert lines == TWO
    assert problems == []
    assert set(warnings) <= {"total-by-sum"}  # the bracket's total names no budget and equals the sum


def test_reads_the_reordered_two_budget_agreement_of_2019(parse_fixture: Parse) -> None:
    document = parse_fixture("zielvereinbarung-2019-wetteraukreis-two-budgets.txt")
    assert document.budgets == ("AQB", "AMB")
    assert document.lines == (
        ParsedBudgetLine("AQB", Decimal("1021300.00"), "1.021.300 Euro"),
        ParsedBudgetLine("AMB", Decimal("118000.00"), "118.000,-- €"),
    )
    assert document.problems == ()
    assert document.importable


def test_reads_earmarked_lines_of_a_davon_table_and_checks_them_against_the_total(parse_fixture: Parse) -> None:
    document = parse_fixture("zielvereinbarung-2020-stadt-offenbach-earmarks.txt")
    assert document.lines == (
        ParsedBudgetLine("AQB", Decimal("1143400.00"), "1.143.400 Euro"),
        ParsedBudgetLine("TZA", Decimal("60000.00"), "60.000 Euro"),
        ParsedBudgetLine("SPRACH", Decimal("60000.00"), "60.000 Euro"),
    )
    assert document.budgets == ("AQB",)
    assert document.problems == ()


def test_warns_when_the_tie_is_taken_from_the_order_of_a_table_without_punctuation() -> None:
    lines, warnings, problems = section4(f"Aufteilung: {AQB} 2018 879.800 Euro Arbeitsmarktbudget 2018 106.000 Euro")
    assert lines == TWO
    assert warnings == ["budget-tie-by-order", "budget-tie-by-order"]
    assert problems == []


def test_warns_when_one_amount_stands_with_several_budgets() -> None:
    found = read_amounts(clean_text(f"Es werden 50.000 Euro aus dem {AQB} für die Teilzeitausbildung "
                                    "bereitgestellt.").lines)
    assert [(line.budget, line.amount) for line in found.lines] == [("AQB", Decimal("50000.00"))]
    assert [w.code for w in found.warnings] == ["budget-tie-guessed"]
    assert "tied it to AQB, the nearest after it" in found.warnings[0].message


def test_refuses_a_total_that_is_not_the_sum_of_its_lines() -> None:
    found = read_amounts(clean_text(
        "Das HMSI stellt Haushaltsmittel in Höhe von insgesamt 985.800 Euro zur Verfügung, davon 879.800 Euro "
        f"aus dem {AQB} und 116.000 Euro aus dem Arbeitsmarktbudget."
    ).lines)
    assert found.problems == (
        ParseProblem(
            "§ 4",
            "the total '985.800 Euro' (line 1) is not the sum of its lines: AQB '879.800 Euro' + AMB "
            "'116.000 Euro' = 995,800.00 EUR.",
            HINT,
            1,
        ),
    )


def test_warns_about_a_rounded_total_in_millions_within_its_last_digit() -> None:
    lines, warnings, problems = section4(
        "Das HMSI stellt Haushaltsmittel in Höhe von 1,3 Mio. Euro zur Verfügung, davon 879.800 Euro aus dem "
        f"{AQB} und 420.000 Euro aus dem Arbeitsmarktbudget."
    )
    assert lines == [("AQB", Decimal("879800.00")), ("AMB", Decimal("420000.00"))]
    assert (warnings, problems) == (["total-rounded"], [])


def test_reads_amounts_in_thousands_and_a_rounded_total_in_thousands() -> None:
    lines, warnings, problems = section4(
        "Das HMSI stellt Haushaltsmittel in Höhe von insgesamt 986 T€ zur Verfügung, davon 879,8 T€ aus dem "
        f"{AQB} 2018 und 106 TEUR aus dem Arbeitsmarktbudget 2018."
    )
    assert lines == TWO
    assert (warnings, problems) == (["total-rounded"], [])
    lines, warnings, problems = section4(f"Aus dem {AQB} 2024 stehen 1.185 Tsd. Euro zur Verfügung.")
    assert (lines, warnings, problems) == ([("AQB", Decimal("1185000.00"))], [], [])


def test_refuses_a_total_in_thousands_beyond_its_rounding() -> None:
    _, _, problems = section4(
        "Das HMSI stellt Haushaltsmittel in Höhe von insgesamt 987 T€ zur Verfügung, davon 879,8 T€ aus dem "
        f"{AQB} 2018 und 106 TEUR aus dem Arbeitsmarktbudget 2018."
    )
    assert len(problems) == 1 and problems[0].startswith("the total '987 T€' (line 1) is not the sum of its lines")


def test_refuses_a_total_in_millions_beyond_its_rounding() -> None:
    _, _, problems = section4(
        "Das HMSI stellt Haushaltsmittel in Höhe von 1,3 Mio. Euro zur Verfügung, davon 879.800 Euro aus dem "
        f"{AQB} und 320.000 Euro aus dem Arbeitsmarktbudget."
    )
    assert len(problems) == 1
    assert problems[0].startswith("the total '1,3 Mio. Euro' (line 1) is not the sum of its lines")


def test_an_earmark_under_davon_is_part_of_the_aqb_line_not_a_line_of_its_own() -> None:
    lines, warnings, problems = section4(
        f"Das HMSI stellt Haushaltsmittel in Höhe von insgesamt 1.185.000 Euro aus dem {AQB} 2024 zur "
        "Verfügung, davon 50.000 Euro für Maßnahmen der Teilzeitausbildung."
    )
    assert lines == [("AQB", Decimal("1185000.00"))]
    assert (warnings, problems) == (["amount-contained"], [])


def test_an_extra_earmark_is_a_line_of_its_own() -> None:
    lines, warnings, _ = section4(
        f"Das HMSI stellt Haushaltsmittel in Höhe von insgesamt 1.185.000 Euro aus dem {AQB} 2024 zur "
        "Verfügung. Zusätzlich werden 80.000 Euro für Sprachförderung bereitgestellt."
    )
    assert lines == [("AQB", Decimal("1185000.00")), ("SPRACH", Decimal("80000.00"))]
    assert warnings == []


def test_refuses_two_different_amounts_for_one_budget() -> None:
    _, _, problems = section4(
        f"Aus dem {AQB} stehen 879.800 Euro zur Verfügung. Aus dem {AQB} stehen 900.000 Euro zur Verfügung."
    )
    assert problems == [
        "two different amounts are tied to the AQB: '879.800 Euro' (line 1) and '900.000 Euro' (line 1)."
    ]


def test_refuses_one_amount_given_for_two_budgets_together() -> None:
    _, _, problems = section4(
        f"Das HMSI stellt aus dem {AQB} und dem Arbeitsmarktbudget insgesamt 985.800 Euro zur Verfügung."
    )
    assert problems == ["'985.800 Euro' (line 1) is given for AQB and AMB together; their lines cannot be told apart."]


def test_refuses_amounts_that_name_no_budget_beside_a_total() -> None:
    _, _, problems = section4("Insgesamt 985.800 Euro, davon 879.800 Euro und 106.000 Euro.")
    assert problems == ["no amount is tied to a budget: '879.800 Euro' (line 1), '106.000 Euro' (line 1) name none."]


def test_the_document_with_a_contradicting_total_is_not_importable(seed_text: str) -> None:
    text = seed_text.replace(
        "1.185.000 Euro\n\naus dem Ausbildungs- und Qualifizierungsbudget 2024 zur Verfügung.",
        "1.200.000 Euro, davon 1.100.000 Euro aus dem Ausbildungs- und Qualifizierungsbudget "
        "und 90.000 Euro aus dem Arbeitsmarktbudget zur Verfügung.",
    )
    document = parse_document(text)
    assert [p.part for p in document.problems] == ["§ 4"]
    assert document.problems[0].line == 63
    assert not document.importable


@pytest.mark.parametrize("text", [
    f"Das HMSI stellt Haushaltsmittel in Höhe von insgesamt 1.052.300,00 €, davon 100.000,00 € für Maßnahmen zur "
    f"Ermöglichung von Teilzeitausbildungen, aus dem {AQB} 2025 zur Verfügung.",
    f"Das HMSI stellt Haushaltsmittel in Höhe von insgesamt 1.052.300,00 € aus dem {AQB} 2025 zur Verfügung. "
    "Davon sind 100.000,00 € für Maßnahmen zur Ermöglichung von Teilzeitausbildungen bestimmt.",
])
def test_an_earmark_inside_the_total_is_part_of_the_aqb_line(text: str) -> None:
    lines, warnings, problems = section4(text)
    assert (lines, problems) == ([("AQB", Decimal("1052300.00"))], [])
    assert "amount-contained" in warnings


@pytest.mark.parametrize("text", [
    f"Das HMSI stellt Haushaltsmittel in Höhe von insgesamt 1.185.000 Euro (davon für Jugendberufshilfe: "
    f"100.000 €) aus dem {AQB} 2024 zur Verfügung.",
    f"Das HMSI stellt Haushaltsmittel in Höhe von 1.185.000 Euro (davon 100.000 € für Teilzeitausbildung) aus "
    f"dem {AQB} 2024 zur Verfügung.",
    f"Das HMSI stellt Haushaltsmittel in Höhe von 1.185.000 Euro aus dem {AQB} 2024 (davon 100.000 € für "
    "Teilzeitausbildung) zur Verfügung.",
    f"Das HMSI stellt Haushaltsmittel in Höhe von 1.185.000 Euro (einschließlich 100.000 € für Sprachförderung) "
    f"aus dem {AQB} 2024 zur Verfügung.",
    f"Das HMSI stellt Haushaltsmittel in Höhe von 1.185.000 Euro (inkl. 100.000 Euro für Jugendberufshilfe) aus "
    f"dem {AQB} 2024 zur Verfügung.",
])
def test_a_part_in_brackets_leaves_the_budget_after_the_bracket_to_the_total(text: str) -> None:
    lines, warnings, problems = section4(text)
    assert (lines, problems) == ([("AQB", Decimal("1185000.00"))], [])
    assert warnings == ["amount-contained"]


def test_an_aside_in_brackets_between_two_budget_lines_keeps_each_line_its_budget() -> None:
    lines, _, problems = section4(
        f"Das HMSI stellt 879.800 Euro (Vorjahr: 850.000 Euro) aus dem {AQB} 2018 und 106.000 Euro aus dem "
        "Arbeitsmarktbudget 2018 zur Verfügung."
    )
    assert (lines, problems) == (TWO, [])


@pytest.mark.parametrize("written", ["1.185.000.00 €", "1,185,000 Euro", "1.185.00 Euro"])
def test_digits_with_a_currency_that_read_as_no_amount_are_refused_as_unreadable(written: str) -> None:
    lines, _, problems = section4(f"Das HMSI stellt {written} aus dem {AQB} 2024 zur Verfügung.")
    assert lines == []
    assert problems == [f"'{written}' (line 1) looks like an amount but cannot be read."]


def test_the_refusal_of_a_misprinted_total_names_the_amount_not_a_missing_one(seed_text: str) -> None:
    document = parse_document(seed_text.replace("\n1.185.000 Euro\n", "\n1.185.000.00 €\n", 1))
    assert document.missing == ("§4 amount",)
    assert [(p.part, p.line) for p in document.problems] == [("§ 4", 63)]
