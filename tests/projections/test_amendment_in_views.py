"""An amended agreement (a new version of its content) shows in the views as in the aggregate."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ledger.application import Meta
from ledger.importer.read import read_source, seed_document_path
from projections.queries import status_now
from projections.rebuild import rebuild
from projections.sync import catch_up
from tests.cast import Acting
from tests.projections.conftest import FreshUrl
from tests.projections.test_views_equal_replay import replayed, view_tables

ID = "AQB-2024-06532"


def amended_copy(tmp_path: Path) -> Path:
    text = seed_document_path().read_text(encoding="utf-8")
    text = text.replace("1.185.000 Euro", "1.250.000 Euro").replace("- Jump in\n", "- Jump in\n- Neustart 50plus\n")
    path = tmp_path / "zielvereinbarung-2024-lahn-dill-kreis-aenderung.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_amendment_changes_the_agreed_budget_and_adds_projects_in_every_view(
    fresh_url: FreshUrl, tmp_path: Path
) -> None:
    ledger = Acting(fresh_url())
    ledger.after = catch_up  # as a projector following live does after every write
    try:
        ledger.import_documents(Meta("a.schneider@HMSI", reason="ZV"), [read_source(seed_document_path())])
        ledger.import_documents(Meta("a.schneider@HMSI", reason="Änderung §4"), [read_source(amended_copy(tmp_path))],
                                amendment=True)
        status = status_now(ledger, ID)
        summary = status.tables["aqb_view_budget_summary"][0]
        assert summary["agreed"] == Decimal("1250000.00") == ledger.agreement(ID).total
        names = [r["name"] for r in status.tables["aqb_view_budget_items"] if r["kind"] == "project"]
        assert "Neustart 50plus" in names
        assert view_tables(ledger) == replayed(ledger)
        rebuild(ledger)
        assert view_tables(ledger) == replayed(ledger)
    finally:
        ledger.close()
