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


def test_keras_training_and_evaluation_logs_are_keras_output_not_claims():
    text = (
        # Keras 3, verbose=2 and verbose=1 (colours, backspaces and carriage returns as the kernel sends them)
        "Epoch 3/10\n25/25 - 0s - 6ms/step - accuracy: 0.8969 - loss: 0.3732 - val_accuracy: 0.9286\n"
        "\r\x1b[1m1/4\x1b[0m \x1b[32m━━━━━\x1b[0m\x1b[37m━━━━━━━━━\x1b[0m \x1b[1m0s\x1b[0m 29ms/step - accuracy: 0.9688"
        "\x08\x08\x08\x08\r\x1b[1m4/4\x1b[0m \x1b[1m0s\x1b[0m 7ms/step - accuracy: 0.9344 - loss: 0.8320 \n"
        # tf.keras 2 and older
        "13/13 [==============================] - 0s 3ms/step - loss: 0.31 - accuracy: 0.91\n"
        "400/400 [=====>........................] - ETA: 0s - loss: 0.2 - acc: 0.9\n"
        "400/400 - 0s - loss: 0.3 - acc: 0.91 - val_loss: 0.35 - val_acc: 0.89\n"
        "Epoch 3/10 - accuracy: 0.91 - val_accuracy: 0.89\n"
    )
    assert claims_of(text) == ()


def test_a_coloured_claim_is_still_read():
    found = claims_of("\x1b[1mTest accuracy:\x1b[0m 0.9344\n")
    assert [(c.value, c.qualifier, c.text) for c in found] == [(0.9344, "test", "Test accuracy: 0.9344")]
