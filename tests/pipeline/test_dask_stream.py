"""The Dask executor's loop on fake futures: results stream to ``on_graded`` as they arrive, a
submission whose worker died is sent once more to another worker, then recorded as failed."""

from __future__ import annotations

from collections import deque
from pathlib import Path
from types import SimpleNamespace

import pytest
from distributed.scheduler import KilledWorker

from grader.errors import GradingStopped
from grader.i18n import feedback_text
from grader.models.rubric import Rubric
from grader.models.submission import Submission
from grader.pipeline import Graded, GradeSettings, Job, invalid_result
from grader.pipeline.dask_executor import stream

RUBRIC = Rubric.model_validate(
    {
        "schema": 1,
        "name": "r",
        "title": "R",
        "items": [
            {"id": "runs", "title": "runs", "check": "runs", "points": 2},
            {"id": "out", "title": "out", "check": "runs", "points": 3},
        ],
    }
)


def _jobs(n: int) -> list[Job]:
    settings = GradeSettings(RUBRIC)
    return [Job(Submission(Path(f"/c/s{i}.ipynb"), f"s{i}.ipynb"), settings, f"s{i}") for i in range(n)]


def _graded(job: Job, note: str) -> Graded:
    return Graded(invalid_result(job.submission, RUBRIC, note), None)


class FakeFuture:
    def __init__(self, outcome: object) -> None:
        self.outcome = outcome
        self.status = "error" if isinstance(outcome, BaseException) else "finished"
        self.cancelled = False

    def result(self) -> object:
        return self.outcome

    def exception(self) -> object:
        return self.outcome

    def cancel(self) -> None:
        self.cancelled = True


class Completed:
    """as_completed in the order futures were sent (a re-sent one goes to the back)."""

    def __init__(self, futures: list[FakeFuture]) -> None:
        self.queue = deque(futures)

    def is_empty(self) -> bool:
        return not self.queue

    def has_ready(self) -> bool:
        return bool(self.queue)

    def __next__(self) -> FakeFuture:
        return self.queue.popleft()

    def add(self, future: FakeFuture) -> None:
        self.queue.append(future)


def killed(worker: str, allowed_failures: int = 0) -> KilledWorker:
    return KilledWorker("grade-x", SimpleNamespace(address=worker), allowed_failures)


class Cluster:
    """Submits: each job's n-th try gives ``script[index][n]`` (default: graded)."""

    def __init__(self, jobs: list[Job], script: dict[int, list[object]]) -> None:
        self.jobs, self.script = jobs, script
        self.sent: list[tuple[int, tuple[str, ...]]] = []
        self.futures: list[FakeFuture] = []

    def submit(self, index: int, job: Job, avoid: tuple[str, ...]) -> FakeFuture:
        tries = [i for i, _ in self.sent].count(index)
        self.sent.append((index, avoid))
        planned = self.script.get(index, [])
        outcome = planned[tries] if tries < len(planned) else _graded(job, f"try {tries + 1}")
        future = FakeFuture(outcome)
        self.futures.append(future)
        return future


def _run(n: int, script: dict[int, list[object]]):
    jobs = _jobs(n)
    cluster = Cluster(jobs, script)
    calls: list[tuple[int, str]] = []

    def record(index: int, job: Job, graded: Graded) -> None:
        calls.append((index, graded.result.reason or ""))

    results = stream(jobs, cluster.submit, record, completed=Completed)
    return jobs, cluster, calls, results


def test_each_result_reaches_on_graded_as_it_arrives_and_results_keep_the_jobs_order():
    _, cluster, calls, results = _run(3, {})
    assert calls == [(0, "try 1"), (1, "try 1"), (2, "try 1")]
    assert [g.result.submission for g in results] == ["s0.ipynb", "s1.ipynb", "s2.ipynb"]
    assert cluster.sent == [(0, ()), (1, ()), (2, ())]


def test_a_submission_whose_worker_died_is_sent_once_more_avoiding_that_worker():
    _, cluster, calls, results = _run(3, {1: [killed("tcp://w1:1")]})
    assert cluster.sent == [(0, ()), (1, ()), (2, ()), (1, ("tcp://w1:1",))]
    assert calls == [(0, "try 1"), (2, "try 1"), (1, "try 2")]  # streamed: 1 comes when it is done
    assert [g.result.reason for g in results] == ["try 1", "try 2", "try 1"]


def test_killed_twice_is_recorded_as_failed_with_the_reason_and_nothing_judged():
    _, cluster, calls, results = _run(2, {0: [killed("tcp://w1:1"), killed("tcp://w2:2")]})
    assert [i for i, _ in cluster.sent] == [0, 1, 0]  # never a third try
    lost = results[0].result
    assert lost.status == "error" and lost.score == 0 and lost.max_score == 5
    assert lost.reason is not None and "died 2 times" in lost.reason and "tcp://w1:1, tcp://w2:2" in lost.reason
    assert all(not item.judged and item.needs_review and item.points == 0 for item in lost.items)
    assert [m.code for item in lost.items for m in item.messages] == ["run.worker_lost"] * 2
    for lang in ("en", "id"):
        text = feedback_text(lost.items[0], lang)
        assert text and "run.worker_lost" not in text
    assert "not your doing" in feedback_text(lost.items[0], "en")
    assert "bukan kesalahan Anda" in feedback_text(lost.items[0], "id")
    assert results[1].result.reason == "try 1" and [i for i, _ in calls] == [1, 0]


def test_a_scheduler_that_already_reran_it_gets_no_further_try():
    _, cluster, _, results = _run(1, {0: [killed("tcp://w1:1", allowed_failures=3)]})
    assert [i for i, _ in cluster.sent] == [0]
    assert results[0].result.status == "error" and "died 4 times" in (results[0].result.reason or "")


def test_any_other_error_in_a_job_is_the_graders_and_stops_the_run():
    jobs = _jobs(3)
    cluster = Cluster(jobs, {0: [RuntimeError("the grader broke")]})
    with pytest.raises(RuntimeError, match="the grader broke"):
        stream(jobs, cluster.submit, None, completed=Completed)
    assert [f.cancelled for f in cluster.futures] == [False, True, True]  # the rest is not run


def test_no_more_jobs_are_out_than_the_cluster_has_threads():
    jobs = _jobs(5)
    cluster = Cluster(jobs, {1: [killed("tcp://w1:1")]})
    most = []

    class Watched(Completed):
        def __next__(self) -> FakeFuture:
            most.append(len(self.queue))
            return self.queue.popleft()

    results = stream(jobs, cluster.submit, None, capacity=lambda: 2, completed=Watched)
    assert max(most) == 2 and len(results) == 5
    # the lost one goes out again before the jobs still waiting
    assert [i for i, _ in cluster.sent] == [0, 1, 2, 1, 3, 4]


def test_a_stop_sends_nothing_more_cancels_the_jobs_out_and_keeps_what_arrived():
    jobs = _jobs(5)
    cluster = Cluster(jobs, {})
    arrived: list[int] = []

    def record(index: int, job: Job, graded: Graded) -> None:
        arrived.append(index)

    with pytest.raises(GradingStopped):
        stream(jobs, cluster.submit, record, capacity=lambda: 2, completed=Completed, stopped=lambda: len(arrived) >= 2)
    assert arrived == [0, 1]
    sent = [i for i, _ in cluster.sent]
    assert sent == [0, 1, 2, 3]  # nothing after the stop; the two out when it came are cancelled
    assert [f.cancelled for f in cluster.futures] == [False, False, True, True]


def test_the_paths_a_worker_needs_are_the_notebook_its_files_the_data_and_the_output_folders(tmp_path):
    from grader.cache import EvidenceCache
    from grader.pipeline.dask_executor import needed_paths

    settings = GradeSettings(RUBRIC, tmp_path / "data", False, EvidenceCache(tmp_path / "cache"), work_root=None)
    job = Job(Submission(tmp_path / "a.ipynb", "a.ipynb", siblings=(tmp_path / "a.csv",)), settings, "a")
    reads, writes = needed_paths([job, job])
    assert reads == [str(tmp_path / "a.ipynb"), str(tmp_path / "a.csv"), str(tmp_path / "data")]
    assert writes == [tmp_path / "cache"]


def test_a_worker_that_cannot_see_the_paths_or_the_marker_is_refused_in_one_line(tmp_path):
    from grader import __version__
    from grader.errors import ConfigError
    from grader.pipeline.dask_executor import _refuse_worker, worker_view

    marker = tmp_path / ".grader-shared-x"
    marker.write_text("token")
    version, missing, problem = worker_view([str(tmp_path)], {str(marker): "token"}, sandboxed=False)
    assert (version, missing, problem) == (__version__, [], "")
    _refuse_worker("tcp://w:1", version, missing, problem)  # nothing to refuse
    # another machine: a folder of the same name holds another marker, a notebook is not there
    _, missing, _ = worker_view([str(tmp_path / "gone.ipynb")], {str(marker): "other"}, sandboxed=False)
    assert missing == [str(tmp_path / "gone.ipynb"), str(tmp_path)]
    with pytest.raises(ConfigError, match=r"tcp://w:1 cannot see .*gone.ipynb \(and 1 more\): workers must see"):
        _refuse_worker("tcp://w:1", version, missing, "")
    with pytest.raises(ConfigError, match=r"runs grader 0\.0\.1, this grader is"):
        _refuse_worker("tcp://w:1", "0.0.1", [], "")
    with pytest.raises(ConfigError, match="tcp://w:1 cannot sandbox: no bwrap"):
        _refuse_worker("tcp://w:1", version, [], "no bwrap")


def test_a_job_whose_notebook_the_worker_cannot_see_is_an_error_with_the_reason():
    from grader.pipeline.dask_executor import grade_remote

    job = _jobs(1)[0]  # /c/s0.ipynb is on no machine
    result = grade_remote(job).result
    assert result.status == "error" and result.reason is not None
    assert "cannot see /c/s0.ipynb: workers must see" in result.reason
    assert all(not i.judged and i.needs_review for i in result.items)
    assert {m.code for i in result.items for m in i.messages} == {"run.grader_fault"}
