"""Habits of real student notebooks that must not stop a grading run.

``!pip install`` / ``%pip`` lines are skipped (the environment is fixed and offline) with a
note in the evidence.  More habits (Colab, data URLs) are added by the grading-environment
work; each is recorded so the report can say what was done on the student's behalf.
"""

from __future__ import annotations

import re
from typing import Any

from .session import Session

PIP_LINE = re.compile(r"^\s*[!%]\s*(pip3?|conda|apt(-get)?)\b.*$", re.MULTILINE)


def install(session: Session) -> None:
    """Register the input transformer that skips package-install lines."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def skip_installs(lines: list[str]) -> list[str]:
        out = []
        for line in lines:
            if PIP_LINE.match(line):
                session.recorder.note("install_skipped", line=line.strip()[:200])
                indent = line[: len(line) - len(line.lstrip())]
                out.append(f"{indent}pass  # grader: skipped {line.strip()[:60]!r}\n")
            else:
                out.append(line)
        return out

    shell.input_transformers_cleanup.insert(0, skip_installs)


