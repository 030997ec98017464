"""A command imports only what it uses (the fixed cost of every ``grader check``): checking a
notebook loads neither the gradebook's database layer nor Matplotlib nor TensorFlow until a
picture is drawn or a database opened."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sqlalchemy", "alembic", "matplotlib", "tensorflow", "keras", "dask", "distributed")


def _loaded_after(code: str) -> list[str]:
    probe = code + f"\nimport sys\nprint(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return eval(done.stdout.strip().splitlines()[-1])  # a list literal printed above


def test_the_check_command_and_its_pipeline_load_nothing_heavy():
    assert _loaded_after("import grader.cli, grader.commands, grader.commands.check, grader.pipeline") == []


def test_a_picture_drawn_loads_matplotlib_and_a_grade_loads_the_gradebook():
    drawn = _loaded_after(
        "import collections\n"
        "from grader.report.figures import loss_curve_png\n"
        "words = collections.defaultdict(lambda: 'w')\n"
        "assert loss_curve_png({'loss': [1.0, 0.5]}, words) is not None"
    )
    assert "matplotlib" in drawn and "sqlalchemy" not in drawn
    assert "sqlalchemy" in _loaded_after("import grader.commands.grade")
