"""Column statistics the probe keeps beside row fingerprints, and pandas fills followed to
their output - in this process, no kernel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from grader.evidence.loader import _Collector
from grader.evidence.parse import RowsReader, read_events
from grader.probe import colstats, hooks_pandas
from grader.probe.recorder import Recorder
from grader.probe.session import Session


def test_frame_statistics_cover_numeric_columns_only():
    frame = pd.DataFrame(
        {
            "Sex": ["m", "f", None, "m"],
            "ALB": [38.5, np.nan, 41.0, 45.5],
            "Age": pd.array([30, 40, None, 50], dtype="Int64"),
            "flag": [True, False, True, True],
        }
    )
    count, missing, mean, m2, lo, hi = colstats.column_stats(frame, frame.to_numpy())
    assert count.tolist() == [0, 3, 3, 4] and missing.tolist() == [0, 1, 1, 0]
    assert np.isnan(mean[0]) and mean[1] == pytest.approx(125 / 3) and mean[3] == 0.75
    assert m2[2] == pytest.approx(200.0) and (lo[1], hi[1]) == (38.5, 45.5)


def test_chunked_statistics_equal_one_pass_over_the_array():
    x = np.random.default_rng(3).normal(5, 2, size=(20_000, 6))
    x[::7, 2] = np.nan
    count, missing, mean, m2, lo, hi = colstats.column_stats(x, x)
    assert count[2] + missing[2] == 20_000 and missing[2] == len(range(0, 20_000, 7))
    assert np.allclose(mean, np.nanmean(x, axis=0)) and np.allclose(m2 / count, np.nanvar(x, axis=0))
    assert np.array_equal(lo, np.nanmin(x, axis=0)) and np.array_equal(hi, np.nanmax(x, axis=0))


def test_text_columns_of_an_object_array_are_skipped_and_images_are_too_wide():
    values = np.array([["a", 1.5], ["b", 2.5]], dtype=object)
    count = colstats.column_stats(values, values)[0]
    assert count.tolist() == [0, 2]
    images = np.zeros((10, 28, 28))
    assert colstats.column_stats(images, images) is None


def test_recorded_row_sets_carry_their_statistics(tmp_path: Path):
    recorder = Recorder(str(tmp_path))
    frame = pd.DataFrame({"ALB": [1.0, 2.0, np.nan], "ALP": [3.5, 4.0, 4.5]})
    features = recorder.rowset(frame, role="x")
    series = recorder.rowset(frame["ALP"], role="x")
    labels = recorder.rowset(np.array([0, 1, 1]), role="y")
    recorder.close()
    read = RowsReader(str(tmp_path))
    rows = read(features)
    assert rows.stats is not None and rows.stats.missing.tolist() == [1, 0] and rows.stats.mean[1] == 4.0
    assert read(series).columns == ("ALP",) and read(series).stats.count.tolist() == [3]
    assert read(labels).stats is None


@pytest.fixture
def session(tmp_path: Path):
    recorder = Recorder(str(tmp_path / "evidence"))
    probe = Session(recorder, {})
    hooks_pandas.patch_pandas(probe, pd)
    yield probe
    for owner, name, wrapper in reversed(probe.hooks):
        setattr(owner, name, wrapper.__wrapped_original__)
    recorder.close()


def collected(probe: Session) -> _Collector:
    probe.recorder._log.flush()
    collector = _Collector(probe.recorder.directory)
    for event in read_events(probe.recorder.directory):
        collector.add(event)
    return collector


def test_a_fill_records_what_it_produced_and_links_it_to_the_rows_it_filled(session: Session):
    df = pd.DataFrame({"ALB": [38.0, np.nan, 42.0], "ALP": [np.nan, 60.0, 80.0]})
    df.fillna(df.mean(), inplace=True)
    other = pd.DataFrame({"ALB": [1.0, np.nan, 3.0]})
    other.fillna(other.median())
    found = collected(session)
    first, second = found.lists["prep_fits"]
    assert first.mid != second.mid and first.method == "fillna"
    assert first.input.stats.missing.tolist() == [1, 1] and first.output.stats.missing.tolist() == [0, 0]
    assert first.output.stats.mean.tolist() == [40.0, 70.0]
    link = found.lists["transforms"][0]
    assert (link.mid, link.input.id, link.output.id) == (first.mid, first.input.id, first.output.id)
