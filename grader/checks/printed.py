"""A printed number compared at the precision it was printed with.

"Akurasi: 0.93", "93.44%", ``int(acc * 100)``: a value backs a claim when printing it the way the
claim was printed (rounded, or cut short to a whole percentage) reads the same; the grader's own number is shown at that
precision too, with a digit more where needed, so a message never reads "claims 0.93, measured 0.93".
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..models.evidence import ClaimRecord

_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d+)?|0?\.\d+)\s*(%?)")
MAX_PLACES = 8


@dataclass(frozen=True)
class Printed:
    """How a claimed number was printed: digits after the point of the fraction it means
    (a percentage counts two more), on a 0-100 scale or not, with a percent sign or not."""

    decimals: int
    scaled: bool = False
    percent: bool = False


def printed_form(claim: ClaimRecord) -> Printed:
    """How ``claim``'s number appears in its text."""
    for match in _NUMBER.finditer(claim.text):
        raw, percent = match.group(1), match.group(2) == "%"
        scaled = percent or float(raw) > 1
        if abs(float(raw) / (100.0 if scaled else 1.0) - claim.value) < 1e-12:
            if not percent and re.fullmatch(r"\d+\.0", raw):
                return Printed(4)  # "1.0" / "0.0" is how Python prints a whole float, not a rounding
            places = len(raw.split(".")[1]) if "." in raw else 0
            return Printed(places + (2 if scaled else 0), scaled, percent)
    return Printed(4)


def printed_decimals(claim: ClaimRecord) -> int:
    """Decimals of the claimed number as printed (a percentage counts two more)."""
    return printed_form(claim).decimals


def supports(claim: ClaimRecord, value: float) -> bool:
    """True when ``value`` printed the way the claim was printed reads the same: rounded, or, for
    a whole percentage, cut short (``int(acc * 100)`` prints 93 for 0.9399)."""
    return _supports(claim, printed_form(claim), value)


def _supports(claim: ClaimRecord, form: Printed, value: float) -> bool:
    step = 10.0 ** (-form.decimals)
    if abs(claim.value - value) <= max(0.5 * step + 1e-9, 1e-6):
        return True
    whole_percent = form.scaled and form.decimals == 2
    return whole_percent and claim.value - 1e-9 <= value < claim.value + step - 1e-9


class Supporting:
    """The values that could back a claim, sorted once: ``backs(claim)`` is ``any(supports(claim,
    v) for v in values)`` without trying every value (a notebook that prints many lines about
    many trained models would otherwise cost claims x values)."""

    def __init__(self, values: Iterable[float]) -> None:
        # NaN and infinities back nothing (every comparison in ``supports`` is false for them)
        self._sorted = sorted({v for v in values if math.isfinite(v)})

    def backs(self, claim: ClaimRecord) -> bool:
        """Whether some value supports ``claim``."""
        form = printed_form(claim)
        step = 10.0 ** (-form.decimals)
        # every value ``supports`` accepts lies within the claim's rounding (or, for a whole
        # percentage, truncation) reach: look there, with a margin far above rounding errors,
        # and apply the exact test to the values found
        below = max(0.5 * step + 1e-9, 1e-6)
        above = max(below, step) if form.scaled and form.decimals == 2 else below
        values, margin = self._sorted, 1e-9
        at = bisect.bisect_left(values, claim.value - below - margin)
        while at < len(values) and values[at] <= claim.value + above + margin:
            if _supports(claim, form, values[at]):
                return True
            at += 1
        return False


def as_printed(value: float, claim: ClaimRecord) -> str:
    """``value`` written the way the claim was written, with more digits where it would otherwise
    read exactly as the claim does."""
    form = printed_form(claim)
    factor = 100.0 if form.scaled else 1.0
    places = max(form.decimals - (2 if form.scaled else 0), 0)
    text = f"{value * factor:.{places}f}"
    while text == f"{claim.value * factor:.{places}f}" and places < MAX_PLACES:
        places += 1
        text = f"{value * factor:.{places}f}"
    return text + ("%" if form.percent else "")
