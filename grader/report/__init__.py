"""Reports for people: an HTML page per submission, one per class, a terminal summary."""

from __future__ import annotations

from .class_report import render_class_html
from .environment import gap_note
from .html import render_submission_html
from .labels import LABELS, labels_for
from .terminal import print_summary

__all__ = ["LABELS", "gap_note", "labels_for", "print_summary", "render_class_html", "render_submission_html"]
