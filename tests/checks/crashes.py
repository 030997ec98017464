"""Hand-made runs that crashed: cells with their code, status and error, as the evidence holds them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from factories import evidence, keras_model, label_rows, rows

from grader.i18n import render
from grader.models.evidence import (
    CallErrorRecord,
    CellOutput,
    CompileRecord,
    Evidence,
    FitRecord,
    ValidationRecord,
)
from grader.models.execution import CellRun
from grader.models.results import CheckResult

MARKDOWN = None
"""A markdown cell: it takes a position in the notebook but is no code cell."""


def cells(*specs: tuple[str, str, str | None] | None) -> dict[str, Any]:
    """``cells=`` and ``outputs=`` for ``evidence``: each spec is (source, status, error) or
    ``MARKDOWN``; positions count every cell, as the notebook file does."""
    runs, outputs = [], []
    for index, spec in enumerate(specs):
        if spec is None:
            continue
        source, status, error = spec
        runs.append(CellRun(index=index, status=status, error=error))  # type: ignore[arg-type]
        outputs.append(CellOutput(index=index, text="", images=0, source=source))
    return {"cells": tuple(runs), "outputs": tuple(outputs)}


def text(result: CheckResult, lang: str = "en") -> str:
    """The feedback a student reads."""
    return " ".join(render(m, lang) for m in result.messages)


def adam_import_failed() -> Evidence:
    """``from tensorflow.keras.optimizer import Adam`` (misspelt) fails in code cell 1; compile
    in code cell 5 then raises NameError and fit in code cell 6 raises Keras' ValueError."""
    model = replace(keras_model(), cell=5, fitted=False)
    return evidence(
        **cells(
            MARKDOWN,
            (
                "import pandas as pd\nfrom tensorflow.keras.models import Sequential\n"
                "from tensorflow.keras.layers import Dense\nfrom tensorflow.keras.optimizer import Adam",
                "error",
                "ModuleNotFoundError: No module named 'tensorflow.keras.optimizer'",
            ),
            MARKDOWN,
            ("df = pd.read_csv('hcvdat0.csv')", "ok", None),
            ("X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y)", "ok", None),
            ("model = Sequential([Dense(16, activation='relu'), Dense(5, activation='softmax')])", "ok", None),
            (
                "# kompilasi model\nmodel.compile(optimizer=Adam(learning_rate=0.001),\n"
                "              loss='categorical_crossentropy', metrics=['accuracy'])",
                "error",
                "NameError: name 'Adam' is not defined",
            ),
            (
                "history = model.fit(X_train, y_train, epochs=50, validation_split=0.2)",
                "error",
                "ValueError: You must call `compile()` before using the model.",
            ),
        ),
        models={"m1": model},
        call_errors=(
            CallErrorRecord(
                seq=20,
                cell=7,
                call="fit",
                framework="keras",
                mid="m1",
                cls="Sequential",
                error="ValueError: You must call `compile()` before using the model.",
            ),
        ),
    )


def wrong_column() -> Evidence:
    """A wrong column name in code cell 2 (``KeyError``); every later cell that needs its
    result raises NameError; the model is built and compiled but never trained."""
    return evidence(
        **cells(
            ("import pandas as pd\ndf = pd.read_csv('hcvdat0.csv')", "ok", None),
            MARKDOWN,
            (
                "X = df.drop(columns=['Categori', 'Unnamed: 0'])\ny = df['Category']",
                "error",
                "KeyError: \"['Categori'] not found in axis\"",
            ),
            (
                "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)",
                "error",
                "NameError: name 'X' is not defined",
            ),
            (
                "scaler = StandardScaler()\nX_train_s = scaler.fit_transform(X_train)",
                "error",
                "NameError: name 'X_train' is not defined",
            ),
            ("model = Sequential([Dense(5, activation='softmax')])\nmodel.compile(loss='mse')", "ok", None),
            (
                "history = model.fit(X_train_s, y_train, epochs=30, validation_split=0.2)",
                "error",
                "NameError: name 'X_train_s' is not defined",
            ),
            (
                "plt.plot(history.history['loss'])\nplt.show()",
                "error",
                "NameError: name 'history' is not defined",
            ),
            (
                "print('Akurasi:', model.evaluate(X_test, y_test)[1])",
                "error",
                "NameError: name 'X_test' is not defined",
            ),
        ),
        models={"m1": replace(keras_model(), cell=5, fitted=False)},
        compiles=(
            CompileRecord(seq=4, cell=5, mid="m1", optimizer="Adam", learning_rate=None, loss="mse", metrics=()),
        ),
    )


def nan_fit(seq: int, units: int, missing: int = 40, mid: str | None = None) -> FitRecord:
    """A Keras run on features still holding NaN: every loss NaN."""
    nan = float("nan")
    return FitRecord(
        seq=seq,
        cell=4,
        mid=mid or f"m{seq}",
        framework="keras",
        x=replace(rows(400, 0), missing=missing),
        y=label_rows([0] * 200 + [1] * 200),
        epochs=3,
        epochs_run=3,
        batch_size=32,
        validation=ValidationRecord(mode="data", x=rows(100, 5000)),
        history={"loss": (nan, nan, nan), "val_loss": (nan, nan, nan)},
        seconds=1.0,
        hyperparams={"units": units},
    )
