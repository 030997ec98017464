"""Feedback in English and Bahasa Indonesia.

Checks speak in :class:`~grader.models.results.Message` codes; the words live in
``messages.yaml`` (one entry per code, both languages side by side, so a translator sees
the English next to the Indonesian).  This is the one catalogue: check feedback, notes and
the reports' own frame (``label.*``).  Results hold messages, never text; the functions
here render them when a result is shown, in whichever language the reader asks for.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..models.results import WORDS, ItemResult, LateRecord, Message, Result

LANGUAGES = ("en", "id")
_CATALOGUE = Path(__file__).with_name("messages.yaml")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """Code -> {"en": template, "id": template}."""
    with open(_CATALOGUE, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return {str(k): {lang: str(v[lang]) for lang in LANGUAGES} for k, v in data.items()}


class _Formatter(string.Formatter):
    """Formats plain values readably; a nested Message is rendered in the same language;
    a missing value stays visible as ``{name}``."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def get_value(self, key: Any, args: Any, kwargs: Any) -> Any:
        if isinstance(key, str) and key not in kwargs:
            return _Missing(key)
        return super().get_value(key, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, _Missing):
            return "{" + value.name + "}"
        if isinstance(value, Message):
            return render(value, self.lang)
        if isinstance(value, list | tuple) and any(isinstance(v, Message) for v in value):
            return ", ".join(render(v, self.lang) if isinstance(v, Message) else str(_fmt(v)) for v in value)
        if format_spec:
            try:
                return format(value, format_spec)
            except (TypeError, ValueError):
                return str(_fmt(value))
        return str(_fmt(value))


class _Missing:
    def __init__(self, name: str) -> None:
        self.name = name


def _fmt(value: Any) -> Any:
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"
    if isinstance(value, list | tuple):
        return ", ".join(str(_fmt(v)) for v in value)
    return value


def render(message: Message, lang: str = "en") -> str:
    """The message in ``lang`` with its values filled in."""
    if message.code == WORDS:  # a rubric's or an instructor's own words, carried in both languages
        return str(message.params.get(lang) or message.params.get("en") or "")
    entry = catalogue().get(message.code)
    if entry is None:
        return message.code + (f" {message.params}" if message.params else "")
    template = entry.get(lang) or entry["en"]
    return _Formatter(lang).vformat(template, (), dict(message.params))


def template_fields(code: str, lang: str) -> set[str]:
    """Placeholders used by one template (for the catalogue's own tests)."""
    return {name for _, name, _, _ in string.Formatter().parse(catalogue()[code][lang]) if name}


def override_message(item: ItemResult) -> Message | None:
    """What a reader is told of an instructor's override of ``item`` (None: not overridden)."""
    held = item.override
    if held is None:
        return None
    values: dict[str, Any] = {"machine": held.machine_points, "points": item.points}
    if held.decision.comment:
        return Message("override.changed", {**values, "comment": Message.words(held.decision.comment)})
    return Message("override.changed_plain", values)


def feedback_text(item: ItemResult, lang: str = "en") -> str:
    """An item's feedback: the check's own words, then the rubric's remark, then the
    instructor's override with its comment."""
    override = override_message(item)
    messages = (*item.messages, override) if override is not None else item.messages
    return " ".join(text for text in (render(m, lang) for m in messages) if text)


def title_text(item: ItemResult, lang: str = "en") -> str:
    """An item's title as the rubric gives it in ``lang``."""
    return render(item.title, lang)


def rubric_title_text(result: Result, lang: str = "en") -> str:
    """The rubric's title in ``lang``; its short name when the result carries no title."""
    return render(result.rubric_title, lang) if result.rubric_title is not None else result.rubric


def note_texts(result: Result, lang: str = "en") -> list[str]:
    """The result's notes, one line each, repeats folded."""
    return list(dict.fromkeys(render(note, lang) for note in result.notes))


def late_message(late: LateRecord) -> Message | None:
    """What a student reads of the due time's bearing on the total; None when on time."""
    if late.needs_review:
        return Message("late.marked_no_time", {})
    if late.minutes_late is None or late.minutes_late == 0:
        return None
    hours = late.minutes_late / 60  # "0.5", "3", "26": a tenth of an hour under ten hours, whole ones above
    shown = f"{hours:.1f}".removesuffix(".0") if hours < 10 else f"{hours:.0f}"
    if late.percent == 0:
        return Message("late.within_grace", {"hours": shown})
    return Message("late.penalty", {"hours": shown, "percent": f"{late.percent:g}"})


def late_text(late: LateRecord | None, lang: str = "en") -> str:
    """The late line in ``lang`` ("submitted 26 h late: -20%"); empty when on time or no due time."""
    message = None if late is None else late_message(late)
    return "" if message is None else render(message, lang)


@lru_cache(maxsize=len(LANGUAGES) + 1)
def labels(lang: str) -> dict[str, str]:
    """The reports' own words (``label.<key>`` entries) in ``lang``, by key."""
    chosen = lang if lang in LANGUAGES else "en"
    return {
        code.removeprefix("label."): entry[chosen] for code, entry in catalogue().items() if code.startswith("label.")
    }
