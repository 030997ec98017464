"""The one exception hierarchy of the grader.

Three families that must never be confused:

* :class:`SubmissionError` - the student's input cannot be graded (not a notebook, an
  unreadable zip).  Exit code 2, a one-line reason.
* :class:`ConfigError` - the instructor's rubric or command line is wrong.  Exit code 2.
* :class:`GraderBug` - the grader itself failed.  Exit code 3.

Failures *inside* the student's code are not exceptions at all: they are evidence
(cell errors, timeouts, a dead kernel) and are graded.
"""

from __future__ import annotations


class GraderError(Exception):
    """Base of every error the grader raises on purpose."""

    exit_code = 3

    def one_line(self) -> str:
        """The message as one line, for stderr."""
        text = " ".join(str(self).split())
        return text or type(self).__name__


class SubmissionError(GraderError):
    """The submission is not something the grader can grade."""

    exit_code = 2


class ConfigError(GraderError):
    """A rubric, a dataset directory or a command-line option is wrong."""

    exit_code = 2


class RubricError(ConfigError):
    """A rubric file is invalid; the message names file, line and field."""


class DatasetError(ConfigError):
    """A dataset file was given but cannot be used."""


class SandboxUnavailable(ConfigError):
    """Sandboxing was required but bubblewrap cannot run here."""


class GraderBug(GraderError):
    """The grader itself failed (a defect, or the machine: a full disk, a lost worker)."""

    exit_code = 3


class GradingStopped(GraderError):
    """The instructor stopped grading (Ctrl-C, SIGTERM): no new notebook is started and the
    running ones are killed; what was graded before is kept.  Exit code 130, as a shell gives
    a command ended by Ctrl-C."""

    exit_code = 130
