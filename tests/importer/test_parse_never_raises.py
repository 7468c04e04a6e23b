"""parse_document reports content problems; it never raises for them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.importer.parse import parse_document
from ledger.importer.read import read_source, seed_document_path

SEED_LINES = read_source(seed_document_path()).text.split("\n")


@given(st.text())
def test_parses_arbitrary_text_without_raising(text: str) -> None:
    document = parse_document(text)
    assert document.kind in ("aqb-target-agreement", "sgb2-target-agreement", "unknown")


@settings(max_examples=50)
@given(st.sets(st.integers(min_value=0, max_value=len(SEED_LINES) - 1)))
def test_parses_the_seed_with_any_lines_deleted_without_raising(deleted: set[int]) -> None:
    text = "\n".join(line for i, line in enumerate(SEED_LINES) if i not in deleted)
    document = parse_document(text)
    if document.kind == "aqb-target-agreement" and not deleted & set(range(56, 66)):
        assert document.lines


def test_a_document_with_one_very_long_word_is_parsed_as_the_rest_of_it_says() -> None:
    """A line of 100,000 letters (or of letter-spaced text, which is joined into one word) made the
    search for inline hyphenation backtrack over the whole word from every letter: quadratic,
    minutes for a document far below the importer's size limit. The pattern now starts only where
    a word starts; if it (or another one) regresses, this test runs for minutes, not milliseconds."""
    seed = "\n".join(SEED_LINES)
    for noise in ("a" * 100_000, "a " * 50_000):
        document = parse_document(noise + "\n" + seed)
        assert document.kind == "aqb-target-agreement"
        assert (document.year, document.party_ags) == (2024, "06532")
