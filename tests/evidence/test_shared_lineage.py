"""The evidence stages share one row lineage: every row is traced once per build (70,000 MNIST
rows traced four times cost ~1.7 s of each graded CNN), and sharing it changes no answer."""

from __future__ import annotations

import pytest
from factories_mlp import mlp_solution

from grader.evidence import lineage as lineage_module
from grader.evidence.lineage import Lineage
from grader.evidence.reevaluate import find_test_data
from grader.evidence.roles import analyse_roles


@pytest.fixture
def solution():
    return mlp_solution()


def test_a_shared_lineage_gives_the_same_roles(solution) -> None:
    alone = analyse_roles(solution)
    shared = analyse_roles(solution, Lineage(solution))
    assert shared == alone
    assert alone.test is not None and alone.train is not None  # the case has roles to compare


def test_given_a_lineage_no_stage_traces_the_rows_again(solution, tmp_path, monkeypatch) -> None:
    lineage = Lineage(solution)
    built = []
    original = Lineage.__init__

    def counting(self, evidence):
        built.append(evidence)
        original(self, evidence)

    monkeypatch.setattr(lineage_module.Lineage, "__init__", counting)
    roles = analyse_roles(solution, lineage)
    assert roles.test is not None and roles.final_mid is not None
    find_test_data(solution, str(tmp_path), roles.test, roles.final_mid, lineage)
    assert built == []
    analyse_roles(solution)  # without one, a stage still works out its own
    assert len(built) == 1
