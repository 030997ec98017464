"""Notes for the student about what the grader did on their behalf (from the evidence)."""

from __future__ import annotations

from ..models.cells import cell_ref
from ..models.evidence import Evidence
from ..models.execution import size_words
from ..models.results import Message

NOTE_CODES = {
    "install_skipped",
    "dataset_served",
    "shim_plot_confusion_matrix",
    "colab_mount",
    "colab_chdir",
    "colab_upload",
    "colab_download",
    "colab_output",
    "colab_tensorflow_version",
    "colab_tensorflow_1",
    "probe_hook_failed",
}


def note_messages(evidence: Evidence) -> list[Message]:
    """One message per note the student should read (the catalogue's ``note.<code>``)."""
    messages: list[Message] = []
    if evidence.disk_full_mb:
        messages.append(Message("note.disk_full", {"size": size_words(evidence.disk_full_mb)}))
    for note in evidence.notes:
        if note.code not in NOTE_CODES:
            continue
        params: dict[str, object] = {k: str(v) for k, v in note.detail.items()}
        params["cell"] = cell_ref(evidence, note.cell)  # as the student sees it, should a note cite it
        messages.append(Message(f"note.{note.code}", params))
    return messages
