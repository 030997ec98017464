"""``grader grade SUBMISSIONS --out DIR``: grade a whole class into JSON and HTML reports."""

from __future__ import annotations

import json
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..errors import ConfigError
from ..fileio import write_json_atomic
from ..intake import collect_submissions
from ..models.submission import Submission
from ..pipeline import Graded, GradeSettings, grade_submission
from ..rubric.locate import rubric_names
from .setup import cache_from, data_dir_from, rubric_from, sandbox_choice, settings_for


def report_name(submission: Submission, root: Path) -> str:
    """A file-name-safe, unique stem for a submission's reports."""
    path = submission.path
    try:
        relative = path.relative_to(root) if root.is_dir() else Path(path.name)
    except ValueError:
        relative = Path(submission.display)
    stem = "__".join(relative.with_suffix("").parts)
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stem)[:150] or "submission"


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
    sidecar = submission.path.with_suffix(".expected.json")
    if sidecar.exists():
        try:
            name = json.loads(sidecar.read_text(encoding="utf-8")).get("rubric")
        except (OSError, json.JSONDecodeError):
            name = None
        if name:
            local = sidecar.parent / str(name)
            return str(local) if str(name).endswith((".yaml", ".yml")) and local.is_file() else str(name)
    raise ConfigError(
        f"{submission.display}: no --rubric given and no folder on its path names a bundled "
        f"rubric ({', '.join(sorted(names))}) or holds a rubric.yaml"
    )


def main(
    *,
    submissions: str,
    out: str,
    rubric: str | None = None,
    data_dir: str | None = None,
    lang: str = "en",
    workers: int = 1,
    executor: str = "local",
    cache_dir: str | None = None,
    no_cache: bool = False,
    no_sandbox: bool = False,
) -> int:
    """Grade every notebook found in ``submissions`` and write reports into ``out``."""
    if executor != "local":
        raise ConfigError(
            f"--executor {executor}: only 'local' is available in this version (the dask executor is not built yet)"
        )
    if workers < 1:
        raise ConfigError("--workers must be at least 1")
    root = Path(submissions)
    found = collect_submissions(root)
    sandboxed, warning = sandbox_choice(required=True, allowed=not no_sandbox)
    if warning:
        print(f"grader: {warning}", file=sys.stderr)
    data = data_dir_from(data_dir)
    cache = cache_from(cache_dir, no_cache)
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    settings: dict[str, GradeSettings] = {}
    plan = []
    for submission in found:
        name = rubric_for(submission, root, rubric)
        if name not in settings:
            loaded, folder = rubric_from(name)
            settings[name] = settings_for(
                loaded,
                folder,
                data_dir=data,
                lang=lang,
                cache=cache,
                sandboxed=sandboxed,
                work_root=out_dir / ".work" if cache is None else None,
            )
        plan.append((submission, settings[name]))

    def one(index_and_job: tuple[int, tuple[Submission, GradeSettings]]) -> tuple[Submission, Graded]:
        index, (submission, setting) = index_and_job
        graded = grade_submission(submission, setting)
        r = graded.result
        print(
            f"[{index + 1}/{len(plan)}] {submission.display}: {round(r.score, 1):g}/{r.max_score:g} {r.status} "
            f"({r.duration_s:.0f} s)",
            file=sys.stderr,
        )
        return submission, graded

    with ThreadPoolExecutor(max_workers=workers) as pool:
        graded_all = list(pool.map(one, enumerate(plan)))
    write_reports(graded_all, root, out_dir, lang)
    return 0 if all(g.result.all_required_passed for _, g in graded_all) else 1


def write_reports(graded_all: list[tuple[Submission, Graded]], root: Path, out_dir: Path, lang: str) -> None:
    """Per-submission JSON and HTML, ``results.jsonl`` and the class page ``index.html``."""
    from ..fileio import write_text_atomic
    from ..report import render_class_html, render_submission_html

    links = {}
    lines = []
    for submission, graded in graded_all:
        stem = report_name(submission, root)
        write_json_atomic(out_dir / f"{stem}.json", graded.result.to_json(), indent=1)
        html = render_submission_html(graded.result, graded.evidence, lang=lang)
        write_text_atomic(out_dir / f"{stem}.html", html)
        links[graded.result.submission] = f"{stem}.html"
        lines.append(json.dumps(graded.result.to_json(), ensure_ascii=False))
    write_text_atomic(out_dir / "results.jsonl", "\n".join(lines) + "\n")
    results = [g.result for _, g in graded_all]
    write_text_atomic(out_dir / "index.html", render_class_html(results, lang=lang, links=links))
