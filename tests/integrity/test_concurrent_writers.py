"""Several writer processes at once leave one unbroken chain and gapless streams."""

from __future__ import annotations

import multiprocessing
from decimal import Decimal

from ledger.application import Meta
from tests.cast import Acting
from tests.integrity.conftest import REGISTRY, verify_json

WRITERS, AGREEMENTS_EACH, PROJECTS_EACH = 4, 3, 4
PARTIES = ("06411", "06412", "06413", "06414", "06611", "06431", "06432", "06433", "06434", "06435", "06436",
           "06437", "06438", "06439", "06440", "06531")


def write(url: str, writer: int) -> None:
    ledger = Acting(url)
    try:
        for i in range(AGREEMENTS_EACH):
            agreement = f"AQB-2024-{PARTIES[writer * AGREEMENTS_EACH + i]}"
            ledger.create_agreement(Meta("a.schneider@HMSI", reason="ZV"), agreement, [("AQB", Decimal(10**6))])
            for p in range(PROJECTS_EACH):
                ledger.plan_project(Meta("a.schneider@HMSI", reason="Plan"), agreement, f"Projekt {p}", "QUAL",
                                    Decimal(1000), 1)
    finally:
        ledger.close()


def test_concurrent_writer_processes_leave_an_unbroken_chain_without_gaps(pg_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=write, args=(pg_url, w)) for w in range(WRITERS)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    assert [p.exitcode for p in processes] == [0] * WRITERS
    code, report = verify_json(pg_url)
    assert (code, report["ok"], report["version_gaps"]) == (0, True, [])
    assert report["checked"] == REGISTRY + WRITERS * AGREEMENTS_EACH * (1 + PROJECTS_EACH)
