"""Amounts and dates as people type them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger.domain.dates import parse_date
from ledger.domain.errors import InvalidAmountError, InvalidDateError
from ledger.domain.money import parse_amount, parse_document_amount


@pytest.mark.parametrize(("text", "expected"), [
    ("1185000.00", "1185000.00"), ("1185000", "1185000.00"), ("1.185.000,00", "1185000.00"),
    ("1.185.000", "1185000.00"), ("12,5", "12.50"), ("106.000,-- €", "106000.00"), ("879.800,00 EUR", "879800.00"),
    ("1 185 000", "1185000.00"), ("1\u00a0185\u00a0000,50 EUR", "1185000.50"), ("12 345.50", "12345.50"),
])
def test_parses_plain_and_german_notation(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize(("text", "why"), [
    ("1.185", "ambiguous"), ("-5", "never negative"), ("12.345", "ambiguous"), ("1,185,000.00", "use plain"),
    ("1.5e3", "use plain"), ("12.345,678", "use plain"), ("abc", "use plain"),
    ("1 2 3,4 5", "a space only separates groups of three digits"), ("1 5", "groups of three"),
    ("1.0 0", "groups of three"), ("1 18 000", "groups of three"),
])
def test_refuses_ambiguous_or_malformed_amounts(text: str, why: str) -> None:
    with pytest.raises(InvalidAmountError, match=why):
        parse_amount(text)


def test_documents_write_millions_and_single_thousands_groups() -> None:
    assert parse_document_amount("1,3 Mio. Euro") == Decimal("1300000.00")
    assert parse_document_amount("879.800 Euro") == Decimal("879800.00")


@pytest.mark.parametrize(("text", "expected"), [
    ("1.234,5 T€", "1234500.00"), ("985 TEUR", "985000.00"), ("985,8 Tsd. Euro", "985800.00"),
    ("985 Tsd. €", "985000.00"), ("1.185 tausend Euro", "1185000.00"), ("2 T EUR", "2000.00"),
    ("0,00125 T€", "1.25"),
])
def test_documents_write_thousands(text: str, expected: str) -> None:
    assert parse_document_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["0,000125 T€", "1,234567891 Mio. Euro"])
def test_an_amount_in_thousands_or_millions_finer_than_a_cent_is_refused_not_rounded(text: str) -> None:
    with pytest.raises(InvalidAmountError, match="more decimal places than cents"):
        parse_document_amount(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-07-10", date(2024, 7, 10)), ("10.07.2024", date(2024, 7, 10)), ("1. 7. 2024", date(2024, 7, 1)),
    ("21. Dezember 2016", date(2016, 12, 21)),
])
def test_parses_dates_as_written(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31.02.2024", "2024/07/10", "", "10. Foo 2024"])
def test_refuses_invalid_dates(text: str) -> None:
    with pytest.raises(InvalidDateError):
        parse_date(text)
