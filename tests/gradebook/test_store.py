"""The gradebook store on SQLite in a temporary folder (no kernel)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from grader.errors import ConfigError
from grader.gradebook import Gradebook, RunKey, SubmissionInfo, database_url
from grader.models.results import ItemResult, Message, Result

KEY = RunKey("perceptron", "r" * 64, 1, "0.1.0", "own settings:abc")


def _info(display: str = "subs/ana.ipynb", content: str = "a", student: str | None = "111") -> SubmissionInfo:
    return SubmissionInfo(display=display, stem=Path(display).stem, student=student, file_hash=content * 64)


def _result(display: str = "subs/ana.ipynb", status: str = "graded", score: float = 7.0) -> Result:
    items = (
        ItemResult(
            id="p.runs",
            check="runs",
            title=Message.words("Runs", "Berjalan"),
            points=score,
            max_points=10.0,
            passed=score >= 10.0,
            messages=(Message("runs.ok", {"cells": 3}),),
            evidence={"cells": 3},
        ),
    )
    return Result(
        submission=display,
        student="111",
        rubric="perceptron",
        status=status,  # type: ignore[arg-type]
        score=score,
        max_score=10.0,
        duration_s=1.5,
        items=items,
        cells=(),
        rubric_title=Message.words("Perceptron", "Perseptron"),
    )


@pytest.fixture
def book(tmp_path: Path) -> Gradebook:
    with Gradebook(database_url(None, tmp_path)) as opened:
        yield opened


def test_the_default_gradebook_is_a_sqlite_file_in_the_output_folder(tmp_path: Path) -> None:
    assert database_url(None, tmp_path) == f"sqlite:///{tmp_path.resolve() / 'gradebook.sqlite'}"
    assert database_url("other.db", tmp_path).endswith("/other.db")
    assert database_url("postgresql+psycopg://u@h/db", tmp_path) == "postgresql+psycopg://u@h/db"
    Gradebook(database_url(None, tmp_path)).close()
    tables = sqlite3.connect(tmp_path / "gradebook.sqlite").execute("select name from sqlite_master").fetchall()
    assert {"students", "submissions", "runs", "item_results", "overrides", "history"} <= {t[0] for t in tables}


def test_a_gradebook_that_cannot_be_opened_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot open the gradebook"):
        Gradebook(f"sqlite:///{tmp_path}/no/such/folder/book.sqlite")


def test_registering_twice_gives_the_same_row_and_new_content_a_new_one(book: Gradebook) -> None:
    first = book.register(_info())
    assert book.register(_info()) == first
    changed = book.register(_info(content="b"))
    assert changed != first
    assert [e for e, *_ in book.history("received")] == ["received", "received"]


def test_a_recorded_result_comes_back_whole_and_only_under_the_same_key(book: Gradebook) -> None:
    sid = book.register(_info())
    assert book.previous(sid, KEY) is None
    book.record(sid, KEY, _result())
    assert book.previous(sid, KEY) == _result()
    for changed in (
        replace(KEY, rubric_hash="s" * 64),
        replace(KEY, grader_version="0.2.0"),
        replace(KEY, environment="colab-123 settings:abc"),
        replace(KEY, rubric="activations"),
    ):
        assert book.previous(sid, changed) is None, changed
    assert book.previous(book.register(_info(content="b")), KEY) is None
    assert book.run_count() == 1 and book.run_count(sid) == 1


def test_the_latest_grading_is_the_one_reused_and_a_grader_fault_never_is(book: Gradebook) -> None:
    sid = book.register(_info())
    book.record(sid, KEY, _result(score=3.0))
    book.record(sid, KEY, _result(score=9.0))
    assert book.previous(sid, KEY).score == 9.0
    other = book.register(_info("subs/budi.ipynb", student="222"))
    book.record(other, KEY, _result("subs/budi.ipynb", status="error", score=0.0))
    assert book.previous(other, KEY) is None
    latest = book.latest_results()
    assert (latest[sid].score, latest[other].status) == (9.0, "error")
    assert [e for e, *_ in book.history("graded")] == ["graded"] * 3


def test_results_are_committed_at_once(book: Gradebook, tmp_path: Path) -> None:
    sid = book.register(_info())
    book.record(sid, KEY, _result())
    # another connection (another process) sees it before this gradebook is closed
    rows = sqlite3.connect(tmp_path / "gradebook.sqlite").execute("select status, score from runs").fetchall()
    assert rows == [("graded", 7.0)]
    items = sqlite3.connect(tmp_path / "gradebook.sqlite").execute("select item_id, points from item_results")
    assert items.fetchall() == [("p.runs", 7.0)]


def test_superseded_marks_are_kept_and_undone(book: Gradebook) -> None:
    old, new = book.register(_info(content="a")), book.register(_info("subs/ana2.ipynb", content="b"))
    book.mark_superseded([old], [new])
    assert book.superseded_ids() == {old}
    book.mark_superseded([], [old, new])
    assert book.superseded_ids() == set()
    assert [e for e, *_ in book.history() if e in ("superseded", "counted")] == ["superseded", "counted"]


def test_overrides_are_kept_per_submission_and_item(book: Gradebook) -> None:
    sid = book.register(_info())
    book.record(sid, KEY, _result())
    first = book.record_override("subs/ana.ipynb", "perceptron", "p.runs", 10, comment="ran on Colab", author="bu Sari")
    book.record_override("ana", "perceptron", "p.runs", 8)  # named by its report stem
    found = book.overrides_for("subs/ana.ipynb")
    assert [(o.item_id, o.points, o.comment) for o in found] == [
        ("p.runs", 10.0, "ran on Colab"),
        ("p.runs", 8.0, None),
    ]
    assert found[0] == first and first.author == "bu Sari"
    assert book.overrides_for("subs/ana.ipynb", rubric="activations") == []
    assert len(book.history("override")) == 2
    with pytest.raises(ConfigError, match="no such submission"):
        book.record_override("subs/nobody.ipynb", "perceptron", "p.runs", 1)


def test_a_reopened_gradebook_keeps_everything(tmp_path: Path) -> None:
    url = database_url(None, tmp_path)
    with Gradebook(url) as book:
        sid = book.register(_info())
        book.record(sid, KEY, _result())
    with Gradebook(url) as again:
        assert again.register(_info()) == sid
        assert again.previous(sid, KEY) == _result()


def test_the_override_that_holds_is_the_latest_of_each_item(book: Gradebook) -> None:
    sid = book.register(_info())
    book.record_override("ana", "perceptron", "p.runs", 10, comment="first")
    book.record_override("ana", "perceptron", "p.runs", 8, comment="second", author="Sari")
    book.record_override("ana", "perceptron", "p.split", 0)
    book.record_override("ana", "activations", "a.plot", 4)
    held = book.held_overrides(sid, "perceptron")
    assert sorted(held) == ["p.runs", "p.split"]
    assert (held["p.runs"].points, held["p.runs"].comment, held["p.runs"].author) == (8, "second", "Sari")
    assert held["p.runs"].at is not None and not held["p.runs"].earlier_version
    assert book.held_overrides_named("subs/ana.ipynb", "activations")["a.plot"].points == 4
    assert book.held_overrides_named("subs/nobody.ipynb", "perceptron") == {}


def test_an_override_holds_on_a_changed_file_marked_as_made_on_an_earlier_version(book: Gradebook) -> None:
    old = book.register(_info(content="a"))
    book.record_override("subs/ana.ipynb", "perceptron", "p.runs", 9, comment="ok")
    new = book.register(_info(content="b"))  # the student handed in again under the same path
    assert book.held_overrides(old, "perceptron")["p.runs"].earlier_version is False
    again = book.held_overrides(new, "perceptron")["p.runs"]
    assert (again.points, again.comment, again.earlier_version) == (9, "ok", True)
    other = book.register(_info("subs/budi.ipynb", student="222"))
    assert book.held_overrides(other, "perceptron") == {}  # never another submission's


def test_an_override_can_be_withdrawn(book: Gradebook) -> None:
    sid = book.register(_info())
    book.record_override("ana", "perceptron", "p.runs", 10)
    book.record_override("ana", "perceptron", "p.runs", 9)
    book.record_override("ana", "perceptron", "p.split", 1)
    assert book.remove_override("ana", "perceptron", "p.runs") == 2
    assert sorted(book.held_overrides(sid, "perceptron")) == ["p.split"]
    assert book.remove_override("ana", "perceptron", "p.runs") == 0
    assert [e for e, *_ in book.history() if e.startswith("override")] == ["override"] * 3 + ["override_removed"]
