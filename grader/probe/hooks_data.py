"""Serve staged datasets to a notebook that asks for them by another path or by URL.

Students read ``/content/drive/MyDrive/data/hcvdat0.csv`` (Colab), ``../input/hcv/hcvdat0.csv``
(Kaggle) or the UCI URL; the grader has no Drive and no network, but it has the file.  Any
read whose *file name* is a staged dataset is given the staged file instead, and recorded
as a ``dataset_served`` note.  A path that exists is never touched: a student's normal
read of a real local file behaves exactly as without the grader.

Hooked: builtin ``open`` (and IPython's own ``open``), ``pathlib``, pandas readers, NumPy
loaders, ``urllib.request``, ``requests``, ``keras.utils.get_file``; ``!wget``/``!curl``
lines are rewritten by :mod:`grader.probe.habits` to :func:`serve_download`.
"""

from __future__ import annotations

import builtins
import contextlib
import email.message
import io
import os
import re
import shutil
import urllib.parse
from collections.abc import Callable
from types import ModuleType
from typing import Any

from .session import Session

URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
PANDAS_READERS = {
    "read_csv": "filepath_or_buffer",
    "read_table": "filepath_or_buffer",
    "read_excel": "io",
    "read_json": "path_or_buf",
    "read_parquet": "path",
    "read_feather": "path",
}
NUMPY_READERS = {"load": "file", "loadtxt": "fname", "genfromtxt": "fname", "fromfile": "file"}
KERAS_FILE_UTILS = ("keras.src.utils.file_utils", "keras.utils", "keras._tf_keras.keras.utils")

_session: Session | None = None


def file_name(requested: Any) -> str | None:
    """The file name a path or URL asks for (query and fragment dropped), else None."""
    try:
        text = os.fspath(requested)
    except TypeError:
        text = getattr(requested, "full_url", None)  # urllib.request.Request
    if not isinstance(text, str) or not text:
        return None
    if URL.match(text):
        text = urllib.parse.unquote(urllib.parse.urlsplit(text).path)
    name = text.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return name or None


def staged_for(session: Session, requested: Any, *, only_missing: bool = True) -> str | None:
    """The staged file to read instead of ``requested``, or None to leave the read alone.

    A URL is always served when its name is staged (there is no network); a path only when
    nothing exists there (``only_missing``).
    """
    datasets = session.config.get("datasets") or {}
    name = file_name(requested)
    if not datasets or name is None:
        return None
    staged = datasets.get(name)
    if staged is None:  # "HepatitisCData.csv" in the notebook, "HepatitisCdata.csv" on disk
        staged = {k.lower(): v for k, v in datasets.items()}.get(name.lower())
    if staged is None or not os.path.isfile(staged):
        return None
    text = os.fspath(requested) if not hasattr(requested, "full_url") else requested.full_url
    if only_missing and not URL.match(text) and os.path.exists(text):
        return None
    return staged


def _serve(session: Session, requested: Any, staged: str) -> str:
    shown = getattr(requested, "full_url", None) or os.fspath(requested)
    if os.path.realpath(str(shown)) != os.path.realpath(staged):
        session.recorder.note("dataset_served", file=os.path.basename(staged), requested=str(shown)[:300])
        if "://" not in str(shown):  # a notebook that reads MyDrive/Tugas/data.csv saves beside it next
            make_folder_in_workspace(os.path.dirname(os.path.realpath(str(shown))))
    return staged


def make_folder_in_workspace(folder: str) -> None:
    """Create ``folder`` when it lies inside the notebook's own folder (the Colab Drive stand-in:
    the sandbox links ``/content`` there); anywhere else, nothing is created."""
    target = os.path.realpath(folder)
    if target.startswith(os.path.realpath(os.getcwd()) + os.sep):
        with contextlib.suppress(OSError):  # a habit of the probe must never stop the notebook
            os.makedirs(target, exist_ok=True)


def _reading(mode: Any) -> bool:
    return isinstance(mode, str) and not any(c in mode for c in "wax+")


def _open_factory(session: Session) -> Callable[[Any], Any]:
    def factory(original: Any) -> Any:
        def open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:  # shadows open on purpose
            try:
                return original(file, mode, *args, **kwargs)
            except FileNotFoundError:
                staged = staged_for(session, file) if _reading(mode) and not isinstance(file, int) else None
                if staged is None:
                    raise
            return original(_serve(session, file, staged), mode, *args, **kwargs)

        return open

    return factory


def _path_argument(session: Session, keyword: str) -> Callable[[Any], Any]:
    """A factory whose wrapper swaps the first (path) argument for the staged file."""

    def factory(original: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                if args:
                    staged = staged_for(session, args[0]) if _pathlike(args[0]) else None
                    if staged is not None:
                        args = (_serve(session, args[0], staged), *args[1:])
                elif _pathlike(kwargs.get(keyword)):
                    staged = staged_for(session, kwargs[keyword])
                    if staged is not None:
                        kwargs[keyword] = _serve(session, kwargs[keyword], staged)
            except Exception as exc:  # serving must never break the read itself
                session.hook_error(f"serve {keyword}", exc)
            return original(*args, **kwargs)

        return wrapper

    return factory


def _pathlike(value: Any) -> bool:
    return isinstance(value, str | os.PathLike)


class ServedResponse(io.BytesIO):
    """Enough of ``http.client.HTTPResponse`` for pandas, NumPy and student code."""

    def __init__(self, url: str, path: str) -> None:
        with builtins.open(path, "rb") as handle:
            super().__init__(handle.read())
        self.url = url
        self.status = self.code = 200
        self.reason = "OK"
        self.headers = self.msg = email.message.Message()
        self.headers["Content-Length"] = str(len(self.getvalue()))
        self.headers["Content-Type"] = "application/octet-stream"

    def getcode(self) -> int:
        """HTTP status."""
        return self.status

    def geturl(self) -> str:
        """The URL asked for."""
        return self.url

    def info(self) -> email.message.Message:
        """The (made-up) headers."""
        return self.headers

    def getheader(self, name: str, default: Any = None) -> Any:
        """One header."""
        return self.headers.get(name, default)


def _urlopen_factory(session: Session) -> Callable[[Any], Any]:
    def factory(original: Any) -> Any:
        def urlopen(url: Any, *args: Any, **kwargs: Any) -> Any:
            staged = staged_for(session, url)
            if staged is None:
                return original(url, *args, **kwargs)
            return ServedResponse(getattr(url, "full_url", url), _serve(session, url, staged))

        return urlopen

    return factory


def _urlretrieve_factory(session: Session) -> Callable[[Any], Any]:
    def factory(original: Any) -> Any:
        def urlretrieve(url: Any, filename: Any = None, *args: Any, **kwargs: Any) -> Any:
            staged = staged_for(session, url)
            if staged is None:
                return original(url, filename, *args, **kwargs)
            source = _serve(session, url, staged)
            if filename is None:
                return source, ServedResponse(url, source).headers
            shutil.copyfile(source, filename)
            return os.fspath(filename), ServedResponse(url, source).headers

        return urlretrieve

    return factory


def serve_download(url: str, target: str | None) -> bool:
    """What a rewritten ``!wget``/``!curl`` line runs: copy the staged file to ``target``."""
    session = _session
    staged = staged_for(session, url) if session is not None else None
    if session is None or staged is None:
        print(f"grader: cannot download {url} (no network here)")
        return False
    if target is None:
        target = file_name(url) or "download"
    if target.endswith("/"):  # wget -P FOLDER creates the folder
        os.makedirs(target, exist_ok=True)
    if os.path.isdir(target):
        target = os.path.join(target, file_name(url) or "download")
    shutil.copyfile(_serve(session, url, staged), target)
    print(f"grader: {os.path.basename(staged)} served as {target} (no download)")
    return True


def patch_builtins(session: Session) -> None:
    """``open``, ``io.open`` and IPython's own ``open`` in the notebook's namespace."""
    session.wrap(builtins, "open", _open_factory(session))
    session.wrap(io, "open", _open_factory(session))  # pathlib.Path.open/read_text use io.open
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    current = shell.user_ns.get("open") if shell is not None else None
    if current is not None and not getattr(current, "__grader_hook__", False):
        # IPython puts its own open (io.open behind an fd check) in the user namespace
        wrapped = _open_factory(session)(current)
        wrapped.__grader_hook__ = True
        shell.user_ns["open"] = wrapped


def patch_pandas(session: Session, module: ModuleType) -> None:
    """pandas.read_csv & co."""
    for name, keyword in PANDAS_READERS.items():
        if hasattr(module, name):
            session.wrap(module, name, _path_argument(session, keyword))


def patch_numpy(session: Session, module: ModuleType) -> None:
    """numpy.load, loadtxt, genfromtxt, fromfile."""
    for name, keyword in NUMPY_READERS.items():
        if hasattr(module, name):
            session.wrap(module, name, _path_argument(session, keyword))


def patch_urllib(session: Session, module: ModuleType) -> None:
    """urllib.request.urlopen and urlretrieve."""
    session.wrap(module, "urlopen", _urlopen_factory(session))
    session.wrap(module, "urlretrieve", _urlretrieve_factory(session))


def patch_requests(session: Session, module: ModuleType) -> None:
    """``requests.get(url)`` (every requests call goes through Session.request)."""
    sessions = getattr(module, "sessions", None)
    if sessions is None:
        return

    def factory(original: Any) -> Any:
        def request(self: Any, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:
            staged = staged_for(session, url) if str(method).upper() == "GET" else None
            if staged is None:
                return original(self, method, url, *args, **kwargs)
            response = module.models.Response()
            with builtins.open(_serve(session, url, staged), "rb") as handle:
                response._content = handle.read()
            response.status_code, response.url, response.reason = 200, str(url), "OK"
            response.headers["Content-Length"] = str(len(response._content))
            return response

        return request

    session.wrap(sessions.Session, "request", factory)


def patch_keras(session: Session, module: ModuleType) -> None:
    """``keras.utils.get_file(fname, origin)`` returns the staged file (no download)."""
    import sys

    def factory(original: Any) -> Any:
        def get_file(fname: Any = None, origin: Any = None, *args: Any, **kwargs: Any) -> Any:
            extract = kwargs.get("extract") or kwargs.get("untar")
            staged = (
                None
                if extract
                else (
                    staged_for(session, origin, only_missing=False)
                    or staged_for(session, fname or "", only_missing=False)
                )
            )
            if staged is None:
                return original(fname, origin, *args, **kwargs)
            return _serve(session, origin or fname, staged)

        return get_file

    for name in KERAS_FILE_UTILS:
        owner = sys.modules.get(name)
        if owner is not None and hasattr(owner, "get_file"):
            session.wrap(owner, "get_file", factory)


def patchers(session: Session) -> dict[str, Callable[[ModuleType], None]]:
    """Module name -> patcher, for :class:`grader.probe.importhook.PatchFinder`."""
    global _session
    _session = session

    def bind(patch: Callable[[Session, ModuleType], None]) -> Callable[[ModuleType], None]:
        return lambda module: patch(session, module)

    return {
        "pandas": bind(patch_pandas),
        "numpy": bind(patch_numpy),
        "urllib.request": bind(patch_urllib),
        "requests": bind(patch_requests),
        "keras": bind(patch_keras),
        "keras._tf_keras.keras": bind(patch_keras),
    }
