"""Property: the order of § 4's sentences and of the signature blocks, the wording of each
sentence and where its amount stands (in the sentence or on a line of its own) never change
the parse — every amount keeps its budget, every block its side."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.importer.model import ParsedDocument
from ledger.importer.parse import parse_document
from ledger.importer.read import read_source, seed_document_path

SEED = read_source(seed_document_path()).text
HEAD, _, AFTER_HEADING = SEED.partition("Haushaltsmittel und Eckdaten\n\n")
_, _, FROM_SECTION5 = AFTER_HEADING.partition("\n\n§ 5")
BODY, _, _ = FROM_SECTION5.partition("Wiesbaden, den 1. 7. 2024")
NAMES = {  # dative, nominative, accusative
    "AQB": ("dem Ausbildungs- und Qualifizierungsbudget 2024", "Ausbildungs- und Qualifizierungsbudget 2024",
            "das Ausbildungs- und Qualifizierungsbudget 2024"),
    "AMB": ("dem Arbeitsmarktbudget 2024", "Arbeitsmarktbudget 2024", "das Arbeitsmarktbudget 2024"),
}
TEMPLATES = (
    "Aus {dat} stammen {amount}.",
    "{amount} werden aus {dat} bereitgestellt.",
    "Aus {dat} stellt das HMSI Haushaltsmittel in Höhe von {amount} zur Verfügung.",
    "{nom}: {amount}.",
    "Für {acc} stehen {amount} zur Verfügung.",
    "Das HMSI stellt Haushaltsmittel in Höhe von {amount} aus {dat} zur Verfügung.",
)
SPRACH = "Zusätzlich stehen für die Sprachförderung {amount} zur Verfügung."
TOTAL = "Insgesamt stellt das HMSI dem Landkreis im Jahr 2024 Haushaltsmittel in Höhe von {amount} zur Verfügung."
MINISTRY_BLOCKS = (
    "Wiesbaden, den 1. 7. 2024\n\nHeike Hofmann\n\nHeike Hofmann\nStaatsministerin\nHessisches Ministerium\n"
    "für Arbeit, Integration,\nJugend und Soziales",
    "Wiesbaden, den 1. 7. 2024\n\nHeike Hofmann\nHessische Ministerin für Arbeit, Integration, Jugend und Soziales",
    "Für das Hessische Ministerium für Arbeit, Integration, Jugend und Soziales\n\nWiesbaden, den 1. 7. 2024\n\n"
    "Dr. Max Beispiel\nStaatssekretär",
)
PARTY_BLOCKS = (
    "Wetzlar, den\n\n10.07.2024\n\nStephan Aurand\n\nStephan Aurand\nKreisbeigeordneter\n"
    "des Landkreises Lahn-Dill-Kreis",
    "Wetzlar, den 10.07.2024\n\nWolfgang Muster\nLandrat des Lahn-Dill-Kreises",
    "Wetzlar, den 10.07.2024\nDer Kreisausschuss des Lahn-Dill-Kreises\nStephan Aurand\nErster Kreisbeigeordneter",
)
GUESSES = {"budget-tie-guessed", "budget-tie-by-order", "budget-assumed-aqb", "amount-unassigned", "total-by-sum"}


def german(euros: int, style: int) -> str:
    grouped = f"{euros:,}".replace(",", ".")
    return (f"{grouped} Euro", f"{grouped},-- €", f"{grouped},00 EUR", f"EUR {grouped},00", f"€ {grouped}")[style]


@st.composite
def sentences(draw: st.DrawFn) -> tuple[list[str], dict[str, Decimal]]:
    amounts = {"AQB": draw(st.integers(1_000, 2_000_000))}
    for budget in ("AMB", "SPRACH"):
        if draw(st.booleans()):
            amounts[budget] = draw(st.integers(1_000, 500_000))
    said = []
    for budget, euros in amounts.items():
        written = german(euros, draw(st.integers(0, 4)))
        if draw(st.booleans()):
            written = f"\n\n{written}\n\n"  # the amount on a line of its own
        template = SPRACH if budget == "SPRACH" else draw(st.sampled_from(TEMPLATES))
        dat, nom, acc = NAMES.get(budget, ("", "", ""))
        said.append(template.format(amount=written, dat=dat, nom=nom, acc=acc))
    if draw(st.booleans()):
        said.append(TOTAL.format(amount=german(sum(amounts.values()), draw(st.integers(0, 4)))))
    return said, {budget: Decimal(euros).quantize(Decimal("0.01")) for budget, euros in amounts.items()}


def document(section4: list[str], blocks: list[str]) -> str:
    return f"{HEAD}Haushaltsmittel und Eckdaten\n\n{' '.join(section4)}\n\n§ 5{BODY}" + "\n\n".join(blocks)


def comparable(parsed: ParsedDocument) -> tuple[object, ...]:
    return parsed.lines, parsed.budgets, parsed.signatures, parsed.problems, sorted(w.code for w in parsed.warnings)


@settings(max_examples=150, deadline=None)
@given(sentences(), st.data())
def test_shuffling_section4_sentences_and_signature_blocks_keeps_the_parse(
    written: tuple[list[str], dict[str, Decimal]], data: st.DataObject
) -> None:
    said, amounts = written
    blocks = [data.draw(st.sampled_from(MINISTRY_BLOCKS)), data.draw(st.sampled_from(PARTY_BLOCKS))]
    in_order = parse_document(document(said, blocks))
    shuffled = parse_document(document(data.draw(st.permutations(said)), data.draw(st.permutations(blocks))))

    assert comparable(shuffled) == comparable(in_order)
    assert {line.budget: line.amount for line in shuffled.lines} == amounts
    assert [(s.side, s.organisation_code) for s in shuffled.signatures] == [("ministry", "HMSI"), ("party", "06532")]
    assert not GUESSES & {w.code for w in shuffled.warnings}
    assert shuffled.importable
