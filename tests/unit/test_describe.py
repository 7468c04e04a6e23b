"""Every kind of event a trail can show says what it states (a row with empty details hides it)."""

from __future__ import annotations

from cli.describe import DESCRIBERS
from ledger.domain.agreement import Agreement
from ledger.domain.base import CorrectionEvent, LedgerEvent
from ledger.domain.document import Document
from ledger.domain.grant import Grant
from ledger.domain.principal import Principal


def concrete(root: type) -> set[type]:
    found = set()
    for cls in root.__subclasses__():
        found |= concrete(cls)
        if getattr(cls, "LABEL", None):
            found.add(cls)
    return found


def test_every_event_of_an_agreement_grant_or_document_has_a_description() -> None:
    kinds = {c for c in concrete(LedgerEvent) if c.__qualname__.split(".")[0] in ("Agreement", "Grant", "Document")}
    assert {Agreement.ParticipationReported, Grant.FundsDisbursed, Document.Imported} <= kinds
    missing = sorted(c.__qualname__ for c in kinds - set(DESCRIBERS) if not issubclass(c, CorrectionEvent)
                     or c not in DESCRIBERS)
    assert missing == [], "add a describer in cli/describe.py"
    assert Principal.Registered not in kinds
