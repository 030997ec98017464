"""Which rows the final model trained on, was validated on and was tested on.

Learned from what the notebook did with the model, never from variable names:

* final model - the model of the last evaluation on rows it did not train on (else the last
  model fitted);
* train - the rows given to its last ``fit``;
* validation - ``validation_data`` / ``validation_split`` of its fits; otherwise the first
  distinct non-training set it was evaluated on when it was later evaluated on another;
* test - the last distinct set it was evaluated on that is neither train nor validation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..models.cells import code_cell_label
from ..models.evidence import DataRoles, Evidence, FitRecord, Rows
from .allrows import find_scaling_on_all_rows
from .fills import fill_reached_model
from .lineage import Lineage, head_rows, tail_rows

LEAKY_ESTIMATORS = frozenset(
    {
        "StandardScaler",
        "MinMaxScaler",
        "RobustScaler",
        "MaxAbsScaler",
        "SimpleImputer",
        "KNNImputer",
        "IterativeImputer",
        "PCA",
        "TruncatedSVD",
        "QuantileTransformer",
        "PowerTransformer",
        "KBinsDiscretizer",
        "SelectKBest",
        "SelectPercentile",
        "VarianceThreshold",
        "TargetEncoder",
        "Normalization",
        "DataFrame.fillna",
        "Series.fillna",
    }
)
MOSTLY = 0.5


@dataclass(frozen=True)
class Assessment:
    """A model's use of a row set: which call, which rows, in which order."""

    seq: int
    mid: str
    rows: Rows
    source: str


def assessments(evidence: Evidence) -> list[Assessment]:
    """Every evaluate/predict/score/from_estimator call that names its rows, in order."""
    found = []
    labels: dict[int, str] = {}  # each cell named once, however many calls it holds

    def label(index: int) -> str:
        if index not in labels:
            labels[index] = code_cell_label(evidence.cells, index)
        return labels[index]

    for e in evidence.evaluations:
        if e.x is not None:
            found.append(Assessment(e.seq, e.mid, e.x, f"{e.method} ({label(e.cell)})"))
    for p in evidence.predictions:
        if p.x is not None and p.x.n > 1:
            found.append(Assessment(p.seq, p.mid, p.x, f"{p.method} ({label(p.cell)})"))
    for m in evidence.metric_calls:
        if m.mid and m.x is not None:
            where = label(m.cell)
            found.append(Assessment(m.seq, m.mid, m.x, f"ConfusionMatrixDisplay.from_estimator ({where})"))
    return sorted(found, key=lambda a: a.seq)


def final_model(evidence: Evidence, lineage: Lineage) -> str | None:
    """The model the notebook ends up judging."""
    trained = {f.mid: f for f in evidence.fits}
    for a in reversed(assessments(evidence)):
        fit = trained.get(a.mid)
        if fit is not None and lineage.overlap(a.rows, fit.x) < MOSTLY * a.rows.n:
            return a.mid
    return evidence.fits[-1].mid if evidence.fits else None


def analyse_roles(evidence: Evidence, lineage: Lineage | None = None) -> DataRoles:
    """Work out the data roles and the leaks for the final model (``lineage``: the evidence's,
    when the caller has it)."""
    lineage = lineage if lineage is not None else Lineage(evidence)
    leaves = split_leaves(evidence, lineage)
    usual_test = conventional_test(leaves)
    mid = final_model(evidence, lineage)
    fits = evidence.fits_for(mid) if mid else ()
    if mid is None or not fits:
        return _roles_from_splits(evidence, lineage, mid, leaves, usual_test)
    last_fit = fits[-1]
    train, validation, mode, fraction = _train_and_validation(fits, last_fit)
    held_out = _held_out_sets(evidence, lineage, mid, train, last_fit.seq)
    test, test_source = None, None
    if validation is None and len(held_out) >= 2:
        # judged on its own validation rows (an MLPClassifier's early-stopping split is internal
        # and has no rows of its own): those rows are the validation set, whose leaks count
        validation, mode, fraction = held_out[0].rows, "evaluated", None
    distinct = [a for a in held_out if not lineage.same_rows(a.rows, validation)]
    chosen = distinct[-1] if distinct else None
    if chosen is None and held_out:
        # judged only on its validation rows: that is the test set used as validation when
        # those rows are the ones the split set aside as test (or nothing else was set aside)
        separate = _separate_holdout_exists(evidence, lineage, train, validation)
        if not separate or (usual_test is not None and lineage.same_rows(validation, usual_test)):
            chosen = held_out[-1]
    if chosen is not None:
        test, test_source = chosen.rows, chosen.source
    roles = _roles(evidence, lineage, leaves, mid, train, validation, mode, fraction, test, test_source)
    given = validation if mode == "data" and not roles.test_is_validation else None
    return replace(roles, scaled_with_all_rows=find_scaling_on_all_rows(evidence, lineage, last_fit.x, given, test))


def _roles(
    evidence: Evidence,
    lineage: Lineage,
    leaves: list[Leaf],
    mid: str | None,
    train: Rows | None,
    validation: Rows | None,
    mode: str,
    fraction: float | None,
    test: Rows | None,
    test_source: str | None,
) -> DataRoles:
    test_is_validation = bool(
        test is not None and validation is not None and mode == "data" and lineage.same_rows(test, validation)
    )
    parts = [r for r in (train, None if test_is_validation else validation, test) if r is not None]
    total = _total_rows(evidence)
    # the parts hold exactly the split's rows, repeating no more rows than its input repeated:
    # a row they share but that cannot be traced to the input is one of the data's own copies
    partition = (
        total is not None
        and sum(r.n for r in parts) == total
        and lineage.untraced_repeats(parts) <= lineage.source_repeats
    )
    overlaps = {
        "train_test": lineage.overlap(test, train, partition),
        "train_validation": lineage.overlap(validation, train, partition),
        "validation_test": lineage.overlap(test, validation, partition),
    }
    used = [r for r in (train, validation, test) if r is not None]
    spare = next((leaf.rows for leaf in leaves if all(lineage.overlap(leaf.rows, r) == 0 for r in used)), None)
    return DataRoles(
        final_mid=mid,
        train=train,
        validation=validation,
        validation_mode=mode,
        validation_fraction=fraction,
        test=test,
        test_source=test_source,
        overlaps=overlaps,
        test_is_validation=test_is_validation,
        # rows Keras carves off the training set itself (validation_split) are not a leak: the
        # preprocessing was fitted on what the student rightly called the training set
        leaks=tuple(find_leaks(evidence, lineage, test, None if fraction is not None else validation, train)),
        total_rows=total,
        spare=spare,
    )


def _roles_from_splits(
    evidence: Evidence, lineage: Lineage, mid: str | None, leaves: list[Leaf], usual_test: Rows | None
) -> DataRoles:
    """No model was trained: the roles the splits set up (largest part: training)."""
    if usual_test is None or len(leaves) < 2:
        for split in evidence.splits:  # a dataset that comes split (mnist.load_data)
            train, test = split.part(0, "train"), split.part(0, "test")
            if split.predefined and train is not None and test is not None:
                return _roles(evidence, lineage, [], mid, train, None, "none", None, test, split.func)
        return DataRoles(final_mid=mid, total_rows=_total_rows(evidence))
    others = sorted((leaf.rows for leaf in leaves if leaf.rows is not usual_test), key=lambda r: -r.n)
    train = others[0]
    validation = others[1] if len(others) > 1 else None
    return _roles(
        evidence,
        lineage,
        [],
        mid,
        train,
        validation,
        "split" if validation else "none",
        None,
        usual_test,
        "the split (no model was trained)",
    )


@dataclass(frozen=True)
class Leaf:
    """A part of a train_test_split that was not split again."""

    rows: Rows
    side: str
    split_rows: int
    seq: int


def split_leaves(evidence: Evidence, lineage: Lineage) -> list[Leaf]:
    """Feature parts of train_test_split calls that were not split again, in order."""
    found = []
    splits = [s for s in evidence.splits if not s.predefined]
    for split in splits:
        total = split.inputs[0].n if split.inputs and split.inputs[0] is not None else 0
        for out in split.outputs:
            if out.rows is None or out.rows.kind != "features" or out.input != 0:
                continue
            later = [s for s in splits if s.seq > split.seq and s.inputs]
            if not any(lineage.same_rows(s.inputs[0], out.rows) for s in later):
                found.append(Leaf(rows=out.rows, side=out.part, split_rows=total, seq=split.seq))
    return found


def conventional_test(leaves: list[Leaf]) -> Rows | None:
    """The part a split set aside as test: a 'test' side that was not split again, from the
    split of the most rows (``X_tmp, X_test = split(X)`` before ``split(X_tmp)``)."""
    tests = [leaf for leaf in leaves if leaf.side == "test"]
    if not tests:
        return None
    return min(tests, key=lambda leaf: (-leaf.split_rows, leaf.seq)).rows


def _train_and_validation(fits: tuple[FitRecord, ...], last: FitRecord):
    train = last.x
    for fit in reversed(fits):
        v = fit.validation
        if v.mode == "data" and v.x is not None:
            return train, v.x, "data", None
        if v.mode == "split" and v.fraction:
            if fit.framework == "keras" and fit.x is not None:
                return head_rows(fit.x, v.fraction), tail_rows(fit.x, v.fraction), "split", v.fraction
            return train, None, "internal", v.fraction
    return train, None, "none", None


def _held_out_sets(
    evidence: Evidence, lineage: Lineage, mid: str, train: Rows | None, after_seq: int
) -> list[Assessment]:
    """Distinct row sets the final model was assessed on, excluding its training rows.

    A call on part of a set already seen (``predict(X_test[:10])`` after ``evaluate(X_test)``)
    does not make a new set; a call on a larger set that contains an earlier one replaces it.
    """
    chosen: list[Assessment] = []
    for a in assessments(evidence):
        if a.mid != mid or a.seq < after_seq:
            continue
        if train is not None and lineage.overlap(a.rows, train) >= MOSTLY * a.rows.n:
            continue
        if any(_within(lineage, a.rows, c.rows) for c in chosen):
            continue
        chosen = [c for c in chosen if not _within(lineage, c.rows, a.rows)] + [a]
    return sorted(chosen, key=lambda a: a.seq)


def _within(lineage: Lineage, part: Rows, whole: Rows) -> bool:
    """True when (nearly) every row of ``part`` is a row of ``whole``."""
    return part.n <= whole.n and lineage.overlap(part, whole) >= 0.9 * part.n


def _separate_holdout_exists(evidence: Evidence, lineage: Lineage, train: Rows | None, validation: Rows | None) -> bool:
    """Whether some split produced rows that are neither training nor validation rows."""
    for split in evidence.splits:
        for part in split.outputs:
            rows = part.rows
            if rows is None or rows.kind != "features" or rows.n < 2:
                continue
            if lineage.overlap(rows, train) == 0 and lineage.overlap(rows, validation) == 0:
                return True
    return False


def _total_rows(evidence: Evidence) -> int | None:
    sizes = [r.n for s in evidence.splits for r in s.inputs if r is not None and r.kind == "features"]
    for s in evidence.splits:
        if s.predefined:
            sizes.append(sum(p.rows.n for p in s.outputs if p.rows is not None and p.rows.kind == "features"))
    return max(sizes) if sizes else None


def find_leaks(
    evidence: Evidence, lineage: Lineage, test: Rows | None, validation: Rows | None, train: Rows | None = None
) -> list[str]:
    """Preprocessing fits that learned from validation or test rows, in words.  A pandas fill
    counts only if it reached the rows of the final model (see :mod:`grader.evidence.fills`)."""
    leaks = []
    first_split = min((s.seq for s in evidence.splits if not s.predefined), default=None)
    total = _total_rows(evidence)
    model_rows = [r for r in (train, validation, test) if r is not None]
    for fit in evidence.prep_fits:
        learns = fit.estimator in LEAKY_ESTIMATORS or any(p in LEAKY_ESTIMATORS for p in fit.parts)
        if not learns or fit.input is None or fit.input.kind != "features":
            continue
        if fit.method == "fillna" and not fill_reached_model(evidence, lineage, fit, model_rows):
            continue
        cell = code_cell_label(evidence.cells, fit.cell)
        where = f"{fit.estimator}.{fit.method} in {cell}"
        if fit.method == "fillna":  # pandas: say what the student did, in their terms
            where = f"{fit.estimator} with the column {fit.parts[0] if fit.parts else 'statistics'} in {cell}"
        seen_test = lineage.overlap(test, fit.input)
        seen_val = lineage.overlap(validation, fit.input)
        if test is not None and seen_test > max(1, 0.05 * test.n):
            leaks.append(f"{where} learned from {seen_test} of the {test.n} test rows")
        elif validation is not None and seen_val > max(1, 0.05 * validation.n):
            leaks.append(f"{where} learned from {seen_val} of the {validation.n} validation rows")
        elif first_split is not None and fit.seq < first_split and total is not None and fit.input.n >= total:
            leaks.append(f"{where} learned from all {fit.input.n} rows before the data was split")
    return leaks
