"""Habits of real student notebooks that must not stop a grading run.

* ``!pip install`` / ``%pip`` / ``!apt-get`` / ``%conda`` lines are skipped (the environment
  is fixed and offline);
* ``!wget URL`` / ``!curl -o FILE URL`` of a staged dataset copy the staged file instead;
* reads of a staged dataset by another path or a URL are served (:mod:`.hooks_data`);
* ``from google.colab import drive, files, output`` works, and ``%tensorflow_version`` is a
  no-op (:mod:`.colab`).

Each is recorded as a note so the report can say what was done on the student's behalf.
"""

from __future__ import annotations

import os
import re
import shlex
import sys

from . import colab, hooks_data
from .importhook import PatchFinder
from .session import Session

_INSTALLER = (
    r"(?:sudo\s+)?(?:pip3?|conda|mamba|micromamba|apt(?:-get)?|(?:uv\s+)?pip|"
    r"(?:python3?|\{sys\.executable\})\s+-m\s+pip)"
)
PIP_LINE = re.compile(rf"^\s*[!%]\s*{_INSTALLER}\b.*$", re.MULTILINE)
DOWNLOAD_LINE = re.compile(r"^(\s*)!\s*(wget|curl)\s+(.*)$")
_WGET_TARGET = {"-O", "--output-document"}
_WGET_DIR = {"-P", "--directory-prefix"}
_CURL_TARGET = {"-o", "--output"}
_SKIPPED_VALUES = {
    "-A",
    "--user-agent",
    "-H",
    "--header",
    "-e",
    "--tries",
    "-t",
    "-T",
    "--timeout",
    "--retry",
    "-m",
    "--max-time",
}


_session: Session | None = None
_CALL = "__import__('grader.probe.{module}', fromlist=['_']).{function}"


def install(session: Session) -> None:
    """Serve datasets, fake google.colab, and rewrite install/download lines."""
    global _session
    _session = session
    finder = PatchFinder(hooks_data.patchers(session), session.hook_error)
    sys.meta_path.insert(0, finder)
    finder.patch_already_imported()
    try:
        hooks_data.patch_builtins(session)
    except Exception as exc:  # a probe habit must never stop the notebook
        session.hook_error("hooks_data.patch_builtins", exc)
    colab.install(session)
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        shell.input_transformers_cleanup.insert(0, rewrite_lines)
        try:
            colab.register_magics(session, shell)
        except Exception as exc:  # a probe habit must never stop the notebook
            session.hook_error("colab.register_magics", exc)


def rewrite_lines(lines: list[str]) -> list[str]:
    """IPython cleanup transformer: install lines become a note, downloads a copy.

    IPython may transform a cell more than once (and before the cell's ``pre_run_cell``),
    so nothing is recorded here: the replacement lines record themselves when they run.
    """
    out = []
    for line in lines:
        if PIP_LINE.match(line):
            call = _CALL.format(module="habits", function="skipped_install")
            out.append(f"{_indent(line)}{call}({line.strip()[:200]!r})\n")
            continue
        download = download_call(line)
        out.append(line if download is None else download)
    return out


def skipped_install(line: str) -> None:
    """What a rewritten ``!pip install`` line runs: a note, nothing installed."""
    if _session is not None:
        _session.recorder.note("install_skipped", line=line)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def download_call(line: str) -> str | None:
    """The Python line replacing a simple ``!wget``/``!curl`` of one URL; None to keep it.

    Pipes, redirections other than ``> FILE`` and several URLs are left to the shell (which,
    offline, fails as it would for the student without network).
    """
    match = DOWNLOAD_LINE.match(line.rstrip("\n"))
    if match is None:
        return None
    indent, tool, rest = match.groups()
    try:
        words = shlex.split(rest)
    except ValueError:
        return None
    redirected = None
    if ">" in words:
        at = words.index(">")
        if at != len(words) - 2:
            return None
        words, redirected = words[:at], words[at + 1]
    parsed = _parse_download(tool, words)
    if parsed is None:
        return None
    url, target, to_file = parsed
    if not (to_file or redirected):
        return None  # curl without -o/-O prints the file: leave such lines alone
    call = _CALL.format(module="hooks_data", function="serve_download")
    return f"{indent}{call}({url!r}, {target or redirected!r})\n"


def _parse_download(tool: str, words: list[str]) -> tuple[str, str | None, bool] | None:
    """(url, output file or folder, writes a file) of a download command; None if not simple."""
    urls: list[str] = []
    target: str | None = None
    to_file = tool == "wget"
    items = iter(words)
    for word in items:
        if any(c in word for c in "|;&<"):
            return None
        cluster = word[1:] if tool == "curl" and word.startswith("-") and not word.startswith("--") else ""
        if word in (_WGET_TARGET if tool == "wget" else _CURL_TARGET) or cluster.endswith("o"):
            target, to_file = next(items, None), True
        elif tool == "wget" and word in _WGET_DIR:
            target = os.path.join(next(items, "."), "")  # a trailing "/" marks a folder
        elif tool == "wget" and word.startswith("--output-document="):
            target = word.split("=", 1)[1]
        elif word == "--remote-name" or "O" in cluster:
            to_file = True
        elif word in _SKIPPED_VALUES:
            next(items, None)
        elif not word.startswith("-"):
            urls.append(word)
    if len(urls) != 1 or target == "-":
        return None
    return urls[0], target, to_file
