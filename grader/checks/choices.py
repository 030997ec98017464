"""Rubric values that may name one acceptable item or a list of them."""

from __future__ import annotations


def one_of(value: object | list[object] | None) -> list[object]:
    """A rubric value that may be one item or a list of acceptable items."""
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]
