"""A notebook filling the disk: stopped at its quota, in words; this machine's disk is untouched.

The notebook writes 50 MB files (each under the per-file limit) into its folder, its home and
/tmp until a write fails; the quota (300 MB here, from the rubric's ``limits``) holds all three
together.  What the run leaves on this machine is measured with ``du`` before and after.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from grader.intake import collect_submissions
from grader.models.rubric import Rubric
from grader.pipeline import GradeSettings, grade_submission

from . import needs_sandbox, write_notebook

pytestmark = [pytest.mark.sandbox, pytest.mark.notebook, needs_sandbox]

QUOTA_MB = 300
FILL = """
import os, tempfile
token = {token!r}
folders = [os.getcwd(), os.path.expanduser('~'), tempfile.gettempdir()]
written = {{f: 0 for f in folders}}
try:
    for n in range(100):  # 5 GB if nothing stopped it
        folder = folders[n % 3]
        with open(os.path.join(folder, f'{{token}}-{{n}}.bin'), 'wb') as handle:
            handle.write(b'x' * (50 * 2**20))
        written[folder] += 50
finally:
    print(sorted(written.values()), sum(written.values()))
"""
AFTER = """
import glob, os
for name in glob.glob('*.bin') + glob.glob(os.path.expanduser('~/*.bin')) + glob.glob('/tmp/*.bin'):
    os.remove(name)
open('after.txt', 'w').write('room again')
print('alive', open('after.txt').read())
"""


def _rubric() -> Rubric:
    return Rubric.model_validate(
        {
            "schema": 1,
            "name": "disk_quota",
            "title": "Disk quota",
            "limits": {"disk_mb": QUOTA_MB, "cell_timeout_s": 120, "notebook_timeout_s": 240},
            "items": [{"id": "runs", "title": "Runs", "check": "runs", "points": 1}],
        }
    )


def _du(path: Path) -> int:
    """Bytes on this machine's disk under ``path`` (``du``)."""
    done = subprocess.run(["du", "-s", "--block-size=1", str(path)], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[0])


def test_a_notebook_filling_the_disk_stops_at_its_quota_and_the_host_disk_is_untouched(tmp_path: Path) -> None:
    token = os.urandom(6).hex()
    notebook = write_notebook(tmp_path / "submitted" / "filler.ipynb", FILL.format(token=token), AFTER)
    runs = tmp_path / "runs"
    runs.mkdir()
    before = _du(tmp_path)
    settings = GradeSettings(rubric=_rubric(), sandboxed=True, cache=None, work_root=runs)
    graded = grade_submission(collect_submissions(notebook)[0], settings)
    grew = _du(tmp_path) - before
    print(f"host disk use of the run: {grew} bytes ({grew / 2**20:.1f} MiB); quota {QUOTA_MB} MiB")

    outcome = graded.outcome
    assert outcome is not None
    fill, after = outcome.cells
    assert fill.status == "error" and fill.error is not None
    assert fill.error.startswith("OSError: [Errno 28] No space left on device")
    assert fill.error.endswith(f"(sandbox limit: {QUOTA_MB} MB of disk for the notebook's folder, home and /tmp)")
    assert after.status == "ok"  # later cells still run, and find room once files are removed
    assert outcome.disk_full_mb == QUOTA_MB and outcome.reason == f"the notebook filled its {QUOTA_MB} MB of disk"
    assert graded.result.status == "graded"
    codes = [m.code for m in graded.result.items[0].messages]
    assert "runs.disk_full" in codes
    assert [n.code for n in graded.result.notes] == ["note.disk_full"]
    # the three folders shared the quota: each got files, all of them together no more than it
    assert graded.evidence is not None
    printed = graded.evidence.outputs[0].text if graded.evidence.outputs else ""
    counts, total = printed.strip().rsplit("] ", 1)
    assert all(int(c) > 0 for c in counts.strip("[").split(",")) and int(total) <= QUOTA_MB

    # this machine: nothing of the 300 MB, no file under the real /tmp, only what grading needs
    assert grew < 32 * 2**20, grew
    assert not list(Path("/tmp").glob(f"{token}-*.bin"))
    workspace = graded.workspace
    assert workspace is not None
    assert not list(workspace.work.glob("*.bin")) and not list(workspace.home.glob("*.bin"))
    assert (workspace.evidence / "events.jsonl").exists()
    assert (workspace.out / "executed.ipynb").exists()

    # the next notebook grades as usual
    plain = write_notebook(tmp_path / "submitted2" / "plain.ipynb", "print('hello')")
    again = grade_submission(collect_submissions(plain)[0], settings)
    assert again.result.status == "graded" and again.result.score == 1.0
    assert again.outcome is not None and again.outcome.disk_full_mb is None


@pytest.fixture
def outside_tmp(tmp_path: Path):
    """A workspace folder on this machine's disk but not under /tmp (there /tmp inside is a link)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="grader-quota-test-", dir="/var/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_workspace_outside_tmp_gets_the_quota_at_its_root(outside_tmp: Path) -> None:
    from grader.sandbox import SandboxLimits

    from . import run_sandboxed

    probe = (
        "import os\n"
        "print(os.path.islink('/tmp'), os.path.realpath('/tmp') == os.path.join(os.path.dirname(os.getcwd()), 'tmp'))\n"
        "for target in ('../x', os.path.expanduser('~/../y')):\n"
        "    try:\n"
        "        open(target, 'w').write('x')\n"
        "        print('WROTE', target)\n"
        "    except OSError as exc:\n"
        "        print('refused', type(exc).__name__)\n"
    )
    fill = "for n in range(20):\n    open(f'/tmp/blob{n}', 'wb').write(b'x' * (20 * 2**20))"
    before = _du(outside_tmp)
    run = run_sandboxed(
        outside_tmp,
        probe,
        fill,
        "print(sum(1 for _ in open(__import__('os').devnull)))",
        limits=SandboxLimits(disk_mb=100),
    )
    grew = _du(outside_tmp) - before
    print(f"host disk use of the run: {grew} bytes; quota 100 MiB")
    assert run.printed[0].splitlines() == ["True True", "refused PermissionError", "refused PermissionError"]
    assert run.statuses() == ["ok", "error", "ok"]
    assert "No space left on device" in (run.outcome.cells[1].error or "")
    assert run.outcome.disk_full_mb == 100
    assert grew < 32 * 2**20, grew
    assert not list((run.result.workspace.root).glob("tmp"))  # /tmp inside lived on the tmpfs only
