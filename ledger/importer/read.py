"""Reading a source document: plain UTF-8 text, or a PDF's text layer (no OCR).

Every problem with the file itself is a `DocumentRefusedError` whose message names the file and
what was wrong, and whose hint says what to do. Problems with the *content* are not refused here;
`ledger.importer.parse.parse_document` reports them as warnings and missing parts.
"""

from __future__ import annotations

import hashlib
import logging
from importlib import resources
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from ledger import inputs
from ledger.domain.errors import DocumentRefusedError
from ledger.importer.model import SourceFile

SEED_NAME = "zielvereinbarung-2024-lahn-dill-kreis.txt"
_MIN_PDF_TEXT = 20  # fewer non-space characters than this: a scan without a text layer


def seed_document_path() -> Path:
    """The shipped copy of the real 2024 Lahn-Dill-Kreis agreement."""
    return Path(str(resources.files("ledger.importer").joinpath("seed", SEED_NAME)))


def read_source(path: Path) -> SourceFile:
    """Read `path` as a `SourceFile` with the SHA-256 of its raw bytes."""
    suffix = path.suffix.lower()
    inputs.check_file(path, "document")  # a device, a pipe or a directory is no file, whatever its name
    if suffix not in (".txt", ".pdf"):
        raise DocumentRefusedError(
            f"{path.name}: unsupported file type '{suffix or '(none)'}'",
            "give the agreement as a .pdf with a text layer or as a UTF-8 .txt file",
        )
    data = _read_bytes(path)
    digest = hashlib.sha256(data).hexdigest()
    if suffix == ".pdf":
        return SourceFile(path.name, digest, "application/pdf", _pdf_text(path, data))
    return SourceFile(path.name, digest, "text/plain", _utf8_text(path, data))


def _read_bytes(path: Path) -> bytes:
    data = inputs.read_bytes(path, "document")
    if not data.strip():
        raise DocumentRefusedError(f"{path.name}: the file is empty", "give the complete agreement document")
    return data


def _utf8_text(path: Path, data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        hint = "save the text as UTF-8, or import the original PDF"
        if _looks_like_windows_1252(data):
            hint = (f"it reads as Windows-1252 text: convert it first (iconv -f cp1252 -t utf-8 {path.name} > "
                    f"{path.stem}.utf8.txt), or import the original PDF")
        raise DocumentRefusedError(f"{path.name}: not valid UTF-8 text (byte {error.start})", hint) from None
    return text.removeprefix("\ufeff")


def _looks_like_windows_1252(data: bytes) -> bool:
    """German text in the Windows code page: it decodes, holds umlauts, and no control characters."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    controls = any(ord(c) < 32 and c not in "\t\n\r\f" for c in text)
    return not controls and any(c in text for c in "äöüßÄÖÜ§")


def _pdf_text(path: Path, data: bytes) -> str:
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise DocumentRefusedError(
            f"{path.name}: not a readable PDF ({type(error).__name__})",
            "check that the file is the original PDF and not damaged",
        ) from None
    text = "\n".join(pages)
    if len("".join(text.split())) < _MIN_PDF_TEXT:
        raise DocumentRefusedError(
            f"{path.name}: the PDF has no text layer (a scan?)",
            "run OCR on it first, or import a text version of the agreement",
        )
    return text
