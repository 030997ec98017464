"""``leakage`` names hand-written scaling with statistics of all rows, in both languages."""

from __future__ import annotations

from dataclasses import replace

from factories import standard

from grader.checks import run_check
from grader.i18n import render
from grader.models.evidence import AllRowsStatistic
from grader.models.execution import CellRun

from .helpers import codes


def with_finding(*found: AllRowsStatistic):
    ev = standard(cells=tuple(CellRun(index=i, status="ok") for i in range(12)))
    return replace(ev, roles=replace(ev.roles, scaled_with_all_rows=found))


def test_standardised_with_all_rows_before_the_split_fails_and_says_where():
    found = AllRowsStatistic("standardised", 12, 12, rows=589, held_out=89, role="test", cell=8)
    result = run_check("leakage", with_finding(found), {})
    assert not result.passed and codes(result) == ["leakage.all_rows_standardised"]
    text = render(result.messages[0], "en")
    assert "12 of 12 feature columns have mean 0 and standard deviation 1 over all 589 rows" in text
    assert "89 of them test rows" in text and "before the split in code cell 9" in text
    assert "X_train.mean()" in text
    indonesian = render(result.messages[0], "id")
    assert "589 baris" in indonesian and "baris data uji" in indonesian and "sel kode 9" in indonesian
    assert result.evidence["scaled_with_all_rows"] == [
        {"statistic": "standardised", "columns": 12, "rows": 589, "cell": 8}
    ]


def test_min_max_and_max_findings_have_their_own_advice():
    min_max = AllRowsStatistic("min_max", 3, 11, rows=589, held_out=88, role="validation")
    result = run_check("leakage", with_finding(min_max), {})
    text = render(result.messages[0], "en")
    assert codes(result) == ["leakage.all_rows_min_max"] and "MinMaxScaler().fit(X_train)" in text
    assert "88 of them validation rows" in text and "before the split" not in text
    biggest = AllRowsStatistic("max", 4, 4, rows=150, held_out=30)
    assert codes(run_check("leakage", with_finding(biggest), {})) == ["leakage.all_rows_max"]


def test_scaling_findings_join_other_leaks():
    ev = with_finding(AllRowsStatistic("standardised", 4, 4, rows=150, held_out=30))
    ev = replace(ev, roles=replace(ev.roles, test_is_validation=True))
    assert codes(run_check("leakage", ev, {})) == ["leakage.all_rows_standardised", "leakage.test_as_validation"]


def test_no_finding_no_failure():
    assert run_check("leakage", with_finding(), {}).passed
