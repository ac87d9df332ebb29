"""The transformers encoder, on a tiny BERT built and saved in a temporary directory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from monitor.classify.encoders import make_encoder
from monitor.config import ClassifySettings
from monitor.errors import ModelError

from .tiny_tokenizer import save_wordpiece_tokenizer

pytest.importorskip("torch")
pytest.importorskip("transformers")

SENTENCES = [
    "The regulator fined the company for breaking data protection law.",
    "La CNIL inflige une amende à la société pour manquement au RGPD.",
    "The watchdog opened an investigation into the bank.",
    "Le gendarme de la concurrence ouvre une enquête sur le distributeur.",
    "The weather will be fine and dry this weekend.",
]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer, 32-wide BERT with a WordPiece vocabulary trained on a few sentences."""
    from transformers import BertConfig, BertModel

    d = tmp_path_factory.mktemp("tiny-bert")
    tok = save_wordpiece_tokenizer(d, SENTENCES)
    config = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    BertModel(config).save_pretrained(d)
    return d


def _settings(model: str, **kw: object) -> ClassifySettings:
    return ClassifySettings(backend="transformers", model=model, **kw)  # type: ignore[arg-type]


def test_shapes_normalisation_and_identity(tiny_model: Path) -> None:
    enc = make_encoder(_settings(str(tiny_model)))
    assert (enc.name, enc.dim) == ("tiny-bert0", 32)
    assert enc.version.startswith("cfg-") and len(enc.version) == 16
    vectors = enc.encode(SENTENCES)
    assert vectors.shape == (5, 32) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert enc.encode([]).shape == (0, 32)
    assert np.abs(vectors[0] - vectors[4]).max() > 1e-3  # different texts, different vectors
    # Same config -> same version; a reload gives the same vectors.
    again = make_encoder(_settings(str(tiny_model)))
    assert again.version == enc.version
    np.testing.assert_allclose(again.encode(SENTENCES), vectors, atol=1e-6)


@pytest.mark.parametrize("pooling", ["mean", "cls"])
def test_batching_equals_one_by_one(tiny_model: Path, pooling: str) -> None:
    enc = make_encoder(_settings(str(tiny_model), pooling=pooling, batch_size=2))
    batched = enc.encode(SENTENCES)  # batches of 2, sorted by length: padding differs
    single = np.vstack([enc.encode([s]) for s in SENTENCES])
    np.testing.assert_allclose(batched, single, atol=1e-5)


def test_pooling_modes_differ(tiny_model: Path) -> None:
    mean = make_encoder(_settings(str(tiny_model), pooling="mean")).encode(SENTENCES[:1])
    cls = make_encoder(_settings(str(tiny_model), pooling="cls")).encode(SENTENCES[:1])
    assert np.abs(mean - cls).max() > 1e-3


def test_long_text_is_truncated_to_max_length(tiny_model: Path) -> None:
    enc = make_encoder(_settings(str(tiny_model), max_length=16))
    head = "the regulator fined the company " * 3  # > 16 tokens already
    a, b = enc.encode([head + "bank " * 500, head + "weather " * 500])
    np.testing.assert_allclose(a, b, atol=1e-6)  # only the first 16 tokens count
    longer = make_encoder(_settings(str(tiny_model), max_length=128))
    a, b = longer.encode([head + "bank " * 500, head + "weather " * 500])
    assert np.abs(a - b).max() > 1e-4


def test_missing_directory_is_a_model_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelError, match="no-such-model: model directory not found"):
        make_encoder(_settings(str(missing)))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelError, match="empty: not a model directory"):
        make_encoder(_settings(str(empty)))
    (empty / "config.json").write_text("{not json", "utf-8")
    with pytest.raises(ModelError, match="empty: cannot load model"):
        make_encoder(_settings(str(empty)))


def test_uncached_hub_id_fails_fast_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))  # an empty cache
    start = time.monotonic()
    with pytest.raises(ModelError, match="intfloat/multilingual-e5-small: not in the local"):
        make_encoder(_settings("intfloat/multilingual-e5-small"))
    assert time.monotonic() - start < 10


def test_bad_settings_are_model_errors(tiny_model: Path) -> None:
    from monitor.classify.encoders.hf import TransformersEncoder

    with pytest.raises(ModelError, match="unknown pooling"):
        TransformersEncoder(str(tiny_model), pooling="max")  # type: ignore[arg-type]
    with pytest.raises(ModelError, match="cannot move model to device 'nodevice'"):
        TransformersEncoder(str(tiny_model), device="nodevice")


def test_a_head_trained_on_the_transformers_encoder_classifies(tiny_model: Path) -> None:
    from monitor.classify.classifier import Classifier, Doc
    from monitor.classify.train import Example, train

    enc = make_encoder(_settings(str(tiny_model)))
    texts = {
        "enforcement": "The ICO fined the company.",
        "investigation": "The watchdog opened an investigation into the bank.",
        "other": "The weather will be fine and dry this weekend.",
    }
    examples = [
        Example(
            id=f"{label}-{i}", lang="en", split="train", title=f"{text} {i}", text=text, label=label
        )  # type: ignore[arg-type]
        for label, text in texts.items()
        for i in range(6)
    ]
    head = train(enc, examples).head
    assert (head.meta.encoder, head.meta.dim) == (enc.name, 32)
    verdicts = Classifier(enc, head).classify(
        [Doc(title=t, text=t, lang="en") for t in texts.values()]
    )
    assert [v.label for v in verdicts] == list(texts)
    assert verdicts[0].model == enc.name and verdicts[2].fields.action is None
