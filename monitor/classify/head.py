"""The classifier head: a calibrated multinomial logistic regression on embeddings.

Owns: the head's artifact format and inference. An artifact is two files side
by side, never a pickle: `<stem>.npz` (weights `coef` (k, d), `intercept` (k,))
and `<stem>.json` (format, version, encoder name/version, dim, labels,
temperature, training-data hash, metrics). Inference needs numpy only.
Does not own: training (see `train.py`, which needs scikit-learn) or the
choice of text to embed (see `classifier.py`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from monitor.classify.base import Encoder, Vectors
from monitor.errors import ModelError
from monitor.models import LABELS, Label

FORMAT = 1
ARTIFACTS = Path(__file__).parent / "artifacts"
# The shipped head for the default encoder (USE-multilingual-v3).
DEFAULT_HEAD = ARTIFACTS / "use-multilingual-v3.json"

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, kw_only=True)
class HeadMeta:
    """What a head was trained for and how well it did; stored as JSON."""

    encoder: str
    encoder_version: str
    dim: int
    labels: tuple[Label, ...] = LABELS
    temperature: float = 1.0  # logits are divided by this before the softmax
    data_hash: str = ""
    created: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)  # training choices (C, weights...)


class Head:
    """Weights plus metadata; maps embeddings to calibrated label probabilities."""

    def __init__(self, *, coef: Floats, intercept: Floats, meta: HeadMeta) -> None:
        coef = np.asarray(coef, dtype=np.float64)
        intercept = np.asarray(intercept, dtype=np.float64)
        k = len(meta.labels)
        if coef.shape != (k, meta.dim) or intercept.shape != (k,):
            raise ModelError(
                f"head weights have shape {coef.shape}/{intercept.shape}, "
                f"expected ({k}, {meta.dim})/({k},)"
            )
        if not meta.temperature > 0:
            raise ModelError(f"head temperature must be > 0, got {meta.temperature}")
        self.coef = coef
        self.intercept = intercept
        self.meta = meta
        self.version = _weights_hash(coef, intercept, meta.temperature)

    @property
    def labels(self) -> tuple[Label, ...]:
        return self.meta.labels

    def check(self, encoder: Encoder) -> None:
        """Refuse an encoder other than the one the head was trained on.

        Raises:
            ModelError: the encoder's name or dimension differs.
        """
        if encoder.name != self.meta.encoder or encoder.dim != self.meta.dim:
            raise ModelError(
                f"classifier head was trained for encoder {self.meta.encoder!r} "
                f"(dim {self.meta.dim}), not {encoder.name!r} (dim {encoder.dim}); "
                f"train one with `monitor train` and set classify.head"
            )

    def logits(self, vectors: Vectors) -> Floats:
        """Uncalibrated scores, shape (n, k)."""
        x = np.asarray(vectors, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.meta.dim:
            raise ModelError(f"head expects vectors of shape (n, {self.meta.dim}), got {x.shape}")
        return x @ self.coef.T + self.intercept

    def probabilities(self, vectors: Vectors) -> Floats:
        """Calibrated probabilities, shape (n, k), columns in `labels` order."""
        return softmax(self.logits(vectors) / self.meta.temperature)

    def save(self, path: str | Path) -> Path:
        """Write `<stem>.npz` and `<stem>.json`; return the JSON path."""
        json_path, npz_path = artifact_paths(path)
        json_path.parent.mkdir(parents=True, exist_ok=True)
        with npz_path.open("wb") as f:
            np.savez_compressed(f, coef=self.coef, intercept=self.intercept)
        doc = {"format": FORMAT, "version": self.version, "weights": npz_path.name}
        doc |= {k: getattr(self.meta, k) for k in HeadMeta.__dataclass_fields__}
        doc["labels"] = list(self.meta.labels)
        json_path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", "utf-8")
        return json_path

    @classmethod
    def load(cls, path: str | Path | None = None) -> Head:
        """Read a head written by `save` (None: the shipped default head).

        Raises:
            ModelError: files missing, unreadable, of another format, or inconsistent.
        """
        json_path, _ = artifact_paths(path or DEFAULT_HEAD)
        try:
            doc = json.loads(json_path.read_text("utf-8"))
            npz_path = json_path.with_name(doc["weights"])
            with np.load(npz_path, allow_pickle=False) as z:
                coef, intercept = z["coef"], z["intercept"]
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ModelError(f"cannot load classifier head {json_path}: {e}") from e
        if doc.get("format") != FORMAT:
            raise ModelError(f"{json_path}: head format {doc.get('format')!r}, expected {FORMAT}")
        labels = tuple(doc.get("labels", ()))
        if set(labels) != set(LABELS):
            raise ModelError(f"{json_path}: head labels {labels} are not {LABELS}")
        fields = {k: doc[k] for k in HeadMeta.__dataclass_fields__ if k in doc}
        head = cls(coef=coef, intercept=intercept, meta=HeadMeta(**fields | {"labels": labels}))
        if doc.get("version") and doc["version"] != head.version:
            raise ModelError(f"{json_path}: weights do not match version {doc['version']}")
        return head


def artifact_paths(path: str | Path) -> tuple[Path, Path]:
    """(json, npz) paths of the artifact named by `path` (either file, or the stem)."""
    p = Path(path)
    stem = p.with_suffix("") if p.suffix in (".json", ".npz") else p
    return stem.with_name(stem.name + ".json"), stem.with_name(stem.name + ".npz")


def softmax(z: Floats) -> Floats:
    """Row-wise softmax, stable for large logits."""
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _weights_hash(coef: Floats, intercept: Floats, temperature: float) -> str:
    h = hashlib.sha256()
    for a in (coef, intercept, np.array([temperature])):
        h.update(np.ascontiguousarray(a, dtype="<f8").tobytes())
    return h.hexdigest()[:12]
