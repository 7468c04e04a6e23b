"""The Agreement's rules (DOMAIN.md §7), on the aggregate in memory."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.domain.agreement import Agreement, parse_agreement_id
from ledger.domain.errors import (
    ApprovalMissingError,
    CorrectionError,
    DeviationAlreadyDecidedError,
    DuplicateSignatureError,
    InvalidIdentifierError,
    MissingReasonError,
    NegativeAmountError,
    NotAuthorisedError,
    ProjectNotFoundError,
    ReallocationExceedsSourceError,
    RuleViolationError,
)
from ledger.domain.values import Category, Decision, DeviationKind, FieldChange, Scope
from tests.builders import MINISTRY, OTHER_PARTY, PARTY, RP, env, eur, seeded_agreement


def report(agg: Agreement, actor: str = PARTY) -> str:
    return agg.report_deviation(env(actor), kind=DeviationKind.UNDERSPEND, scope=Scope.PROJECT,
                                scope_ref="Jump in", metric="amount", planned="135000", actual="90000",
                                cause="fewer participants")


def test_agreement_id_names_year_and_a_known_party() -> None:
    assert parse_agreement_id("AQB-2024-06532") == (2024, "06532")
    for bad in ("AQB-2024-99999", "AQB-24-06532", "ZV-2024-06532"):
        with pytest.raises(InvalidIdentifierError):
            parse_agreement_id(bad)


def test_recording_names_the_projects_of_section_5_without_amounts() -> None:
    agg = seeded_agreement()
    assert agg.id == "AQB-2024-06532"
    assert agg.total == eur("1185000")
    assert [p.name for p in agg.projects.values()] == ["Ausbildungsvorbereitung", "Lernwerkstatt digital", "Jump in"]
    assert agg.unallocated == eur("1185000") - eur("505000")


def test_only_the_ministry_records_an_agreement() -> None:
    with pytest.raises(NotAuthorisedError, match="may not record an agreement"):
        Agreement.record(env(PARTY), year=2024, party_ags="06532", party_name="x", ministry_name="y",
                         budgets=(), lines=(), measures=(), clauses=(), document_id=None)


def test_planning_a_project_twice_is_refused() -> None:
    agg = seeded_agreement()
    with pytest.raises(RuleViolationError, match="already planned as P3"):
        agg.plan_project(env(PARTY), "jump in", Category.QUAL, eur("1"), None)


def test_a_new_project_gets_the_next_id() -> None:
    agg = seeded_agreement()
    assert agg.plan_project(env(PARTY), "Neues Projekt", Category.AUS, eur("5000"), 3) == "P4"


def test_reallocation_moves_money_between_projects() -> None:
    agg = seeded_agreement()
    agg.reallocate(env(RP), "Jump in", "P2", eur("35000"), "HMSI 1")
    assert agg.projects["P3"].current == eur("100000")
    assert agg.projects["P2"].current == eur("195000")


def test_reallocation_cannot_move_more_than_its_source_holds() -> None:
    agg = seeded_agreement()
    with pytest.raises(ReallocationExceedsSourceError, match=r"cannot move 135,000.01 EUR from P3: it holds 135,000"):
        agg.reallocate(env(RP), "P3", "P2", eur("135000.01"), "HMSI 2")


def test_reallocation_from_the_unallocated_rest() -> None:
    agg = seeded_agreement()
    agg.reallocate(env(MINISTRY), "unallocated", "P1", agg.unallocated, "Erlass 3")
    assert agg.unallocated == 0


def test_reallocation_needs_a_reason_and_a_decider() -> None:
    agg = seeded_agreement()
    with pytest.raises(MissingReasonError):
        agg.reallocate(env(RP, reason=" "), "P3", "P2", eur("1"), "HMSI 1")
    with pytest.raises(NotAuthorisedError):
        agg.reallocate(env(PARTY), "P3", "P2", eur("1"), "HMSI 1")


def test_reallocation_needs_an_approval_and_two_different_items() -> None:
    agg = seeded_agreement()
    with pytest.raises(ApprovalMissingError, match="needs the reference of its approval"):
        agg.reallocate(env(RP), "P3", "P2", eur("1"), " ")
    with pytest.raises(RuleViolationError, match="not from P3 to itself"):
        agg.reallocate(env(RP), "P3", "Jump in", eur("1"), "HMSI 1")
    assert agg.projects["P3"].current == eur("135000")


def test_unknown_project_is_named() -> None:
    with pytest.raises(ProjectNotFoundError, match="no project 'Nope'"):
        seeded_agreement().reallocate(env(RP), "Nope", "P2", eur("1"), "HMSI 1")


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(NegativeAmountError):
        seeded_agreement().plan_project(env(PARTY), "Neu", Category.AV, eur("-1"), None)


def test_a_party_acts_only_for_itself() -> None:
    with pytest.raises(NotAuthorisedError, match="for party 06532"):
        report(seeded_agreement(), OTHER_PARTY)


def test_deviation_is_decided_by_ministry_or_rp_never_by_the_reporter() -> None:
    agg = seeded_agreement()
    first = report(agg, MINISTRY)
    with pytest.raises(NotAuthorisedError, match="HMSI reported it"):
        agg.decide_deviation(env(MINISTRY), first, Decision.APPROVED, None, None)
    agg.decide_deviation(env(RP), first, Decision.APPROVED, None, None)
    second = report(agg, PARTY)
    with pytest.raises(NotAuthorisedError):
        agg.decide_deviation(env(PARTY), second, Decision.APPROVED, None, None)


def test_a_deviation_is_decided_once_and_revised_only_explicitly() -> None:
    agg = seeded_agreement()
    deviation = report(agg)
    agg.decide_deviation(env(), deviation, Decision.ACKNOWLEDGED, None, None)
    with pytest.raises(DeviationAlreadyDecidedError, match="already decided"):
        agg.decide_deviation(env(), deviation, Decision.REJECTED, None, None)
    agg.decide_deviation(env(), deviation, Decision.REJECTED, None, None, revise=True)
    assert [d.decision for d in agg.deviations[deviation].decisions] == [Decision.ACKNOWLEDGED, Decision.REJECTED]


def test_each_party_signs_once_and_in_force_needs_both() -> None:
    agg = seeded_agreement()
    agg.sign(env(), party="HMSI", signatory="Heike Hofmann", function="Staatsministerin", organisation="HMSI",
             organisation_text=None, place="Wiesbaden", signed_on=date(2024, 7, 1), raw_text=None)
    assert agg.in_force_since is None
    with pytest.raises(DuplicateSignatureError, match="HMSI has already signed"):
        agg.sign(env(), party="HMSI", signatory="X", function="Y", organisation="HMSI",
                 organisation_text=None, place=None, signed_on=None, raw_text=None)
    agg.sign(env(PARTY), party="06532", signatory="Stephan Aurand", function="Kreisbeigeordneter",
             organisation="06532", organisation_text=None, place="Wetzlar", signed_on=date(2024, 7, 10), raw_text=None)
    assert agg.in_force_since == date(2024, 7, 10)


def test_a_signatory_belongs_to_the_signing_party() -> None:
    with pytest.raises(RuleViolationError, match="belongs to HMSI, not to the signing party 06532"):
        seeded_agreement().sign(env(), party="06532", signatory="Heike Hofmann", function="x",
                                organisation="HMSI", organisation_text=None, place=None, signed_on=None, raw_text=None)


def test_correction_points_at_an_entry_and_changes_state_visibly() -> None:
    agg = seeded_agreement()
    planned_jump_in = 4  # entry 1 recorded, 2..4 planned
    agg.correct(env(RP), planned_jump_in, (FieldChange("planned_amount", "135000.00", "120000.00"),), "HMSI")
    assert agg.projects["P3"].current == eur("120000")
    assert agg.entries[planned_jump_in].planned_amount == eur("135000")  # the original stays
    with pytest.raises(CorrectionError, match="reads '120000.00', not '135000.00'"):
        agg.correct(env(RP), planned_jump_in, (FieldChange("planned_amount", "135000.00", "1.00"),), None)


def test_correction_of_unknown_field_or_correction_is_refused() -> None:
    agg = seeded_agreement()
    with pytest.raises(CorrectionError, match="has no field 'nope'"):
        agg.correct(env(RP), 2, (FieldChange("nope", "", "x"),), None)
    agg.correct(env(RP), 2, (FieldChange("planned_places", "24", "20"),), None)
    with pytest.raises(CorrectionError, match="itself a correction"):
        agg.correct(env(RP), agg.version, (FieldChange("approver", "", "x"),), None)
