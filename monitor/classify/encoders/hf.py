"""Transformers encoder: any Hugging Face encoder model behind the `Encoder` protocol.

Owns: loading a tokenizer + encoder (hub id already in the local cache, or a
local directory), batching texts through it under `torch.inference_mode()`,
attention-masked mean or CLS pooling and L2 normalisation. Does not own:
downloading. Models are installed, not fetched at run time: loading never
touches the network (`local_files_only`), so a daemon on a machine without a
hub fails at once with a message saying what to do instead of retrying for a
minute. torch and transformers are imported only when this class is built.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from monitor.classify.base import Vectors
from monitor.errors import ModelError

# Keys that change with the library or the load path but not with the model's maths.
_VOLATILE_CONFIG_KEYS = ("transformers_version", "_name_or_path", "_commit_hash", "dtype")


class TransformersEncoder:
    """A Hugging Face encoder (BERT, XLM-R, E5, ...) producing unit-length vectors.

    Args:
        model: hub id (must already be in the local Hugging Face cache) or a local
            directory holding `config.json`, weights and tokenizer files.
        pooling: "mean" (attention-masked average of token vectors) or "cls".
        device: torch device string ("cpu", "cuda", "cuda:1", "mps").
        batch_size: texts per forward pass.
        max_length: tokens kept per text; longer texts are truncated.
        threads: CPU threads torch may use (process-wide torch setting).
        prefix: prepended to every text; E5 models expect "query: ".
    """

    def __init__(
        self,
        model: str,
        *,
        pooling: Literal["mean", "cls"] = "mean",
        device: str = "cpu",
        batch_size: int = 32,
        max_length: int = 256,
        threads: int = 2,
        prefix: str = "",
    ) -> None:
        if pooling not in ("mean", "cls"):
            raise ModelError(f"{model}: unknown pooling {pooling!r} (use 'mean' or 'cls')")
        torch, transformers = _import_backend(model)
        self._torch = torch
        if device == "cpu":
            torch.set_num_threads(max(1, threads))
        source = _resolve_source(model)
        self._tokenizer, self._model = _load(transformers, model, source, device)
        config = self._model.config
        self.name = model if not Path(source).is_dir() else Path(source).resolve().name
        self.version = _model_version(config)
        self.dim = int(config.hidden_size)
        self._pooling = pooling
        self._device = device
        self._batch_size = max(1, batch_size)
        limit = getattr(self._tokenizer, "model_max_length", max_length) or max_length
        self._max_length = max(8, min(max_length, int(limit)))
        self._prefix = prefix

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Embed texts in batches; returns (n, dim) float32 rows of unit length."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Longest first, so each batch pads to similar lengths; order restored below.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i] or ""))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            idx = order[start : start + self._batch_size]
            out[idx] = self._encode_batch([self._prefix + (texts[i] or " ") for i in idx])
        return out

    def _encode_batch(self, batch: list[str]) -> Vectors:
        torch = self._torch
        enc = self._tokenizer(
            batch, padding=True, truncation=True, max_length=self._max_length, return_tensors="pt"
        )
        enc = {k: v.to(self._device) for k, v in enc.items()}
        try:
            with torch.inference_mode():
                hidden = self._model(**enc).last_hidden_state
                if self._pooling == "cls":
                    pooled = hidden[:, 0]
                else:
                    mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                    pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
                pooled = torch.nn.functional.normalize(pooled.float(), p=2, dim=1)
        except RuntimeError as e:  # CUDA OOM, shape errors: name the model
            raise ModelError(f"{self.name}: encoding failed: {e}") from e
        return pooled.cpu().numpy().astype(np.float32, copy=False)


def _import_backend(model: str) -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as e:
        raise ModelError(
            f"{model}: the transformers backend needs torch and transformers installed "
            f"(pip install torch transformers): {e}"
        ) from e
    return torch, transformers


def _resolve_source(model: str) -> str:
    """A local directory as an absolute path, or the hub id unchanged.

    Anything that looks like a path (has a path separator that is not the single
    "owner/name" slash of a hub id, or starts with ".", "~" or "/") must exist.
    """
    path = Path(model).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelError(f"{model}: not a model directory (no config.json)")
        return str(path.resolve())
    looks_like_path = model.startswith((".", "~", "/")) or model.count("/") > 1 or "\\" in model
    if looks_like_path:
        raise ModelError(f"{model}: model directory not found")
    return model


def _load(
    transformers: Any, model: str, source: str, device: str, auto_class: str = "AutoModel"
) -> tuple[Any, Any]:
    """Tokenizer and model (`transformers.<auto_class>`) from local files, on `device`."""
    transformers.utils.logging.disable_progress_bar()  # a daemon's log is not a terminal
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(source, local_files_only=True)
        encoder = getattr(transformers, auto_class).from_pretrained(source, local_files_only=True)
    except OSError as e:
        if Path(source).is_dir():
            raise ModelError(f"{model}: cannot load model from directory: {e}") from e
        raise ModelError(
            f"{model}: not in the local Hugging Face cache, and news-monitor never downloads "
            f"models at run time. Download it once (`hf download {model}`) or set "
            f"classify.model to a local directory."
        ) from e
    except (ValueError, KeyError, ImportError) as e:  # unknown architecture, bad files
        raise ModelError(f"{model}: cannot load model: {e}") from e
    try:
        encoder = encoder.to(device).eval()
    except (RuntimeError, AssertionError) as e:  # torch raises AssertionError without CUDA
        raise ModelError(f"{model}: cannot move model to device {device!r}: {e}") from e
    return tokenizer, encoder


def _model_version(config: Any) -> str:
    """The hub commit when known, else a short hash of the model's configuration."""
    commit = getattr(config, "_commit_hash", None)
    if commit:
        return str(commit)
    data = {k: v for k, v in config.to_dict().items() if k not in _VOLATILE_CONFIG_KEYS}
    blob = json.dumps(data, sort_keys=True, default=str).encode()
    return "cfg-" + hashlib.sha256(blob).hexdigest()[:12]
