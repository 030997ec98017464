"""What ``bench/peer.py`` and ``bench/bulk.py`` share: the HCV data, the environment the kernels
run in, the plain nbclient baseline, the machine line and a process tree's peak memory.

Not a bench itself.  The baseline runs nbclient with the grading environment's own interpreter
(the one ``grader`` starts its kernel with), so every tool runs the notebook on the same library
versions; it lets cells fail and goes on (``allow_errors``), as the grader and otter do.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO / "reference" / "11_hcv.ipynb"
EXAMPLES = REPO / "submissions_example" / "hcv"
DATA_FILE = "hcvdat0.csv"
GRADER = str(Path(sys.executable).with_name("grader"))
KEY_PACKAGES = ("python", "tensorflow-cpu", "tensorflow", "keras", "scikit-learn")

PLAIN_SCRIPT = r"""
import json, sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=600, allow_errors=True, kernel_name="python3",
               resources={"metadata": {"path": sys.argv[2]}}).execute()
code = [c for c in nb.cells if c.cell_type == "code"]
failed = [n for n, c in enumerate(code, 1) if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
print(json.dumps({"cells": len(code), "failed": failed}))
"""


def default_data_dir() -> Path:
    """``../shared/data`` beside the checkout (a worktree's parent may not have it: say so)."""
    return REPO.parent / "shared" / "data"


def data_file(data_dir: Path) -> Path:
    """The real HCV file in ``data_dir``, or exit with one line."""
    path = data_dir / DATA_FILE
    if not path.is_file():
        sys.exit(f"no {DATA_FILE} in {data_dir}: pass --data-dir DIR")
    return path


@dataclass(frozen=True)
class KernelEnv:
    """Where the kernels run: the rubric's built environment, else the grader's own."""

    python: str
    grader_args: list[str]
    label: str
    requirements: tuple[str, ...] = ()
    """The environment spec's pins (for a peer's own environment), when the rubric names one."""


def kernel_env(rubric: str = "hcv") -> KernelEnv:
    """The rubric's environment when it is built (``grader env build colab``), else ``--env own``."""
    from grader.environments import find_built, find_spec
    from grader.rubric.loader import load_rubric
    from grader.rubric.locate import find_rubric

    path = find_rubric(rubric)
    name = load_rubric(str(path)).environment
    if name:
        spec = find_spec(name, path.parent)
        built = find_built(spec)
        if built is not None:
            versions = ", ".join(f"{k} {v}" for k, v in (built.info.packages or {}).items() if k in KEY_PACKAGES)
            label = f"the rubric's environment '{name}' ({versions})"
            return KernelEnv(str(built.python), [], label, spec.requirements)
        label = f"--env own: the rubric's environment '{name}' is not built (grader env build {name})"
        return KernelEnv(sys.executable, ["--env", "own"], label, spec.requirements)
    return KernelEnv(sys.executable, [], "the grader's own environment (the rubric names none)")


def machine_line() -> str:
    """The machine the figures belong to."""
    from grader.execute.threads import usable_cores

    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        memory = f", {kib / 2**20:.0f} GiB RAM"
    load = ", load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()) if hasattr(os, "getloadavg") else ""
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{when}; {platform.node()}: {model or platform.machine()}, {usable_cores()} usable cores{memory}{load}"


@dataclass
class PlainRun:
    seconds: float
    cells: int
    failed: list[int]
    ok: bool


def plain_run(python: str, notebook: Path, data: Path, scratch: Path, watch: PeakMemory | None = None) -> PlainRun:
    """nbclient alone, with ``python`` (its kernel too), in a fresh folder holding the notebook and
    the data; the seconds are the whole command's, like the other tools'."""
    folder = scratch / f"plain-{time.monotonic_ns()}"
    folder.mkdir()
    shutil.copy(data, folder / DATA_FILE)
    shutil.copy(notebook, folder / notebook.name)
    start = time.perf_counter()
    process = subprocess.Popen(
        [python, "-c", PLAIN_SCRIPT, str(folder / notebook.name), str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with watch.watching(process.pid, root_is_job=True) if watch else contextlib.nullcontext():
        out, err = process.communicate()
    seconds = time.perf_counter() - start
    shutil.rmtree(folder, ignore_errors=True)
    try:
        found = json.loads(out.strip().splitlines()[-1])
        return PlainRun(seconds, found["cells"], found["failed"], process.returncode == 0)
    except (IndexError, ValueError, KeyError):
        print(f"  plain nbclient failed on {notebook.name}: {err.strip()[-500:]}", file=sys.stderr)
        return PlainRun(seconds, 0, [], False)


@dataclass
class PeakMemory:
    """The peak resident memory of a process tree, sampled (RSS summed: shared pages count once
    per process), and of the largest subtree under one of its direct children (one job's launcher,
    sandbox, kernel and re-evaluation worker).  Needs psutil; without it, nothing is measured."""

    interval: float = 0.25
    total: int = 0
    job: int = 0
    available: bool = field(default=False)

    def __post_init__(self) -> None:
        try:
            import psutil  # noqa: F401
        except ImportError:
            return
        self.available = True

    @contextlib.contextmanager
    def watching(self, pid: int, root_is_job: bool = False) -> Iterator[None]:
        """Sample ``pid``'s tree until the block ends.  ``root_is_job``: the whole tree is one job
        (a plain nbclient run and its kernel)."""
        if not self.available:
            yield
            return
        import psutil

        stop = threading.Event()

        def rss(process: psutil.Process) -> int:
            try:
                return int(process.memory_info().rss)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                return 0

        def sample() -> None:
            try:
                root = psutil.Process(pid)
            except psutil.NoSuchProcess:
                return
            while not stop.wait(self.interval):
                try:
                    children = root.children()
                    everything = [root, *root.children(recursive=True)]
                except psutil.NoSuchProcess:
                    return
                total = sum(rss(p) for p in everything)
                self.total = max(self.total, total)
                if root_is_job:
                    self.job = max(self.job, total)
                    continue
                for child in children:
                    try:
                        tree = [child, *child.children(recursive=True)]
                    except psutil.NoSuchProcess:
                        continue
                    self.job = max(self.job, sum(rss(p) for p in tree))

        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()


def mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB"
