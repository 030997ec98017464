"""nbclient's NotebookClient with a cap on how much output one cell may keep.

A cell printing 100 MB would otherwise be held in memory and written into the executed
notebook; past the cap, output is dropped and one line says so.
"""

from __future__ import annotations

from typing import Any

from nbclient import NotebookClient
from nbformat import NotebookNode
from nbformat.v4 import new_output

TRUNCATED = "\n[grader: output truncated here - this cell printed more than {limit} bytes]\n"


class CappedClient(NotebookClient):
    """Keeps at most ``max_output_bytes`` of output per cell."""

    max_output_bytes: int = 2_000_000

    def __init__(self, *args: Any, max_output_bytes: int = 2_000_000, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_output_bytes = max_output_bytes
        self._sizes: dict[int, int] = {}

    def output(
        self, outs: list[NotebookNode], msg: dict[str, Any], display_id: str | None, cell_index: int
    ) -> NotebookNode | None:
        size = _message_size(msg)
        used = self._sizes.get(cell_index, 0)
        if used >= self.max_output_bytes:
            return None
        self._sizes[cell_index] = used + size
        if used + size > self.max_output_bytes:
            marker = new_output("stream", name="stderr", text=TRUNCATED.format(limit=self.max_output_bytes))
            outs.append(marker)
            return marker
        return super().output(outs, msg, display_id, cell_index)

    def reset_cell(self, cell_index: int) -> None:
        """Forget the output budget of a cell (before running it)."""
        self._sizes.pop(cell_index, None)


def _message_size(msg: dict[str, Any]) -> int:
    content = msg.get("content", {})
    if "text" in content:
        return len(content["text"])
    data = content.get("data") or {}
    return sum(len(v) if isinstance(v, str) else 256 for v in data.values()) + len(str(content.get("traceback", "")))
