"""Data roles and leakage from hand-made records (row fingerprints are plain integers)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from factories import evidence, fit, keras_model, rows

from grader.evidence.roles import analyse_roles
from grader.models.evidence import (
    EvaluateRecord,
    PrepFitRecord,
    Rows,
    SplitPart,
    SplitRecord,
    TransformRecord,
    ValidationRecord,
)
from grader.models.execution import CellRun

SCALED = 100_000


def subset(source: Rows, start: int, stop: int) -> Rows:
    return rows(stop - start, int(source.exact[start]))


def scaled(source: Rows) -> Rows:
    return rows(source.n, int(source.exact[0]) + SCALED)


def split(seq: int, source: Rows, train: Rows, test: Rows, stratify: bool = True) -> SplitRecord:
    return SplitRecord(
        seq=seq,
        cell=1,
        func="train_test_split",
        inputs=(source,),
        stratify=stratify,
        outputs=(SplitPart(0, "train", train), SplitPart(0, "test", test)),
    )


def transform(seq: int, raw: Rows, out: Rows) -> TransformRecord:
    return TransformRecord(seq=seq, cell=2, estimator="StandardScaler", mid="s1", input=raw, output=out)


def evaluate(seq: int, x: Rows, mid: str = "m1") -> EvaluateRecord:
    return EvaluateRecord(
        seq=seq,
        cell=5,
        mid=mid,
        framework="keras",
        method="evaluate",
        x=x,
        y=None,
        array=None,
        array_y=None,
        result=[0.3, 0.9],
    )


def three_way():
    everything = rows(150, 0)
    pool, test = subset(everything, 0, 135), subset(everything, 135, 150)
    train, val = subset(everything, 0, 108), subset(everything, 108, 135)
    splits = (split(1, everything, pool, test), split(2, pool, train, val))
    return everything, train, val, test, splits


def test_clean_three_way_split_with_scaler_fitted_on_training_rows():
    _, train, val, test, splits = three_way()
    s_train, s_val, s_test = scaled(train), scaled(val), scaled(test)
    ev = evidence(
        splits=splits,
        prep_fits=(
            PrepFitRecord(
                seq=3, cell=2, estimator="StandardScaler", module="sklearn", mid="s1", input=train, method="fit"
            ),
        ),
        transforms=(transform(4, train, s_train), transform(5, val, s_val), transform(6, test, s_test)),
        models={"m1": keras_model()},
        fits=(fit(x=s_train, validation=ValidationRecord(mode="data", x=s_val), seq=7),),
        evaluations=(evaluate(8, s_test),),
    )
    roles = analyse_roles(ev)
    assert (roles.train.n, roles.validation.n, roles.test.n) == (108, 27, 15)
    assert roles.leaks == () and not roles.test_is_validation
    assert roles.overlaps == {"train_test": 0, "train_validation": 0, "validation_test": 0}
    assert roles.total_rows == 150


def test_scaler_fitted_on_all_rows_before_the_split_leaks():
    everything = rows(150, 0)
    s_all = scaled(everything)
    s_pool, s_test = subset(s_all, 0, 135), subset(s_all, 135, 150)
    s_train, s_val = subset(s_all, 0, 108), subset(s_all, 108, 135)
    ev = evidence(
        splits=(split(3, s_all, s_pool, s_test), split(4, s_pool, s_train, s_val)),
        prep_fits=(
            PrepFitRecord(
                seq=1,
                cell=1,
                estimator="StandardScaler",
                module="sklearn",
                mid="s1",
                input=everything,
                method="fit_transform",
            ),
        ),
        transforms=(transform(2, everything, s_all),),
        models={"m1": keras_model()},
        fits=(fit(x=s_train, validation=ValidationRecord(mode="data", x=s_val), seq=5),),
        evaluations=(evaluate(6, s_test),),
    )
    roles = analyse_roles(ev)
    # notebook position 1 is the second code cell of the factory's run
    assert roles.leaks == ("StandardScaler.fit_transform in code cell 2 learned from 15 of the 15 test rows",)


def test_test_set_passed_as_validation_data():
    everything = rows(150, 0)
    train, test = subset(everything, 0, 120), subset(everything, 120, 150)
    ev = evidence(
        splits=(split(1, everything, train, test),),
        models={"m1": keras_model()},
        fits=(fit(x=train, validation=ValidationRecord(mode="data", x=test), seq=2),),
        evaluations=(evaluate(3, test),),
    )
    roles = analyse_roles(ev)
    assert roles.test_is_validation and roles.test.n == 30


def test_model_only_evaluated_on_validation_has_no_test_set():
    _, train, val, _test, splits = three_way()
    ev = evidence(
        splits=splits,
        models={"m1": keras_model()},
        fits=(fit(x=train, validation=ValidationRecord(mode="data", x=val), seq=3),),
        evaluations=(evaluate(4, val),),
    )
    roles = analyse_roles(ev)
    assert roles.test is None and roles.validation.n == 27


def test_without_fit_validation_the_first_held_out_set_is_validation():
    _, train, val, test, splits = three_way()
    ev = evidence(
        splits=splits,
        models={"m1": keras_model()},
        fits=(fit(x=train, seq=3),),
        evaluations=(evaluate(4, val), evaluate(5, test)),
    )
    roles = analyse_roles(ev)
    assert (roles.validation.n, roles.test.n, roles.validation_mode) == (27, 15, "evaluated")


def test_keras_validation_split_holds_out_the_last_rows():
    _, train, _, test, splits = three_way()
    ev = evidence(
        splits=splits,
        models={"m1": keras_model()},
        fits=(fit(x=train, validation=ValidationRecord(mode="split", fraction=0.25), seq=3),),
        evaluations=(evaluate(4, test),),
    )
    roles = analyse_roles(ev)
    assert (roles.train.n, roles.validation.n) == (81, 27)
    assert np.array_equal(roles.validation.exact, train.exact[81:])


def test_final_model_is_the_last_one_judged_on_held_out_rows():
    _, train, _val, test, splits = three_way()
    ev = evidence(
        splits=splits,
        models={"m1": keras_model("m1"), "m2": keras_model("m2")},
        fits=(fit("m1", x=train, seq=3), fit("m2", x=train, seq=4)),
        evaluations=(evaluate(5, test, mid="m1"), evaluate(6, train, mid="m2")),
    )
    assert analyse_roles(ev).final_mid == "m1"


def test_duplicate_raw_rows_do_not_count_as_overlap():
    raw = Rows(
        id="raw",
        n=4,
        shape=(4, 4),
        dtype="f",
        kind="features",
        exact=np.array([1, 2, 2, 3], dtype=np.uint64),
        shape_fp=np.array([11, 12, 12, 13], dtype=np.uint64),
    )
    train = Rows(
        id="tr",
        n=2,
        shape=(2, 4),
        dtype="f",
        kind="features",
        exact=np.array([1, 2], dtype=np.uint64),
        shape_fp=np.array([11, 12], dtype=np.uint64),
    )
    test = Rows(
        id="te",
        n=2,
        shape=(2, 4),
        dtype="f",
        kind="features",
        exact=np.array([2, 3], dtype=np.uint64),
        shape_fp=np.array([12, 13], dtype=np.uint64),
    )
    ev = evidence(
        splits=(split(1, raw, train, test),),
        models={"m1": keras_model()},
        fits=(fit(x=train, seq=2),),
        evaluations=(evaluate(3, test),),
    )
    assert analyse_roles(ev).overlaps["train_test"] == 0


def test_a_predict_on_a_slice_of_the_test_set_does_not_replace_it():
    _, train, _val, test, splits = three_way()
    first_rows = subset(test, 0, 5)
    ev = evidence(
        splits=splits,
        models={"m1": keras_model()},
        fits=(fit(x=train, seq=3),),
        evaluations=(evaluate(4, test), evaluate(5, first_rows)),
    )
    roles = analyse_roles(ev)
    assert roles.test.n == 15 and roles.validation is None


def test_three_way_split_with_the_test_set_as_validation_data():
    _, train, val, test, splits = three_way()
    ev = evidence(
        splits=splits,
        models={"m1": keras_model()},
        fits=(fit(x=train, validation=ValidationRecord(mode="data", x=test), seq=3),),
        evaluations=(evaluate(4, test),),
    )
    roles = analyse_roles(ev)
    assert roles.test_is_validation and roles.test.n == 15
    assert roles.spare is not None and roles.spare.n == val.n  # the validation set nobody used


def test_without_a_trained_model_the_splits_give_the_roles():
    everything, _train, _val, _test, splits = three_way()
    ev = evidence(
        splits=splits,
        prep_fits=(
            PrepFitRecord(
                seq=0, cell=1, estimator="StandardScaler", module="sklearn", mid="s1", input=everything, method="fit"
            ),
        ),
    )
    roles = analyse_roles(ev)
    assert (roles.train.n, roles.validation.n, roles.test.n) == (108, 27, 15)
    assert roles.final_mid is None
    assert roles.leaks == ("StandardScaler.fit in code cell 2 learned from 15 of the 15 test rows",)


def test_scaler_fitted_on_the_rows_keras_later_splits_for_validation_does_not_leak():
    # scaler.fit(X_train) then model.fit(X_train, validation_split=0.2): the usual recipe
    everything = rows(150, 0)
    train, test = subset(everything, 0, 120), subset(everything, 120, 150)
    s_train, s_test = scaled(train), scaled(test)
    ev = evidence(
        splits=(split(1, everything, train, test),),
        prep_fits=(
            PrepFitRecord(
                seq=2, cell=2, estimator="StandardScaler", module="sklearn", mid="s1", input=train, method="fit"
            ),
        ),
        transforms=(transform(3, train, s_train), transform(4, test, s_test)),
        models={"m1": keras_model()},
        fits=(fit(x=s_train, validation=ValidationRecord(mode="split", fraction=0.2), seq=5),),
        evaluations=(evaluate(6, s_test),),
    )
    roles = analyse_roles(ev)
    assert (roles.validation_mode, roles.validation.n, roles.test.n) == ("split", 24, 30)
    assert roles.leaks == ()


def test_scaler_fitted_on_training_and_validation_rows_leaks_the_validation_set():
    everything, train, val, test, splits = three_way()
    pool = subset(everything, 0, 135)
    ev = evidence(
        cells=(CellRun(0, "ok"), CellRun(2, "ok")),  # a markdown cell at position 1: not counted
        splits=splits,
        prep_fits=(
            PrepFitRecord(
                seq=3, cell=2, estimator="MinMaxScaler", module="sklearn", mid="s1", input=pool, method="fit"
            ),
        ),
        models={"m1": keras_model()},
        fits=(fit(x=train, validation=ValidationRecord(mode="data", x=val), seq=7),),
        evaluations=(evaluate(8, test),),
    )
    assert analyse_roles(ev).leaks == ("MinMaxScaler.fit in code cell 2 learned from 27 of the 27 validation rows",)


def test_an_mlp_with_early_stopping_judged_on_the_validation_rows_counts_their_leaks():
    # early_stopping holds out rows inside fit (no rows of their own); the validation set is the
    # one the MLP is then judged on, and a scaler that learned from it leaks
    _, train, val, test, splits = three_way()
    pool = rows(135, 0)  # training and validation rows together
    s_train, s_val, s_test = scaled(train), scaled(val), scaled(test)
    mlp = fit(x=s_train, validation=ValidationRecord(mode="split", fraction=0.1), seq=7)
    ev = evidence(
        splits=splits,
        prep_fits=(
            PrepFitRecord(
                seq=3, cell=2, estimator="StandardScaler", module="sklearn", mid="s1", input=pool, method="fit"
            ),
        ),
        transforms=(transform(4, train, s_train), transform(5, val, s_val), transform(6, test, s_test)),
        models={"m1": keras_model()},
        fits=(replace(mlp, framework="sklearn"),),
        evaluations=(evaluate(8, s_val), evaluate(9, s_test)),
    )
    roles = analyse_roles(ev)
    assert roles.validation_mode == "evaluated" and roles.validation_fraction is None
    assert roles.leaks[0].startswith("StandardScaler.fit in ") and roles.leaks[0].endswith(
        "learned from 27 of the 27 validation rows"
    )
