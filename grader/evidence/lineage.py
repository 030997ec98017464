"""Row lineage: recognising the same rows after splits and transformations.

Every transform the probe saw (``scaler.transform(X)``: row i in, row i out) links an output
fingerprint to an input fingerprint.  A row's *keys* are its own fingerprint plus every
ancestor's, so a scaled test row still meets the raw row a scaler was fitted on.  Rows that
are duplicated in the raw data are ignored when counting overlaps - a dataset with two
identical rows does not make a split "overlap".
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from ..models.evidence import Evidence, Rows


class Lineage:
    """Ancestry of row fingerprints across the notebook's transforms."""

    def __init__(self, evidence: Evidence) -> None:
        self.parents: dict[int, set[int]] = defaultdict(set)
        for t in evidence.transforms:
            if t.input is None or t.output is None or t.input.n != t.output.n:
                continue
            if t.input.kind != "features":
                continue
            for out_fp, in_fp in zip(t.output.exact.tolist(), t.input.exact.tolist(), strict=True):
                if out_fp != in_fp:
                    self.parents[out_fp].add(in_fp)
        self.duplicates: set[int] = set()
        for rows in _raw_feature_rows(evidence):
            values, counts = np.unique(rows.exact, return_counts=True)
            self.duplicates.update(values[counts > 1].tolist())
        self._cache: dict[int, frozenset[int]] = {}

    def ancestry(self, fp: int) -> frozenset[int]:
        """The fingerprint and all its ancestors."""
        cached = self._cache.get(fp)
        if cached is not None:
            return cached
        seen = {fp}
        stack = [fp]
        while stack:
            for parent in self.parents.get(stack.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        result = frozenset(seen)
        self._cache[fp] = result
        return result

    def keys(self, rows: Rows) -> list[set[tuple[str, int]]]:
        """Per row: the identities it can be recognised by."""
        use_shape = rows.shape_identifies
        out = []
        for i, fp in enumerate(rows.exact.tolist()):
            keys = {("e", a) for a in self.ancestry(fp)}
            if use_shape:
                keys.add(("s", int(rows.shape_fp[i])))
            out.append(keys)
        return out

    def overlap(self, a: Rows | None, b: Rows | None) -> int:
        """How many rows of ``a`` are also rows of ``b`` (raw duplicates excluded)."""
        if a is None or b is None or a.kind != "features" or b.kind != "features":
            return 0
        pool: set[tuple[str, int]] = set()
        for keys in self.keys(b):
            pool |= keys
        dup = {("e", d) for d in self.duplicates}
        count = 0
        for keys in self.keys(a):
            shared = (keys & pool) - dup
            if shared and not (keys & dup):
                count += 1
        return count

    def same_rows(self, a: Rows | None, b: Rows | None, fraction: float = 0.9) -> bool:
        """True when ``a`` and ``b`` are (nearly) the same set of rows."""
        if a is None or b is None or a.n == 0 or b.n == 0:
            return False
        return self.overlap(a, b) >= fraction * min(a.n, b.n) and abs(a.n - b.n) <= 0.1 * max(a.n, b.n)

    def aligned(self, a: Rows, b: Rows) -> bool:
        """True when row i of ``a`` is row i of ``b`` for (nearly) every i."""
        if a.n != b.n:
            return False
        keys_a, keys_b = self.keys(a), self.keys(b)
        hits = sum(1 for ka, kb in zip(keys_a, keys_b, strict=True) if ka & kb)
        return hits >= 0.95 * a.n


def _raw_feature_rows(evidence: Evidence) -> list[Rows]:
    found = []
    for split in evidence.splits:
        for rows in split.inputs:
            if rows is not None and rows.kind == "features":
                found.append(rows)
        if split.predefined:
            for part in split.outputs:
                if part.rows is not None and part.rows.kind == "features":
                    found.append(part.rows)
    return found


def tail_rows(rows: Rows, fraction: float) -> Rows:
    """The last ``fraction`` of rows - what Keras' ``validation_split`` holds out."""
    start = int(rows.n * (1.0 - fraction))
    return Rows(
        id=rows.id + f"[{start}:]",
        n=rows.n - start,
        shape=(rows.n - start, *rows.shape[1:]),
        dtype=rows.dtype,
        kind=rows.kind,
        exact=rows.exact[start:],
        shape_fp=rows.shape_fp[start:],
        labels=None if rows.labels is None else rows.labels[start:],
        columns=rows.columns,
    )


def head_rows(rows: Rows, fraction: float) -> Rows:
    """The first ``1 - fraction`` of rows - what Keras trains on with ``validation_split``."""
    stop = int(rows.n * (1.0 - fraction))
    return Rows(
        id=rows.id + f"[:{stop}]",
        n=stop,
        shape=(stop, *rows.shape[1:]),
        dtype=rows.dtype,
        kind=rows.kind,
        exact=rows.exact[:stop],
        shape_fp=rows.shape_fp[:stop],
        labels=None if rows.labels is None else rows.labels[:stop],
        columns=rows.columns,
    )
