"""Re-evaluation of saved models in a fresh process of the grading environment.

The notebook's final model and the files it saved are loaded again - never in the student's
kernel, never in the grader's own process - by a worker started with the environment's
interpreter (``python -m grader.reeval.worker``), so a model saved by one Keras or
scikit-learn version is only ever loaded by the same one.  The environment has no grader
installed, only its source on the path (see ``grader.environments.build``): like the probe, this
package imports nothing else of grader, only the standard library and, in the worker, the
environment's own NumPy, Keras and skops.

- ``protocol``: the messages (JSON lines) and the errors both sides share;
- ``worker``: the process - loads each model once and predicts on ``.npy`` inputs;
- ``loading``: how a model file is loaded safely (Keras ``safe_mode``, skops' trusted types);
- ``client``: the grader's side - starts the worker, sends requests, reads predictions back,
  with a timeout.
"""
