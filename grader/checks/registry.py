"""The check registry: every rubric ``check`` kind maps to one pure function.

A check is ``check(evidence, params) -> CheckResult``: no I/O, no kernel, so each is
unit-tested with hand-made evidence.  Its parameters are a pydantic model, which is also
what validates the ``params`` of a rubric item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from ..models.evidence import Evidence
from ..models.results import CheckResult


class Params(BaseModel):
    """Base of every check's parameters: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


P = TypeVar("P", bound=Params)
CheckFunction = Callable[[Evidence, Any], CheckResult]


@dataclass(frozen=True)
class CheckSpec:
    """A registered check kind."""

    kind: str
    function: CheckFunction
    params: type[Params]
    summary: str


REGISTRY: dict[str, CheckSpec] = {}


def register(
    kind: str, params: type[P]
) -> Callable[[Callable[[Evidence, P], CheckResult]], Callable[[Evidence, P], CheckResult]]:
    """Decorator: register ``function`` as the check for ``kind``."""

    def decorate(function: Callable[[Evidence, P], CheckResult]) -> Callable[[Evidence, P], CheckResult]:
        if kind in REGISTRY:
            raise ValueError(f"check kind {kind!r} registered twice")
        summary = (function.__doc__ or "").strip().splitlines()[0] if function.__doc__ else kind
        REGISTRY[kind] = CheckSpec(kind=kind, function=function, params=params, summary=summary)
        return function

    return decorate


def param_models() -> dict[str, type[Params]]:
    """Kind -> params model, for rubric validation."""
    return {kind: spec.params for kind, spec in REGISTRY.items()}


def run_check(kind: str, evidence: Evidence, params: dict[str, Any]) -> CheckResult:
    """Validate ``params`` and run the check of ``kind``."""
    spec = REGISTRY[kind]
    return spec.function(evidence, spec.params.model_validate(params))
