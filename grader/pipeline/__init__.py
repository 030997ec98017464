"""The one place that composes the stages: plan → grade (one or many) → write outputs.

``plan``     submissions × rubric × settings, for as long as a zip's unpacked copy lives
             (``open_jobs``; :mod:`.plan`, :mod:`.settings`)
``grade``    intake → execute → evidence → checks → score, one submission or many in
             parallel (threads here, or a Dask cluster: :mod:`.executors`,
             :mod:`.dask_executor`), with a callback as each finishes (:mod:`.grade`)
``outputs``  JSON and HTML per submission the moment it is graded, ``results.jsonl`` and the
             class page; a graded folder rendered again in another language (:mod:`.outputs`)
``classrun`` a class into its gradebook: unchanged submissions reused, each result committed
             (and its reports written) as it arrives, the class page rewritten as they come
             (:mod:`.classrun`; :mod:`.activity` says which notebooks run now), the
             instructor's overrides applied to each
``review``   what in a graded folder needs a person; an instructor's override recorded and
             written at once into that submission's reports and the class page (:mod:`.review`)

Commands only parse arguments, call these and print.
"""

from __future__ import annotations

from .executors import ExecutorChoice, parse_executor
from .grade import (
    STATUS,
    Graded,
    check_all,
    gather_evidence,
    grade_jobs,
    grade_submission,
    invalid_result,
    lost_result,
    run_submission,
)
from .outputs import CLASS_PAGE, STUDENT_REPORT, render_again, write_class_outputs, write_submission_outputs
from .plan import Job, open_jobs, plan_jobs, report_name, rubric_for
from .settings import (
    GradeSettings,
    cache_from,
    data_dir_from,
    environment_for,
    prune_cache,
    resolve_test_files,
    rubric_from,
    sandbox_choice,
)

__all__ = [
    "CLASS_PAGE",
    "STATUS",
    "STUDENT_REPORT",
    "ExecutorChoice",
    "GradeSettings",
    "Graded",
    "Job",
    "cache_from",
    "check_all",
    "data_dir_from",
    "environment_for",
    "gather_evidence",
    "grade_jobs",
    "grade_submission",
    "invalid_result",
    "lost_result",
    "open_jobs",
    "parse_executor",
    "plan_jobs",
    "prune_cache",
    "render_again",
    "report_name",
    "resolve_test_files",
    "rubric_for",
    "rubric_from",
    "run_submission",
    "sandbox_choice",
    "write_class_outputs",
    "write_submission_outputs",
]
