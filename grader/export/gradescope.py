"""Gradescope's autograder: the bundle (``setup.sh``, ``run_autograder``) and ``results.json``.

Gradescope builds an image from the bundle by running ``setup.sh`` once, then for each submission
runs ``run_autograder`` with the student's files in ``/autograder/submission``; what it reads back
is the single file ``/autograder/results/results.json`` of its autograder specification: ``score``,
``execution_time`` (whole seconds), ``output`` and ``tests`` (``name``, ``number``, ``score``,
``max_score``, ``status``, ``output``, ``tags``, ``visibility``).
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..fileio import SHARED, write_text_atomic
from ..i18n import feedback_text, render, title_text
from ..models.results import Message, Result
from .options import DEFAULT_OPTIONS, ExportOptions
from .summary import feedback_digest, file_stem, student_key

GRADESCOPE_DIR = "gradescope"
GRADESCOPE_RESULTS_DIR = "gradescope_results"
"""Beside the bundle: each graded submission's ``results.json`` as Gradescope reads it."""
RESULTS_JSON = "/autograder/results/results.json"


def gradescope_results(result: Result, lang: str = "en") -> dict[str, Any]:
    """One submission as Gradescope's ``results.json``: the total, what the student reads, one
    test per rubric item (hidden items hidden until the instructor shows them)."""
    return {
        "score": round(result.score, 4),
        "execution_time": round(result.duration_s),
        "output": feedback_digest(result, lang),
        "output_format": "text",
        "stdout_visibility": "hidden",
        "tests": [
            {
                "name": title_text(item, lang) or item.id,
                "number": str(position),
                "score": round(item.points, 4),
                "max_score": round(item.max_points, 4),
                "status": "passed" if item.passed else "failed",
                "output": feedback_text(item, lang),
                "output_format": "text",
                "tags": [item.check] if item.check else [],
                "visibility": "hidden" if item.visibility == "hidden" else "visible",
            }
            for position, item in enumerate(result.items, start=1)
        ],
    }


def _unscored(text: str) -> str:
    """A results.json for a submission the grader could not grade: zero, and why."""
    return json.dumps({"score": 0, "output": text, "output_format": "text", "tests": []}, ensure_ascii=False)


SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, on its Ubuntu image when it builds the autograder.
# Put the grader's wheel (uv build, or pip wheel .) beside this file in the bundle zip.
set -euo pipefail
apt-get update
apt-get install -y --no-install-recommends ca-certificates curl bubblewrap
curl -LsSf https://astral.sh/uv/install.sh | env UV_INSTALL_DIR=/usr/local/bin sh
shopt -s nullglob
wheels=(/autograder/source/grader-*.whl)
if [ "${#wheels[@]}" -eq 0 ]; then
  echo "setup.sh: no grader-*.whl in the bundle; add the grader's wheel to the zip" >&2
  exit 1
fi
uv venv --python 3.11 /autograder/venv
uv pip install --python /autograder/venv/bin/python "${wheels[0]}"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for each submission, the student's files in /autograder/submission.
# It grades the first notebook with `grader check` and leaves one file, results.json.
# A rubric file named rubric.yaml beside it in the bundle is used instead of the bundled rubric.
set -u
root="${{AUTOGRADER_ROOT:-/autograder}}"
grader="${{GRADER:-$root/venv/bin/grader}}"
default_rubric={rubric}
rubric="${{GRADER_RUBRIC:-$default_rubric}}"
if [ -f "$root/source/rubric.yaml" ]; then rubric="$root/source/rubric.yaml"; fi
results="$root/results/results.json"
mkdir -p "$root/results"
rm -f "$results"
shopt -s nullglob
notebooks=("$root"/submission/*.ipynb "$root"/submission/*/*.ipynb)
if [ "${{#notebooks[@]}}" -eq 0 ]; then
  cat > "$results" <<'RESULTS_JSON'
{no_notebook}
RESULTS_JSON
  exit 0
fi
"$grader" check "${{notebooks[0]}}" --rubric "$rubric" --lang {lang} --gradescope "$results"
status=$?
if [ ! -s "$results" ]; then
  sed "s/{{status}}/$status/" > "$results" <<'RESULTS_JSON'
{not_graded}
RESULTS_JSON
fi
exit 0
"""


def gradescope_bundle(folder: Path, rubric: str, lang: str = "en") -> Path:
    """``folder`` with ``setup.sh`` and ``run_autograder`` (both executable) grading ``rubric``."""
    not_graded = _unscored(render(Message("gradescope.not_graded", {"status": "{status}"}), lang))
    scripts = {
        "setup.sh": SETUP_SH,
        "run_autograder": RUN_AUTOGRADER.format(
            rubric=shlex.quote(rubric),
            lang=shlex.quote(lang),
            no_notebook=_unscored(render(Message("gradescope.no_notebook", {}), lang)),
            not_graded=not_graded,
        ),
    }
    for name, text in scripts.items():
        path = write_text_atomic(folder / name, text, mode=SHARED)
        os.chmod(path, 0o755)
    return folder


def write_results_json(results: Sequence[Result], folder: Path, lang: str = "en") -> list[Path]:
    """``folder/<student>.json``: each submission's ``results.json`` as graded here (the
    instructor's overrides included), one file per submission named after its student."""
    written, taken = [], set()
    for result in results:
        stem, n = file_stem(student_key(result)), 1
        while stem in taken:
            n += 1
            stem = f"{file_stem(student_key(result))}-{n}"
        taken.add(stem)
        text = json.dumps(gradescope_results(result, lang), ensure_ascii=False, indent=1)
        written.append(write_text_atomic(folder / f"{stem}.json", text + "\n", mode=SHARED))
    return written


def write_gradescope(results: Sequence[Result], results_dir: Path, options: ExportOptions = DEFAULT_OPTIONS) -> Path:
    """``results_dir/gradescope/``: the autograder bundle for the rubric these results were
    graded with (zip its contents, with the grader's wheel, and upload it to Gradescope); beside
    it ``gradescope_results/``, each submission's ``results.json`` as graded here."""
    rubric = results[0].rubric if results else "RUBRIC"
    write_results_json(results, results_dir / GRADESCOPE_RESULTS_DIR, options.lang)
    return gradescope_bundle(results_dir / GRADESCOPE_DIR, rubric, options.lang)
