"""Parsing printed claims ("Test accuracy: 0.97") from cell outputs."""

from __future__ import annotations

from grader.evidence.claims import parse_claims
from grader.models.evidence import CellOutput


def claims_of(text: str):
    return parse_claims((CellOutput(index=3, text=text, images=0, source=""),))


def test_accuracy_claims_in_english_and_indonesian():
    found = claims_of("Test accuracy: 0.9333\nAkurasi data uji adalah 97.5%\nAccuracy = 1.0\n")
    assert [(c.value, c.qualifier) for c in found] == [(0.9333, "test"), (0.975, "test"), (1.0, "unknown")]


def test_keras_progress_lines_and_prose_are_not_claims():
    text = (
        "Epoch 1/5\n4/4 ━━━━━━━━ 0s 3ms/step - accuracy: 0.8000 - loss: 0.5\n"
        "accuracy improved by 5%\nThe target accuracy: 0.9 should be reached\n"
    )
    assert claims_of(text) == ()


def test_validation_and_training_qualifiers():
    found = claims_of("val accuracy: 0.91\ntraining accuracy: 0.99\n")
    assert [c.qualifier for c in found] == ["validation", "train"]


def test_print_with_a_comma_states_a_claim_when_the_number_ends_the_line():
    # print('akurasi uji', acc) prints "akurasi uji 1.0": no colon, but nothing else it could mean
    found = claims_of("akurasi uji 1.0\nTest accuracy 0.93 \nacc 97%\n")
    assert [(c.value, c.qualifier) for c in found] == [(1.0, "test"), (0.93, "test"), (0.97, "unknown")]


def test_a_number_inside_a_sentence_without_a_connector_is_not_a_claim():
    assert claims_of("accuracy with 3 layers was best\nakurasi uji 0.9 lebih baik\naccuracy of\n") == ()
