"""What each executed cell showed, read back from the executed notebook."""

from __future__ import annotations

import os

import nbformat

from ..models.evidence import CellOutput

MAX_TEXT = 200_000


def read_markdown(executed_notebook: str | None) -> tuple[str, ...]:
    """The source of every markdown cell."""
    nb = _read(executed_notebook)
    return tuple(str(c.source)[:MAX_TEXT] for c in nb.cells if c.cell_type == "markdown") if nb else ()


def _read(executed_notebook: str | None):
    if not executed_notebook or not os.path.exists(executed_notebook):
        return None
    try:
        return nbformat.read(executed_notebook, as_version=4)
    except Exception:
        return None


def read_outputs(executed_notebook: str | None) -> tuple[CellOutput, ...]:
    """Printed text (stdout and text/plain results) and image count per code cell."""
    nb = _read(executed_notebook)
    if nb is None:
        return ()
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        texts, images = [], 0
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream" and out.get("name") == "stdout":
                texts.append(str(out.get("text", "")))
            elif kind in ("execute_result", "display_data"):
                data = out.get("data", {})
                if "image/png" in data or "image/svg+xml" in data or "image/jpeg" in data:
                    images += 1
                elif "text/plain" in data:
                    texts.append(str(data["text/plain"]))
        found.append(
            CellOutput(index=index, text="".join(texts)[:MAX_TEXT], images=images, source=str(cell.source)[:MAX_TEXT])
        )
    return tuple(found)
