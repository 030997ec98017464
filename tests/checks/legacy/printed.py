"""Legacy copy of ``grader/checks/printed.py`` at 9f9e599 (see ``tests/checks/legacy``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.models.evidence import ClaimRecord

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
    form = printed_form(claim)
    step = 10.0 ** (-form.decimals)
    if abs(claim.value - value) <= max(0.5 * step + 1e-9, 1e-6):
        return True
    whole_percent = form.scaled and form.decimals == 2
    return whole_percent and claim.value - 1e-9 <= value < claim.value + step - 1e-9


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
