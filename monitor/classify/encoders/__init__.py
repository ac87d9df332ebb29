"""Encoder backends, one module each, chosen by `make_encoder` from config.

Owns: mapping `ClassifySettings.backend` to an `Encoder`. Does not own: any
model code. Backends are imported only when chosen, so the default ("use")
never imports torch or transformers (tests/test_lazy_imports.py proves it).
"""

from __future__ import annotations

from monitor.classify.base import Encoder
from monitor.config import ClassifySettings
from monitor.errors import ConfigError


def make_encoder(settings: ClassifySettings) -> Encoder:
    """Build the encoder that `settings` asks for.

    Raises:
        ConfigError: the backend is unknown, or "transformers" without a model.
        ModelError: the model cannot be loaded.
    """
    if settings.backend == "use":
        from monitor.classify.encoders.use import UniversalSentenceEncoder

        return UniversalSentenceEncoder(threads=settings.threads, batch_size=settings.batch_size)
    if settings.backend == "transformers":
        if not settings.model:
            raise ConfigError(
                "classify.model: required when classify.backend is 'transformers' "
                "(a Hugging Face hub id or a local directory)"
            )
        from monitor.classify.encoders.hf import TransformersEncoder

        return TransformersEncoder(
            settings.model,
            pooling=settings.pooling,
            device=settings.device,
            batch_size=settings.batch_size,
            max_length=settings.max_length,
            threads=settings.threads,
        )
    raise ConfigError(f"classify.backend: unknown backend {settings.backend!r}")
