"""Approximate nearest-neighbour search over article vectors (usearch HNSW).

Owns: a cosine index over integer keys with add, remove and k-nearest search,
and keeping search cost flat while items come and go: usearch only marks
removed nodes, and a graph full of tombstones gets slower to walk, so the
index is rebuilt from its live vectors once removals outnumber them two to
one (rebuilding more often costs more than the tombstones do). Does not
own: which items belong in the index (the story clusterer evicts by time) or
any persistence.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from usearch.index import Index

CONNECTIVITY = 16
EXPANSION_ADD = 48
EXPANSION_SEARCH = 48  # the window holds a few thousand items: search is near exact


class VectorIndex:
    """Cosine k-NN over L2-normalised float32 vectors keyed by article id.

    Single-threaded on purpose: the insertion order fixes the graph, so the
    same inputs always give the same neighbours (the `monitor cluster`
    output must be deterministic).
    """

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._index = self._new()
        self._removed = 0
        self.rebuilds = 0

    def _new(self) -> Index:
        return Index(
            ndim=self.dim,
            metric="cos",
            dtype="f32",
            connectivity=CONNECTIVITY,
            expansion_add=EXPANSION_ADD,
            expansion_search=EXPANSION_SEARCH,
        )

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, int) and bool(self._index.contains(key))

    def add(self, key: int, vector: npt.ArrayLike) -> None:
        """Index `vector` under `key`; a key already present is left as it is."""
        vec = np.asarray(vector, dtype=np.float32).reshape(self.dim)
        if key in self:
            return
        self._index.add(key, vec, threads=1)

    def remove(self, key: int) -> None:
        if key not in self:
            return
        self._index.remove(key)
        self._removed += 1
        if self._removed > max(2 * len(self._index), 64):
            self._rebuild()

    def search(self, vector: npt.ArrayLike, k: int) -> list[tuple[int, float]]:
        """Up to `k` (key, cosine similarity) pairs, most similar first."""
        if len(self._index) == 0:
            return []
        vec = np.asarray(vector, dtype=np.float32).reshape(self.dim)
        matches = self._index.search(vec, min(k, len(self._index)), threads=1)
        pairs = [
            (int(key), 1.0 - float(dist))
            for key, dist in zip(matches.keys, matches.distances, strict=True)
        ]
        pairs.sort(key=lambda kv: (-kv[1], kv[0]))
        return pairs

    def _rebuild(self) -> None:
        # Sorted keys: the rebuilt graph depends only on which items are live.
        keys = np.array(sorted(int(k) for k in self._index.keys), dtype=np.uint64)
        fresh = self._new()
        if len(keys):
            got: Any = self._index.get(keys)  # a tuple of rows for a key array
            vectors = np.vstack(got).astype(np.float32)
            fresh.add(keys, vectors, threads=1)
        self._index = fresh
        self._removed = 0
        self.rebuilds += 1
