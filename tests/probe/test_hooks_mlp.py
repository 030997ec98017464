"""What the probe records of an MLPClassifier trained by ``fit`` or by a hand-written
``partial_fit`` loop, and the loop's loss curves the evidence stage builds from it - in this
process, no kernel."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import sklearn.metrics
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from grader.evidence.loader import load_evidence
from grader.evidence.loops import with_epoch_losses
from grader.models.execution import ExecutionOutcome
from grader.probe import hooks_metrics, hooks_sklearn
from grader.probe.recorder import Recorder
from grader.probe.session import Session


@pytest.fixture
def probe(tmp_path: Path):
    """scikit-learn's estimators and metrics hooked in this process; every hook undone after."""
    recorder = Recorder(str(tmp_path / "evidence"))
    session = Session(recorder, {})
    hooks_sklearn.patch_estimators(session)
    hooks_metrics.patch_metrics(session, sklearn.metrics)
    yield session
    for owner, name, wrapper in reversed(session.hooks):
        if isinstance(wrapper, classmethod | staticmethod):  # ConfusionMatrixDisplay.from_*
            setattr(owner, name, type(wrapper)(wrapper.__func__.__wrapped_original__))
        else:
            setattr(owner, name, wrapper.__wrapped_original__)
    recorder.close()


def evidence_of(session: Session):
    """The evidence the probe's records load into (with the loops' loss curves)."""
    session.recorder._log.flush()
    outcome = ExecutionOutcome("completed", None, (), 0.0, None, session.recorder.directory)
    return with_epoch_losses(load_evidence(outcome))


def _data():
    X, y = load_iris(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_val), y_train, y_val


def test_fit_records_max_iter_asked_and_epochs_run(probe):
    X_train, _, y_train, _ = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPClassifier(hidden_layer_sizes=(8,), max_iter=30, early_stopping=True, random_state=0)
        mlp.fit(X_train, y_train)
    ev = evidence_of(probe)
    (fit,) = ev.fits
    assert (fit.method, fit.epochs, fit.epochs_run) == ("fit", 30, mlp.n_iter_)
    assert fit.validation.mode == "split" and fit.validation.fraction == 0.1
    assert fit.history["val_accuracy"] == tuple(mlp.validation_scores_)
    model = ev.models[fit.mid]
    assert model.out_activation == "softmax" and model.layer_sizes == (4, 8, 3)


def test_a_partial_fit_loop_gets_its_training_and_validation_loss_per_epoch(probe):
    X_train, X_val, y_train, y_val = _data()
    log_loss = sklearn.metrics.log_loss  # what `from sklearn.metrics import log_loss` gives under the probe
    mlp = MLPClassifier(hidden_layer_sizes=(8,), learning_rate_init=0.01, random_state=0)
    train_loss, val_loss = [], []
    for _ in range(5):
        mlp.partial_fit(X_train, y_train, classes=[0, 1, 2])
        train_loss.append(log_loss(y_train, mlp.predict_proba(X_train)))
        val_loss.append(log_loss(y_val, mlp.predict_proba(X_val)))
    ev = evidence_of(probe)
    assert [f.method for f in ev.fits] == ["partial_fit"] * 5
    assert [f.epochs_run for f in ev.fits] == [1, 2, 3, 4, 5] and {f.epochs for f in ev.fits} == {None}
    history = ev.fits[-1].history
    assert np.allclose(history["train_log_loss"], train_loss) and np.allclose(history["val_loss"], val_loss)
    assert np.allclose(history["loss"], mlp.loss_curve_)
    # log_loss is one recorded call: the LabelBinarizer it fits inside is not the notebook's preprocessing
    assert [p.estimator for p in ev.prep_fits] == ["StandardScaler"]
