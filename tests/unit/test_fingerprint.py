"""Row fingerprints survive what splits and normalisation do to rows, and nothing more."""

from __future__ import annotations

import numpy as np
import pandas as pd

from grader.probe import fingerprint as fp


def test_equal_rows_equal_fingerprints_across_dtypes_and_order():
    x = np.random.default_rng(0).normal(size=(50, 6))
    a = fp.exact_fingerprints(fp.as_matrix(x))
    b = fp.exact_fingerprints(fp.as_matrix(x.astype(np.float32)[::-1]))
    assert set(a.tolist()) == set(b.tolist()) and len(set(a.tolist())) == 50


def test_shape_fingerprint_survives_global_rescaling_only():
    img = np.random.default_rng(1).integers(0, 256, size=(20, 28, 28)).astype(np.uint8)
    raw = fp.shape_fingerprints(fp.as_matrix(img))
    assert np.array_equal(raw, fp.shape_fingerprints(fp.as_matrix(img / 255.0)))
    assert np.array_equal(raw, fp.shape_fingerprints(fp.as_matrix((img / 127.5) - 1.0)))
    assert not np.array_equal(
        fp.exact_fingerprints(fp.as_matrix(img)), fp.exact_fingerprints(fp.as_matrix(img / 255.0))
    )


def test_nan_and_strings_are_stable():
    frame = pd.DataFrame({"Sex": ["m", "f", "m"], "ALB": [38.5, np.nan, 38.5]})
    a = fp.exact_fingerprints(fp.as_matrix(frame.to_numpy()))
    assert a[0] == a[2] and a[0] != a[1]
    assert np.array_equal(a, fp.exact_fingerprints(fp.as_matrix(frame.to_numpy())))
