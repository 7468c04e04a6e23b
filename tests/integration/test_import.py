"""Importing agreement documents on PostgreSQL and SQLite: exact content, provenance, idempotence,
refusals that leave the ledger unchanged, amendments, and PDF = text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.application import Ledger, Meta
from ledger.domain.agreement import Agreement
from ledger.domain.document import Document
from ledger.domain.errors import AlreadyExistsError, DocumentRefusedError
from ledger.importer.read import read_source, seed_document_path
from tests.cast import Acting, prepare

FIXTURES = Path(__file__).parents[1] / "importer" / "fixtures"
SEED = "AQB-2024-06532"
MINISTRY = Meta("a.schneider@HMSI", reason="Eingang")


def fixture(name: str) -> Path:
    return FIXTURES / name


def test_the_seed_document_records_exactly_the_agreement(ledger: Ledger) -> None:
    source = read_source(seed_document_path())
    [result] = ledger.import_documents(MINISTRY, [source])
    assert (result.agreement_id, result.status, result.events) == (SEED, "recorded", 4)
    agreement = ledger.agreement(SEED)
    assert (agreement.year, agreement.party_ags, agreement.total) == (2024, "06532", Decimal("1185000.00"))
    assert agreement.lines[0].raw == "1.185.000 Euro"
    assert [(m.category.value, m.projects) for m in agreement.measures] == [
        ("AV", ("Ausbildungsvorbereitung",)), ("AUS", ("Integrative Ausbildung Plus",)),
        ("QUAL", ("Lernwerkstatt digital", "Selbstlernzentrum", "Kompetenzförderung für Menschen im Langzeitbezug",
                  "ViA - Vital und Aktiv", "Jump in")),
        ("PERS", ("Fortbildung für Mitarbeitende",))]
    signatures = sorted((s.party, s.place, s.signed_on, s.signatory, s.function)
                        for s in agreement.signatures.values())
    assert signatures == [("06532", "Wetzlar", date(2024, 7, 10), "Stephan Aurand", "Kreisbeigeordneter"),
                          ("HMSI", "Wiesbaden", date(2024, 7, 1), "Heike Hofmann", "Staatsministerin")]
    assert agreement.in_force_since == date(2024, 7, 10)


def test_every_imported_event_points_at_the_file(ledger: Ledger) -> None:
    source = read_source(seed_document_path())
    ledger.import_documents(MINISTRY, [source])
    entries = ledger.entries(ledger.trail_ids(SEED))
    assert [type(e.event).__qualname__ for e in entries] == [
        "Agreement.Recorded", "Agreement.Signed", "Agreement.Signed", "Document.Imported"]
    assert {e.event.envelope.document.sha256 for e in entries if e.event.envelope.document} == {source.sha256}
    imported = entries[-1].event
    assert isinstance(imported, Document.Imported)
    assert (imported.file_name, imported.classification) == (source.name, "aqb-target-agreement")
    assert isinstance(entries[0].event, Agreement.Recorded) and entries[0].event.document_id == f"DOC-{source.sha256}"


def test_importing_the_same_file_again_records_nothing(ledger: Ledger) -> None:
    source = read_source(seed_document_path())
    ledger.import_documents(MINISTRY, [source])
    head = ledger.reads.head()
    [again] = ledger.import_documents(MINISTRY, [source])
    assert (again.status, again.events) == ("already-imported", 0)
    assert ledger.reads.head() == head


@pytest.mark.parametrize(("name", "message"), [
    ("zielvereinbarung-2024-lahn-dill-kreis-sgb2.txt", "is not an AQB target agreement: An SGB II target agreement"),
    ("zielvereinbarung-2024-lahn-dill-kreis-truncated.txt", "lacks required parts: §4 amount"),
    ("foerdergrundsaetze-aqb-2019.txt", "is not an AQB target agreement: Funding guidelines"),
    ("zuwendungsbescheid-2024-lahn-dill-kreis.txt", "is not an AQB target agreement: A grant notice"),
])
def test_refused_documents_leave_the_ledger_unchanged(ledger: Ledger, name: str, message: str) -> None:
    good = read_source(fixture("zielvereinbarung-2024-stadt-kassel.txt"))
    before = ledger.reads.head()
    with pytest.raises(DocumentRefusedError, match=message):
        ledger.import_documents(MINISTRY, [good, read_source(fixture(name))])
    assert ledger.reads.head() == before


def test_a_different_document_for_an_existing_agreement_needs_amendment(ledger: Ledger) -> None:
    ledger.import_documents(MINISTRY, [read_source(seed_document_path())])
    other = read_source(fixture("zielvereinbarung-2024-lahn-dill-kreis-blank-date.txt"))
    with pytest.raises(AlreadyExistsError, match="was already recorded from another document"):
        ledger.import_documents(MINISTRY, [other])
    [result] = ledger.import_documents(Meta("a.schneider@HMSI", reason="Neufassung"), [other], amendment=True)
    assert result.status == "amendment"
    agreement = ledger.agreement(SEED)
    assert agreement.content_version == 2
    assert agreement.in_force_since is None  # the new version's party signature has no date


def test_a_city_resolves_to_its_own_party(ledger: Ledger) -> None:
    [result] = ledger.import_documents(MINISTRY, [read_source(fixture("zielvereinbarung-2024-stadt-kassel.txt"))])
    assert result.agreement_id == "AQB-2024-06611"


def test_a_pdf_of_the_seed_imports_to_the_same_agreement(ledger: Ledger, tmp_path: Path) -> None:
    ledger.import_documents(MINISTRY, [read_source(fixture("zielvereinbarung-2024-lahn-dill-kreis.pdf"))])
    from_pdf = ledger.agreement(SEED)
    assert (from_pdf.total, from_pdf.measures, from_pdf.clauses, from_pdf.party_name) == (
        Decimal("1185000.00"), _text_agreement(tmp_path).measures, _text_agreement(tmp_path).clauses,
        "Landkreis Lahn-Dill-Kreis")
    signatures = {(s.party, s.signatory, s.signed_on, s.place) for s in from_pdf.signatures.values()}
    assert signatures == {(s.party, s.signatory, s.signed_on, s.place)
                          for s in _text_agreement(tmp_path).signatures.values()}


def _text_agreement(tmp_path: Path) -> Agreement:
    url = f"sqlite://{tmp_path / 'text.sqlite3'}"
    if not (tmp_path / "text.sqlite3").exists():
        prepare(url)
    other = Acting(url)
    try:
        if not other.exists(SEED):
            other.import_documents(MINISTRY, [read_source(seed_document_path())])
        return other.agreement(SEED)
    finally:
        other.close()


def test_two_documents_of_one_agreement_in_one_import_are_refused(ledger: Ledger) -> None:
    text, pdf = read_source(seed_document_path()), read_source(fixture("zielvereinbarung-2024-lahn-dill-kreis.pdf"))
    before = ledger.reads.head()
    with pytest.raises(DocumentRefusedError, match="are two different documents of the agreement AQB-2024-06532"):
        ledger.import_documents(MINISTRY, [text, pdf])
    assert ledger.reads.head() == before
    first, same = ledger.import_documents(MINISTRY, [text, text])  # the same file twice is no conflict
    assert (first.status, same.status) == ("recorded", "already-imported")


def test_a_two_budget_agreement_signed_by_the_minister_by_function_records_both(ledger: Ledger) -> None:
    source = read_source(fixture("zielvereinbarung-2019-wetteraukreis-two-budgets.txt"))
    [result] = ledger.import_documents(MINISTRY, [source])
    assert (result.agreement_id, result.status, result.events) == ("AQB-2019-06440", "recorded", 4)
    agreement = ledger.agreement("AQB-2019-06440")
    assert [(line.budget.value, line.amount, line.raw) for line in agreement.lines] == [
        ("AQB", Decimal("1021300.00"), "1.021.300 Euro"), ("AMB", Decimal("118000.00"), "118.000,-- €")]
    assert agreement.total == Decimal("1139300.00")
    assert sorted((s.party, s.function) for s in agreement.signatures.values()) == [
        ("06440", "Landrat"), ("HMSI", "Hessischer Minister für Soziales und Integration")]
    assert agreement.in_force_since == date(2019, 3, 14)


def test_a_signature_the_ledger_would_refuse_is_an_importer_refusal(ledger: Ledger, tmp_path: Path) -> None:
    text = fixture("zielvereinbarung-2024-stadt-kassel.txt").read_text(encoding="utf-8")
    path = tmp_path / "zv-kassel.txt"
    path.write_text(text.replace("Magistrat der Stadt Kassel", "des Landkreises Kassel"), encoding="utf-8")
    before = ledger.reads.head()
    with pytest.raises(DocumentRefusedError, match=r"^zv-kassel.txt: the signature block 'Kassel, den' \(line \d+\) "
                       r"cannot be read: it is signed for Landkreis Kassel \(06633\), not for the agreement's party "
                       r"Stadt Kassel \(06611\)$"):
        ledger.import_documents(MINISTRY, [read_source(fixture("zielvereinbarung-2024-landkreis-kassel.txt")),
                                           read_source(path)])
    assert ledger.reads.head() == before


def test_the_pdf_of_the_two_budget_agreement_records_what_its_text_records(ledger: Ledger, tmp_path: Path) -> None:
    ledger.import_documents(MINISTRY, [read_source(fixture("zielvereinbarung-2019-wetteraukreis-two-budgets.pdf"))])
    from_pdf = ledger.agreement("AQB-2019-06440")
    url = f"sqlite://{tmp_path / 'text.sqlite3'}"
    prepare(url)
    other = Acting(url)
    other.import_documents(MINISTRY, [read_source(fixture("zielvereinbarung-2019-wetteraukreis-two-budgets.txt"))])
    from_text = other.agreement("AQB-2019-06440")
    other.close()
    assert (from_pdf.lines, from_pdf.measures, from_pdf.clauses, from_pdf.ministry_name) == (
        from_text.lines, from_text.measures, from_text.clauses, from_text.ministry_name)
    assert {(s.party, s.signatory, s.function, s.signed_on) for s in from_pdf.signatures.values()} == {
        (s.party, s.signatory, s.function, s.signed_on) for s in from_text.signatures.values()}


def test_an_amendment_that_no_longer_lists_a_project_marks_it_dropped_and_says_so(ledger: Ledger,
                                                                                   tmp_path: Path) -> None:
    ledger.import_documents(MINISTRY, [read_source(seed_document_path())])
    ledger.plan_project(Meta("a.schneider@HMSI", reason="Plan"), SEED, "Jump in", "QUAL", Decimal("40000"), 12)
    text = seed_document_path().read_text(encoding="utf-8")
    amended = tmp_path / "zielvereinbarung-2024-lahn-dill-kreis-neufassung.txt"
    amended.write_text(text.replace("- Jump in\n", "", 1), encoding="utf-8")
    [result] = ledger.import_documents(Meta("a.schneider@HMSI", reason="Neufassung"), [read_source(amended)],
                                       amendment=True)
    dropped = [w for w in result.parsed.warnings if w.code == "project-dropped"]
    assert [w.message.split(" (")[0] for w in dropped] == ["'Jump in'"]
    assert "40,000.00 EUR" in dropped[0].message
    agreement = ledger.agreement(SEED)
    by_name = {p.name: p for p in agreement.projects.values()}
    assert by_name["Jump in"].dropped_in == 2 and by_name["Jump in"].current == Decimal("40000.00")
    assert {p.dropped_in for name, p in by_name.items() if name != "Jump in"} == {None}
    imported = [e.event for e in ledger.entries(ledger.trail_ids(SEED)) if isinstance(e.event, Document.Imported)]
    assert any(w.startswith("project-dropped: 'Jump in'") for w in imported[-1].warnings)
    again = tmp_path / "zielvereinbarung-2024-lahn-dill-kreis-dritte-fassung.txt"
    again.write_text(text.replace("Wetzlar, den", "Wetzlar,  den", 1), encoding="utf-8")
    ledger.import_documents(Meta("a.schneider@HMSI", reason="Dritte Fassung"), [read_source(again)], amendment=True)
    assert ledger.agreement(SEED).find_project_by_name("Jump in").dropped_in is None  # listed again
