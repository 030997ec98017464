"""The test tree's own layout rules."""

from __future__ import annotations

from pathlib import Path


def test_every_nested_conftest_lives_in_a_package():
    """A nested conftest outside a package is imported as `conftest` and shadows the top-level one
    that test modules import their paths and helpers from (`from conftest import ...`)."""
    tests = Path(__file__).parent
    loose = [
        str(c.relative_to(tests))
        for c in tests.rglob("conftest.py")
        if c.parent != tests and not (c.parent / "__init__.py").is_file()
    ]
    assert loose == []
