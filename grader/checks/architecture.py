"""``architecture``: layer types, units, activations, parameter counts (Keras) or
hidden_layer_sizes/activation/solver (scikit-learn) as the rubric says."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..models.evidence import Evidence, LayerRecord, ModelRecord
from ..models.results import CheckResult, Message
from . import causes
from .absence import absent
from .choices import one_of
from .final_model import final_model
from .names import canonical_activation, canonical_layer, readable_activation
from .registry import Params, register

MESSAGES: tuple[str, ...] = (
    "architecture.ok",
    "architecture.no_model",
    "architecture.wrong_framework",
    "architecture.layer_count",
    "architecture.layer_mismatch",
    "architecture.layer_missing",
    "architecture.param_count",
    "architecture.output_units",
    "architecture.output_activation",
    "architecture.hidden_layers",
    "architecture.hidden_activation",
    "architecture.model_class",
    "architecture.sklearn_param",
    "absent.no_model",
    "absent.no_training",
    *causes.MESSAGES,
    "architecture.not_network",
)
"""Catalogue codes this check emits."""

SKLEARN_FACTS = ("hidden_layer_sizes", "activation", "solver", "max_iter", "early_stopping", "validation_fraction")
WEIGHTED = frozenset({"dense", "conv1d", "conv2d", "conv3d", "simplernn", "lstm", "gru", "embedding"})
IGNORED = frozenset({"inputlayer"})
ACTIVATION_LAYERS = {
    "activation": None,  # Activation(...) carries its function
    "softmax": "softmax",
    "relu": "relu",
    "leakyrelu": "leaky_relu",
    "prelu": "prelu",
    "elu": "elu",
}
"""Layers that only apply an activation, and the activation each applies."""


class LayerSpec(BaseModel):
    """One expected layer; unset fields are not checked."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    type: str | list[str]
    """A layer type, or a list of acceptable types (e.g. [LSTM, GRU])."""
    units: int | None = None
    activation: str | None = None
    filters: int | None = None
    kernel_size: list[int] | int | None = None
    pool_size: list[int] | int | None = None
    padding: str | None = None
    params: int | None = None


class ArchitectureParams(Params):
    """Parameters of ``architecture``."""

    model: Literal["final", "any"] = "final"
    framework: Literal["keras", "sklearn", "any"] = "any"
    layers: list[LayerSpec] | None = None
    match: Literal["exact", "subsequence"] = "exact"
    param_count: int | None = None
    output_units: int | list[int] | None = None
    output_activation: str | list[str] | None = None
    min_hidden_layers: int | None = None
    hidden_activation: str | list[str] | None = None
    model_class: str | list[str] | None = None
    hidden_layer_sizes: list[int] | None = None
    activation: str | None = None
    solver: str | None = None
    max_iter: int | None = None


def effective_layers(model: ModelRecord) -> list[LayerRecord]:
    """Layers as a student would list them: InputLayer dropped, an Activation layer folded
    into the layer before it."""
    out: list[LayerRecord] = []
    for layer in model.layers:
        kind = canonical_layer(layer.type)
        if kind in IGNORED:
            continue
        if kind in ACTIVATION_LAYERS and out and canonical_activation(out[-1].activation) == "linear":
            out[-1] = replace(out[-1], activation=layer.activation or ACTIVATION_LAYERS[kind] or kind)
            continue
        out.append(layer)
    return out


def _size(value: Any) -> tuple[int, ...] | None:
    if value is None:
        return None
    return tuple(value) if isinstance(value, list | tuple) else (int(value), int(value))


def _layer_matches(layer: LayerRecord, spec: LayerSpec) -> bool:
    if canonical_layer(layer.type) not in {canonical_layer(str(t)) for t in one_of(spec.type)}:
        return False
    checks = [
        spec.units is None or layer.units == spec.units,
        spec.filters is None or layer.filters == spec.filters,
        spec.activation is None or canonical_activation(layer.activation) == canonical_activation(spec.activation),
        spec.kernel_size is None or _size(layer.kernel_size) == _size(spec.kernel_size),
        spec.pool_size is None or _size(layer.pool_size) == _size(spec.pool_size),
        spec.padding is None or (layer.padding or "valid") == spec.padding,
        spec.params is None or layer.params == spec.params,
    ]
    return all(checks)


def _size_text(value: Any) -> str:
    size = _size(value)
    return "x".join(str(v) for v in size) if size else ""


def _describe(layer: LayerRecord) -> str:
    parts = [layer.type]
    if layer.units is not None:
        parts.append(str(layer.units))
    if layer.filters is not None:
        parts.append(f"{layer.filters} filters")
    if layer.kernel_size:
        parts.append(_size_text(layer.kernel_size))
    if layer.pool_size:
        parts.append(f"pool {_size_text(layer.pool_size)}")
    if layer.padding and canonical_layer(layer.type).startswith("conv"):
        parts.append(f"padding={layer.padding}")
    if layer.activation and canonical_activation(layer.activation) != "linear":
        parts.append(readable_activation(layer.activation))
    return " ".join(parts)


def _spec_text(spec: LayerSpec) -> str:
    parts = ["/".join(str(t) for t in one_of(spec.type))] + [
        str(v) for v in (spec.units, spec.filters) if v is not None
    ]
    if spec.kernel_size is not None:
        parts.append(_size_text(spec.kernel_size))
    if spec.pool_size is not None:
        parts.append(f"pool {_size_text(spec.pool_size)}")
    if spec.padding:
        parts.append(f"padding={spec.padding}")
    if spec.activation:
        parts.append(spec.activation)
    return " ".join(parts)


def _match_layers(layers: list[LayerRecord], specs: list[LayerSpec], mode: str) -> Message | None:
    if mode == "exact":
        if len(layers) != len(specs):
            return Message(
                "architecture.layer_count",
                {"found": len(layers), "expected": len(specs), "layers": [_describe(x) for x in layers]},
            )
        for i, (layer, spec) in enumerate(zip(layers, specs, strict=True)):
            if not _layer_matches(layer, spec):
                return Message(
                    "architecture.layer_mismatch",
                    {"position": i + 1, "found": _describe(layer), "expected": _spec_text(spec)},
                )
        return None
    position = 0
    for spec in specs:
        while position < len(layers) and not _layer_matches(layers[position], spec):
            position += 1
        if position == len(layers):
            return Message(
                "architecture.layer_missing", {"expected": _spec_text(spec), "layers": [_describe(x) for x in layers]}
            )
        position += 1
    return None


def _keras_problems(model: ModelRecord, params: ArchitectureParams) -> list[Message]:
    """Layers, parameter count, output and hidden layers of a Keras model (or of an MLP's
    layers as ``mlp_layers`` lists them)."""
    problems: list[Message] = []
    layers = effective_layers(model)
    if params.layers:
        mismatch = _match_layers(layers, params.layers, params.match)
        if mismatch:
            problems.append(mismatch)
    if params.param_count is not None and model.param_count != params.param_count:
        problems.append(
            Message("architecture.param_count", {"found": model.param_count, "expected": params.param_count})
        )
    weighted = [x for x in layers if canonical_layer(x.type) in WEIGHTED]
    if weighted:
        output = weighted[-1]
        units = one_of(params.output_units)
        if units and output.units not in units:
            problems.append(Message("architecture.output_units", {"found": output.units, "expected": units}))
        acts = [canonical_activation(str(a)) for a in one_of(params.output_activation)]
        if acts and canonical_activation(output.activation) not in acts:
            problems.append(
                Message(
                    "architecture.output_activation",
                    {"found": readable_activation(output.activation), "expected": one_of(params.output_activation)},
                )
            )
        hidden = weighted[:-1]
        if params.min_hidden_layers is not None and len(hidden) < params.min_hidden_layers:
            problems.append(
                Message("architecture.hidden_layers", {"found": len(hidden), "expected": params.min_hidden_layers})
            )
        hidden_acts = [canonical_activation(str(a)) for a in one_of(params.hidden_activation)]
        wrong = [h for h in hidden if hidden_acts and canonical_activation(h.activation) not in hidden_acts]
        if wrong:
            problems.append(
                Message(
                    "architecture.hidden_activation",
                    {"found": readable_activation(wrong[0].activation), "expected": one_of(params.hidden_activation)},
                )
            )
    return problems


NETWORK_FIELDS = (
    "layers",
    "param_count",
    "output_units",
    "output_activation",
    "min_hidden_layers",
    "hidden_activation",
)
"""Parameters that ask for a neural network: a scikit-learn model without layers fails them."""


def mlp_layers(model: ModelRecord) -> tuple[LayerRecord, ...]:
    """An MLPClassifier's layers as a Keras student would list them: one Dense layer per entry of
    ``hidden_layer_sizes`` with ``activation``, and the output layer of ``layer_sizes[-1]`` units
    with ``out_activation_`` (softmax for several classes).  Empty for a model without layers."""
    sizes = model.layer_sizes
    if len(sizes) < 2:
        return ()
    hidden = model.params.get("activation")
    dims = list(pairwise(sizes))
    return tuple(
        LayerRecord(
            type="Dense",
            units=int(units),
            activation=model.out_activation if i == len(dims) - 1 else (str(hidden) if hidden else None),
            params=int(fan_in) * int(units) + int(units),
        )
        for i, (fan_in, units) in enumerate(dims)
    )


def _sklearn_network_problems(model: ModelRecord, params: ArchitectureParams) -> list[Message]:
    """The network questions of a rubric (layers, output units and activation, hidden layers,
    parameter count) asked of an MLPClassifier's layers (``mlp_layers``).  A model without
    layers (a forest, a logistic regression) is not the neural network the rubric asks for."""
    if not any(getattr(params, name) is not None for name in NETWORK_FIELDS):
        return []
    layers = mlp_layers(model)
    if not layers:
        return [Message("architecture.not_network", {"found": model.final_class or model.cls})]
    return _keras_problems(replace(model, layers=layers), params)


def _sklearn_problems(model: ModelRecord, params: ArchitectureParams) -> list[Message]:
    problems: list[Message] = []
    p = model.params
    classes = one_of(params.model_class)
    if classes and (model.final_class or model.cls) not in classes:
        problems.append(
            Message("architecture.model_class", {"found": model.final_class or model.cls, "expected": classes})
        )
    if params.hidden_layer_sizes is not None:
        found = p.get("hidden_layer_sizes")
        found_list = list(found) if isinstance(found, list | tuple) else [found]
        if found_list != list(params.hidden_layer_sizes):
            problems.append(
                Message(
                    "architecture.sklearn_param",
                    {"name": "hidden_layer_sizes", "found": found_list, "expected": params.hidden_layer_sizes},
                )
            )
    for name in ("activation", "solver", "max_iter"):
        expected = getattr(params, name)
        if expected is not None and p.get(name) != expected:
            problems.append(
                Message("architecture.sklearn_param", {"name": name, "found": p.get(name), "expected": expected})
            )
    network = _sklearn_network_problems(model, params)
    if classes and network and network[0].code == "architecture.not_network":
        return problems  # the wrong class already says it
    return problems + network


def model_problems(model: ModelRecord, params: ArchitectureParams) -> list[Message]:
    """Every way ``model`` differs from the rubric (empty when it matches)."""
    if params.framework != "any" and model.framework != params.framework:
        return [Message("architecture.wrong_framework", {"found": model.framework, "expected": params.framework})]
    if model.framework == "keras":
        return _keras_problems(model, params)
    return _sklearn_problems(model, params)


def _facts(model: ModelRecord) -> dict[str, Any]:
    return {
        "model": model.mid,
        "framework": model.framework,
        "class": model.final_class or model.cls,
        "param_count": model.param_count,
        "layers": [
            _describe(x) for x in (effective_layers(model) if model.framework == "keras" else mlp_layers(model))
        ],
        "params": {k: v for k, v in model.params.items() if k in SKLEARN_FACTS},
    }


@register("architecture", ArchitectureParams)
def check_architecture(evidence: Evidence, params: ArchitectureParams) -> CheckResult:
    """The model's layers, units, activations and parameter count are as asked."""
    if params.model == "any":
        trained = [m for m in evidence.models.values() if m.fitted]
        candidates = sorted(trained, key=lambda m: m.seq)
        if not candidates:
            why = causes.absence_causes(evidence, calls=("fit", "partial_fit"), source=causes.FIT_SOURCE)
            verdict = (
                CheckResult.not_judged(Message("absent.no_training"), *why)
                if why
                else CheckResult.fail(Message("architecture.no_model"))
            )
            return absent(evidence, "model", verdict)
        best: tuple[ModelRecord, list[Message]] | None = None
        for model in candidates:
            problems = model_problems(model, params)
            if not problems:
                return CheckResult.ok(Message("architecture.ok", {"params": model.param_count}), **_facts(model))
            if best is None or len(problems) < len(best[1]):
                best = (model, problems)
        assert best is not None
        return CheckResult.fail(*best[1], **_facts(best[0]))
    final = final_model(evidence)
    if final is None:
        why = causes.absence_causes(evidence, calls=("fit", "partial_fit"), source=causes.MODEL_SOURCE)
        verdict = (
            CheckResult.not_judged(Message("absent.no_model"), *why)
            if why
            else CheckResult.fail(Message("architecture.no_model"))
        )
        return absent(evidence, "model", verdict)
    problems = model_problems(final, params)
    if problems:
        return CheckResult.fail(*problems, **_facts(final))
    return CheckResult.ok(Message("architecture.ok", {"params": final.param_count}), **_facts(final))
