"""Every fixed word of the reports, in English and Bahasa Indonesia, side by side.

Feedback arrives already rendered in the chosen language (``ItemResult.feedback``); what
lives here is only the report's own frame: headings, column names, status names.
A label may hold ``{placeholders}``; both languages must use the same ones (tested).
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_LANG = "en"

# One entry per key: (English, Bahasa Indonesia).  Kept as pairs so a translator sees both.
_PAIRS: dict[str, tuple[str, str]] = {
    "report_title": ("Grading report", "Laporan penilaian"),
    "class_title": ("Class report", "Laporan kelas"),
    "student": ("Student", "Mahasiswa"),
    "submission": ("Submission", "Kiriman"),
    "rubric": ("Rubric", "Rubrik"),
    "status": ("Status", "Status"),
    "score": ("Score", "Nilai"),
    "duration": ("Run time", "Waktu jalan"),
    "seconds": ("{value} s", "{value} detik"),
    "unknown_student": ("(no student id)", "(tanpa identitas mahasiswa)"),
    "status_graded": ("graded", "dinilai"),
    "status_timeout": ("time limit reached", "melewati batas waktu"),
    "status_kernel_died": ("the kernel died", "kernel berhenti mendadak"),
    "status_invalid": ("not a gradable notebook", "bukan notebook yang dapat dinilai"),
    "status_error": ("grader error", "galat pada grader"),
    "partial_evidence": (
        "The run stopped early: what is shown below is what the notebook did before it stopped.",
        "Eksekusi berhenti lebih awal: yang ditampilkan di bawah adalah apa yang dikerjakan notebook sebelum berhenti.",
    ),
    "no_evidence": (
        "Nothing could be observed from this submission.",
        "Tidak ada yang dapat diamati dari kiriman ini.",
    ),
    "rubric_items": ("Rubric items", "Butir rubrik"),
    "item": ("Item", "Butir"),
    "points": ("Points", "Poin"),
    "feedback": ("Feedback", "Umpan balik"),
    "passed": ("passed", "lulus"),
    "failed": ("failed", "tidak lulus"),
    "hidden": ("hidden from students", "disembunyikan dari mahasiswa"),
    "optional": ("optional", "opsional"),
    "item_facts": ("Facts behind this verdict", "Fakta di balik penilaian ini"),
    "evidence": ("What the grader observed", "Yang diamati oleh grader"),
    "splits": ("Data splits", "Pembagian data"),
    "role_train": ("Training", "Data latih"),
    "role_validation": ("Validation", "Data validasi"),
    "role_test": ("Test", "Data uji"),
    "role_total": ("All rows before splitting", "Semua baris sebelum dibagi"),
    "rows": ("Rows", "Baris"),
    "rows_count": ("{n} rows", "{n} baris"),
    "validation_split": (
        "{percent} of the training rows (validation_split)",
        "{percent} dari baris data latih (validation_split)",
    ),
    "not_found": ("not found", "tidak ditemukan"),
    "overlap": ("{n} rows appear in both {first} and {second}.", "{n} baris muncul di {first} dan juga di {second}."),
    "test_is_validation": (
        "The test set was also used as validation data during training.",
        "Data uji juga dipakai sebagai data validasi saat pelatihan.",
    ),
    "leaks": ("Preprocessing that saw validation or test rows", "Prapemrosesan yang melihat baris validasi atau uji"),
    "model": ("Final model", "Model akhir"),
    "layer": ("Layer", "Lapisan"),
    "units": ("Units / filters", "Unit / filter"),
    "activation": ("Activation", "Aktivasi"),
    "parameters": ("Parameters", "Parameter"),
    "total": ("Total", "Total"),
    "input_layer": ("input", "masukan"),
    "hidden_layer": ("hidden", "tersembunyi"),
    "output_layer": ("output", "keluaran"),
    "loss_curves": ("Loss curves (redrawn by the grader)", "Kurva loss (digambar ulang oleh grader)"),
    "epoch": ("epoch", "epoch"),
    "loss": ("loss", "loss"),
    "training_loss": ("training loss", "loss pelatihan"),
    "validation_loss": ("validation loss", "loss validasi"),
    "no_history": (
        "No training history was recorded for the final model.",
        "Tidak ada riwayat pelatihan yang tercatat untuk model akhir.",
    ),
    "measured": ("Measured by the grader", "Diukur oleh grader"),
    "measured_on": ("Role", "Peran"),
    "accuracy": ("Accuracy", "Akurasi"),
    "macro_f1": ("Macro F1", "F1 makro"),
    "majority": ("Majority-class baseline", "Baseline kelas mayoritas"),
    "confusion": (
        "Confusion matrix on the test rows (grader's own predictions)",
        "Matriks konfusi pada data uji (prediksi grader sendiri)",
    ),
    "true_class": ("true class", "kelas sebenarnya"),
    "predicted_class": ("predicted class", "kelas prediksi"),
    "not_measured": (
        "The grader could not measure the final model: {reason}",
        "Grader tidak dapat mengukur model akhir: {reason}",
    ),
    "saved_models": ("Saved models", "Model yang disimpan"),
    "file": ("File", "Berkas"),
    "loads": ("Loads", "Dapat dimuat"),
    "agreement": ("Agrees with the live model", "Sesuai dengan model aktif"),
    "yes": ("yes", "ya"),
    "no": ("no", "tidak"),
    "notes": ("Done on your behalf", "Dilakukan atas nama Anda"),
    "cells": ("Cells that failed", "Sel yang gagal"),
    "cell": ("Cell", "Sel"),
    "cell_number": ("cell {index}", "sel {index}"),
    "error": ("Error", "Galat"),
    "code": ("Code", "Kode"),
    "cell_error": ("error", "galat"),
    "cell_timeout": ("time limit", "batas waktu"),
    "cells_not_run": (
        "{count} cells did not run (from cell {first}).",
        "{count} sel tidak dijalankan (mulai dari sel {first}).",
    ),
    "students": ("Students", "Mahasiswa"),
    "pass_rate": ("Pass rate", "Tingkat kelulusan"),
    "distribution": ("Score distribution", "Sebaran nilai"),
    "score_percent": ("score (% of maximum)", "nilai (% dari maksimum)"),
    "count": ("students", "mahasiswa"),
    "mean": ("Mean", "Rata-rata"),
    "median": ("Median", "Median"),
    "minimum": ("Lowest", "Terendah"),
    "maximum": ("Highest", "Tertinggi"),
    "open_report": ("report", "laporan"),
    "generated_by": ("Generated by grader", "Dibuat oleh grader"),
}

LABELS: dict[str, dict[str, str]] = {
    "en": {key: pair[0] for key, pair in _PAIRS.items()},
    "id": {key: pair[1] for key, pair in _PAIRS.items()},
}


def labels_for(lang: str) -> Mapping[str, str]:
    """The report's words in ``lang`` ("en" or "id"); English for any other language."""
    return LABELS.get(lang, LABELS[DEFAULT_LANG])


def format_number(value: float, lang: str, digits: int = 2) -> str:
    """A number as a reader of ``lang`` writes it: no needless ".0", a decimal comma in "id"."""
    if abs(value - round(value)) < 10 ** -(digits + 2):
        text = str(round(value))
    else:
        text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "id" else text


def format_percent(fraction: float, lang: str) -> str:
    """A fraction (0..1) as a percentage with one decimal: "97.5%" / "97,5%"."""
    return format_number(100.0 * fraction, lang, digits=1) + "%"
