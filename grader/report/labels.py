"""The reports' own frame (headings, column names, status names) and number formats.

The words live in the one catalogue (``label.*`` entries of ``grader/i18n/messages.yaml``).
A label may hold ``{placeholders}``; both languages must use the same ones (tested).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..i18n import LANGUAGES, labels

DEFAULT_LANG = "en"
LABELS: dict[str, Mapping[str, str]] = {lang: labels(lang) for lang in LANGUAGES}


def labels_for(lang: str) -> Mapping[str, str]:
    """The report's words in ``lang`` ("en" or "id"); English for any other language."""
    return labels(lang if lang in LANGUAGES else DEFAULT_LANG)


def format_number(value: float, lang: str, digits: int = 2) -> str:
    """A number as a reader of ``lang`` writes it: no needless ".0", a decimal comma in "id"."""
    if abs(value - round(value)) < 10 ** -(digits + 2):
        text = str(round(value))
    else:
        text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "id" else text


def format_percent(fraction: float, lang: str) -> str:
    """A fraction (0..1) as a percentage with one decimal: "97.5%" / "97,5%"."""
    return format_number(100.0 * fraction, lang, digits=1) + "%"
