"""The evidence behind the items, condensed for a reader: splits, model, curves, measurements.

Evidence may be partial (the kernel died) or missing parts of any kind; every section here
is optional and is built only from what exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath

from ..models.evidence import DataRoles, Evidence, FitRecord, LayerRecord, ModelRecord
from .figures import confusion_png, loss_curve_png, png_data_uri
from .labels import format_number, format_percent
from .view import first_line

_OVERLAP_ROLES = {
    "train_test": ("role_train", "role_test"),
    "train_validation": ("role_train", "role_validation"),
    "validation_test": ("role_validation", "role_test"),
}
# scikit-learn settings worth a line when the model has no layers to tabulate.
_SKLEARN_SETTINGS = (
    "hidden_layer_sizes",
    "activation",
    "solver",
    "alpha",
    "learning_rate_init",
    "max_iter",
    "C",
    "kernel",
    "n_estimators",
    "max_depth",
)


@dataclass(frozen=True)
class Fact:
    """One labelled value."""

    label: str
    value: str


@dataclass(frozen=True)
class LayerRow:
    """One row of the model summary table."""

    type: str
    size: str
    activation: str
    params: str


@dataclass(frozen=True)
class ModelView:
    """The final model's architecture as a table."""

    name: str
    layers: tuple[LayerRow, ...]
    total: str | None
    settings: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class MeasurementRow:
    """The grader's own measurement of the final model on one set of rows."""

    role: str
    rows: str
    accuracy: str
    macro_f1: str
    majority: str
    beats_majority: bool


@dataclass(frozen=True)
class SavedRow:
    """A saved model file loaded back by the grader."""

    file: str
    loads: str
    agreement: str
    error: str


@dataclass(frozen=True)
class EvidenceView:
    """Every evidence section of a submission report; empty parts are simply not shown."""

    splits: tuple[Fact, ...] = ()
    split_warnings: tuple[str, ...] = ()
    leaks: tuple[str, ...] = ()
    model: ModelView | None = None
    loss_curve: str | None = None
    """The redrawn loss curves as a data URI."""
    missing_history: bool = False
    """A final model exists but no loss history was recorded for it."""
    measurements: tuple[MeasurementRow, ...] = ()
    confusion: str | None = None
    """The grader's confusion matrix on the test rows as a data URI."""
    measurement_problem: str | None = None
    saved: tuple[SavedRow, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        """True when there is nothing at all to show."""
        return not (
            self.splits
            or self.split_warnings
            or self.leaks
            or self.model
            or self.loss_curve
            or self.measurements
            or self.measurement_problem
            or self.saved
        )


def format_count(value: int, lang: str) -> str:
    """An integer with thousands grouped as readers of ``lang`` group them."""
    text = f"{value:,}"
    return text.replace(",", ".") if lang == "id" else text


def build_evidence_view(evidence: Evidence | None, words: Mapping[str, str], lang: str) -> EvidenceView:
    """Condense ``evidence`` into report sections (an empty view for no evidence)."""
    if evidence is None:
        return EvidenceView()
    mid = final_model_id(evidence)
    splits, warnings = _splits(evidence.roles, words, lang)
    fit = _last_fit_with_loss(evidence, mid)
    loss = loss_curve_png(fit.history, words) if fit is not None else None
    test = evidence.measurement("test")
    matrix = confusion_png(test.confusion, test.labels, words) if test is not None else None
    problem = evidence.reevaluation_problem
    model = evidence.models.get(mid) if mid is not None else None
    return EvidenceView(
        splits=splits,
        split_warnings=warnings,
        leaks=tuple(evidence.roles.leaks),
        model=_model(model, words, lang) if model is not None else None,
        loss_curve=png_data_uri(loss) if loss else None,
        missing_history=mid is not None and loss is None,
        measurements=tuple(_measurements(evidence, words, lang)),
        confusion=png_data_uri(matrix) if matrix else None,
        measurement_problem=(words["not_measured"].format(reason=first_line(problem)) if problem else None),
        saved=tuple(_saved(evidence, words, lang)),
    )


def final_model_id(evidence: Evidence) -> str | None:
    """The final model as the roles analysis chose it, else the last model fitted."""
    if evidence.roles.final_mid is not None:
        return evidence.roles.final_mid
    return evidence.fits[-1].mid if evidence.fits else None


def _last_fit_with_loss(evidence: Evidence, mid: str | None) -> FitRecord | None:
    if mid is None:
        return None
    fits = [f for f in evidence.fits_for(mid) if f.history.get("loss") or f.history.get("val_loss")]
    return fits[-1] if fits else None


def _splits(roles: DataRoles, words: Mapping[str, str], lang: str) -> tuple[tuple[Fact, ...], tuple[str, ...]]:
    def rows(n: int | None) -> str:
        return words["rows_count"].format(n=format_count(n, lang)) if n is not None else words["not_found"]

    if roles.train is None and roles.validation is None and roles.test is None and roles.total_rows is None:
        return (), ()
    if roles.validation is not None:
        validation = rows(roles.validation.n)
    elif roles.validation_mode == "split" and roles.validation_fraction:
        validation = words["validation_split"].format(percent=format_percent(roles.validation_fraction, lang))
    else:
        validation = words["not_found"]
    facts = [
        Fact(words["role_train"], rows(roles.train.n if roles.train else None)),
        Fact(words["role_validation"], validation),
        Fact(words["role_test"], rows(roles.test.n if roles.test else None)),
    ]
    if roles.total_rows is not None:
        facts.append(Fact(words["role_total"], rows(roles.total_rows)))
    warnings = []
    for key, count in roles.overlaps.items():
        first, second = _OVERLAP_ROLES.get(key, (key, ""))
        if count > 0:
            warnings.append(
                words["overlap"].format(
                    n=format_count(count, lang),
                    first=words.get(first, first).lower(),
                    second=words.get(second, second).lower(),
                )
            )
    if roles.test_is_validation:
        warnings.append(words["test_is_validation"])
    return tuple(facts), tuple(warnings)


def _layer_size(layer: LayerRecord) -> str:
    if layer.units is not None:
        return str(layer.units)
    if layer.filters is not None:
        kernel = "×".join(str(k) for k in layer.kernel_size or ())
        return f"{layer.filters} ({kernel})" if kernel else str(layer.filters)
    if layer.pool_size:
        return "×".join(str(k) for k in layer.pool_size)
    if layer.rate is not None:
        return f"rate {layer.rate:g}"
    return ""


def _model(model: ModelRecord, words: Mapping[str, str], lang: str) -> ModelView:
    name = model.final_class or model.cls
    if model.steps:
        name = f"{model.cls}({' → '.join(model.steps)})"
    if model.layers:
        rows = tuple(
            LayerRow(
                type=layer.type,
                size=_layer_size(layer),
                activation=layer.activation or "",
                params=format_count(layer.params, lang) if layer.params is not None else "",
            )
            for layer in model.layers
        )
        total = model.param_count
        if total is None and all(layer.params is not None for layer in model.layers):
            total = sum(layer.params or 0 for layer in model.layers)
        return ModelView(name=name, layers=rows, total=format_count(total, lang) if total is not None else None)
    if len(model.layer_sizes) >= 2:
        return _sklearn_network(model, name, words, lang)
    settings = tuple(Fact(key, str(model.params[key])) for key in _SKLEARN_SETTINGS if key in model.params)
    return ModelView(name=name, layers=(), total=None, settings=settings)


def _sklearn_network(model: ModelRecord, name: str, words: Mapping[str, str], lang: str) -> ModelView:
    """An MLP's layers from its weight shapes: input, hidden..., output."""
    sizes = model.layer_sizes
    activation = str(model.params.get("activation", ""))
    rows = [LayerRow(words["input_layer"], str(sizes[0]), "", "")]
    total = 0
    for position, size in enumerate(sizes[1:], start=1):
        params = (sizes[position - 1] + 1) * size  # weights plus one bias per unit
        total += params
        last = position == len(sizes) - 1
        rows.append(
            LayerRow(
                words["output_layer"] if last else words["hidden_layer"],
                str(size),
                "" if last else activation,
                format_count(params, lang),
            )
        )
    return ModelView(name=name, layers=tuple(rows), total=format_count(total, lang))


def _measurements(evidence: Evidence, words: Mapping[str, str], lang: str) -> list[MeasurementRow]:
    return [
        MeasurementRow(
            role=words.get(f"role_{m.role}", m.role),
            rows=format_count(m.n, lang),
            accuracy=format_percent(m.accuracy, lang),
            macro_f1=format_number(m.macro_f1, lang, 3),
            majority=format_percent(m.majority_accuracy, lang),
            beats_majority=m.accuracy > m.majority_accuracy,
        )
        for m in evidence.measurements
    ]


def _saved(evidence: Evidence, words: Mapping[str, str], lang: str) -> list[SavedRow]:
    return [
        SavedRow(
            file=PurePath(s.path).name or s.path,
            loads=words["yes"] if s.loads else words["no"],
            agreement=format_percent(s.agreement, lang) if s.agreement is not None else "—",
            error=first_line(s.error),
        )
        for s in evidence.saved_models
    ]
