"""Hooks on scikit-learn: splits, preprocessing fits and transforms, models, metrics."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

import numpy as np

from .calls import argument, error_text, recording
from .session import Session

ESTIMATOR_METHODS = ("fit", "partial_fit", "fit_transform", "transform", "predict", "predict_proba", "score")
FAILURES_RECORDED = ("fit", "partial_fit", "fit_transform")
"""Methods whose exception is recorded: a fit that raised explains a missing model."""
MODEL_PARAM_LIMIT = 40


def patch_model_selection(session: Session, module: ModuleType) -> None:
    """``train_test_split`` wherever it can be imported from."""
    targets = [module, sys.modules.get("sklearn.model_selection._split")]
    for owner in targets:
        if owner is not None and hasattr(owner, "train_test_split"):
            session.wrap(owner, "train_test_split", recording(session, _record_split(session)))
    patch_estimators(session, module)


def _record_split(session: Session):
    def record(args, kwargs, result, elapsed):
        rec = session.recorder
        inputs = [rec.rowset(a, role="x" if i == 0 else "y") for i, a in enumerate(args)]
        outputs = []
        for i, part in enumerate(result):
            outputs.append(
                {
                    "input": i // 2,
                    "part": "train" if i % 2 == 0 else "test",
                    "rows": rec.rowset(part, role="x" if i // 2 == 0 else "y"),
                }
            )
        stratify = kwargs.get("stratify")
        rec.emit(
            "split",
            func="train_test_split",
            inputs=inputs,
            outputs=outputs,
            test_size=kwargs.get("test_size"),
            train_size=kwargs.get("train_size"),
            random_state=kwargs.get("random_state"),
            shuffle=kwargs.get("shuffle", True),
            stratify=stratify is not None,
            stratify_rows=rec.rowset(stratify, role="y") if stratify is not None else None,
        )

    return record


def patch_estimators(session: Session, _module: ModuleType | None = None) -> None:
    """Wrap fit/transform/predict/score on every scikit-learn estimator class defined so far
    (and on the mixins that define ``score``/``fit_transform`` for them)."""
    base = sys.modules.get("sklearn.base")
    if base is None:
        return
    mixins = [
        getattr(base, name) for name in ("TransformerMixin", "ClassifierMixin", "RegressorMixin") if hasattr(base, name)
    ]
    for cls in [*_subclasses(base.BaseEstimator), *mixins]:
        for name in ESTIMATOR_METHODS:
            if name not in cls.__dict__:
                continue
            attribute = cls.__dict__[name]
            failed = _failed(session, name) if name in FAILURES_RECORDED else None
            factory = recording(session, _RECORDERS[name](session), failed=failed)
            if callable(getattr(attribute, "fn", None)) and not callable(attribute):
                # scikit-learn's ``available_if`` descriptor: wrap the function it hands out
                session.wrap(attribute, "fn", factory)
            elif callable(attribute):
                session.wrap(cls, name, factory)


def _failed(session: Session, call: str):
    """Record a fit that raised (``Input X contains NaN``): the estimator, the call, the exception."""

    def failed(args, kwargs, exc):
        est = args[0] if args else None
        session.recorder.emit(
            "call_error",
            call=call,
            framework="sklearn",
            mid=session.model_id(est) if est is not None else None,
            cls=type(est).__name__,
            error=error_text(exc),
            model=is_model(est) if est is not None else False,
        )

    return failed


def _subclasses(root: type) -> list[type]:
    seen: list[type] = []
    stack = [root]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.append(sub)
                stack.append(sub)
    return seen


def leaf_estimators(est: Any, depth: int = 0) -> list[str]:
    """Class names of the steps inside a Pipeline / ColumnTransformer / FeatureUnion (recursively)."""
    children = []
    for attribute in ("steps", "transformers", "transformer_list"):
        for entry in getattr(est, attribute, None) or []:
            if isinstance(entry, tuple) and len(entry) >= 2:
                children.append(entry[1])
    if not children or depth > 5:
        return [] if depth == 0 else [type(est).__name__]
    names: list[str] = []
    for child in children:
        if isinstance(child, str):  # "drop" / "passthrough"
            continue
        names.extend(leaf_estimators(child, depth + 1))
    return names


def is_model(est: Any) -> bool:
    """A predictor (classifier, regressor, search) rather than a preprocessing step."""
    return hasattr(est, "predict") and callable(getattr(est, "predict", None))


def model_info(session: Session, est: Any) -> dict[str, Any]:
    """Architecture and hyper-parameters of a fitted scikit-learn predictor."""
    final = est
    steps = None
    if hasattr(est, "steps"):
        steps = [{"name": n, "class": type(s).__name__} for n, s in est.steps]
        final = est.steps[-1][1]
    if hasattr(final, "best_estimator_"):
        final = final.best_estimator_
    params = {}
    try:
        for key, value in final.get_params(deep=False).items():
            if value is None or isinstance(value, bool | int | float | str | tuple | list):
                params[key] = value
    except Exception:
        pass
    info = {
        "mid": session.model_id(est),
        "framework": "sklearn",
        "class": type(est).__name__,
        "final_class": type(final).__name__,
        "params": dict(list(params.items())[:MODEL_PARAM_LIMIT]),
        "steps": steps,
    }
    if hasattr(final, "coefs_"):
        info["layer_sizes"] = [int(final.coefs_[0].shape[0])] + [int(c.shape[1]) for c in final.coefs_]
        info["param_count"] = int(sum(c.size for c in final.coefs_) + sum(b.size for b in final.intercepts_))
        info["out_activation"] = getattr(final, "out_activation_", None)
    if hasattr(final, "classes_"):
        info["classes"] = [str(c) for c in np.asarray(final.classes_).tolist()][:100]
    return info


def _history(est: Any) -> dict[str, list[float]]:
    final = est.steps[-1][1] if hasattr(est, "steps") else est
    if hasattr(final, "best_estimator_"):
        final = final.best_estimator_
    history: dict[str, list[float]] = {}
    if getattr(final, "loss_curve_", None) is not None:
        history["loss"] = [float(v) for v in final.loss_curve_]
    if getattr(final, "validation_scores_", None) is not None:
        history["val_accuracy"] = [float(v) for v in final.validation_scores_ if v is not None]
    return history


def _epochs(final: Any, method: str) -> tuple[int | None, int | None]:
    """(epochs asked, epochs run) of an MLP-like estimator.  ``fit`` asks for ``max_iter`` and
    runs ``n_iter_``; one ``partial_fit`` call is one epoch of the student's own loop, so
    nothing is asked and the epochs run so far are the entries of ``loss_curve_`` (its
    ``n_iter_`` stays 1)."""
    run = getattr(final, "n_iter_", None)
    run = int(run) if isinstance(run, int | np.integer) else None
    if method == "partial_fit":
        curve = getattr(final, "loss_curve_", None)
        return None, len(curve) if curve is not None else run
    asked = getattr(final, "max_iter", None)
    return (int(asked) if isinstance(asked, int | np.integer) else run), run


def _record_fit(session: Session, method: str = "fit"):
    def record(args, kwargs, result, elapsed):
        est = args[0]
        rec = session.recorder
        x = rec.rowset(argument(args, kwargs, 1, "X"), role="x")
        y = rec.rowset(argument(args, kwargs, 2, "y"), role="y")
        if not is_model(est):
            rec.emit(
                "prep_fit",
                parts=leaf_estimators(est),
                estimator=type(est).__name__,
                module=type(est).__module__,
                mid=session.model_id(est),
                input=x,
                method="fit",
            )
            return
        session.remember_fitted(est)
        info = model_info(session, est)
        rec.emit("model", **info)
        final = est.steps[-1][1] if hasattr(est, "steps") else est
        if getattr(final, "loss_curve_", None) is not None:
            session.watch(
                final,
                "loss_curve_",
                [float(v) for v in final.loss_curve_],
                f"loss_curve_ of the {type(final).__name__} trained in {session.cell_label()}",
            )
        validation = {"mode": "none"}
        epochs, epochs_run = _epochs(final, method)
        if method == "fit" and getattr(final, "early_stopping", False):
            validation = {"mode": "split", "fraction": getattr(final, "validation_fraction", None)}
        rec.emit(
            "fit",
            mid=info["mid"],
            framework="sklearn",
            x=x,
            y=y,
            epochs=epochs,
            epochs_run=epochs_run,
            method=method,
            batch_size=getattr(final, "batch_size", None),
            validation=validation,
            history=_history(est),
            seconds=elapsed,
            hyperparams=info["params"],
        )
        if hasattr(est, "cv_results_"):
            _record_search(session, est, info["mid"])

    return record


def _record_search(session: Session, est: Any, mid: str) -> None:
    results = est.cv_results_
    candidates = [{k: v for k, v in p.items()} for p in results.get("params", [])]
    session.recorder.emit(
        "search",
        mid=mid,
        method=type(est).__name__,
        candidates=candidates[:200],
        n_candidates=len(candidates),
        scores=[float(s) for s in results.get("mean_test_score", [])][:200],
        best_params=getattr(est, "best_params_", None),
        validated=True,
    )


def _record_fit_transform(session: Session):
    def record(args, kwargs, result, elapsed):
        est = args[0]
        rec = session.recorder
        x = rec.rowset(argument(args, kwargs, 1, "X"), role="x")
        rec.emit(
            "prep_fit",
            parts=leaf_estimators(est),
            estimator=type(est).__name__,
            module=type(est).__module__,
            mid=session.model_id(est),
            input=x,
            method="fit_transform",
        )
        rec.emit(
            "transform",
            estimator=type(est).__name__,
            mid=session.model_id(est),
            input=x,
            output=rec.rowset(result, role="x"),
        )

    return record


def _record_transform(session: Session):
    def record(args, kwargs, result, elapsed):
        est = args[0]
        rec = session.recorder
        rec.emit(
            "transform",
            estimator=type(est).__name__,
            mid=session.model_id(est),
            input=rec.rowset(argument(args, kwargs, 1, "X"), role="x"),
            output=rec.rowset(result, role="x"),
        )

    return record


def _record_predict(session: Session, proba: bool = False):
    def record(args, kwargs, result, elapsed):
        est = args[0]
        rec = session.recorder
        data = argument(args, kwargs, 1, "X")
        labels = np.asarray(result)
        if proba and labels.ndim == 2:
            labels = np.argmax(labels, axis=1)
        rec.emit(
            "predict",
            mid=session.model_id(est),
            framework="sklearn",
            method="predict_proba" if proba else "predict",
            x=rec.rowset(data, role="x"),
            array=rec.save_array(data),
            output=rec.rowset(labels, role="y"),
        )

    return record


def _record_score(session: Session):
    def record(args, kwargs, result, elapsed):
        est = args[0]
        rec = session.recorder
        data, target = argument(args, kwargs, 1, "X"), argument(args, kwargs, 2, "y")
        rec.emit(
            "evaluate",
            mid=session.model_id(est),
            framework="sklearn",
            method="score",
            x=rec.rowset(data, role="x"),
            y=rec.rowset(target, role="y"),
            array=rec.save_array(data),
            array_y=rec.save_array(target),
            result={"score": result},
        )

    return record


_RECORDERS = {
    "fit": _record_fit,
    "partial_fit": lambda s: _record_fit(s, "partial_fit"),  # one epoch of a hand-written loop
    "fit_transform": _record_fit_transform,
    "transform": _record_transform,
    "predict": _record_predict,
    "predict_proba": lambda s: _record_predict(s, proba=True),
    "score": _record_score,
}
