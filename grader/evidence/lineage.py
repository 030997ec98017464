"""Row lineage: recognising the same rows after splits and transformations.

Every transform the probe saw (``scaler.transform(X)``: row i in, row i out) links an output
fingerprint to an input fingerprint.  A row's *keys* are its own fingerprint plus every
ancestor's, so a scaled test row still meets the raw row a scaler was fitted on.

Rows the data itself holds more than once are not an overlap: a split of a dataset with two
identical rows may put one copy on each side.  Overlaps are counted with multiplicities - a
row shared by two sets counts only for the copies beyond those the data before the split
(a split's input, or a dataset that comes split) held.  When the sets' rows cannot be traced to
a split's input (the notebook split a wider table and took the feature columns afterwards),
:meth:`Lineage.overlap` is told by the caller whether the sets partition the split's rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from ..models.evidence import Evidence, Rows

Key = tuple[str, int]


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
        self._cache: dict[int, frozenset[int]] = {}
        self._keys: dict[int, tuple[Rows, list[set[Key]]]] = {}
        """Per row set (by ``id``, the set kept alive with it): ``keys``, worked out once."""
        self._pools: dict[int, tuple[Rows, set[Key]]] = {}
        """Per row set: every key of its rows, once."""
        self.copies: dict[Key, int] = {}
        """Key -> how many rows of the data before the split hold it (largest over sources)."""
        self.source_repeats = 0
        """Most rows any source holds beyond its distinct rows (its own duplicates)."""
        for source in _sources(evidence):
            counts = Counter(key for rows in source for keys in self.keys(rows) for key in keys)
            for key, count in counts.items():
                self.copies[key] = max(count, self.copies.get(key, 0))
            exact = np.concatenate([rows.exact for rows in source])
            self.source_repeats = max(self.source_repeats, len(exact) - len(np.unique(exact)))

    @property
    def duplicates(self) -> set[int]:
        """Fingerprints that some source holds more than once."""
        return {fp for (kind, fp), count in self.copies.items() if kind == "e" and count > 1}

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

    def keys(self, rows: Rows) -> list[set[Key]]:
        """Per row: the identities it can be recognised by (read-only: shared between calls)."""
        known = self._keys.get(id(rows))
        if known is None:
            known = self._keys[id(rows)] = (rows, self._work_out_keys(rows))
        return known[1]

    def _pool(self, rows: Rows) -> set[Key]:
        known = self._pools.get(id(rows))
        if known is None:
            known = self._pools[id(rows)] = (rows, set().union(*self.keys(rows)))
        return known[1]

    def _work_out_keys(self, rows: Rows) -> list[set[Key]]:
        use_shape = rows.shape_identifies
        out = []
        for i, fp in enumerate(rows.exact.tolist()):
            keys = {("e", a) for a in self.ancestry(fp)}
            if use_shape:
                keys.add(("s", int(rows.shape_fp[i])))
            out.append(keys)
        return out

    def overlap(self, a: Rows | None, b: Rows | None, partition: bool = False) -> int:
        """How many rows of ``a`` are also rows of ``b``, beyond the copies the data held.

        ``partition``: the sets are known to be parts of one split (their sizes add up to its
        rows), so rows that cannot be traced to the split's input are the data's own copies.
        """
        if a is None or b is None or a.kind != "features" or b.kind != "features":
            return 0
        keys_b = self.keys(b)
        if not partition and not self.source_repeats:
            # nothing is held twice: a row of a counts when b has it (the plain case, fast)
            pool = self._pool(b)
            return sum(1 for keys in self.keys(a) if not keys.isdisjoint(pool))
        in_b = Counter(key for keys in keys_b for key in keys)
        groups: Counter[Key] = Counter()
        for keys in self.keys(a):
            shared = {k for k in keys if k in in_b}
            if not shared:
                continue
            traced = {k for k in keys if k in self.copies}
            groups[min(traced or shared)] += 1
        count = 0
        for key, in_a in groups.items():
            also_b = max(in_b.get(key, 0), 1)
            held = self.copies.get(key)
            if held is None:
                held = in_a + also_b if partition else 1
            count += min(in_a, max(0, in_a + also_b - held))
        return count

    def untraced_repeats(self, sets: list[Rows]) -> int:
        """Rows of ``sets`` (together) that repeat another of their rows and cannot be traced to
        a split's input."""
        roots: Counter[int] = Counter()
        for rows in sets:
            for keys in self.keys(rows):
                if any(k in self.copies for k in keys):
                    continue
                exact = [fp for kind, fp in keys if kind == "e"]
                roots[min([fp for fp in exact if not self.parents.get(fp)] or exact)] += 1
        return sum(c - 1 for c in roots.values() if c > 1)

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


def _sources(evidence: Evidence) -> list[list[Rows]]:
    """The data before any split, as groups of feature rows: each split's input, and the parts
    of a dataset that comes split (one group: its train and test parts are one dataset)."""
    found = []
    for split in evidence.splits:
        for rows in split.inputs:
            if rows is not None and rows.kind == "features":
                found.append([rows])
        if split.predefined:
            parts = [p.rows for p in split.outputs if p.rows is not None and p.rows.kind == "features"]
            if parts:
                found.append(parts)
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
