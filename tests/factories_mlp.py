"""Hand-made evidence of scikit-learn MLPClassifier notebooks (no kernel, no files): the HCV
assignment solved with MLPClassifier, by ``fit`` with early stopping or by a ``partial_fit`` loop."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

from factories import evidence, label_rows, measurement, rows

from grader.models.evidence import (
    AxesRecord,
    DataRoles,
    Evidence,
    FigureRecord,
    FitRecord,
    LineRecord,
    MetricCallRecord,
    ModelRecord,
    PredictRecord,
    Rows,
    SplitPart,
    SplitRecord,
    ValidationRecord,
)

LOSS = (1.31, 0.92, 0.61, 0.44, 0.37, 0.33)
"""An MLP's ``loss_curve_``."""
SCORES = (0.71, 0.82, 0.88, 0.90, 0.90, 0.89)
"""Its ``validation_scores_`` (early stopping's validation accuracy per epoch)."""
HIDDEN = {"m1": (8,), "m2": (16, 8), "m3": (32, 16)}
"""The three configurations a solution compares (model id: hidden_layer_sizes)."""
CONFUSION = ((79, 1, 0, 0), (1, 3, 1, 0), (0, 1, 3, 0), (0, 0, 1, 2))


def mlp_model(
    mid: str = "m1",
    hidden: tuple[int, ...] = (16, 8),
    n_in: int = 12,
    n_out: int = 4,
    out_activation: str | None = "softmax",
    cls: str = "MLPClassifier",
    seq: int = 1,
    **params: Any,
) -> ModelRecord:
    """A fitted MLP as the probe describes it (``layer_sizes``, ``out_activation_``, get_params)."""
    sizes = (n_in, *hidden, n_out)
    settings: dict[str, Any] = {
        "hidden_layer_sizes": list(hidden),
        "activation": "relu",
        "solver": "adam",
        "learning_rate_init": 0.001,
        "max_iter": 500,
        "early_stopping": True,
        "validation_fraction": 0.1,
        "random_state": 42,
    }
    settings.update(params)
    return ModelRecord(
        seq=seq,
        cell=5,
        mid=mid,
        framework="sklearn",
        cls=cls,
        final_class=cls,
        params=settings,
        layer_sizes=sizes,
        param_count=sum(a * b + b for a, b in itertools.pairwise(sizes)),
        out_activation=out_activation,
        classes=tuple(str(i) for i in range(n_out)),
    )


def mlp_fit(
    mid: str,
    x: Rows,
    seq: int,
    early_stopping: bool = True,
    history: dict[str, tuple[float, ...]] | None = None,
    method: str = "fit",
    epochs: int | None = 500,
    y: Rows | None = None,
) -> FitRecord:
    """``MLPClassifier.fit`` (or one ``partial_fit`` call) as the probe records it."""
    if history is None:
        history = {"loss": LOSS, "val_accuracy": SCORES} if early_stopping else {"loss": LOSS}
    return FitRecord(
        seq=seq,
        cell=5,
        mid=mid,
        framework="sklearn",
        x=x,
        y=y,
        epochs=epochs,
        epochs_run=len(history.get("loss", ())) or None,
        batch_size="auto",
        validation=ValidationRecord(mode="split", fraction=0.1) if early_stopping else ValidationRecord(mode="none"),
        history=history,
        seconds=0.5,
        hyperparams={"max_iter": epochs, "early_stopping": early_stopping, "solver": "adam"},
        method=method,
    )


def predict(mid: str, x: Rows, seq: int, cell: int = 5, method: str = "predict") -> PredictRecord:
    """``model.predict(X)`` / ``predict_proba(X)`` on these rows."""
    return PredictRecord(seq=seq, cell=cell, mid=mid, framework="sklearn", method=method, x=x, array=None, output=None)


def log_loss(y: Rows, value: float, seq: int, cell: int = 5) -> MetricCallRecord:
    """``log_loss(y, proba)`` as the probe records it."""
    return MetricCallRecord(seq=seq, cell=cell, func="log_loss", y_true=y, y_pred=None, value=value)


def line(label: str, ys: tuple[float, ...]) -> LineRecord:
    """A plotted line over 0, 1, 2, ..."""
    return LineRecord(label=label, x=tuple(range(len(ys))), y=tuple(ys))


def axes(*lines: LineRecord, ylabel: str = "", title: str = "") -> AxesRecord:
    """One Axes holding these lines."""
    return AxesRecord(
        title=title,
        xlabel="epoch",
        ylabel=ylabel,
        legend=tuple(ln.label for ln in lines),
        lines=tuple(lines),
        images=(),
        meshes=(),
        texts=(),
    )


def figure(*ax: AxesRecord, cell: int = 6, seq: int = 80) -> FigureRecord:
    """A closed figure."""
    return FigureRecord(seq=seq, cell=cell, reason="show", suptitle="", legend=(), axes=tuple(ax))


def _split(seq: int, source: Rows, first: Rows, second: Rows) -> SplitRecord:
    return SplitRecord(
        seq=seq,
        cell=3,
        func="train_test_split",
        inputs=(source,),
        outputs=(SplitPart(0, "train", first), SplitPart(0, "test", second)),
        test_size=0.15,
        stratify=True,
    )


def mlp_solution(**overrides: Any) -> Evidence:
    """A good HCV solution with MLPClassifier: a stratified 70/15/15 split, three
    ``hidden_layer_sizes`` fitted with early stopping and each judged on the validation rows,
    the chosen one (m2) plotted (``loss_curve_`` and ``validation_scores_`` on a twin axis) and
    evaluated once on the test rows with a confusion matrix."""
    everything, rest = rows(608, 0, width=12), rows(516, 0, width=12)
    train, val, test = rows(424, 0, width=12), rows(92, 5000, width=12), rows(92, 9000, width=12)
    labels = label_rows([0] * 370 + [1] * 17 + [2] * 15 + [3] * 22)
    models = {mid: mlp_model(mid, h, seq=i + 1) for i, (mid, h) in enumerate(HIDDEN.items())}
    fits = tuple(mlp_fit(mid, train, seq=10 + 10 * i, y=labels) for i, mid in enumerate(HIDDEN))
    judged = tuple(predict(mid, val, seq=11 + 10 * i) for i, mid in enumerate(HIDDEN))
    curves = figure(axes(line("loss latih", LOSS), ylabel="loss"), axes(line("akurasi validasi", SCORES)))
    confusion = MetricCallRecord(
        seq=91,
        cell=7,
        func="confusion_matrix",
        y_true=label_rows([0] * 80 + [1] * 5 + [2] * 4 + [3] * 3),
        y_pred=None,
        value=[list(r) for r in CONFUSION],
        display=True,
    )
    fields: dict[str, Any] = {
        "splits": (_split(2, everything, rest, test), _split(3, rest, train, val)),
        "models": models,
        "fits": fits,
        "predictions": (*judged, predict("m2", test, seq=90, cell=7)),
        "metric_calls": (confusion,),
        "figures": (curves,),
        "roles": DataRoles(
            final_mid="m2",
            train=train,
            validation=val,
            validation_mode="evaluated",
            test=test,
            test_source="predict (cell 7)",
            overlaps={"train_test": 0, "train_validation": 0, "validation_test": 0},
            total_rows=608,
        ),
        "measurements": (replace(measurement(accuracy=0.93, macro_f1=0.71, predicted=4, majority=0.87), mid="m2"),),
    }
    fields.update(overrides)
    return evidence(**fields)


def partial_fit_loop(
    mid: str = "m1",
    hidden: tuple[int, ...] = (16, 8),
    start: int = 100,
    epochs: int = 4,
    cell: int = 5,
    test_after: bool = True,
) -> tuple[dict[str, Any], dict[str, tuple[float, ...]]]:
    """Records of ``for epoch: mlp.partial_fit(X_train, y_train); log_loss(y_train,
    mlp.predict_proba(X_train)); log_loss(y_val, mlp.predict_proba(X_val))``, followed (with
    ``test_after``) by one ``log_loss`` on the test rows after the loop, and the losses it
    computed each epoch."""
    train, val, test = rows(424, 0, width=12), rows(92, 5000, width=12), rows(92, 9000, width=12)
    y_train, y_val, y_test = label_rows([0] * 424), label_rows([0] * 92), label_rows([1] * 92)
    fits, predictions, calls = [], [], []
    shift = 0.01 * len(hidden) * hidden[0] if hidden else 0.0
    train_loss = tuple(round(1.2 - 0.2 * i - shift, 3) for i in range(epochs))
    val_loss = tuple(round(1.3 - 0.15 * i - shift, 3) for i in range(epochs))
    seq = start
    for i in range(epochs):
        history = {"loss": tuple(0.9 * v for v in train_loss[: i + 1])}
        fits.append(mlp_fit(mid, train, seq, False, history, method="partial_fit", epochs=None, y=y_train))
        predictions.append(predict(mid, train, seq + 1, cell, "predict_proba"))
        calls.append(log_loss(y_train, train_loss[i], seq + 2, cell))
        predictions.append(predict(mid, val, seq + 3, cell, "predict_proba"))
        calls.append(log_loss(y_val, val_loss[i], seq + 4, cell))
        seq += 10
    if test_after:
        predictions.append(predict(mid, test, seq + 1, cell, "predict_proba"))
        calls.append(log_loss(y_test, 0.5, seq + 2, cell))
    records = {
        "models": {mid: mlp_model(mid, hidden, early_stopping=False)},
        "fits": tuple(fits),
        "predictions": tuple(predictions),
        "metric_calls": tuple(calls),
    }
    return records, {"train_log_loss": train_loss, "val_loss": val_loss}


def partial_fit_solution(figures: tuple[FigureRecord, ...] | None = None) -> tuple[Evidence, dict[str, Any]]:
    """The good HCV solution trained by hand: three ``hidden_layer_sizes``, each by a
    ``partial_fit`` loop with training and validation ``log_loss`` per epoch; the second (m2) is
    chosen, plotted (its two computed loss curves) and evaluated on the test rows.  Also returns
    the chosen loop's losses."""
    base = mlp_solution()
    loops = [partial_fit_loop(mid, h, 100 + 100 * i, test_after=False) for i, (mid, h) in enumerate(HIDDEN.items())]
    merged: dict[str, Any] = {"models": {}, "fits": (), "predictions": (), "metric_calls": base.metric_calls}
    for records, _ in loops:
        merged["models"].update(records["models"])
        for key in ("fits", "predictions", "metric_calls"):
            merged[key] = (*merged[key], *records[key])
    merged["predictions"] = (*merged["predictions"], predict("m2", base.roles.test, seq=990, cell=7))
    chosen = loops[1][1]
    plot = figure(axes(line("loss latih", chosen["train_log_loss"]), line("loss validasi", chosen["val_loss"])))
    return mlp_solution(**merged, figures=figures if figures is not None else (plot,)), chosen
