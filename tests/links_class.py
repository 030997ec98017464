"""A class folder full of links that lead out of the submissions, with canaries behind them.

``ana`` hands in a notebook that prints every file it can find (following links) beside a
link to a file outside, to a folder outside, to a classmate's folder and file, to the rubric's
folder, to ``/proc/self`` and to a ``~/.ssh``-like folder; a hard link to a file outside; a
FIFO and a socket; and one ordinary file, the only one that may travel.  Other students hand
in a notebook that is itself a link: outside (``cici``, ``eve``), or inside their own folder
(``dedi``), or a FIFO (``fay``).  No canary may reach any report, evidence or executed
notebook.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

THIEF = [
    # everything under the working folder, links followed, every file's first bytes printed
    "import os\n"
    "for top, dirs, files in os.walk('.', followlinks=True):\n"
    "    print('folder', top, sorted(dirs), sorted(files))\n"
    "    for name in files:\n"
    "        try:\n"
    "            print(name, open(os.path.join(top, name), errors='replace').read(4096))\n"
    "        except OSError as exc:\n"
    "            print(name, 'unreadable', exc)\n",
    "print(sorted(os.listdir('/content')))",
    "print(open('ok.txt').read())",
]


@dataclass(frozen=True)
class LinkedClass:
    """The class folder and what is hidden behind its links."""

    subs: Path
    rubric_dir: Path
    canaries: tuple[str, ...]
    """Strings in files outside every submission: none may appear in any output."""
    classmate_canary: str
    """In budi's own file: may be in budi's run, never in anyone else's."""
    links: dict[str, str]
    """ana's links and special files, by name: the reason they are left out."""


def _notebook(path: Path, cells: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells]), path)
    return path


def build_linked_class(root: Path, rubric: str = "") -> LinkedClass:
    """Write the class under ``root/subs`` (and its secrets beside it); returns what to look for."""
    canary = {name: f"CANARY-{name}-{secrets.token_hex(6)}" for name in ("file", "folder", "ssh", "rubric", "hard")}
    secret = root / "secret"
    (secret / "folder").mkdir(parents=True)
    (secret / "canary.txt").write_text(canary["file"] + "\n", encoding="utf-8")
    (secret / "folder" / "inner.txt").write_text(canary["folder"] + "\n", encoding="utf-8")
    (secret / "hard-source.txt").write_text(canary["hard"] + "\n", encoding="utf-8")
    _notebook(secret / "outside.ipynb", [f"print({canary['file']!r})"])
    ssh = root / "home" / ".ssh"
    ssh.mkdir(parents=True)
    (ssh / "id_ed25519").write_text(f"-----BEGIN OPENSSH PRIVATE KEY-----\n{canary['ssh']}\n", encoding="utf-8")
    rubric_dir = root / "rubric"
    rubric_dir.mkdir()
    (rubric_dir / "answers.txt").write_text(canary["rubric"] + "\n", encoding="utf-8")
    if rubric:
        (rubric_dir / "rubric.yaml").write_text(rubric, encoding="utf-8")

    subs = root / "subs"
    ana = subs / "ana"
    _notebook(ana / "tugas.ipynb", THIEF)
    (ana / "ok.txt").write_text("an ordinary file handed in\n", encoding="utf-8")
    links = {
        "file_link.txt": "../../secret/canary.txt",
        "abs_link.txt": str((secret / "canary.txt").resolve()),
        "dir_link": "../../secret/folder",
        "peer": "../budi",
        "peer_file.txt": "../budi/private.txt",
        "rubric_link": "../../rubric",
        "proc": "/proc/self",
        "ssh": "../../home/.ssh",
        "notebook_link.py": "../../secret/outside.ipynb",
    }
    for name, target in links.items():
        os.symlink(target, ana / name)
    os.link(secret / "hard-source.txt", ana / "hard.txt")
    os.mkfifo(ana / "fifo.csv")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(ana / "sock"))
    server.close()
    reasons = {name: "link" for name in links} | {"hard.txt": "hard_link", "fifo.csv": "special", "sock": "special"}

    budi = subs / "budi"
    classmate = f"CANARY-classmate-{secrets.token_hex(6)}"
    _notebook(budi / "tugas.ipynb", ["print('budi')"])
    (budi / "private.txt").write_text(classmate + "\n", encoding="utf-8")
    (subs / "cici").mkdir()
    os.symlink("../../secret/outside.ipynb", subs / "cici" / "tugas.ipynb")
    _notebook(subs / "dedi" / "kerja" / "asli.ipynb", ["print('dedi')"])
    os.symlink("kerja/asli.ipynb", subs / "dedi" / "tugas.ipynb")
    (subs / "eve").mkdir()
    os.symlink("/proc/self/environ", subs / "eve" / "tugas.ipynb")
    (subs / "fay").mkdir()
    os.mkfifo(subs / "fay" / "tugas.ipynb")
    return LinkedClass(subs, rubric_dir, tuple(canary.values()), classmate, reasons)


def files_holding(folder: Path, text: str) -> list[Path]:
    """Every regular file under ``folder`` (links not followed) whose bytes hold ``text``."""
    found = []
    needle = text.encode()
    for top, _, names in os.walk(folder):
        for name in names:
            path = Path(top) / name
            if path.is_symlink() or not path.is_file():
                continue
            if needle in path.read_bytes():
                found.append(path)
    return found
