"""Headless Chromium for the HTML tests: one way to launch it, and a page that records what the
console said and every URL the page asked for."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# No network, no first-run work, no GPU: a sandboxed CI box has none of them.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed"),
]


@dataclass
class Watched:
    """A page, with the console errors and page errors it raised and the URLs it requested."""

    page: Any
    problems: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)


@contextmanager
def chromium_page(profile: Path, width: int, height: int) -> Iterator[Watched]:
    """A fresh headless Chromium (its profile in ``profile``) with one watched page of that size."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": width, "height": height},
        )
        try:
            watched = Watched(context.new_page())
            watched.page.on("console", lambda m: watched.problems.append(m.text) if m.type == "error" else None)
            watched.page.on("pageerror", lambda error: watched.problems.append(str(error)))
            watched.page.on("request", lambda request: watched.requested.append(request.url))
            yield watched
        finally:
            context.close()
