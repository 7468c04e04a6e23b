"""Property tests: amounts in German and plain notation parse to the exact Decimal."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.domain.errors import InvalidAmountError
from ledger.domain.money import parse_amount, parse_document_amount
from ledger.importer.clauses import AMOUNT

CENTS = st.integers(min_value=0, max_value=99_999_999_999).map(lambda c: Decimal(c).scaleb(-2))  # to the ceiling
SUFFIXES = st.sampled_from(["", " Euro", " EUR", " €", "€", " euro"])
ONE_GROUP_NO_DECIMALS = re.compile(r"^\d{1,3}\.\d{3}$")


def german(value: Decimal, *, dashes: bool, decimals: bool) -> str:
    whole, cents = f"{value:.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    if cents == "00" and dashes:
        return grouped + ",--"
    if cents == "00" and not decimals:
        return grouped
    return f"{grouped},{cents}"


@given(CENTS, st.booleans(), st.booleans(), SUFFIXES)
def test_document_amounts_in_german_notation_parse_exactly(
    value: Decimal, dashes: bool, decimals: bool, suffix: str
) -> None:
    written = german(value, dashes=dashes, decimals=decimals) + suffix
    assert parse_document_amount(written) == value


@given(CENTS, st.booleans(), st.booleans(), SUFFIXES)
def test_typed_amounts_in_german_notation_parse_exactly_unless_ambiguous(
    value: Decimal, dashes: bool, decimals: bool, suffix: str
) -> None:
    core = german(value, dashes=dashes, decimals=decimals)
    if ONE_GROUP_NO_DECIMALS.match(core):  # "1.185": a thousands group or a fraction?
        with pytest.raises(InvalidAmountError):
            parse_amount(core + suffix)
        return
    assert parse_amount(core + suffix) == value


@given(CENTS, st.booleans(), SUFFIXES)
def test_amounts_in_plain_notation_parse_exactly(value: Decimal, decimals: bool, suffix: str) -> None:
    written = f"{value:.2f}" if decimals or value != value.to_integral() else f"{value:.0f}"
    assert parse_amount(written + suffix) == value
    assert parse_document_amount(written + suffix) == value


@given(
    st.integers(min_value=0, max_value=999_999_999), st.sampled_from([" Mio. Euro", " Mio. €", " Millionen Euro"])
)
def test_amounts_in_millions_parse_exactly(millionths: int, suffix: str) -> None:
    value = Decimal(millionths).scaleb(-6)
    written = f"{value:f}".replace(".", ",") + suffix
    assert parse_document_amount(written) == (value * 1_000_000).quantize(Decimal("0.01"))


@given(st.integers(min_value=0, max_value=999_999_999), st.sampled_from([" T€", " TEUR", " Tsd. Euro", " tausend €"]))
def test_amounts_in_thousands_are_found_and_parse_exactly(thousandths: int, suffix: str) -> None:
    value = Decimal(thousandths).scaleb(-3)  # thousands to the euro: "1.234,567 T€"
    whole, _, fraction = f"{value:f}".partition(".")
    written = f"{int(whole):,}".replace(",", ".") + ("," + fraction if fraction.strip("0") else "") + suffix
    found = AMOUNT.search(f"Haushaltsmittel in Höhe von insgesamt {written} aus dem AQB")
    assert found is not None and found.group(0) == written
    assert parse_document_amount(found.group(0)) == (value * 1_000).quantize(Decimal("0.01"))


@given(CENTS, st.booleans(), st.sampled_from([" Euro", " €", " EUR"]))
def test_the_importer_finds_every_german_amount_in_a_sentence(
    value: Decimal, dashes: bool, suffix: str
) -> None:
    written = german(value, dashes=dashes, decimals=True) + suffix
    found = AMOUNT.search(f"Haushaltsmittel in Höhe von insgesamt {written} aus dem AQB")
    assert found is not None
    assert found.group(0) == written
    assert parse_document_amount(found.group(0)) == value


@given(st.integers(min_value=100_000_000_000, max_value=10**40).map(lambda c: Decimal(c).scaleb(-2)))
def test_an_amount_above_the_ceiling_is_refused_not_rounded(value: Decimal) -> None:
    with pytest.raises(InvalidAmountError, match="above the ceiling of 999,999,999.99 EUR"):
        parse_amount(f"{value:.2f}")
