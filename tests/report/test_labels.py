"""The report's words: both languages complete and consistent."""

from __future__ import annotations

import string

import pytest

from grader.report.labels import LABELS, format_number, format_percent, labels_for


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a label fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys() -> None:
    assert set(LABELS) == {"en", "id"}
    assert LABELS["en"].keys() == LABELS["id"].keys()


@pytest.mark.parametrize("key", sorted(LABELS["en"]))
def test_both_languages_use_the_same_placeholders(key: str) -> None:
    assert LABELS["en"][key].strip() and LABELS["id"][key].strip()
    assert placeholders(LABELS["en"][key]) == placeholders(LABELS["id"][key])


def test_no_key_shadows_a_mapping_method() -> None:
    # Templates write w.key; jinja2 would find dict.items before the "items" label.
    assert not set(LABELS["en"]) & set(dir(dict))


def test_indonesian_is_translated() -> None:
    same = [k for k in LABELS["en"] if LABELS["en"][k] == LABELS["id"][k]]
    # Words that are the same in both languages (technical terms) stay few.
    assert len(same) <= 10, same


def test_unknown_language_falls_back_to_english() -> None:
    assert labels_for("fr") is LABELS["en"]


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [(85.0, "en", "85"), (85.5, "en", "85.5"), (85.5, "id", "85,5"), (1 / 3, "en", "0.33"), (0.0, "id", "0")],
)
def test_format_number(value: float, lang: str, text: str) -> None:
    assert format_number(value, lang) == text


def test_format_percent() -> None:
    assert format_percent(0.9345, "en") == "93.5%"
    assert format_percent(0.9345, "id") == "93,5%"
    assert format_percent(1.0, "en") == "100%"
