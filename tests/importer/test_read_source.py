"""read_source: UTF-8 text or a PDF's text layer, the SHA-256 of the bytes, named refusals."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfWriter

from ledger.domain.errors import DocumentRefusedError, NotFoundError
from ledger.importer.read import read_source


def test_reads_utf8_text_and_hashes_the_raw_bytes(tmp_path: Path) -> None:
    path = tmp_path / "zv.txt"
    path.write_bytes("\ufeffZielvereinbarung für Gießen".encode())
    source = read_source(path)
    assert source.text == "Zielvereinbarung für Gießen"
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (source.name, source.media_type) == ("zv.txt", "text/plain")


def test_reads_the_text_layer_of_a_pdf(fixture_path: Callable[[str], Path]) -> None:
    path = fixture_path("zielvereinbarung-2024-lahn-dill-kreis.pdf")
    source = read_source(path)
    assert source.media_type == "application/pdf"
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "Haushaltsmittel und Eckdaten" in source.text


def test_refuses_an_unsupported_file_type_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "zv.docx"
    path.write_bytes(b"PK")
    with pytest.raises(DocumentRefusedError) as refused:
        read_source(path)
    assert refused.value.message == "zv.docx: unsupported file type '.docx'"
    assert ".pdf" in refused.value.hint


def test_refuses_a_file_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as refused:
        read_source(tmp_path / "missing.txt")
    assert refused.value.message == f"no document at {tmp_path / 'missing.txt'}"
    assert refused.value.exit_code == 3


def test_refuses_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"  \n")
    with pytest.raises(DocumentRefusedError, match=r"^empty.txt: the file is empty$"):
        read_source(path)


def test_refuses_text_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Zielvereinbarung für Gießen".encode("latin-1"))
    with pytest.raises(DocumentRefusedError) as refused:
        read_source(path)
    assert refused.value.message == "latin1.txt: not valid UTF-8 text (byte 18)"
    assert refused.value.hint.startswith("it reads as Windows-1252 text: convert it first (iconv -f cp1252")


def test_text_in_no_known_encoding_is_refused_with_the_plain_hint(tmp_path: Path) -> None:
    path = tmp_path / "binary.txt"
    path.write_bytes(b"Zielvereinbarung \x81\x00\x02")
    with pytest.raises(DocumentRefusedError) as refused:
        read_source(path)
    assert refused.value.hint == "save the text as UTF-8, or import the original PDF"


def test_refuses_a_pdf_without_a_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with path.open("wb") as out:
        writer.write(out)
    with pytest.raises(DocumentRefusedError) as refused:
        read_source(path)
    assert refused.value.message == "scan.pdf: the PDF has no text layer (a scan?)"
    assert "OCR" in refused.value.hint


def test_refuses_a_damaged_pdf(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\nthis is not really a pdf\n")
    with pytest.raises(DocumentRefusedError, match=r"^broken.pdf: "):
        read_source(path)
