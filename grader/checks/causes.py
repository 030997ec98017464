"""Why the evidence a check needs is absent, and whether a training run learned anything.

A check whose evidence is absent (no model, no fit, no figure) is *not judged*; its feedback
names what is missing and why.  The why is read from what the run recorded, never guessed
from names: a hooked call that raised (``fit`` on data with NaN), a cell that raised while
doing what the check needs (its code calls ``.compile(``), the failed import or cell that
should have defined a name a later ``NameError`` says is undefined, a run that stopped.
"""

from __future__ import annotations

import math
import re

from ..models.cells import cell_ref, cell_source
from ..models.evidence import CallErrorRecord, Evidence, FitRecord
from ..models.execution import CellRun
from ..models.results import Message

MESSAGES: tuple[str, ...] = (
    "cause.call_raised",
    "cause.cell_raised",
    "cause.import_failed",
    "cause.not_defined",
    "cause.no_definition",
    "cause.stopped",
    "cause.earlier_errors",
    "nan.missing_values",
    "nan.every_epoch",
    "nan.diverged",
    "cell.ref",
    "cell.number",
    "cell.unknown",
)
"""Catalogue codes of the causes (each check that uses them lists them too)."""

# What the code of a cell that should have produced the evidence contains.
MODEL_SOURCE = r"Sequential\s*\(|Model\s*\(|MLP(?:Classifier|Regressor)\s*\(|\.add\s*\("
COMPILE_SOURCE = r"\.\s*[Cc]ompile\s*\("  # the lesson's own typo: model. Compile(...)
FIT_SOURCE = r"\.(?:partial_)?fit\s*\("
ASSESS_SOURCE = r"\.(?:evaluate|predict\w*|score)\s*\(|ConfusionMatrixDisplay|confusion_matrix\s*\("
PLOT_SOURCE = r"\bplt\.|\.plot\s*\(|\bsns\.|Display\b|\.imshow\s*\("
LOSS_PLOT_SOURCE = r"\.history\b|loss_curve_|validation_scores_|['\"](?:val_)?loss['\"]"
SAVE_SOURCE = r"\.save\s*\(|save_model\s*\(|\bdump\s*\("

ERROR_LIMIT = 200
_UNDEFINED = re.compile(r"NameError: name '([A-Za-z_]\w*)' is not defined")
_CHAIN_LIMIT = 6


def error_line(error: str | None) -> str:
    """The first line of an error, shortened, without a closing period (the sentence quoting
    it supplies its own)."""
    line = next((x.strip() for x in (error or "").splitlines() if x.strip()), "").removesuffix(".")
    return line if len(line) <= ERROR_LIMIT else line[: ERROR_LIMIT - 1] + "…"


def _imports(source: str, name: str) -> bool:
    pattern = rf"^\s*(?:from\s+[\w.]+\s+)?import\s+[^\n]*(?<![\w.]){re.escape(name)}\b"
    return re.search(pattern, source, re.MULTILINE) is not None


def _defines(source: str, name: str) -> bool:
    """Whether the code binds ``name``: an import, an assignment target, def/class/for/with."""
    word = rf"(?<![\w.]){re.escape(name)}\b"
    patterns = (
        rf"^\s*[\w\s,.*\[\]]*?{word}[\w\s,.*\[\]]*=(?!=)",  # X, y = ... / X = ...
        rf"^\s*(?:async\s+)?(?:def|class)\s+{re.escape(name)}\b",
        rf"\bas\s+{re.escape(name)}\b",
        rf"^\s*for\s+[^\n]*{word}[^\n]*\bin\b",
    )
    return _imports(source, name) or any(re.search(p, source, re.MULTILINE) for p in patterns)


def _failed_definer(evidence: Evidence, name: str, before: int) -> CellRun | None:
    """The last cell before ``before`` that should have defined ``name`` and raised instead."""
    found = [
        c
        for c in evidence.cells
        if c.index < before and c.status == "error" and _defines(cell_source(evidence, c.index), name)
    ]
    return found[-1] if found else None


def undefined_name_origin(evidence: Evidence, error: str | None, index: int) -> tuple[Message, ...]:
    """For ``NameError: name 'X' is not defined`` raised in the cell at ``index``: the earlier
    cell that should have defined X and failed (followed back through further NameErrors to
    the first failure), or a hint that no cell defines X."""
    match = _UNDEFINED.search(error or "")
    if match is None:
        return ()
    name = match.group(1)
    root: tuple[CellRun, str] | None = None
    current, before, seen = name, index, set()
    for _ in range(_CHAIN_LIMIT):
        cell = _failed_definer(evidence, current, before)
        if cell is None or cell.index in seen:
            break
        seen.add(cell.index)
        root = (cell, current)
        deeper = _UNDEFINED.search(cell.error or "")
        if deeper is None:
            break
        current, before = deeper.group(1), cell.index
    if root is None:
        defined_elsewhere = any(
            c.index != index and _defines(cell_source(evidence, c.index), name) for c in evidence.cells
        )
        has_sources = any(o.source.strip() for o in evidence.outputs)
        return () if defined_elsewhere or not has_sources else (Message("cause.no_definition", {"name": name}),)
    cell, root_name = root
    source = cell_source(evidence, cell.index)
    params = {
        "name": name,
        "cell": cell_ref(evidence, cell.index, mention=root_name, error=cell.error),
        "error": error_line(cell.error),
    }
    if _imports(source, root_name):
        return (Message("cause.import_failed", params),)
    return (Message("cause.not_defined", params),)


def _call_name(record: CallErrorRecord) -> str:
    return f"{record.cls}.{record.call}" if record.cls else record.call


def _never_compiled(evidence: Evidence, failed: CallErrorRecord) -> bool:
    return (
        failed.framework == "keras"
        and failed.call != "compile"
        and failed.mid is not None
        and evidence.compile_for(failed.mid) is None
    )


def stopped(evidence: Evidence) -> bool:
    """Whether the run ended early (the kernel died, a time limit): later cells never ran."""
    return evidence.status in ("kernel_died", "timeout") or any(
        c.status in ("not_run", "timeout") for c in evidence.cells
    )


def absence_causes(
    evidence: Evidence,
    calls: tuple[str, ...] = (),
    source: str | None = None,
    models_only: bool = True,
    earlier: bool = True,
) -> tuple[Message, ...]:
    """Why something a check needs is absent; empty when the run explains nothing (it ran
    cleanly, so the notebook simply does not do it).

    In order: the last hooked call of one of ``calls`` that raised; else the last cell whose
    code matches ``source`` that raised; else the run stopping early; else the cells that
    raised at all (unless ``earlier`` is False).  A ``NameError`` is traced to the cell that
    should have defined the name.
    """
    failed = [e for e in evidence.call_errors if e.call in calls and (e.model or not models_only)]
    if failed:
        last = failed[-1]
        ref = cell_ref(evidence, last.cell, pattern=rf"\.{re.escape(last.call)}\s*\(", error=last.error)
        found = (
            Message("cause.call_raised", {"call": _call_name(last), "error": error_line(last.error), "cell": ref}),
            *undefined_name_origin(evidence, last.error, last.cell),
        )
        if _never_compiled(evidence, last):  # Keras refuses an uncompiled model: why compile failed
            found += absence_causes(evidence, calls=("compile",), source=COMPILE_SOURCE, earlier=False)
        return found
    errors = [c for c in evidence.cells if c.status == "error"]
    if source is not None:
        matching = [c for c in errors if re.search(source, cell_source(evidence, c.index))]
        if matching:
            cell = matching[-1]
            ref = cell_ref(evidence, cell.index, pattern=source, error=cell.error)
            return (
                Message("cause.cell_raised", {"cell": ref, "error": error_line(cell.error)}),
                *undefined_name_origin(evidence, cell.error, cell.index),
            )
    if stopped(evidence):
        not_run = sum(1 for c in evidence.cells if c.status == "not_run")
        return (Message("cause.stopped", {"reason": evidence.reason or evidence.status, "count": not_run}),)
    if errors and earlier:
        first = errors[0]
        return (
            Message(
                "cause.earlier_errors",
                {
                    "count": len(errors),
                    "cell": cell_ref(evidence, first.index, error=first.error),
                    "error": error_line(first.error),
                },
            ),
            *undefined_name_origin(evidence, first.error, first.index),
        )
    return ()


def learned_nothing(fit: FitRecord) -> bool:
    """A run whose training loss ended NaN: its weights are NaN, the model learned nothing."""
    loss = fit.history.get("loss", ())
    return bool(loss) and math.isnan(loss[-1])


def nan_loss_messages(evidence: Evidence, fit: FitRecord) -> tuple[Message, ...]:
    """What a NaN loss means for this run, and its cause when the data shows it."""
    loss = fit.history.get("loss", ())
    ref = cell_ref(evidence, fit.cell, pattern=FIT_SOURCE)
    if all(math.isnan(v) for v in loss):
        missing = fit.x.missing if fit.x is not None else None
        if missing:
            assert fit.x is not None
            return (Message("nan.missing_values", {"cell": ref, "missing": missing, "rows": fit.x.n}),)
        return (Message("nan.every_epoch", {"cell": ref}),)
    first_nan = next(i for i, v in enumerate(loss) if math.isnan(v))
    return (Message("nan.diverged", {"cell": ref, "epoch": first_nan + 1}),)
