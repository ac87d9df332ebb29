"""The classifier head: a calibrated multinomial logistic regression on embeddings.

Owns: the head's artifact format and inference. Its input is the text
embedding, optionally followed by the wording cues of `features.py` (the head
records their version). An artifact is two files side by side, never a pickle:
`<stem>.npz` (weights `coef` (k, dim + n_cues), `intercept` (k,)) and
`<stem>.json` (format, version, encoder name/version, dim, cue version,
labels, temperature, training-data hash, metrics). Inference needs numpy only.
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
    cues: str = ""  # version of the cue features after the embedding; "" = none
    n_cues: int = 0
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
        k, width = len(meta.labels), meta.dim + meta.n_cues
        if coef.shape != (k, width) or intercept.shape != (k,):
            raise ModelError(
                f"head weights have shape {coef.shape}/{intercept.shape}, "
                f"expected ({k}, {width})/({k},)"
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

    def check(self, encoder: Encoder, *, cues: str) -> None:
        """Refuse an encoder, or cue features, other than those the head was trained on.

        Args:
            encoder: the encoder that will produce the vectors.
            cues: the version of the cue features that will be given.

        Raises:
            ModelError: the encoder's name or dimension, or the cue version, differs.
        """
        retrain = (
            "use the encoder it was trained with ([classify] backend and model), or "
            "train a head for this one with `monitor train` and set [classify] head"
        )
        if encoder.name != self.meta.encoder or encoder.dim != self.meta.dim:
            raise ModelError(
                f"classifier head was trained for encoder {self.meta.encoder!r} "
                f"(dim {self.meta.dim}), not {encoder.name!r} (dim {encoder.dim}); {retrain}"
            )
        if self.meta.cues and self.meta.cues != cues:
            raise ModelError(
                f"classifier head was trained with cue features {self.meta.cues!r}, "
                f"this version computes {cues!r}; {retrain}"
            )

    def logits(self, vectors: Vectors, cues: Floats | None = None) -> Floats:
        """Uncalibrated scores, shape (n, k), of embeddings (and cues when the head uses them)."""
        x = inputs(vectors, cues if self.meta.n_cues else None)
        if x.shape[1] != self.coef.shape[1]:
            raise ModelError(f"head expects {self.coef.shape[1]} input columns, got {x.shape[1]}")
        return x @ self.coef.T + self.intercept

    def probabilities(self, vectors: Vectors, cues: Floats | None = None) -> Floats:
        """Calibrated probabilities, shape (n, k), columns in `labels` order."""
        return softmax(self.logits(vectors, cues) / self.meta.temperature)

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


def inputs(vectors: Vectors, cues: Floats | None = None) -> Floats:
    """The head's input rows: embedding, then cue features if any (training uses this too)."""
    x = np.asarray(vectors, dtype=np.float64)
    if x.ndim != 2:
        raise ModelError(f"expected a 2-d array of vectors, got shape {x.shape}")
    if cues is None:
        return x
    c = np.asarray(cues, dtype=np.float64)
    if c.shape[0] != x.shape[0]:
        raise ModelError(f"{x.shape[0]} vectors but {c.shape[0]} rows of cues")
    return np.hstack([x, c])


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
