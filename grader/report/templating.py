"""The jinja2 environment shared by the submission and class reports."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

TEMPLATES = Path(__file__).with_name("templates")
# An item's facts are JSON-safe but may be long (row lists, histories): a line is enough.
FACT_LIMIT = 160


def compact(value: Any) -> str:
    """A fact value on one short line: strings as they are, anything else as compact JSON."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    return text if len(text) <= FACT_LIMIT else text[: FACT_LIMIT - 1] + "…"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Autoescaping, strict about undefined names (a typo in a template fails its test)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["compact"] = compact
    return env


def render_template(name: str, **context: Any) -> str:
    """Render one template of ``grader/report/templates`` with ``context``."""
    return environment().get_template(name).render(**context)
