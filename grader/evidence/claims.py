"""Numbers the notebook printed about its own performance ("Test accuracy: 0.97")."""

from __future__ import annotations

import re
from typing import Literal

from ..models.evidence import CellOutput, ClaimRecord

_KEYWORD = re.compile(r"\b(accuracy|akurasi|acc|ketepatan)\b", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d+)?|0?\.\d+)\s*(%?)")
_CONNECTOR = re.compile(
    r"^[\s\w()\[\]'\"-]{0,30}?(?:[:=]|\bis\b|\bof\b|\badalah\b|\bsebesar\b|\bsebanyak\b)\s*$", re.IGNORECASE
)
_BARE_GAP = re.compile(r"^\s[\s\w'\"-]{0,30}$")
_NOT_A_CLAIM = re.compile(
    r"(step|━|epoch\s+\d|\bimprov|\bincreas|\bnaik\b|\bmeningkat|\btarget\b|\bgoal\b|\bminimal\b|"
    r"\bexpected\b|\bbaseline\b|\bharus\b|\bmust\b|\bshould\b)",
    re.IGNORECASE,
)
# Keras' own progress lines ("25/25 - 1s - accuracy: 0.91 - val_accuracy: 0.89", "[=====>...]",
# "/sample", "ETA: 3s"): what Keras reports while it computes, not a claim of the notebook's
_KERAS_LOG = re.compile(r"^\s*\d+/(\d+|Unknown)\b|\[=*>?\.*\]|/sample\b|\bETA:")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|[\x00-\x08]")
Qualifier = Literal["test", "validation", "train", "unknown"]
_QUALIFIERS: tuple[tuple[Qualifier, re.Pattern[str]], ...] = (
    ("validation", re.compile(r"\b(val|valid|validation|validasi)\b|val_", re.IGNORECASE)),
    ("test", re.compile(r"\b(test|testing|uji|pengujian)\b", re.IGNORECASE)),
    ("train", re.compile(r"\b(train|training|latih|pelatihan)\b", re.IGNORECASE)),
)


def _qualifier(line: str) -> Qualifier:
    for name, pattern in _QUALIFIERS:
        if pattern.search(line):
            return name
    return "unknown"


def parse_claims(outputs: tuple[CellOutput, ...]) -> tuple[ClaimRecord, ...]:
    """Accuracy claims, one per printed line that states one."""
    claims = []
    for out in outputs:
        for raw in out.text.splitlines():
            line = _ANSI.sub("", raw)
            if len(line) > 300 or _NOT_A_CLAIM.search(line) or _KERAS_LOG.search(line):
                continue
            claim = _claim_in_line(line)
            if claim is not None:
                value, text = claim
                claims.append(
                    ClaimRecord(cell=out.index, metric="accuracy", value=value, qualifier=_qualifier(line), text=text)
                )
    return tuple(claims)


def _claim_in_line(line: str) -> tuple[float, str] | None:
    keyword = _KEYWORD.search(line)
    if keyword is None:
        return None
    rest = line[keyword.end() :]
    number = _NUMBER.search(rest)
    if number is None:
        return None
    gap, after = rest[: number.start()], rest[number.end() :]
    # "accuracy: 0.9", or print("akurasi uji", acc): a few words, then the number ends the line
    if not _CONNECTOR.match(gap) and not (_BARE_GAP.match(gap) and not after.strip()):
        return None
    value = float(number.group(1))
    if number.group(2) == "%" or value > 1.0:
        value /= 100.0
    if not 0.0 <= value <= 1.0:
        return None
    return value, line.strip()[:200]
