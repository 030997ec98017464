"""Rubric validation: errors name the file, the line and the field, with "did you mean"."""

from __future__ import annotations

import pytest

from grader.checks import param_models
from grader.errors import RubricError
from grader.rubric.loader import parse_rubric

GOOD = """\
schema: 1
name: demo
title: {en: Demo, id: Contoh}
items:
  - id: demo.runs
    title: Runs
    check: runs
    points: 10
  - id: demo.split
    title: {en: Split, id: Pembagian}
    check: split
    points: 5
    params:
      sizes: {train: 108, validation: 27, test: 15}
"""


def parse(text: str):
    return parse_rubric(text, "demo.yaml", param_models())


def test_a_good_rubric_loads():
    rubric = parse(GOOD)
    assert rubric.max_score == 15 and rubric.items[1].title.get("id") == "Pembagian"
    assert rubric.items[0].title.get("id") == "Runs"  # plain string: same in both languages


def test_unknown_top_level_field_gets_did_you_mean():
    with pytest.raises(RubricError) as info:
        parse(GOOD.replace("title: {en: Demo", "titel: x\ntitle: {en: Demo"))
    assert str(info.value).startswith("demo.yaml:3: titel: unknown field 'titel' (did you mean 'title'?)")


def test_a_misspelt_required_field_is_named_as_the_typo_not_as_missing():
    with pytest.raises(RubricError) as info:
        parse(GOOD.replace("    points: 10\n", "    pionts: 10\n"))
    assert str(info.value).startswith("demo.yaml:8: items.0.pionts: unknown field 'pionts' (did you mean 'points'?)"), (
        str(info.value)
    )
    with pytest.raises(RubricError) as info:
        parse(GOOD.replace("title: {en: Demo, id: Contoh}", "titel: {en: Demo, id: Contoh}"))
    assert "unknown field 'titel' (did you mean 'title'?)" in str(info.value)


def test_unknown_check_kind_names_line_and_suggestion():
    with pytest.raises(RubricError) as info:
        parse(GOOD.replace("check: split", "check: splt"))
    message = str(info.value)
    assert "demo.yaml:11:" in message and "did you mean 'split'" in message


def test_unknown_param_names_line_and_suggestion():
    with pytest.raises(RubricError) as info:
        parse(GOOD.replace("sizes:", "sizez:"))
    message = str(info.value)
    assert "demo.yaml:14:" in message and "unknown parameter 'sizez'" in message and "did you mean 'sizes'" in message


def test_bad_value_type_names_the_field():
    with pytest.raises(RubricError) as info:
        parse(GOOD.replace("points: 10", "points: ten"))
    assert "demo.yaml:8: items.0.points:" in str(info.value)


def test_duplicate_ids_and_wrong_schema_are_rejected():
    with pytest.raises(RubricError, match="used twice"):
        parse(GOOD.replace("id: demo.split", "id: demo.runs"))
    with pytest.raises(RubricError, match="schema 1, not 2"):
        parse(GOOD.replace("schema: 1", "schema: 2"))


def test_yaml_syntax_error_has_a_line():
    with pytest.raises(RubricError, match=r"demo.yaml:\d+: not valid YAML"):
        parse(GOOD + "  - id: [unclosed\n")


def test_bundled_rubrics_are_valid():
    from grader.rubric.loader import load_rubric
    from grader.rubric.locate import bundled_dir, rubric_names

    for name in rubric_names():
        rubric = load_rubric(str(bundled_dir("rubrics") / f"{name}.yaml"), param_models())
        assert rubric.name == name
        assert rubric.reference and (bundled_dir("reference") / rubric.reference).exists(), name


def test_a_late_policy_loads_and_a_bad_value_names_its_line_and_field():
    rubric = parse(GOOD.replace("items:\n", "late: {per_day: 10, max: 50, grace_minutes: 15}\nitems:\n", 1))
    assert rubric.late is not None and (rubric.late.per_day, rubric.late.max, rubric.late.grace_minutes) == (10, 50, 15)
    assert parse(GOOD).late is None  # no policy: --due needs --late-penalty
    bad = GOOD.replace("items:\n", "late:\n  per_day: 150\nitems:\n", 1)
    with pytest.raises(RubricError) as info:
        parse(bad)
    message = str(info.value)
    assert message.startswith("demo.yaml:5: late.per_day:") and "100" in message and "\n" not in message
    with pytest.raises(RubricError, match=r"unknown field 'per_dya' \(did you mean 'per_day'\?\)"):
        parse(GOOD.replace("items:\n", "late: {per_dya: 10}\nitems:\n", 1))
