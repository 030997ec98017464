"""Patch a library the moment it is imported, whatever name the student imports it by.

A finder at the front of ``sys.meta_path`` lets the normal finders locate the module, then
wraps that one loader's ``exec_module`` so our patcher runs right after the module body.
``from sklearn.model_selection import train_test_split`` therefore already binds the hooked
function.  Modules imported before the probe are patched at install time.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib.abc import MetaPathFinder
from types import ModuleType
from typing import Any

Patcher = Callable[[ModuleType], None]


class PatchFinder(MetaPathFinder):
    """Runs ``patchers[name](module)`` once after ``name`` is first imported."""

    def __init__(self, patchers: dict[str, Patcher], on_error: Callable[[str, BaseException], None]):
        self.patchers = dict(patchers)
        self.on_error = on_error
        self._busy: set[str] = set()
        self.done: set[str] = set()

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname not in self.patchers or fullname in self._busy or fullname in self.done:
            return None
        self._busy.add(fullname)
        try:
            spec = None
            for finder in sys.meta_path:
                if finder is self or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(fullname, path, target)
                if spec is not None:
                    break
        finally:
            self._busy.discard(fullname)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        original = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            original(module)
            self.apply(fullname, module)

        try:
            spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        except (AttributeError, TypeError):
            return spec
        return spec

    def apply(self, fullname: str, module: ModuleType) -> None:
        """Run the patcher for an imported module (once)."""
        if fullname in self.done:
            return
        self.done.add(fullname)
        try:
            self.patchers[fullname](module)
        except Exception as exc:  # a hook must never break the student's import
            self.on_error(fullname, exc)

    def patch_already_imported(self) -> None:
        """Patch targets the kernel imported before the probe was installed."""
        for name in list(self.patchers):
            module = sys.modules.get(name)
            if module is not None:
                self.apply(name, module)
