"""Importing agreement documents: parse, check, and record the document, the agreement and its
signatures in one transaction, all pointing at the file by its SHA-256."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal, cast

from eventsourcing.persistence import RecordConflictError

from ledger import __version__
from ledger.app.agreements import AgreementCommands
from ledger.app.core import Meta
from ledger.domain.agreement import Agreement, agreement_id
from ledger.domain.base import LedgerAggregate
from ledger.domain.document import Document, document_id
from ledger.domain.errors import AlreadyExistsError, ConflictError
from ledger.domain.values import Budget, BudgetLine, Category, DocumentRef, Measure
from ledger.importer.model import ParseWarning
from ledger.importer.refusals import batch_refusal, refusal

if TYPE_CHECKING:  # the parser is loaded by the commands that import (not by every command)
    from ledger.importer.model import ParsedDocument, ParsedSignature, SourceFile

__all__ = ["IMPORTER_VERSION", "ImportCommands", "ImportResult", "refusal"]

IMPORTER_VERSION = f"aqb-importer {__version__}"
ImportOutcome = Literal["recorded", "amendment", "already-imported"]


@dataclass(frozen=True)
class ImportResult:
    file_name: str
    sha256: str
    agreement_id: str
    status: ImportOutcome
    events: int
    parsed: ParsedDocument


class ImportCommands(AgreementCommands):
    def parse_sources(self, sources: list[SourceFile]) -> list[tuple[SourceFile, ParsedDocument]]:
        from ledger.importer.parse import parse_document  # noqa: PLC0415 (only when importing)

        return [(source, parse_document(source.text)) for source in sources]

    def import_documents(
        self, meta: Meta, sources: list[SourceFile], *, amendment: bool = False, check_only: bool = False,
    ) -> list[ImportResult]:
        """Record every importable document, or nothing at all: all files are checked first,
        then all events are saved in one transaction (`check_only`: every check, nothing saved)."""
        self.begin()
        parsed = self.parse_sources(sources)
        if (error := batch_refusal(parsed)) is not None:
            raise error
        pending: dict[str, LedgerAggregate] = {}
        results = [self._plan(meta, source, doc, pending, amendment=amendment) for source, doc in parsed]
        if pending and not check_only:
            try:
                self._save(*pending.values())
            except RecordConflictError:
                raise ConflictError("another writer recorded the same document or agreement meanwhile",
                                    "run the import again; nothing was recorded") from None
        return results

    def _plan(self, meta: Meta, source: SourceFile, doc: ParsedDocument,
              pending: dict[str, LedgerAggregate], *, amendment: bool) -> ImportResult:
        assert doc.year is not None
        assert doc.party_ags is not None
        target = agreement_id(doc.year, doc.party_ags)
        doc_id = document_id(source.sha256)
        if doc_id in pending or self.exists(doc_id):
            return ImportResult(source.name, source.sha256, target, "already-imported", 0, doc)
        signed = max((s.signed_on for s in doc.signatures if s.signed_on), default=None)
        meta = replace(meta, effective=meta.effective or signed,
                       document=DocumentRef("agreement-document", source.name, signed, source.sha256))
        agreement = cast(Agreement | None, pending.get(target))
        before = len(agreement.pending_events) if agreement else 0
        status: ImportOutcome = "recorded"
        if agreement is None and self.exists(target):
            agreement, status = self._amended(meta, target, doc, doc_id, source, amendment=amendment), "amendment"
            doc = replace(doc, warnings=doc.warnings + _dropped(agreement))
        elif agreement is None:
            agreement = self.new_agreement(
                meta, target, [(ln.budget, ln.amount) for ln in doc.lines], _measures(doc), doc.ministry_name,
                doc.party_name, doc.clauses, doc_id, [ln.raw for ln in doc.lines])
        for signature in doc.signatures:
            self._sign(agreement, meta, signature, doc)
        pending[target] = agreement
        pending[doc_id] = Document.imported(
            self.envelope(meta), sha256=source.sha256, file_name=source.name, media_type=source.media_type,
            classification=doc.kind, importer_version=IMPORTER_VERSION,
            warnings=tuple(_warning_text(w) for w in doc.warnings), agreement_id=target)
        events = 1 + len(agreement.pending_events) - before
        return ImportResult(source.name, source.sha256, target, status, events, doc)

    def _amended(self, meta: Meta, target: str, doc: ParsedDocument, doc_id: str, source: SourceFile,
                 *, amendment: bool) -> Agreement:
        agreement = self.agreement(target)
        if not amendment:
            raise AlreadyExistsError(
                f"{target} was already recorded from another document; {source.name} differs "
                f"(sha256 {source.sha256[:12]}…)",
                "to record it as an amendment, give --amendment with a --reason; nothing was recorded",
            )
        agreement.amend(self.envelope(meta), ministry_name=doc.ministry_name or agreement.ministry_name,
                        budgets=tuple(dict.fromkeys(Budget(ln.budget) for ln in doc.lines)),
                        lines=tuple(BudgetLine(Budget(ln.budget), ln.amount, ln.raw) for ln in doc.lines),
                        measures=tuple(Measure(Category(c), label, p) for c, label, p in _measures(doc)),
                        clauses=doc.clauses, document_id=doc_id)
        return agreement

    def _sign(self, agreement: Agreement, meta: Meta, signature: ParsedSignature, doc: ParsedDocument) -> None:
        party = "HMSI" if signature.side == "ministry" else str(doc.party_ags)
        signed_meta = replace(meta, effective=signature.signed_on or meta.effective)
        agreement.sign(self.envelope(signed_meta), party=party, signatory=signature.signatory,
                       function=signature.function, organisation=signature.organisation_code,
                       organisation_text=signature.organisation, place=signature.place,
                       signed_on=signature.signed_on, raw_text=signature.raw)


def _dropped(agreement: Agreement) -> tuple[ParseWarning, ...]:
    """A warning for each project the amended version no longer lists (it stays, with its money)."""
    version = agreement.content_version
    return tuple(
        ParseWarning("project-dropped", f"'{p.name}' ({p.project_id}), listed in § 5 before, is not in version "
                     f"{version}: it stays in the agreement, marked as dropped, with its current amount "
                     f"{p.current:,.2f} EUR (reallocate it or correct its plan if the project ends).")
        for p in agreement.projects.values() if p.dropped_in == version)


def _measures(doc: ParsedDocument) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(c.code, c.label, c.projects) for c in doc.categories]


def _warning_text(warning: object) -> str:
    line = getattr(warning, "line", None)
    return f"{getattr(warning, 'code', '')}: {getattr(warning, 'message', '')}" + (f" (line {line})" if line else "")

