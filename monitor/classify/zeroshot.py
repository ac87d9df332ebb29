"""Zero-shot label scoring with a Hugging Face NLI model (e.g. an mDeBERTa XNLI model).

Owns: loading a sequence-classification NLI model (a hub id already in the
local cache, or a local directory; never downloaded at run time), finding its
entailment class, and turning "does this article entail <hypothesis>?" for one
hypothesis per label into label probabilities, in `LABELS` order (a softmax
over the hypotheses' entailment logits, as the transformers zero-shot pipeline
does for single-label classification). Multilingual NLI models take an
English hypothesis for a French premise, so one set of hypotheses serves both
languages. Does not own: which text is scored (`classifier.py`), the label
decision (`classifier.decide`), or embeddings for dedup (the encoder).
torch and transformers are imported only when a scorer is built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from monitor.classify.encoders.hf import _import_backend, _load, _model_version, _resolve_source
from monitor.errors import ModelError
from monitor.models import LABELS, Label

HYPOTHESES: Mapping[Label, str] = {
    "enforcement": "A regulator or public authority imposed a fine, order, ban or other "
    "sanction on a company or organisation.",
    "investigation": "A regulator or public authority opened an investigation, inquiry or "
    "proceedings into a company or organisation.",
    "other": "This news is not about a regulator sanctioning or investigating an organisation.",
}


def entailment_index(label2id: Mapping[str, int]) -> int:
    """Index of the entailment class in an NLI model's `label2id` (names vary by model).

    Raises:
        ModelError: the model has no class whose name starts with "entail".
    """
    for name, index in label2id.items():
        if str(name).lower().startswith("entail"):
            return int(index)
    raise ModelError(f"not an NLI model: no 'entailment' class among its labels {sorted(label2id)}")


def label_probabilities(entail_logits: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Rows of per-hypothesis entailment logits -> rows of label probabilities (softmax)."""
    z = entail_logits - entail_logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


class ZeroShotScorer:
    """Label probabilities for texts from an NLI model; no training needed.

    Args:
        model: hub id (already in the local cache) or a local model directory.
        device: torch device string.
        batch_size: premise/hypothesis pairs per forward pass.
        max_length: tokens kept per pair (the premise is truncated, never the hypothesis).
        threads: CPU threads torch may use.
        hypotheses: one hypothesis per label (defaults: `HYPOTHESES`).
    """

    labels: tuple[Label, ...] = LABELS

    def __init__(
        self,
        model: str,
        *,
        device: str = "cpu",
        batch_size: int = 16,
        max_length: int = 256,
        threads: int = 2,
        hypotheses: Mapping[Label, str] = HYPOTHESES,
    ) -> None:
        missing = [label for label in LABELS if label not in hypotheses]
        if missing:
            raise ModelError(f"{model}: no zero-shot hypothesis for {', '.join(missing)}")
        torch, transformers = _import_backend(model)
        self._torch = torch
        if device == "cpu":
            torch.set_num_threads(max(1, threads))
        source = _resolve_source(model)
        self._tokenizer, self._model = _load(
            transformers, model, source, device, auto_class="AutoModelForSequenceClassification"
        )
        self._entail = entailment_index(self._model.config.label2id)
        self.name = model if not Path(source).is_dir() else Path(source).resolve().name
        self.version = "nli-" + _model_version(self._model.config)
        self._device = device
        self._batch_size = max(1, batch_size)
        self._max_length = max(16, max_length)
        self._hypotheses = [hypotheses[label] for label in LABELS]

    def probabilities(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """(len(texts), 3) probabilities over `LABELS`, rows summing to 1."""
        if not texts:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        pairs = [(t or " ", h) for t in texts for h in self._hypotheses]
        logits = np.empty(len(pairs), dtype=np.float32)
        for start in range(0, len(pairs), self._batch_size):
            batch = pairs[start : start + self._batch_size]
            logits[start : start + len(batch)] = self._entail_logits(batch)
        return label_probabilities(logits.reshape(len(texts), len(LABELS)))

    def _entail_logits(self, batch: list[tuple[str, str]]) -> Any:
        torch = self._torch
        enc = self._tokenizer(
            [p for p, _ in batch],
            [h for _, h in batch],
            padding=True,
            truncation="only_first",
            max_length=self._max_length,
            return_tensors="pt",
        )
        enc = {k: v.to(self._device) for k, v in enc.items()}
        try:
            with torch.inference_mode():
                out = self._model(**enc).logits[:, self._entail]
        except RuntimeError as e:
            raise ModelError(f"{self.name}: zero-shot scoring failed: {e}") from e
        return out.float().cpu().numpy()
