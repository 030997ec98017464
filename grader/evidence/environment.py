"""Cell errors caused by the grading environment, told apart from the student's mistakes.

Three kinds (``EnvironmentGap.kind``):

* ``missing_package`` - ``No module named 'imblearn'`` for a real package (one Colab gives its
  students, or one of PyPI's most downloaded); a misspelt module (``tensorflw``), a student's own
  file (``utils``) or a distribution name used as an import name (``scikit_learn``) is the student's;
* ``removed_api`` - an import, attribute or argument that a library removed (``np_utils``,
  ``DataFrame.append``, ``Adam(lr=...)``), from the curated tables of
  :mod:`.environment_tables`; an attribute missing on the student's own objects or columns is theirs;
* ``colab_only`` - a Colab magic or ``google.colab`` module the grader does not stand in for.

Only the error text is read, never the environment: a notebook graded where the package or API
exists raises no error.  Later cells that failed with a ``NameError`` for a name the failed cells
would have defined are counted as failed because of the same gap.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from ..models.cells import code_cell_number
from ..models.environment import EnvironmentGap, GapKind
from ..models.evidence import CellOutput
from ..models.execution import CellRun
from .environment_tables import (
    COLAB_IMPORTS,
    COLAB_MAGICS,
    KERAS_LR,
    OWN_MODULE_NAMES,
    PANDAS_DROP_AXIS,
    REMOVED_ARGUMENTS,
    REMOVED_ATTRIBUTES,
    REMOVED_METHODS,
    REMOVED_MODULES,
    REMOVED_NAMES,
    SEABORN_STYLE,
    Removed,
)

__all__ = ["Diagnosis", "classify_error", "find_environment_gaps"]

_PYPI_NAMES = Path(__file__).with_name("pypi_names.txt")
_ERROR = re.compile(r"^\s*(?P<name>[A-Za-z_][\w.]*)\s*:\s?(?P<message>.*)$", re.DOTALL)
_NO_MODULE = re.compile(r"^No module named '(?P<module>[^']+)'")
_CANNOT_IMPORT = re.compile(r"^cannot import name '(?P<name>[^']+)' from '(?P<module>[^']+)'")
_SKLEARN_REMOVED = re.compile(r"`(?P<name>\w+)` has been removed from scikit-learn since version (?P<version>[\d.]+)")
_MODULE_ATTRIBUTE = re.compile(r"^module '(?P<module>[^']+)' has no attribute '(?P<name>[^']+)'")
_OBJECT_ATTRIBUTE = re.compile(r"^'(?P<type>\w+)' object has no attribute '(?P<name>[^']+)'")
_NUMPY_REMOVED = re.compile(
    r"^`np\.(?P<name>\w+)` was removed in the NumPy (?P<version>[\d.]+) release\. Use `(?P<instead>[^`]+)` instead"
)
_KEYWORD = re.compile(r"^(?:(?P<function>[\w.]+)\(\) )?got an unexpected keyword argument '(?P<name>\w+)'")
_UNRECOGNIZED_LR = re.compile(r"^Argument\(s\) not recognized: \{'lr'")
_DROP_AXIS = re.compile(r"^Cannot specify both 'axis' and 'index'/'columns'")
_STYLE = re.compile(r"^'(?P<style>seaborn[\w-]*)' is not a valid package style")
_MAGIC = re.compile(r"^(?:Line|Cell) magic(?: function)? `%{1,2}(?P<name>\w+)` not found")
_UNDEFINED = re.compile(r"^(?:name|free variable) '(?P<name>\w+)' is not defined")
_MAGIC_LINE = re.compile(r"^\s*[%!]")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


@dataclass(frozen=True)
class Diagnosis:
    """What one error says the environment lacks."""

    kind: GapKind
    name: str
    package: str | None = None
    removed_in: str | None = None
    instead: str | None = None


def classify_error(error: str | None) -> Diagnosis | None:
    """The environment gap behind one cell error (``ExceptionName: message``); None when the
    error is the student's own (or nothing says otherwise)."""
    match = _ERROR.match(error or "")
    if match is None:
        return None
    name, message = match.group("name").rsplit(".", 1)[-1], match.group("message").strip()
    if name == "ModuleNotFoundError":
        return _missing_module(message)
    if name == "ImportError":
        return _cannot_import(message)
    if name == "AttributeError":
        return _missing_attribute(message)
    if name == "TypeError":
        return _removed_argument(message)
    if name == "ValueError":
        if _UNRECOGNIZED_LR.match(message):
            return _removed(KERAS_LR)
        return _removed(PANDAS_DROP_AXIS) if _DROP_AXIS.match(message) else None
    if name == "OSError" and (style := _STYLE.match(message)):
        removed = SEABORN_STYLE
        return Diagnosis(
            "removed_api", removed.name.format(style=style["style"]), None, removed.removed_in, removed.instead
        )
    if name == "UsageError" and (magic := _MAGIC.match(message)) and magic["name"] in COLAB_MAGICS:
        return Diagnosis("colab_only", "%" + magic["name"])
    return None


def _removed(entry: Removed) -> Diagnosis:
    return Diagnosis("removed_api", entry.name, None, entry.removed_in, entry.instead)


def _removed_module(module: str) -> Removed | None:
    parts = module.split(".")
    for end in range(len(parts), 1, -1):  # the longest listed prefix: keras.wrappers.scikit_learn -> keras.wrappers
        entry = REMOVED_MODULES.get(".".join(parts[:end]))
        if entry is not None:
            return entry
    return None


def _missing_module(message: str) -> Diagnosis | None:
    match = _NO_MODULE.match(message)
    if match is None:
        return None
    module = match["module"]
    if module == "google.colab" or module.startswith("google.colab."):
        return Diagnosis("colab_only", module)
    removed = _removed_module(module)
    if removed is not None:
        return _removed(removed)
    if "." in module:
        return None  # the package imported, the module inside it does not exist: a typo, or unknown
    if module in COLAB_IMPORTS:
        return Diagnosis("missing_package", module, COLAB_IMPORTS[module])
    normal = re.sub(r"[-.]+", "_", module.lower())
    if normal in OWN_MODULE_NAMES or normal in _wrong_import_names() or normal not in _pypi_names():
        return None
    if any(_one_edit_apart(normal, known.lower()) for known in COLAB_IMPORTS):
        return None  # "sklern", "tensorflw": a misspelt import of a package we know
    return Diagnosis("missing_package", module, module.replace("_", "-"))


def _cannot_import(message: str) -> Diagnosis | None:
    removed_sklearn = _SKLEARN_REMOVED.search(message)
    if removed_sklearn is not None:
        name = removed_sklearn["name"]
        entry = REMOVED_NAMES.get(("sklearn.datasets", name))
        if entry is not None:
            return _removed(entry)
        return Diagnosis("removed_api", f"sklearn.{name}", None, f"scikit-learn {removed_sklearn['version']}", None)
    match = _CANNOT_IMPORT.match(message)
    if match is None:
        return None
    module, name = match["module"], match["name"]
    if module == "google.colab" or module.startswith("google.colab."):
        return Diagnosis("colab_only", f"{module}.{name}")
    entry = REMOVED_NAMES.get((module, name)) or _removed_module(f"{module}.{name}")
    return _removed(entry) if entry is not None else None


def _missing_attribute(message: str) -> Diagnosis | None:
    numpy = _NUMPY_REMOVED.match(message)
    if numpy is not None:
        return Diagnosis("removed_api", f"numpy.{numpy['name']}", None, f"NumPy {numpy['version']}", numpy["instead"])
    module = _MODULE_ATTRIBUTE.match(message)
    if module is not None:
        entry = REMOVED_ATTRIBUTES.get((module["module"], module["name"]))
        return _removed(entry) if entry is not None else None
    method = _OBJECT_ATTRIBUTE.match(message)
    if method is not None:
        entry = REMOVED_METHODS.get((method["type"], method["name"]))
        return _removed(entry) if entry is not None else None
    return None


def _removed_argument(message: str) -> Diagnosis | None:
    match = _KEYWORD.match(message)
    if match is None:
        return None
    function = (match["function"] or "").removesuffix(".__init__").rsplit(".", 1)[-1]
    entry = REMOVED_ARGUMENTS.get((function, match["name"]))
    return _removed(entry) if entry is not None else None


@lru_cache(maxsize=1)
def _pypi_names() -> frozenset[str]:
    try:
        lines = _PYPI_NAMES.read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _wrong_import_names() -> frozenset[str]:
    """Distribution names whose package imports under another name (``import scikit_learn``
    fails everywhere: the student's mistake, not the environment's)."""
    found = set()
    for module, distribution in COLAB_IMPORTS.items():
        normal = re.sub(r"[-.]+", "_", distribution.lower())
        if normal != module.lower():
            found.add(normal)
    return frozenset(found)


def _one_edit_apart(a: str, b: str) -> bool:
    """True when ``a`` is ``b`` with one letter dropped, added, changed or two swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def bound_names(source: str) -> set[str]:
    """Every name a cell's code would define (assignments, imports, defs, loop variables).

    IPython lines (``%magic``, ``!shell``) are left out; code that does not parse counts every
    identifier in it, so a later NameError is never missed for it.
    """
    code = "\n".join("" if _MAGIC_LINE.match(line) else line for line in source.splitlines())
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set(_IDENTIFIER.findall(code))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            names.update(node.names)
    return names


def _undefined_name(error: str | None) -> str | None:
    match = _ERROR.match(error or "")
    if match is None or match["name"] not in ("NameError", "UnboundLocalError"):
        return None
    undefined = _UNDEFINED.match(match["message"].strip())
    return undefined["name"] if undefined else None


def find_environment_gaps(cells: Sequence[CellRun], outputs: Iterable[CellOutput]) -> tuple[EnvironmentGap, ...]:
    """The environment gaps of one run, in the order they first failed, each with the cells that
    failed because of it.  The same package or API failing in two cells is one gap."""
    sources = {o.index: o.source for o in outputs}
    gaps: dict[tuple[GapKind, str], EnvironmentGap] = {}
    tainted: dict[tuple[GapKind, str], set[str]] = {}
    for cell in sorted(cells, key=lambda c: c.index):
        if cell.status != "error":
            continue
        found = classify_error(cell.error)
        if found is not None:
            key = (found.kind, found.name)
            if key not in gaps:
                text = (cell.error or "").strip()
                first_line = text.splitlines()[0][:300] if text else ""
                gaps[key] = EnvironmentGap(
                    kind=found.kind,
                    name=found.name,
                    cell=cell.index,
                    error=first_line,
                    package=found.package,
                    removed_in=found.removed_in,
                    instead=found.instead,
                )
                tainted[key] = set()
            gaps[key] = replace(gaps[key], affected=(*gaps[key].affected, cell.index))
            tainted[key] |= bound_names(sources.get(cell.index, ""))
            continue
        missing = _undefined_name(cell.error)
        if missing is None:
            continue
        for gap_key, names in tainted.items():
            if missing in names:
                gaps[gap_key] = replace(gaps[gap_key], affected=(*gaps[gap_key].affected, cell.index))
                names |= bound_names(sources.get(cell.index, ""))
    ordered = sorted(cells, key=lambda c: c.index)
    return tuple(
        replace(
            gap,
            number=code_cell_number(ordered, gap.cell),
            numbers=tuple(n for n in (code_cell_number(ordered, c) for c in gap.affected) if n is not None),
        )
        for gap in gaps.values()
    )
