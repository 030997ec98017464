"""A pandas fill is a leak only when it reached the rows of the final model; the data's own
duplicate rows are not an overlap between the sets."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from factories import evidence as bare_evidence
from factories import fit, keras_model
from table_rows import evaluate, fill, split, table, transform

from grader.checks import run_check
from grader.evidence.roles import analyse_roles
from grader.models.execution import CellRun

COLUMNS = ("Category", "Age", "ALB", "ALP")
FEATURES = COLUMNS[1:]

CELLS = tuple(CellRun(index=i, status="ok") for i in range(20))
"""Code cells at notebook positions 0..19: position N is "code cell N+1" to a student."""


def evidence(**fields):
    """Hand-made evidence whose cells are all code cells."""
    return bare_evidence(**{"cells": CELLS, **fields})


def hcv_like(n: int = 200) -> np.ndarray:
    """Category, Age, ALB, ALP with missing ALB and ALP values."""
    rng = np.random.default_rng(4)
    data = np.column_stack(
        [rng.integers(0, 4, n), rng.integers(20, 70, n), rng.normal(41, 5, n).round(1), rng.normal(68, 20, n).round(1)]
    ).astype(float)
    data[[3, 50, 120], 2] = np.nan
    data[[7, 90, 150, 170], 3] = np.nan
    return data


def filled(data: np.ndarray) -> np.ndarray:
    out = data.copy()
    means = np.nanmean(data, axis=0)
    for j in range(out.shape[1]):
        out[np.isnan(out[:, j]), j] = means[j]
    return out


def imputed_model(features: np.ndarray, fills=(), n_train: int = 160):
    """X split with its missing values, imputed with training medians; the model's rows."""
    x, train_raw, test_raw = table(features, FEATURES), table(features[:n_train], FEATURES), None
    test_raw = table(features[n_train:], FEATURES)
    medians = np.nanmedian(features[:n_train], axis=0)
    fix = lambda m: np.where(np.isnan(m), medians, m)  # noqa: E731
    train, test = table(fix(features[:n_train])), table(fix(features[n_train:]))
    return evidence(
        splits=(split(10, x, train_raw, test_raw, cell=6),),
        prep_fits=tuple(fills),
        transforms=(
            transform(11, train_raw, train, "SimpleImputer", "imp"),
            transform(12, test_raw, test, "SimpleImputer", "imp"),
        ),
        models={"m1": keras_model()},
        fits=(fit(x=train, seq=13),),
        evaluations=(evaluate(14, test),),
    )


def test_a_fill_of_the_frame_after_the_features_were_taken_is_not_a_leak():
    df = hcv_like()
    eda = fill(2, 4, table(df, COLUMNS), table(filled(df), COLUMNS))  # for a heatmap
    roles = analyse_roles(imputed_model(df[:, 1:], [eda]))
    assert roles.leaks == ()


def test_a_fill_before_the_features_were_taken_is_still_a_leak():
    df = hcv_like()
    frame = fill(2, 4, table(df, COLUMNS), table(filled(df), COLUMNS))
    features = filled(df)[:, 1:]
    x, train, test = table(features, FEATURES), table(features[:160], FEATURES), table(features[160:], FEATURES)
    ev = evidence(
        splits=(split(10, x, train, test, cell=6),),
        prep_fits=(frame,),
        models={"m1": keras_model()},
        fits=(fit(x=train, seq=13),),
        evaluations=(evaluate(14, test),),
    )
    assert analyse_roles(ev).leaks == (
        "DataFrame.fillna with the column mean in code cell 5 learned from all 200 rows before the data was split",
    )


def test_the_fill_that_reached_the_model_is_cited_not_the_one_that_did_not():
    df = hcv_like()
    eda = fill(2, 4, table(df, COLUMNS), table(filled(df), COLUMNS), n=1)
    features = df[:, 1:]
    done = filled(features)
    on_x = fill(5, 7, table(features, FEATURES), table(done, FEATURES), n=2)
    x, train, test = table(done, FEATURES), table(done[:160], FEATURES), table(done[160:], FEATURES)
    ev = evidence(
        splits=(split(10, x, train, test, cell=8),),
        prep_fits=(eda, on_x),
        transforms=(transform(6, on_x.input, on_x.output, "DataFrame.fillna", "fillna2"),),
        models={"m1": keras_model()},
        fits=(fit(x=train, seq=13),),
        evaluations=(evaluate(14, test),),
    )
    assert analyse_roles(ev).leaks == (
        "DataFrame.fillna with the column mean in code cell 8 learned from 40 of the 40 test rows",
    )


def test_without_column_names_a_complete_filled_frame_cannot_be_the_source_of_missing_values():
    df = hcv_like()
    eda = fill(2, 4, table(df, COLUMNS), table(filled(df), COLUMNS))
    ev = imputed_model(df[:, 1:], [eda])
    (first,) = ev.splits
    nameless = replace(first, inputs=(table(df[:, 1:]),))  # X = df.drop(...).to_numpy()
    assert analyse_roles(replace(ev, splits=(nameless,))).leaks == ()


def test_a_series_fill_that_reached_the_features_is_a_leak():
    df = hcv_like()
    alb = df[:, [2]]
    series = fill(2, 3, table(alb, ("ALB",)), table(filled(alb), ("ALB",)), owner="Series")
    features = df[:, 1:].copy()
    features[:, 1] = filled(alb)[:, 0]
    features = filled(features)  # ALP filled too (by another route the grader did not see)
    x, train, test = table(features, FEATURES), table(features[:160], FEATURES), table(features[160:], FEATURES)
    ev = evidence(
        splits=(split(10, x, train, test, cell=6),),
        prep_fits=(series,),
        models={"m1": keras_model()},
        fits=(fit(x=train, seq=13),),
        evaluations=(evaluate(14, test),),
    )
    assert analyse_roles(ev).leaks == (
        "Series.fillna with the column mean in code cell 4 learned from all 200 rows before the data was split",
    )


def iris_like() -> np.ndarray:
    """Four measurements per flower, the species last; one flower is in the data twice."""
    rng = np.random.default_rng(1)
    data = np.column_stack([rng.normal(5.8, 0.8, (150, 4)).round(2), np.repeat([0.0, 1.0, 2.0], 50)])
    data[142] = data[101]  # the duplicate flower
    return data


def test_the_datas_own_duplicate_on_both_sides_of_a_split_of_a_wider_table_is_no_overlap():
    # split(df) with the species column, features taken from each part afterwards: the model's
    # rows cannot be traced to the split's input, but the parts hold exactly its 150 rows
    df = iris_like()
    test_idx = np.r_[[101], np.arange(120, 142), np.arange(143, 150)]
    train_idx = np.setdiff1d(np.arange(150), test_idx)
    assert 101 in test_idx and 142 in train_idx
    x_train, x_test = table(df[train_idx, :4]), table(df[test_idx, :4])
    ev = evidence(
        splits=(split(1, table(df), table(df[train_idx]), table(df[test_idx])),),
        models={"m1": keras_model()},
        fits=(fit(x=x_train, seq=2),),
        evaluations=(evaluate(3, x_test),),
    )
    roles = analyse_roles(ev)
    assert roles.overlaps["train_test"] == 0
    assert run_check("split", replace(ev, roles=roles), {"require_validation": False}).passed


def test_rows_shared_beyond_the_datas_own_duplicates_are_still_an_overlap():
    df = iris_like()
    train_idx = np.arange(0, 120)
    test_idx = np.r_[np.arange(120, 145), np.arange(0, 5)]  # five training flowers tested again
    ev = evidence(
        splits=(split(1, table(df), table(df[:120]), table(df[120:])),),
        models={"m1": keras_model()},
        fits=(fit(x=table(df[train_idx, :4]), seq=2),),
        evaluations=(evaluate(3, table(df[test_idx, :4])),),
    )
    assert analyse_roles(ev).overlaps["train_test"] >= 5


def test_multiplicities_of_traced_rows_are_compared_with_the_source():
    df = iris_like()[:, :4]
    everything = table(df)
    # the source holds the duplicate twice: one copy on each side is no overlap ...
    train_idx = np.r_[np.arange(0, 101), np.arange(102, 121)]
    test_idx = np.r_[[101], np.arange(121, 150)]
    ev = evidence(
        splits=(split(1, everything, table(df[train_idx]), table(df[test_idx])),),
        models={"m1": keras_model()},
        fits=(fit(x=table(df[train_idx]), seq=2),),
        evaluations=(evaluate(3, table(df[test_idx])),),
    )
    assert analyse_roles(ev).overlaps["train_test"] == 0
    # ... but training on every row and testing on some is an overlap of every test row
    ev = evidence(
        splits=(split(1, everything, table(df[train_idx]), table(df[test_idx])),),
        models={"m1": keras_model()},
        fits=(fit(x=table(df), seq=2),),
        evaluations=(evaluate(3, table(df[test_idx])), evaluate(4, table(df[test_idx]))),
    )
    roles = analyse_roles(ev)
    assert roles.test is None or roles.overlaps["train_test"] == 30
