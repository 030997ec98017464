"""``compile`` on hand-made evidence."""

from __future__ import annotations

from factories import standard

from grader.checks import run_check

from .helpers import codes


def test_compile_normalises_names():
    ev = standard()
    assert run_check("compile", ev, {"optimizer": "adam", "loss": "CategoricalCrossentropy", "metrics": ["acc"]}).passed
    result = run_check("compile", ev, {"optimizer": "sgd", "loss": "sparse_categorical_crossentropy"})
    assert codes(result) == ["compile.optimizer", "compile.loss"]


def test_compile_missing_is_reported_with_the_lesson_typo_hint():
    ev = standard(compiles=())
    assert codes(run_check("compile", ev, {})) == ["compile.not_compiled"]
