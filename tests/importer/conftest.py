"""Shared helpers for the importer tests: fixture paths and parsed fixture documents."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ledger.importer.model import ParsedDocument
from ledger.importer.parse import parse_document
from ledger.importer.read import read_source, seed_document_path

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixture_path() -> Callable[[str], Path]:
    """The path of a fixture file under tests/importer/fixtures/."""
    return lambda name: FIXTURES / name


@pytest.fixture
def parse_fixture() -> Callable[[str], ParsedDocument]:
    """Read and parse a fixture file under tests/importer/fixtures/."""
    return lambda name: parse_document(read_source(FIXTURES / name).text)


@pytest.fixture
def seed_text() -> str:
    return read_source(seed_document_path()).text
