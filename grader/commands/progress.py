"""Progress of a class's grading on stderr: a live bar on a terminal (rich), plain lines otherwise
(CI logs, LMS scripts), one per finished notebook."""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import Any, Protocol, TextIO

from ..models.results import Result
from ..pipeline.activity import now_running


class Progress(Protocol):
    """What the grade command tells as a class is graded."""

    def done(self, index: int, result: Result) -> None:
        """Job ``index`` (of the whole class, from 0) finished with ``result``."""

    def close(self) -> None:
        """Grading ended (finished or stopped)."""


def result_line(index: int, total: int, result: Result) -> str:
    """``[3/30] path: 80/100 graded (4 s)``, with the reason of a grader fault."""
    return (
        f"[{index + 1}/{total}] {result.submission}: {round(result.score, 1):g}/{result.max_score:g} {result.status} "
        f"({result.duration_s:.0f} s)" + (f": {result.reason}" if result.status == "error" else "")
    )


class Lines:
    """One plain line per finished notebook."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.stream = total, stream

    def done(self, index: int, result: Result) -> None:
        print(result_line(index, self.total, result), file=self.stream, flush=True)

    def close(self) -> None:
        pass


class Live:
    """A rich progress bar: done of total, ETA, counts by status and the notebooks running now."""

    def __init__(self, total: int, already: int, stream: TextIO) -> None:
        from rich.console import Console
        from rich.live import Live as RichLive
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.counts: Counter[str] = Counter()
        self.total = total
        self.console = Console(file=stream)
        self.bar = RichLive(self, console=self.console, refresh_per_second=4, transient=False)
        from rich.progress import Progress as RichProgress

        self.progress = RichProgress(
            TextColumn("grading"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
        )
        self.task = self.progress.add_task("grading", total=total - already)
        self.started = time.monotonic()
        self.bar.start()

    def __rich__(self) -> Any:
        from rich.console import Group
        from rich.text import Text

        counts = ", ".join(f"{n} {status}" for status, n in sorted(self.counts.items())) or "nothing finished yet"
        running = now_running()
        shown = ", ".join(running[:4]) + (f" and {len(running) - 4} more" if len(running) > 4 else "")
        return Group(self.progress, Text(f"  {counts}"), Text(f"  running: {shown or '-'}", overflow="ellipsis"))

    def done(self, index: int, result: Result) -> None:
        self.counts[result.status] += 1
        self.progress.advance(self.task)
        if result.status == "error":  # a grader fault is said in full, above the bar
            self.console.print(result_line(index, self.total, result))

    def close(self) -> None:
        self.bar.stop()


def progress_for(total: int, already: int, stream: TextIO | None = None) -> Progress:
    """A live bar when ``stream`` (stderr) is a terminal, else plain lines."""
    out = stream or sys.stderr
    if out.isatty():
        return Live(total, already, out)
    return Lines(total, out)
