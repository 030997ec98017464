"""Synthetic evidence of an HCV notebook that trains many models and prints many metric lines,
built from the real evidence records (no kernel, no mocks), to time and count the checks.

``tuning_notebook(n_models, n_lines)`` is what a student's hyper-parameter loop leaves behind:
a stratified 60/20/20 split of the 615 HCV rows, an imputer and a scaler fitted on the training
rows, then ``n_models`` trained configurations, each judged on the validation rows (``predict``
then ``accuracy_score``, and ``evaluate`` for Keras; its confusion matrix printed and drawn), a
figure comparing every run's validation curve, the chosen run's loss curves, one prediction on
the test rows with a confusion matrix, and ``n_lines`` printed metric lines (mostly true, every
20th forged, rounded or as percentages, the ways students print them).

``style`` says how the models were trained:

- ``keras``: a new ``Sequential`` per configuration, ``fit(validation_data=...)``;
- ``sklearn``: a new ``MLPClassifier`` per configuration with early stopping;
- ``refit``: one ``MLPClassifier`` object refitted with ``set_params`` (every fit has one model id);
- ``partial_fit``: one ``MLPClassifier`` per configuration trained by a ``partial_fit`` loop of
  ``epochs`` calls, ``predict`` and ``log_loss`` on the training and validation rows each epoch.

Everything is drawn from one seeded generator: the same arguments give the same evidence.
"""

from __future__ import annotations

import itertools
from typing import Literal

import numpy as np

from grader.evidence.claims import parse_claims
from grader.models.evidence import (
    EVIDENCE_SCHEMA,
    CellOutput,
    CompileRecord,
    DataRoles,
    EvaluateRecord,
    Evidence,
    FigureRecord,
    FitRecord,
    Measurement,
    MetricCallRecord,
    ModelRecord,
    PrepFitRecord,
    Rows,
    SplitPart,
    SplitRecord,
    TransformRecord,
    ValidationRecord,
)

Style = Literal["keras", "sklearn", "refit", "partial_fit"]
STYLES: tuple[Style, ...] = ("keras", "sklearn", "refit", "partial_fit")
from synthetic_parts import (  # noqa: E402
    CLASS_COUNTS,
    _accuracy,
    _axes,
    _Builder,
    _confusion,
    _curve,
    _heatmap,
    _line,
    _model,
    _partial_fit_loop,
    _predict,
    _predicted,
    _print_lines,
)


def tuning_notebook(
    n_models: int,
    n_lines: int,
    style: Style = "keras",
    epochs: int = 30,
    seed: int = 0,
) -> Evidence:
    """The evidence of an HCV notebook with ``n_models`` trained configurations and ``n_lines``
    printed metric lines (see the module docstring)."""
    rng = np.random.default_rng(seed)
    b = _Builder(rng)
    labels = np.repeat(np.arange(len(CLASS_COUNTS)), CLASS_COUNTS)
    rng.shuffle(labels)
    n = len(labels)
    order = rng.permutation(n)
    train_at, val_at, test_at = order[: int(0.6 * n)], order[int(0.6 * n) : int(0.8 * n)], order[int(0.8 * n) :]

    # loading and splitting (two train_test_split calls, stratified)
    b.cell("df = pd.read_csv('hcvdat0.csv')\nX = df.drop(columns=['Category'])\ny = df['Category']")
    x_all, y_all = b.rows(np.arange(n)), b.rows(np.arange(n) + 10**6, labels=labels)
    rest_at = np.concatenate([train_at, val_at])
    x_rest, y_rest = b.rows(rest_at), b.rows(rest_at + 10**6, labels=labels[rest_at])
    x_test, y_test = b.rows(test_at), b.rows(test_at + 10**6, labels=labels[test_at])
    x_train, y_train = b.rows(train_at), b.rows(train_at + 10**6, labels=labels[train_at])
    x_val, y_val = b.rows(val_at), b.rows(val_at + 10**6, labels=labels[val_at])
    split_cell = b.cell("X_tmp, X_test, y_tmp, y_test = train_test_split(X, y, test_size=0.2, stratify=y)")
    for source, (first, second), (y_first, y_second), size in (
        ((x_all, y_all), (x_rest, x_test), (y_rest, y_test), 0.2),
        ((x_rest, y_rest), (x_train, x_val), (y_train, y_val), 0.25),
    ):
        b.add(
            "splits",
            SplitRecord(
                seq=b.next_seq(),
                cell=split_cell,
                func="train_test_split",
                inputs=source,
                outputs=(
                    SplitPart(0, "train", first),
                    SplitPart(0, "test", second),
                    SplitPart(1, "train", y_first),
                    SplitPart(1, "test", y_second),
                ),
                test_size=size,
                random_state=42,
                stratify=True,
            ),
        )

    # imputer and scaler fitted on the training rows, applied to all three
    prep = b.cell("imp = SimpleImputer().fit(X_train)\nsc = StandardScaler().fit(imp.transform(X_train))")
    scaled: dict[str, Rows] = {}
    for estimator, mid in (("SimpleImputer", "p1"), ("StandardScaler", "p2")):
        b.add(
            "prep_fits",
            PrepFitRecord(
                seq=b.next_seq(), cell=prep, estimator=estimator, module="sklearn", mid=mid, input=x_train, method="fit"
            ),
        )
    for name, source in (("train", x_train), ("val", x_val), ("test", x_test)):
        scaled[name] = b.rows(source.exact + np.uint64(2 * 10**6))
        b.add(
            "transforms",
            TransformRecord(
                seq=b.next_seq(), cell=prep, estimator="StandardScaler", mid="p2", input=source, output=scaled[name]
            ),
        )
    xs_train, xs_val, xs_test = scaled["train"], scaled["val"], scaled["test"]

    # the configurations
    sklearn = style != "keras"
    grid = list(itertools.product((8, 16, 32, 64, 128), ("relu", "tanh"), (0.01, 0.001, 0.0001)))
    models: dict[str, ModelRecord] = {}
    results: list[tuple[str, int, FitRecord, np.ndarray, float]] = []
    printed: list[tuple[str, float]] = []
    confusion_text: dict[int, str] = {}
    for i in range(n_models):
        units, activation, lr = grid[i % len(grid)]
        units += 8 * (i // len(grid))  # past the grid: wider layers, still distinct configurations
        mid = "m0" if style == "refit" else f"m{i}"
        source = (
            f"model = MLPClassifier(hidden_layer_sizes=({units},), activation='{activation}', "
            f"learning_rate_init={lr})\nmodel.fit(Xs_train, y_train)\npred = model.predict(Xs_val)\n"
            "acc = accuracy_score(y_val, pred)"
            if sklearn
            else f"model = Sequential([Dense({units}, activation='{activation}'), Dense(5, activation='softmax')])\n"
            f"model.compile(optimizer=Adam({lr}), loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
            "history = model.fit(Xs_train, y_train, validation_data=(Xs_val, y_val))\npred = model.predict(Xs_val)"
        )
        cell = b.cell(source)
        models[mid] = _model(b, mid, cell, sklearn, units, activation, lr)
        if not sklearn:
            b.add(
                "compiles",
                CompileRecord(
                    seq=b.next_seq(),
                    cell=cell,
                    mid=mid,
                    optimizer="Adam",
                    learning_rate=lr,
                    loss="sparse_categorical_crossentropy",
                    metrics=("accuracy",),
                ),
            )
        error = 0.04 + 0.2 * rng.random()
        guess = _predicted(rng, y_val.labels, error)  # type: ignore[arg-type]
        accuracy = _accuracy(y_val.labels, guess)  # type: ignore[arg-type]
        history = {
            "loss": _curve(rng, 1.4 + 0.2 * rng.random(), 0.1 + error, epochs),
            "val_loss": _curve(rng, 1.5 + 0.2 * rng.random(), 0.15 + error, epochs),
            "accuracy": _curve(rng, 0.5 + 0.3 * rng.random(), 1.0 - error, epochs),
            "val_accuracy": _curve(rng, 0.5 + 0.3 * rng.random(), accuracy, epochs),
        }
        if style == "partial_fit":
            fit = _partial_fit_loop(b, mid, cell, xs_train, y_train, xs_val, y_val, history, units, activation, lr)
        else:
            if sklearn:
                history = {"loss": history["loss"], "val_accuracy": history["val_accuracy"]}
            hyper = {"max_iter": epochs, "early_stopping": True, "solver": "adam", "learning_rate_init": lr}
            fit = b.add(
                "fits",
                FitRecord(
                    seq=b.next_seq(),
                    cell=cell,
                    mid=mid,
                    framework="sklearn" if sklearn else "keras",
                    x=xs_train,
                    y=y_train,
                    epochs=epochs,
                    epochs_run=epochs,
                    batch_size="auto" if sklearn else 32,
                    validation=ValidationRecord(mode="split", fraction=0.1)
                    if sklearn
                    else ValidationRecord(mode="data", x=xs_val, y=y_val),
                    history=history,
                    seconds=0.4,
                    hyperparams=hyper if sklearn else {},
                ),
            )
        if not sklearn:
            b.add(
                "evaluations",
                EvaluateRecord(
                    seq=b.next_seq(),
                    cell=cell,
                    mid=mid,
                    framework="keras",
                    method="evaluate",
                    x=xs_val,
                    y=y_val,
                    array="Xs_val",
                    array_y="y_val",
                    result=[history["val_loss"][-1], accuracy],
                ),
            )
        out = b.rows(rng.integers(0, 2**63, len(guess)), labels=guess)
        b.add("predictions", _predict(b, mid, cell, xs_val, out, "keras" if not sklearn else "sklearn"))
        b.add(
            "metric_calls",
            MetricCallRecord(
                seq=b.next_seq(), cell=cell, func="accuracy_score", y_true=y_val, y_pred=out, value=accuracy, mid=mid
            ),
        )
        # each configuration's confusion matrix on the validation rows, printed and drawn
        matrix = _confusion(y_val.labels, guess)  # type: ignore[arg-type]
        b.add(
            "metric_calls",
            MetricCallRecord(
                seq=b.next_seq(), cell=cell, func="confusion_matrix", y_true=y_val, y_pred=out, value=matrix, mid=mid
            ),
        )
        b.add("figures", _heatmap(b.next_seq(), cell, matrix))
        confusion_text[cell] = str(np.array(matrix))
        results.append((mid, cell, fit, guess, accuracy))
        printed.append((f"validation {units} {activation}", accuracy))
        if "accuracy" in fit.history:  # Keras' own training accuracy, from the history
            printed.append(("train", fit.history["accuracy"][-1]))

    # the chosen configuration: curves, one test evaluation, a confusion matrix
    best_mid, _, best_fit, _, _ = max(results, key=lambda r: r[4])
    val_key = "val_accuracy" if sklearn and style != "partial_fit" else "val_loss"
    compare = _axes(
        [_line(f"run {i} {val_key}", r[2].history[val_key]) for i, r in enumerate(results) if val_key in r[2].history],
        ylabel=val_key,
        title="validation of every configuration",
    )
    chosen_key = "train_log_loss" if style == "partial_fit" else "loss"
    chosen = [
        _line("training loss", best_fit.history.get(chosen_key, best_fit.history["loss"])),
        _line(f"validation {val_key}", best_fit.history[val_key]),
    ]
    plot_cell = b.cell("plt.plot(history.history['loss'], label='train')\nplt.plot(history.history['val_loss'])")
    for axes, seq in ((compare, b.next_seq()), (_axes(chosen, "loss", "loss"), b.next_seq())):
        b.add("figures", FigureRecord(seq=seq, cell=plot_cell, reason="show", suptitle="", legend=(), axes=(axes,)))
    test_guess = _predicted(rng, y_test.labels, 0.08)  # type: ignore[arg-type]
    test_accuracy = _accuracy(y_test.labels, test_guess)  # type: ignore[arg-type]
    confusion = tuple(tuple(row) for row in _confusion(y_test.labels, test_guess))  # type: ignore[arg-type]
    test_cell = b.cell("y_pred = best.predict(Xs_test)\nprint(confusion_matrix(y_test, y_pred))")
    test_out = b.rows(rng.integers(0, 2**63, len(test_guess)), labels=test_guess)
    b.add("predictions", _predict(b, best_mid, test_cell, xs_test, test_out, "sklearn" if sklearn else "keras"))
    for func, value, display in (
        ("accuracy_score", test_accuracy, False),
        ("confusion_matrix", [list(r) for r in confusion], True),
    ):
        b.add(
            "metric_calls",
            MetricCallRecord(
                seq=b.next_seq(),
                cell=test_cell,
                func=func,
                y_true=y_test,
                y_pred=test_out,
                value=value,
                display=display,
                mid=best_mid,
            ),
        )
    printed.append(("test", test_accuracy))

    # the printed metric lines, spread over the training cells and a summary cell
    lines = _print_lines(rng, n_lines, printed)
    per_cell = max(1, len(lines) // (len(results) + 1))
    texts: dict[int, list[str]] = {}
    for i, text in enumerate(lines):
        cell = (
            results[min(i // per_cell, len(results) - 1)][1] if results and i // per_cell < len(results) else test_cell
        )
        texts.setdefault(cell, []).append(text)
    outputs = tuple(
        CellOutput(
            index=o.index,
            text="\n".join([*texts.get(o.index, []), confusion_text.get(o.index, "")]) + o.text,
            images=o.images + (o.index in confusion_text),
            source=o.source,
        )
        for o in b.outputs
    )
    evidence = Evidence(
        schema=EVIDENCE_SCHEMA,
        status="completed",
        reason=None,
        cells=tuple(b.cells),
        outputs=outputs,
        markdown=("# HCV", "Tuning: every configuration is judged on the validation rows."),
        models=models,
        **{k: tuple(v) for k, v in b.records.items()},
        claims=parse_claims(outputs),
        roles=DataRoles(
            final_mid=best_mid,
            train=xs_train,
            validation=xs_val,
            validation_mode="split" if sklearn and style != "partial_fit" else "data",
            test=xs_test,
            test_source=f"predict (cell {test_cell})",
            overlaps={"train_test": 0, "train_validation": 0, "validation_test": 0},
            total_rows=n,
        ),
        measurements=(
            Measurement(
                mid=best_mid,
                role="test",
                n=len(test_guess),
                accuracy=test_accuracy,
                macro_f1=0.7,
                confusion=confusion,
                labels=tuple(str(c) for c in range(len(CLASS_COUNTS))),
                predicted_classes=len(set(test_guess.tolist())),
                majority_accuracy=float(np.mean(y_test.labels == 0)),  # type: ignore[operator]
                source=f"predict (cell {test_cell})",
            ),
        ),
    )
    return evidence
