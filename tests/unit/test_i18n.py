"""The feedback catalogue: every code used by a check exists in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import grader
from grader.i18n import LANGUAGES, catalogue, render, template_fields
from grader.models.results import Message

PACKAGE = Path(grader.__file__).parent


def used_codes() -> set[str]:
    from grader.scoring.notes import NOTE_CODES

    codes = {f"note.{c}" for c in NOTE_CODES}
    for path in PACKAGE.rglob("*.py"):
        codes |= set(re.findall(r'Message\(\s*"([a-z_]+\.[a-z_]+)"', path.read_text()))
    return codes


def test_every_used_code_has_both_languages():
    assert len(used_codes()) > 80
    assert sorted(c for c in used_codes() if c not in catalogue()) == []


def test_both_languages_use_the_same_placeholders():
    for code in catalogue():
        assert template_fields(code, "en") == template_fields(code, "id"), code


def test_languages_differ_and_render():
    for code, entry in catalogue().items():
        assert set(entry) == set(LANGUAGES)
        if code not in ("role.test",) and not code.startswith("label."):  # labels: tests/report/test_labels.py
            assert entry["en"] != entry["id"], code
    assert render(Message("split.ok", {"train": 1, "validation": 2, "test": 3}), "id").startswith(
        "Ditemukan data latih 1"
    )


def test_a_missing_value_stays_visible_instead_of_crashing():
    assert "{cell}" in render(Message("runs.timeout", {"reason": "slow"}))
