"""The probe: loaded into the student's kernel before the first cell, it records what the
notebook does by hooking the libraries as they are imported.

Only the standard library and NumPy are imported here; scikit-learn, Keras and matplotlib
are hooked when (and only if) the notebook imports them.  Everything recorded goes to an
evidence directory as JSON lines and .npy files - never pickle.
"""

from __future__ import annotations

import json
import os
import random
import sys
from functools import partial
from typing import Any

import numpy as np

from . import habits, hooks_keras, hooks_metrics, hooks_mpl, hooks_pandas, hooks_sklearn
from .files import flush_open_files
from .importhook import PatchFinder
from .recorder import Recorder
from .session import Session

__all__ = ["finish", "install"]

SKLEARN_ESTIMATOR_MODULES = (
    "sklearn.preprocessing",
    "sklearn.impute",
    "sklearn.neural_network",
    "sklearn.pipeline",
    "sklearn.decomposition",
    "sklearn.linear_model",
    "sklearn.ensemble",
    "sklearn.tree",
    "sklearn.svm",
    "sklearn.neighbors",
    "sklearn.naive_bayes",
    "sklearn.compose",
    "sklearn.feature_selection",
    "sklearn.discriminant_analysis",
    "sklearn.cluster",
)

_state: dict[str, Any] = {}


def install(config_path: str) -> None:
    """Start recording.  Called once, by the executor, before the first student cell."""
    with open(config_path, encoding="utf-8") as handle:
        config = json.load(handle)
    recorder = Recorder(config["evidence_dir"])
    session = Session(recorder, config)
    seed = config.get("seed")
    if seed is not None:
        random.seed(seed)
        np.random.seed(seed)
    capture = hooks_mpl.FigureCapture(session)
    patchers: dict[str, Any] = {
        "sklearn.model_selection": partial(hooks_sklearn.patch_model_selection, session),
        "sklearn.metrics": partial(hooks_metrics.patch_metrics, session),
        "keras": partial(hooks_keras.patch_keras, session),
        "keras._tf_keras.keras": partial(hooks_keras.patch_keras_aliases, session),
        "matplotlib.pyplot": partial(hooks_mpl.patch_pyplot, session, capture),
        "pandas": partial(hooks_pandas.patch_pandas, session),
    }
    for name in SKLEARN_ESTIMATOR_MODULES:
        patchers[name] = partial(hooks_sklearn.patch_estimators, session)
    finder = PatchFinder(patchers, session.hook_error)
    sys.meta_path.insert(0, finder)
    finder.patch_already_imported()
    habits.install(session)
    _state.update(
        session=session,
        capture=capture,
        finder=finder,
        cells=list(config.get("cells", [])),
        token=config.get("token", ""),
        position=0,
    )
    shell = _shell()
    if shell is not None:
        shell.events.register("pre_run_cell", _pre_run_cell)
        shell.events.register("post_execute", _post_execute)
        shell.events.register("post_run_cell", _post_run_cell)
    recorder.emit("probe_installed", python=sys.version.split()[0], pid=os.getpid())


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _pre_run_cell(info: Any) -> None:
    session: Session = _state["session"]
    raw = getattr(info, "raw_cell", "") or ""
    if _state["token"] and raw.lstrip().startswith(f"# {_state['token']}"):
        return
    cells = _state["cells"]
    position = _state["position"]
    session.recorder.cell = cells[position] if position < len(cells) else -1
    _state["position"] = position + 1


def _post_execute() -> None:
    try:
        _state["capture"].capture_open("cell_end")
    except Exception as exc:
        _state["session"].hook_error("post_execute", exc)


def _post_run_cell(result: Any) -> None:
    session: Session = _state["session"]
    try:
        if "sklearn.base" in sys.modules:
            hooks_sklearn.patch_estimators(session)
        error = getattr(result, "error_in_exec", None) or getattr(result, "error_before_exec", None)
        if error is not None:
            session.recorder.emit("cell_error", error=f"{type(error).__name__}: {error}"[:500])
    except Exception as exc:
        session.hook_error("post_run_cell", exc)


def finish() -> None:
    """Export the final models and the probe's own integrity, then close the log."""
    session: Session | None = _state.get("session")
    if session is None:
        return
    session.recorder.cell = -1
    session.enter()  # saving models must not be recorded as the student's saves
    try:
        _state["capture"].capture_open("end")
        if "keras" in sys.modules:
            hooks_keras.describe_unfitted(session)
        for mid, model in session.fitted_models():
            _export(session, mid, model)
        # the class's own method: an instance attribute set by the notebook cannot answer for it
        tampered = Session.tampered_hooks(session)
        tampered += [f"probe.{name}" for name in vars(session) if callable(getattr(Session, name, None))]
        if _state["finder"] not in sys.meta_path:
            tampered.append("sys.meta_path")
        altered = Session.altered_results(session)
        session.recorder.emit("integrity", tampered=tampered, altered=altered, hooks=len(session.hooks))
        # last, once everything is recorded (a notebook's own stream class could misbehave): the
        # kernel is killed next, not shut down, so write what the interpreter's exit would have
        flush_open_files()
    finally:
        session.leave()
        session.recorder.close()


def _export(session: Session, mid: str, model: Any) -> None:
    module = type(model).__module__
    try:
        if module.startswith("keras") or hasattr(model, "count_params"):
            path = session.recorder.model_path(f"{mid}.keras")
            model.save(path)
            session.recorder.emit("export", mid=mid, framework="keras", file=os.path.basename(path))
        else:
            import skops.io as sio

            path = session.recorder.model_path(f"{mid}.skops")
            sio.dump(model, path)
            session.recorder.emit("export", mid=mid, framework="sklearn", file=os.path.basename(path))
    except Exception as exc:
        session.recorder.emit("export", mid=mid, file=None, error=f"{type(exc).__name__}: {exc}"[:300])
