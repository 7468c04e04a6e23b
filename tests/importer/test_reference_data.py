"""The importer's reference data fits the domain and itself: budget and category codes are the
ledger's, the ministry's names cover the years without gaps, every function has a known side."""

from __future__ import annotations

import itertools
from datetime import timedelta

from ledger import reference
from ledger.domain.values import Budget, Category


def test_every_budget_and_category_code_is_one_the_ledger_records() -> None:
    assert {b.code for b in reference.budgets()} == set(Budget.__members__)
    assert set(reference.categories()) == set(Category.__members__)


def test_the_ministrys_names_follow_each_other_without_a_gap() -> None:
    periods = reference.ministries()
    for earlier, later in itertools.pairwise(periods):
        assert earlier.valid_until is not None
        assert earlier.valid_until + timedelta(days=1) == later.valid_from
    assert periods[-1].valid_until is None
    assert {m.code for m in periods} == {reference.MINISTRY}


def test_every_signatory_function_has_a_side_and_appears_once() -> None:
    data = reference.signatories()
    titles = [r.title for r in data.functions]
    assert len(titles) == len(set(titles))
    assert {r.side for r in (*data.functions, *data.bodies)} <= {"ministry", "party", "either"}
