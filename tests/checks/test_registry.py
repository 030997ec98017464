"""The registry equals ARCHITECTURE.md's table of check kinds; each kind lives in its own module
and lists every catalogue code it emits."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from grader.checks import REGISTRY
from grader.i18n import LANGUAGES, catalogue

REPO = Path(__file__).resolve().parents[2]
CHECKS = REPO / "grader" / "checks"
CODE = re.compile(r"[a-z_]+\.[a-z_]+")


def documented_kinds() -> list[str]:
    """The kinds in the first column of the table under ARCHITECTURE.md's "## Check kinds"."""
    text = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("\n## Check kinds", 1)[1].split("\n## ", 1)[0]
    kinds = []
    for row in section.splitlines():
        match = re.match(r"\|\s*`([a-z_]+)`\s*\|", row.strip())
        if match:
            kinds.append(match.group(1))
    return kinds


def _message_codes(tree: ast.AST) -> set[str]:
    """First arguments of ``Message(...)`` calls that are string literals (both branches of an
    ``a if c else b``)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Message" and node.args:
            first = node.args[0]
            options = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
            found |= {o.value for o in options if isinstance(o, ast.Constant) and isinstance(o.value, str)}
    return found


def _catalogue_strings(tree: ast.AST) -> set[str]:
    """Every string constant of the module that is a catalogue code (a code chosen before the
    ``Message`` call, e.g. ``code = "figure.too_few_lines"``)."""
    codes = catalogue()
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value)
        if node.value in codes
    }


def test_documented_table_is_parsed():
    kinds = documented_kinds()
    assert len(kinds) == len(set(kinds)) >= 15
    assert kinds[0] == "runs"


def test_registry_equals_the_documented_kinds():
    assert sorted(REGISTRY) == sorted(documented_kinds())


@pytest.mark.parametrize("kind", documented_kinds())
def test_each_kind_lives_in_its_own_module(kind):
    assert (CHECKS / f"{kind}.py").is_file()
    spec = REGISTRY[kind]
    assert spec.function.__module__ == f"grader.checks.{kind}"
    assert spec.params.__module__ == f"grader.checks.{kind}"


@pytest.mark.parametrize("kind", documented_kinds())
def test_messages_lists_every_code_the_module_emits(kind):
    module = importlib.import_module(f"grader.checks.{kind}")
    messages = module.MESSAGES
    assert isinstance(messages, tuple) and all(isinstance(c, str) for c in messages)
    assert len(messages) == len(set(messages)), "a code is listed twice"
    tree = ast.parse((CHECKS / f"{kind}.py").read_text(encoding="utf-8"))
    used = _message_codes(tree) | _catalogue_strings(tree)
    assert used, f"no Message codes found in {kind}.py"
    assert sorted(used - set(messages)) == []


@pytest.mark.parametrize("kind", documented_kinds())
def test_every_listed_code_is_in_the_catalogue_in_both_languages(kind):
    entries = catalogue()
    for code in importlib.import_module(f"grader.checks.{kind}").MESSAGES:
        assert code in entries, code
        for lang in LANGUAGES:
            assert entries[code].get(lang, "").strip(), f"{code} has no {lang} text"
    assert {"en", "id"} <= set(LANGUAGES)


def test_checks_import_nothing_of_grader_but_models():
    """The checks stage may import only ``grader.models`` (and its own modules)."""
    for path in sorted(CHECKS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level == 0:
                    target = node.module or ""
                elif node.level == 1:
                    target = f"grader.checks.{node.module}" if node.module else "grader.checks"
                else:
                    target = "grader." + (node.module or "")
            elif isinstance(node, ast.Import):
                target = " ".join(a.name for a in node.names)
            else:
                continue
            for name in target.split():
                if name == "grader" or name.startswith("grader."):
                    assert name.startswith(("grader.models", "grader.checks")), f"{path.name} imports {name}"
