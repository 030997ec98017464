"""Planning a run: which submissions, graded with which rubric, reported under which file name."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..intake import open_submissions
from ..models.rubric import Rubric
from ..models.submission import Submission
from ..rubric.locate import rubric_names
from .settings import GradeSettings, rubric_from


@dataclass(frozen=True)
class Job:
    """One submission to grade, how, and the file stem of its reports."""

    submission: Submission
    settings: GradeSettings
    stem: str


def report_name(submission: Submission, root: Path) -> str:
    """A file-name-safe, unique stem for a submission's reports."""
    path = submission.path
    try:
        if root.is_dir():
            relative = path.relative_to(root)
        elif root.suffix.lower() == ".zip":  # shown as download.zip/<student folder>/tugas.ipynb
            relative = Path(submission.display).relative_to(root)
        else:
            relative = Path(path.name)
    except ValueError:
        relative = Path(submission.display)
    stem = "__".join(relative.with_suffix("").parts)
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stem)[:150] or "submission"


def _sidecar_rubric(submission: Submission) -> str | None:
    sidecar = submission.path.with_suffix(".expected.json")
    if not sidecar.exists():
        return None
    try:
        name = json.loads(sidecar.read_text(encoding="utf-8")).get("rubric")
    except (OSError, json.JSONDecodeError):
        return None
    if not name:
        return None
    local = sidecar.parent / str(name)
    return str(local) if str(name).endswith((".yaml", ".yml")) and local.is_file() else str(name)


def rubric_for(submission: Submission, root: Path, explicit: str | None) -> str:
    """The rubric for one submission: the one named on the command line; else a bundled rubric
    named by a folder on the submission's path; else a ``rubric.yaml`` in one of those folders;
    else the ``rubric`` of a ``<notebook>.expected.json`` beside it."""
    if explicit:
        return explicit
    names = set(rubric_names())
    try:
        parts = submission.path.relative_to(root).parts[:-1] if root.is_dir() else ()
    except ValueError:
        parts = ()
    for part in reversed(parts):
        if part in names:
            return part
    for depth in range(len(parts), -1, -1):
        own = root.joinpath(*parts[:depth]) / "rubric.yaml"
        if root.is_dir() and own.is_file():
            return str(own)
    chosen = _sidecar_rubric(submission)
    if chosen:
        return chosen
    raise ConfigError(
        f"{submission.display}: no --rubric given and no folder on its path names a bundled "
        f"rubric ({', '.join(sorted(names))}) or holds a rubric.yaml"
    )


@contextmanager
def open_jobs(
    source: Path,
    rubric: str | None,
    settings_for: Callable[[Rubric], GradeSettings],
    warn: Callable[[str], None] = lambda line: None,
) -> Iterator[list[Job]]:
    """The jobs of every submission in ``source`` (file, folder or zip), for the length of a
    ``with`` block: grade them inside it.  A zip's unpacked copy is removed when the block
    ends, however it ends (graded, an error, Ctrl-C); what a zip held that was not unpacked is
    said through ``warn``, one line each."""
    with open_submissions(source, warn) as submissions:
        yield plan_jobs(submissions, source, rubric, settings_for)


def plan_jobs(
    submissions: Sequence[Submission],
    source: Path,
    rubric: str | None,
    settings_for: Callable[[Rubric], GradeSettings],
) -> list[Job]:
    """Each submission found in ``source`` with its rubric's settings; each rubric is loaded and
    validated once."""
    settings: dict[str, GradeSettings] = {}
    jobs = []
    for submission in submissions:
        name = rubric_for(submission, source, rubric)
        if name not in settings:
            settings[name] = settings_for(rubric_from(name))
        jobs.append(Job(submission, settings[name], report_name(submission, source)))
    return jobs
