"""The probe's state inside the kernel: the recorder, the installed hooks, the models seen."""

from __future__ import annotations

import contextlib
import functools
import sys
import threading
import weakref
from collections.abc import Callable
from typing import Any

from .recorder import Recorder

MAX_EXPORTED_MODELS = 6


class Session:
    """Everything the probe keeps between cells.  One per kernel."""

    def __init__(self, recorder: Recorder, config: dict[str, Any]) -> None:
        self.recorder = recorder
        self.config = config
        self.hooks: list[tuple[Any, str, Any]] = []  # (owner, attribute, our wrapper)
        self._local = threading.local()
        self._models: dict[int, tuple[weakref.ref[Any] | Callable[[], Any], str]] = {}
        self._strong: list[Any] = []  # the latest fitted models, kept for export
        self._fitted_order: list[str] = []
        self._constructed: list[tuple[Any, int]] = []  # (weak ref, cell) of every Keras model built
        self._watched: dict[tuple[int, str], tuple[Any, str, Any]] = {}
        self.fills = 0  # pandas fills recorded, to give each its own id

    # -- re-entrancy: a library calling itself (fit -> evaluate) is one event -----------------
    @property
    def depth(self) -> int:
        return getattr(self._local, "depth", 0)

    def enter(self) -> None:
        self._local.depth = self.depth + 1

    def leave(self) -> None:
        self._local.depth = max(0, self.depth - 1)

    # -- models -------------------------------------------------------------------------------
    def model_id(self, model: Any) -> str:
        """A stable id ("m1", "m2"...) for a model object, for as long as it lives."""
        key = id(model)
        entry = self._models.get(key)
        if entry is not None and entry[0]() is model:
            return entry[1]
        mid = f"m{len(self._models) + 1}"
        try:
            ref: Any = weakref.ref(model)
        except TypeError:  # not weak-referenceable: keep it alive instead
            ref = _Strong(model)
        self._models[key] = (ref, mid)
        return mid

    def remember_fitted(self, model: Any) -> None:
        """Keep the latest fitted models alive so the final ones can be exported."""
        mid = self.model_id(model)
        self._strong = [m for m in self._strong if m is not model] + [model]
        self._strong = self._strong[-MAX_EXPORTED_MODELS:]
        self._fitted_order = [m for m in self._fitted_order if m != mid] + [mid]

    def remember_constructed(self, model: Any) -> None:
        """Note a model when it is created, so one that is never trained is still described."""
        with contextlib.suppress(TypeError):  # not weak-referenceable: not a Keras model
            self._constructed.append((weakref.ref(model), self.recorder.cell))

    def watch(self, owner: Any, attribute: str, recorded: Any, what: str) -> None:
        """Remember a training result as recorded (a History's dict, ``loss_curve_``) so that a
        notebook changing it afterwards - to plot a nicer curve - is noticed at the end."""
        with contextlib.suppress(TypeError):
            self._watched[(id(owner), attribute)] = (weakref.ref(owner), attribute, (recorded, what))

    def altered_results(self) -> list[str]:
        """Watched training results that no longer hold what training produced."""
        found = []
        for ref, attribute, (recorded, what) in self._watched.values():
            owner = ref()
            if owner is None:
                continue
            try:
                current = _plain(getattr(owner, attribute, None))
            except Exception:
                current = None
            if current != recorded:
                found.append(what)
        return found

    def unfitted_models(self) -> list[tuple[Any, int]]:
        """(model, cell it was created in) of live models that were never fitted, oldest first."""
        found, seen = [], set()
        for ref, cell in self._constructed:
            model = ref()
            if model is None or id(model) in seen:
                continue
            seen.add(id(model))
            if self.model_id(model) not in self._fitted_order:
                found.append((model, cell))
        return found

    def fitted_models(self) -> list[tuple[str, Any]]:
        """(id, model) of the models kept for export, oldest first."""
        return [(self.model_id(m), m) for m in self._strong]

    def cell_label(self) -> str:
        """The running cell as the student sees it (``code cell 4``: its number among the code
        cells), for the few records the probe words itself."""
        cells = list(self.config.get("cells") or [])
        cell = self.recorder.cell
        return f"code cell {cells.index(cell) + 1}" if cell in cells else "a cell"

    # -- hooks --------------------------------------------------------------------------------
    def wrap(self, owner: Any, name: str, factory: Callable[[Any], Any]) -> None:
        """Replace ``owner.name`` with ``factory(original)``, once, and remember it."""
        original = _lookup(owner, name)
        if original is None or getattr(original, "__grader_hook__", False):
            return
        raw = original
        if isinstance(original, classmethod | staticmethod):
            raw = original.__func__
        wrapper = factory(raw)
        functools.update_wrapper(wrapper, raw)
        wrapper.__grader_hook__ = True
        wrapper.__wrapped_original__ = raw
        if isinstance(original, classmethod):
            wrapper = classmethod(wrapper)
        elif isinstance(original, staticmethod):
            wrapper = staticmethod(wrapper)
        setattr(owner, name, wrapper)
        self.hooks.append((owner, name, wrapper))

    def tampered_hooks(self) -> list[str]:
        """Hooks that were replaced or removed after install (a student monkeypatching)."""
        found = []
        for owner, name, wrapper in self.hooks:
            current = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name, None)
            if current is not wrapper:
                where = getattr(owner, "__name__", type(owner).__name__)
                found.append(f"{where}.{name}")
        return found

    def hook_error(self, where: str, exc: BaseException) -> None:
        """A hook failed: record it, never disturb the student."""
        try:
            self.recorder.note("probe_hook_failed", where=where, error=f"{type(exc).__name__}: {exc}"[:300])
        except Exception:
            print(f"grader probe: hook {where} failed", file=sys.__stderr__)


def _plain(value: Any) -> Any:
    """Lists and dicts of floats, comparable with a snapshot taken at training time."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    try:
        return float(value)
    except (TypeError, ValueError):
        return repr(value)


class _Strong:
    """A callable that returns its object, for objects that cannot be weakly referenced."""

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def __call__(self) -> Any:
        return self.obj


def _lookup(owner: Any, name: str) -> Any:
    """The attribute as stored (a classmethod stays a classmethod), searched along the MRO."""
    if isinstance(owner, type):
        for klass in owner.__mro__:
            if name in klass.__dict__:
                return klass.__dict__[name]
        return None
    return getattr(owner, name, None)


def guarded(session: Session, record: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``record`` without letting any exception from the probe reach the student."""

    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return record(*args, **kwargs)
        except Exception as exc:
            session.hook_error(getattr(record, "__name__", "record"), exc)
            return None

    return run
