"""Building environments with a fake uv: built once, atomically, under a lock; failures in one line."""

from __future__ import annotations

import importlib
import json
import os
import sys
import threading
import time
from pathlib import Path

import pytest

from grader.cli import main as cli_main
from grader.environments import build, find_built, parse_spec
from grader.environments.build import RECORD, EnvironmentBuildError, explain_failure, load_built

build_module = importlib.import_module("grader.environments.build")
SPEC = parse_spec("numpy==2.0.2\npandas==2.2.2\n", "tiny")
NETWORK = """error: Request failed after 3 retries
  Caused by: Failed to fetch: `https://pypi.org/simple/numpy/`
  Caused by: error sending request for url (https://pypi.org/simple/numpy/)
  Caused by: dns error: failed to lookup address information: Temporary failure in name resolution"""
NO_SUCH = """  × No solution found when resolving dependencies:
  ╰─▶ Because nosuchpackage was not found in the package registry and you require nosuchpackage, we can
      conclude that your requirements are unsatisfiable."""


class FakeUv:
    """Plays uv: ``venv`` makes the folder, ``pip install`` writes site-packages, ``freeze`` lists."""

    def __init__(self, fail_install: str | None = None, delay: float = 0.0) -> None:
        self.calls: list[list[str]] = []
        self.fail_install = fail_install
        self.delay = delay
        self.lock = threading.Lock()

    def __call__(self, argv: list[str], progress) -> tuple[int, str]:
        with self.lock:
            self.calls.append(argv)
        if argv[1:2] == ["venv"]:
            env = Path(argv[-1])
            (env / "bin").mkdir(parents=True)
            (env / "bin" / "python").write_text("")
            (env / "lib" / "python3.11" / "site-packages").mkdir(parents=True)
            (env / "pyvenv.cfg").write_text(f"home = {Path(sys.executable).parent}\n")
            return 0, ""
        if argv[1:3] == ["pip", "install"]:
            time.sleep(self.delay)
            progress("Installed 2 packages")
            return (1, self.fail_install) if self.fail_install else (0, "")
        if argv[1:3] == ["pip", "freeze"]:
            return 0, "numpy==2.0.2\npandas==2.2.2\nipykernel==6.29.5\n"
        return 0, "3.11.9\n"  # python -c platform.python_version()


@pytest.fixture(autouse=True)
def _no_real_uv(monkeypatch) -> None:
    monkeypatch.setattr(build_module, "uv_binary", lambda: "uv")


def test_builds_once_records_versions_and_links_the_grader(tmp_path: Path) -> None:
    uv = FakeUv()
    env, fresh = build(SPEC, root=tmp_path, runner=uv)
    assert fresh and env.path == tmp_path / SPEC.key
    assert env.info.name == "tiny" and env.info.spec_hash == SPEC.spec_hash
    assert env.info.packages == {"python": "3.11.9", "numpy": "2.0.2", "pandas": "2.2.2"}
    installed = (env.path / "grader-requirements.txt").read_text().split()
    assert installed[:2] == ["numpy==2.0.2", "pandas==2.2.2"] and "ipykernel" in installed and "nbclient" in installed
    pth = env.path / "lib" / "python3.11" / "site-packages" / "grader_source.pth"
    assert pth.read_text().strip() == str(env.path / "grader-src")  # the final folder, not the temporary one
    assert (env.path / "grader-src" / "grader" / "probe").is_dir()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".") and "tmp" in p.name] == []
    again, fresh = build(SPEC, root=tmp_path, runner=uv)
    assert not fresh and again.path == env.path and sum(c[1] == "venv" for c in uv.calls) == 1
    assert find_built(SPEC, root=tmp_path) is not None


def test_a_failed_build_leaves_nothing_and_says_one_line(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentBuildError) as raised:
        build(SPEC, root=tmp_path, runner=FakeUv(fail_install=NO_SUCH))
    line = raised.value.one_line()
    assert "do not resolve" in line and "nosuchpackage was not found" in line and "\n" not in line
    assert raised.value.exit_code == 2
    assert [p for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == []


def test_half_built_folders_are_never_used_and_are_replaced(tmp_path: Path) -> None:
    broken = tmp_path / SPEC.key  # a folder without its record: some earlier crash or a hand copy
    (broken / "bin").mkdir(parents=True)
    (broken / "bin" / "python").write_text("")
    stale = tmp_path / f".{SPEC.key}.tmp-99999"
    stale.mkdir()
    assert load_built(broken) is None and find_built(SPEC, root=tmp_path) is None
    env, fresh = build(SPEC, root=tmp_path, runner=FakeUv())
    assert fresh and (env.path / RECORD).is_file() and not stale.exists()


def test_two_workers_build_it_once(tmp_path: Path) -> None:
    uv = FakeUv(delay=0.3)
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(build(SPEC, root=tmp_path, runner=uv)[1])) for _ in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    assert sum(c[1] == "venv" for c in uv.calls) == 1


def test_find_links_builds_from_a_wheel_folder_only(tmp_path: Path) -> None:
    uv = FakeUv()
    build(SPEC, root=tmp_path / "envs", runner=uv, find_links=str(tmp_path))
    install = next(c for c in uv.calls if c[1:3] == ["pip", "install"])
    assert "--no-index" in install and install[install.index("--find-links") + 1] == str(tmp_path)


def test_failures_explained_in_one_line() -> None:
    network = explain_failure(NETWORK)
    assert "cannot reach the package index" in network and "--find-links DIR" in network
    assert "nosuchpackage was not found in the package registry" in explain_failure(NO_SUCH)
    plain = (  # uv's output when it is not a terminal
        "Using Python 3.11.7 environment at: v\nerror: No solution found when resolving dependencies\n"
        "  cause: Because you require numpy==1.0.0 and numpy==2.0.2, we can conclude that your requirements "
        "are unsatisfiable.\n  hint: pin fewer things\n"
    )
    said = explain_failure(plain)
    assert said.startswith("the requirements do not resolve: Because you require numpy==1.0.0 and numpy==2.0.2")
    assert "hint" not in said
    conflict = (
        "  × No solution found when resolving dependencies:\n  ╰─▶ Because you require numpy==1.0 and numpy==2.0, "
        "we can conclude that your requirements are unsatisfiable."
    )
    assert "numpy==1.0 and numpy==2.0" in explain_failure(conflict)
    assert explain_failure("error: something else\n") == "error: something else"


def test_env_command_fails_in_one_line_with_exit_2(tmp_path: Path, monkeypatch, capsys) -> None:
    spec = tmp_path / "tiny.txt"
    spec.write_text("numpy==2.0.2\n")
    monkeypatch.setenv("GRADER_ENV_DIR", str(tmp_path / "envs"))
    monkeypatch.setattr(build_module, "run_command", FakeUv(fail_install=NETWORK))
    code = cli_main(["env", "build", str(spec)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1].startswith("grader: environment tiny: cannot reach the package index")
    assert not (tmp_path / "envs" / f"tiny-{parse_spec('numpy==2.0.2', 'tiny').spec_hash}").exists()


def test_env_show_and_list(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("GRADER_ENV_DIR", str(tmp_path))
    assert cli_main(["env", "list"]) == 0
    assert "colab (bundled)" in capsys.readouterr().out
    assert cli_main(["env", "show", "colab"]) == 0
    out = capsys.readouterr().out
    assert "pandas==2.2.2" in out and "built: no" in out


def test_relocated_record_round_trips(tmp_path: Path) -> None:
    env, _ = build(SPEC, root=tmp_path, runner=FakeUv())
    record = json.loads((env.path / RECORD).read_text())
    assert record["all_packages"]["ipykernel"] == "6.29.5" and record["spec_hash"] == SPEC.spec_hash
    assert os.readlink(env.path / "grader-src" / "grader").endswith("grader")
