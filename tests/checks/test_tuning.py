"""``tuning`` on hand-made evidence."""

from __future__ import annotations

from dataclasses import replace

from factories import evidence, fit, keras_model, label_rows, rows, standard

from grader.checks import run_check
from grader.models.evidence import CompileRecord, LayerRecord, SearchRecord, ValidationRecord

from .helpers import codes


def _tuning_evidence(validation_rows, n_configs: int):
    train = rows(100, 0)
    models, fits, compiles = {}, [], []
    for i in range(n_configs):
        mid = f"m{i + 1}"
        models[mid] = keras_model(
            mid,
            layers=[
                LayerRecord(type="Dense", units=8 * (i + 1), activation="relu"),
                LayerRecord(type="Dense", units=3, activation="softmax"),
            ],
        )
        compiles.append(
            CompileRecord(seq=i, cell=1, mid=mid, optimizer="Adam", learning_rate=0.001, loss="x", metrics=())
        )
        fits.append(
            fit(
                mid,
                x=train,
                y=label_rows([0, 1] * 50),
                seq=10 + i,
                validation=ValidationRecord(mode="data", x=validation_rows),
            )
        )
    return models, tuple(fits), tuple(compiles), train


def test_tuning_counts_configurations_compared_on_validation_data():
    val, test = rows(20, 500), rows(20, 900)
    models, fits, compiles, train = _tuning_evidence(val, 3)
    ev = standard(models=models, fits=fits, compiles=compiles)
    ev = replace(ev, roles=replace(ev.roles, final_mid="m3", train=train, validation=val, test=test))
    result = run_check("tuning", ev, {"min_configs": 3})
    assert result.passed, result.messages


def test_tuning_on_the_test_set_is_named():
    test = rows(20, 900)
    models, fits, compiles, train = _tuning_evidence(test, 3)
    ev = standard(models=models, fits=fits, compiles=compiles)
    ev = replace(ev, roles=replace(ev.roles, final_mid="m3", train=train, validation=test, test=test))
    assert codes(run_check("tuning", ev, {"min_configs": 2})) == ["tuning.on_test"]


def test_tuning_single_run_is_too_few():
    assert codes(run_check("tuning", standard(), {"min_configs": 2})) == ["tuning.too_few"]


def test_grid_search_counts_as_tuning():
    search = SearchRecord(
        seq=1, cell=1, mid="m1", method="GridSearchCV", n_candidates=6, candidates=(), scores=(), best_params=None
    )
    assert run_check("tuning", evidence(searches=(search,)), {"min_configs": 4}).passed
