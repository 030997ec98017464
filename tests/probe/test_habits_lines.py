"""The line rewriter: install lines skipped with a note, simple downloads served, the rest kept."""

from __future__ import annotations

import pytest

from grader.probe import habits

URL = "https://archive.ics.uci.edu/ml/machine-learning-databases/00571/hcvdat0.csv"


@pytest.mark.parametrize(
    "line",
    [
        "!pip install tensorflow==2.15",
        "%pip install -q seaborn",
        "  !pip3 install x",
        "!apt-get install -y graphviz",
        "!sudo apt install tree",
        "%conda install numpy",
        "!python -m pip install x",
        "!{sys.executable} -m pip install x",
        "!uv pip install x",
        "! pip install x",
    ],
)
def test_install_lines_become_a_note(line: str) -> None:
    (out,) = habits.rewrite_lines([line + "\n"])
    assert "skipped_install(" in out and repr(line.strip()) in out
    assert out.startswith(line[: len(line) - len(line.lstrip())])  # indentation kept
    compile(out.strip(), "cell", "exec")


@pytest.mark.parametrize(
    ("line", "target"),
    [
        (f"!wget {URL}", None),
        (f"!wget -q {URL} -O data.csv", "data.csv"),
        (f"!wget --no-check-certificate -P data {URL}", "data/"),
        (f"!wget --output-document=d.csv {URL}", "d.csv"),
        (f"!curl -L -o data.csv {URL}", "data.csv"),
        (f"!curl -sSLO {URL}", None),
        (f"!curl -Lo data.csv {URL}", "data.csv"),
        (f"!curl -O {URL}", None),
        (f"!curl -s {URL} > data.csv", "data.csv"),
    ],
)
def test_simple_downloads_are_served(line: str, target: str | None) -> None:
    call = habits.download_call(line)
    assert call is not None
    assert "serve_download(" in call and f"({URL!r}, {target!r})" in call


@pytest.mark.parametrize(
    "line",
    [
        "!ls -la",
        f"!wget {URL} | head",
        f"!curl {URL}",
        f"!wget {URL} {URL}",
        "!wget -O - " + URL,
        "print('!wget x')",
        "x = 1",
    ],
)
def test_other_lines_are_kept(line: str) -> None:
    assert habits.rewrite_lines([line + "\n"]) == [line + "\n"]
