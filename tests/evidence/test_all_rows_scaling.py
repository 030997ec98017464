"""Hand-written scaling with statistics of all rows, recognised from column statistics alone."""

from __future__ import annotations

import numpy as np
from factories import evidence as bare_evidence
from factories import fit, keras_model
from table_rows import evaluate, split, stats_of, table, transform

from grader.evidence.allrows import pooled, scaled_on_all_rows
from grader.evidence.roles import analyse_roles
from grader.models.evidence import AllRowsStatistic, PrepFitRecord, ValidationRecord
from grader.models.execution import CellRun

RNG = np.random.default_rng(9)

CELLS = tuple(CellRun(index=i, status="ok") for i in range(20))
"""Code cells at notebook positions 0..19: position N is "code cell N+1" to a student."""


def evidence(**fields):
    """Hand-made evidence whose cells are all code cells."""
    return bare_evidence(**{"cells": CELLS, **fields})


def raw(n: int = 150, width: int = 4, seed: int = 9) -> np.ndarray:
    """Positive measurements on different scales, like Iris or the HCV lab values; the largest
    value of every column is in the last (test) row."""
    scales = np.array([5.0, 3.0, 40.0, 1.5, 200.0, 12.0])[:width]
    x = np.round(scales * (1.0 + 0.3 * np.abs(np.random.default_rng(seed).normal(size=(n, width)))), 2)
    x[-1] = np.round(x.max(axis=0) * 1.5, 2)
    return x


def graded(data: np.ndarray, n_train: int = 120, split_seq: int | None = 1, validation_split: bool = False):
    """The model trains on the first ``n_train`` rows as given and is tested on the rest;
    ``split_seq``: a train_test_split of ``data`` was recorded (None: sliced by hand)."""
    everything = table(data)
    train, test = table(data[:n_train]), table(data[n_train:])
    validation = ValidationRecord(mode="split", fraction=0.2) if validation_split else None
    return evidence(
        splits=(split(split_seq, everything, train, test, cell=4),) if split_seq is not None else (),
        models={"m1": keras_model()},
        fits=(fit(x=train, validation=validation, seq=5),),
        evaluations=(evaluate(6, test),),
    )


def found(ev) -> tuple[AllRowsStatistic, ...]:
    return analyse_roles(ev).scaled_with_all_rows


def test_pandas_standardisation_of_all_rows_before_the_split_is_found_with_the_split_cell():
    x = raw()
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)  # (X - X.mean()) / X.std()
    assert found(graded(z)) == (AllRowsStatistic("standardised", 4, 4, rows=150, held_out=30, role="test", cell=4),)


def test_numpy_standardisation_sliced_by_hand_is_found_from_the_pooled_rows():
    x = raw()
    z = (x - x.mean(axis=0)) / x.std(axis=0)  # ddof 0, and no train_test_split at all
    assert found(graded(z, split_seq=None)) == (AllRowsStatistic("standardised", 4, 4, rows=150, held_out=30),)


def test_float32_data_is_judged_with_float_tolerance():
    x = raw()
    z = ((x - x.mean(axis=0)) / x.std(axis=0, ddof=1)).astype(np.float32)
    assert [f.statistic for f in found(graded(z))] == ["standardised"]


def test_min_max_scaling_of_all_rows_is_found_and_a_binary_column_is_not_examined():
    x = raw(width=5)
    x[:, 1] = RNG.integers(0, 2, size=150)  # Sex as 0/1: scaled or not, it stays 0/1
    scaled = (x - x.min(axis=0)) / (x.max(axis=0) - x.min(axis=0))
    assert found(graded(scaled)) == (AllRowsStatistic("min_max", 4, 4, rows=150, held_out=30, cell=4),)


def test_division_by_the_maximum_of_all_rows_is_found():
    x = raw()  # the largest value of every column sits in a test row
    (result,) = found(graded(x / x.max(axis=0)))
    assert (result.statistic, result.columns, result.rows) == ("max", 4, 150)


def test_scaling_with_statistics_of_the_training_rows_is_never_flagged():
    x = raw()
    train = x[:120]
    for scaled in (
        (x - train.mean(axis=0)) / train.std(axis=0, ddof=1),
        (x - train.mean(axis=0)) / train.std(axis=0),
        (x - train.min(axis=0)) / (train.max(axis=0) - train.min(axis=0)),
        x / train.max(axis=0),
    ):
        assert found(graded(scaled)) == ()
        assert found(graded(scaled, split_seq=None)) == ()


def test_unscaled_data_is_never_flagged():
    assert found(graded(raw())) == ()
    assert found(graded(raw(), split_seq=None)) == ()


def test_one_hot_columns_never_trigger():
    x = raw(width=3)
    onehot = np.zeros((150, 3))
    onehot[np.arange(150), RNG.integers(0, 2, size=150)] = 1.0
    onehot[145, :] = (0, 0, 1)  # a category only a test row has: its column's training max is 0
    assert found(graded(np.hstack([x, onehot]))) == ()
    train = x[:120]
    scaled = (x - train.min(axis=0)) / (train.max(axis=0) - train.min(axis=0))
    assert found(graded(np.hstack([scaled, onehot]))) == ()


def test_a_constant_column_neither_triggers_nor_hides_min_max_scaling():
    x = raw()
    scaled = (x - x.min(axis=0)) / (x.max(axis=0) - x.min(axis=0))
    with_constant = np.hstack([scaled, np.ones((150, 1))])
    assert [f.statistic for f in found(graded(with_constant))] == ["min_max"]
    assert found(graded(np.hstack([raw(), np.ones((150, 1))]))) == ()


def test_standardising_only_the_numeric_columns_is_found():
    x = raw(width=3)
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    flags = RNG.integers(0, 2, size=(150, 2)).astype(float)
    (result,) = found(graded(np.hstack([z, flags])))
    assert (result.statistic, result.columns, result.checked) == ("standardised", 3, 3)


def test_all_rows_scaling_undone_by_a_scaler_fitted_on_the_training_rows_is_not_a_leak():
    # min-max of all rows, split, then StandardScaler fitted on the training rows: the model's
    # rows are standardised with training statistics only (the affine steps compose)
    x = raw()
    mm = (x - x.min(axis=0)) / (x.max(axis=0) - x.min(axis=0))
    everything, train, test = table(mm), table(mm[:120]), table(mm[120:])
    mean, sd = mm[:120].mean(axis=0), mm[:120].std(axis=0)
    s_train, s_test = table((mm[:120] - mean) / sd), table((mm[120:] - mean) / sd)
    ev = evidence(
        splits=(split(1, everything, train, test),),
        transforms=(transform(2, train, s_train), transform(3, test, s_test)),
        models={"m1": keras_model()},
        fits=(fit(x=s_train, seq=4),),
        evaluations=(evaluate(5, s_test),),
    )
    assert found(ev) == ()


def test_keras_validation_split_counts_the_rows_it_carves_as_training_rows():
    x = raw()
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    assert [f.statistic for f in found(graded(z, validation_split=True))] == ["standardised"]
    right = (x - x[:120].mean(axis=0)) / x[:120].std(axis=0, ddof=1)
    assert found(graded(right, validation_split=True)) == ()


def test_validation_data_is_pooled_with_the_training_and_test_rows():
    x = raw()
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    train, val, test = table(z[:100]), table(z[100:125]), table(z[125:])
    ev = evidence(
        models={"m1": keras_model()},
        fits=(fit(x=train, validation=ValidationRecord(mode="data", x=val), seq=5),),
        evaluations=(evaluate(6, test),),
    )
    assert found(ev) == (AllRowsStatistic("standardised", 4, 4, rows=150, held_out=25),)


def test_standardising_training_and_validation_rows_together_names_the_validation_rows():
    x = raw()
    pool, test_raw = x[:125], x[125:]
    zp = (pool - pool.mean(axis=0)) / pool.std(axis=0, ddof=1)
    z_test = (test_raw - pool.mean(axis=0)) / pool.std(axis=0, ddof=1)
    first = split(1, table(x), table(pool), table(test_raw), cell=3)
    everything, train, val, test = table(zp), table(zp[:100]), table(zp[100:]), table(z_test)
    ev = evidence(
        splits=(first, split(2, everything, train, val, cell=5)),
        models={"m1": keras_model()},
        fits=(fit(x=train, validation=ValidationRecord(mode="data", x=val), seq=6),),
        evaluations=(evaluate(7, test),),
    )
    assert found(ev) == (AllRowsStatistic("standardised", 4, 4, rows=125, held_out=25, role="validation", cell=5),)


def test_without_statistics_nothing_is_claimed():
    x = raw()
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    train, test = table(z[:120], stats=False), table(z[120:], stats=False)
    ev = evidence(models={"m1": keras_model()}, fits=(fit(x=train, seq=1),), evaluations=(evaluate(2, test),))
    assert found(ev) == ()


def test_pooled_statistics_equal_the_statistics_of_all_rows():
    x = raw()
    x[3, 2] = np.nan
    parts = [stats_of(x[:50]), stats_of(x[50:51]), stats_of(x[51:])]
    together, direct = pooled(parts), stats_of(x)
    assert together is not None
    for field in ("count", "missing", "mean", "m2", "min", "max"):
        assert np.allclose(getattr(together, field), getattr(direct, field), rtol=1e-12), field
    assert pooled([stats_of(x), stats_of(x[:, :2])]) is None


def test_a_column_in_both_states_needs_the_training_rows_to_differ():
    x = raw()
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    assert scaled_on_all_rows(stats_of(z), stats_of(z[:120])) == ("standardised", 4, 4)
    assert scaled_on_all_rows(stats_of(z), stats_of(z)) is None


def test_a_recorded_scaler_fitted_on_all_rows_is_reported_once_as_that_fit():
    # StandardScaler().fit_transform(X) before the split: the fit names the leak; the column
    # statistics, which show the same thing, add nothing
    x = raw()
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    everything, scaled = table(x), table(z)
    ev = evidence(
        splits=(split(3, scaled, table(z[:120]), table(z[120:])),),
        prep_fits=(
            PrepFitRecord(
                seq=1,
                cell=2,
                estimator="StandardScaler",
                module="sklearn",
                mid="s1",
                input=everything,
                method="fit_transform",
            ),
        ),
        transforms=(transform(2, everything, scaled),),
        models={"m1": keras_model()},
        fits=(fit(x=table(z[:120]), seq=4),),
        evaluations=(evaluate(5, table(z[120:])),),
    )
    roles = analyse_roles(ev)
    assert roles.leaks == ("StandardScaler.fit_transform in code cell 3 learned from 30 of the 30 test rows",)
    assert roles.scaled_with_all_rows == ()
