"""A stand-in for ``google.colab`` so Colab notebooks run unchanged in the grader.

``drive.mount`` does nothing (the files a notebook reads from Drive are served by name, see
:mod:`grader.probe.hooks_data`), ``files.upload`` hands over the staged datasets as if the
student had uploaded them, ``files.download``, the ``output`` helpers and the
``%tensorflow_version`` magic do nothing.  Every call is recorded as a note so the report can
say what was done on the student's behalf.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from importlib.abc import Loader, MetaPathFinder
from types import ModuleType
from typing import Any

from .hooks_data import make_folder_in_workspace
from .session import Session

DRIVE_PATH = re.compile(r"(^|/)(content|drive|gdrive|MyDrive|My Drive|Shareddrives)(/|$)")
"""A folder only Colab has: ``/content/drive/MyDrive/Tugas ANN``, ``drive/MyDrive``..."""

MAX_UPLOAD_BYTES = 64 * 1024 * 1024
"""files.upload() hands over staged datasets up to this size (all together)."""


def _drive(session: Session) -> dict[str, Any]:
    def mount(mountpoint: str = "/content/drive", force_remount: bool = False, **_: Any) -> None:
        """Colab mounts Google Drive here; the grader serves the files by name instead."""
        session.recorder.note("colab_mount", mountpoint=str(mountpoint))
        _make_drive_folder(str(mountpoint))
        print(f"grader: drive.mount({mountpoint!r}) skipped - dataset files are served by name")

    def flush_and_unmount(**_: Any) -> None:
        """Nothing is mounted."""

    return {"mount": mount, "flush_and_unmount": flush_and_unmount}


def _make_drive_folder(mountpoint: str) -> None:
    """Create ``MOUNTPOINT/MyDrive`` where it lands in the notebook's own folder.

    The sandbox links ``/content`` (Colab's working folder) to the notebook's folder, so a
    notebook saving to ``/content/drive/MyDrive/model.h5`` writes into its workspace.
    Anywhere else (no sandbox: ``/content`` does not exist) nothing is created.
    """
    make_folder_in_workspace(os.path.join(mountpoint, "MyDrive"))


def _files(session: Session) -> dict[str, Any]:
    def upload(*_: Any, **__: Any) -> dict[str, bytes]:
        """The staged datasets, as if the student had chosen them in the upload dialog."""
        uploaded: dict[str, bytes] = {}
        total = 0
        for name, path in sorted((session.config.get("datasets") or {}).items()):
            size = os.path.getsize(path) if os.path.isfile(path) else MAX_UPLOAD_BYTES + 1
            if total + size > MAX_UPLOAD_BYTES or name in uploaded:
                continue
            with open(path, "rb") as handle:
                uploaded[name] = handle.read()
            total += size
        for name in sorted(uploaded):
            session.recorder.note("dataset_served", file=name, requested="files.upload()")
        if not uploaded:
            session.recorder.note("colab_upload")  # "it returned nothing"
        print(f"grader: files.upload() skipped - served {', '.join(sorted(uploaded)) or 'nothing'}")
        return uploaded

    def download(filename: str, *_: Any, **__: Any) -> None:
        """Colab sends the file to the browser; here the file simply stays in the workspace."""
        session.recorder.note("colab_download", file=str(filename)[:300])

    return {"upload": upload, "download": download}


OUTPUT_HELPERS = (
    "clear",
    "eval_js",
    "enable_custom_widget_manager",
    "disable_custom_widget_manager",
    "no_vertical_scroll",
    "redirect_to_element",
    "register_callback",
    "serve_kernel_port_as_iframe",
    "serve_kernel_port_as_window",
)
"""``google.colab.output`` functions: they steer Colab's browser front end, which grading has not."""


def _output(session: Session) -> dict[str, Any]:
    noted: set[str] = set()

    def helper(call: str) -> Any:
        def nothing(*_: Any, **__: Any) -> None:
            """Colab's output helpers do nothing here (noted once per helper, not per call in a loop)."""
            if call not in noted:
                noted.add(call)
                session.recorder.note("colab_output", call=call)

        nothing.__name__ = call
        return nothing

    return {call: helper(call) for call in OUTPUT_HELPERS}


def _patches(session: Session) -> dict[str, Any]:
    def cv2_imshow(image: Any) -> None:
        """Colab's replacement for cv2.imshow: show the image inline (BGR as RGB)."""
        import matplotlib.pyplot as plt
        import numpy as np

        array = np.asarray(image)
        if array.ndim == 3 and array.shape[2] >= 3:
            array = array[..., 2::-1]
        plt.imshow(array, cmap="gray" if array.ndim == 2 else None)
        plt.axis("off")
        plt.show()

    return {"cv2_imshow": cv2_imshow}


def _data_table(session: Session) -> dict[str, Any]:
    def nothing(*_: Any, **__: Any) -> None:
        """Interactive tables are a Colab front-end feature."""

    return {"enable_dataframe_formatter": nothing, "disable_dataframe_formatter": nothing}


SUBMODULES = {"drive": _drive, "files": _files, "output": _output, "patches": _patches, "data_table": _data_table}


class ColabLoader(Loader):
    """Fills the fake ``google.colab`` modules."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create_module(self, spec: Any) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        last = module.__name__.rsplit(".", 1)[-1]
        module.__grader_shim__ = True  # type: ignore[attr-defined]
        if last in SUBMODULES:
            module.__dict__.update(SUBMODULES[last](self.session))


class ColabFinder(MetaPathFinder):
    """Answers for ``google.colab`` (and ``google`` itself when nothing else provides it)."""

    def __init__(self, session: Session) -> None:
        self.loader = ColabLoader(session)

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname == "google":
            if any(
                f is not self and getattr(f, "find_spec", None) and f.find_spec(fullname, path, target)
                for f in sys.meta_path
            ):
                return None  # the real namespace package (protobuf lives there)
            return importlib.util.spec_from_loader(fullname, self.loader, is_package=True)
        if fullname == "google.colab":
            return importlib.util.spec_from_loader(fullname, self.loader, is_package=True)
        prefix, _, last = fullname.rpartition(".")
        if prefix == "google.colab" and last in SUBMODULES:
            return importlib.util.spec_from_loader(fullname, self.loader)
        return None


def _chdir_factory(session: Session) -> Any:
    def factory(original: Any) -> Any:
        def chdir(path: Any) -> None:
            """``os.chdir`` (and ``%cd``) into a Drive folder that does not exist here stays put."""
            try:
                return original(path)
            except FileNotFoundError:
                text = "" if isinstance(path, int) else os.fsdecode(os.fspath(path))
                if not DRIVE_PATH.search(text):
                    raise
            session.recorder.note("colab_chdir", requested=text[:300])
            print(f"grader: {text!r} is a Google Drive folder; staying in the notebook's folder, where the data is")
            return None

        return chdir

    return factory


def tensorflow_version_magic(session: Session) -> Any:
    """Colab's ``%tensorflow_version 2.x`` line magic: a noted no-op.  ``1.x`` cannot be had
    (TensorFlow 1 runs on no current Python), so it is noted and the notebook goes on with
    TensorFlow 2; its TensorFlow 1 calls then fail and are reported as removed APIs."""

    def tensorflow_version(line: str = "") -> None:
        requested = str(line).strip()[:40]
        if requested.startswith("1"):
            session.recorder.note("colab_tensorflow_1", requested=requested)
            print(f"grader: %tensorflow_version {requested} - TensorFlow 1 is not available; using TensorFlow 2")
        else:
            session.recorder.note("colab_tensorflow_version", requested=requested)

    return tensorflow_version


def register_magics(session: Session, shell: Any) -> None:
    """Define Colab's own line magics in this IPython shell (``%tensorflow_version``)."""
    shell.register_magic_function(tensorflow_version_magic(session), magic_kind="line", magic_name="tensorflow_version")


def install(session: Session) -> None:
    """Make ``import google.colab`` work in this kernel, and Drive folders usable as a cwd."""
    if not any(isinstance(f, ColabFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, ColabFinder(session))
    session.wrap(os, "chdir", _chdir_factory(session))
