"""The Document aggregate: a source file the ledger imported, keyed by its SHA-256."""

from __future__ import annotations

import re

from ledger.domain.authority import MINISTRY_ONLY, Rule, authorise
from ledger.domain.base import LedgerAggregate, LedgerCreated, LedgerEvent
from ledger.domain.values import Act, Envelope

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def document_id(sha256: str) -> str:
    """DOC-<sha256>: importing the same bytes twice names the same stream."""
    if not _SHA256.match(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return f"DOC-{sha256}"


class Document(LedgerAggregate):
    TOPIC = "aqb:Document"

    class Event(LedgerEvent):
        TOPIC = "aqb:Document.Event"

    class Imported(LedgerCreated, Event):
        TOPIC = "aqb:Document.Imported:v1"
        LABEL = "document imported"
        RULE = Rule(Act.RECORD, MINISTRY_ONLY)
        sha256: str
        file_name: str
        media_type: str
        classification: str
        importer_version: str
        warnings: tuple[str, ...]
        agreement_id: str

        def on(self, agg: Document) -> None:
            agg.sha256, agg.file_name, agg.agreement_id = self.sha256, self.file_name, self.agreement_id

    def __init__(self) -> None:
        super().__init__()
        self.sha256 = self.file_name = self.agreement_id = ""

    @classmethod
    def imported(cls, envelope: Envelope, **facts: object) -> Document:
        sha256 = str(facts["sha256"])
        party = str(facts["agreement_id"])[-5:]  # AQB-<year>-<AGS>
        envelope = authorise(envelope, cls.Imported.RULE, "a document import", party)
        return cls._create(cls.Imported, id=document_id(sha256), envelope=envelope, **facts)
