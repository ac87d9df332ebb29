"""Zero-shot labels from an NLI model: a tiny BERT NLI model the test builds and fine-tunes.

The model is trained for a few seconds on premise/hypothesis pairs so that it actually
entails the right hypothesis: the test then checks the whole path (loading from a
directory, pair tokenisation, the entailment column, batching, the classifier's verdicts).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from monitor.classify.zeroshot import HYPOTHESES, entailment_index, label_probabilities
from monitor.config import ClassifySettings
from monitor.errors import ModelError
from monitor.models import LABELS

from .tiny_tokenizer import save_wordpiece_tokenizer

pytest.importorskip("torch")
pytest.importorskip("transformers")

PREMISES = {
    "enforcement": [
        "The regulator fined the company for breaking data protection law.",
        "La CNIL inflige une amende à la société pour manquement au RGPD.",
        "The watchdog ordered the bank to stop the practice and fined it.",
    ],
    "investigation": [
        "The watchdog opened an investigation into the bank.",
        "Le gendarme de la concurrence ouvre une enquête sur le distributeur.",
        "The authority launched an inquiry into the retailer.",
    ],
    "other": [
        "The weather will be fine and dry this weekend.",
        "Le club a gagné son match samedi soir.",
        "The company reported higher quarterly earnings.",
    ],
}
LABEL2ID = {"contradiction": 0, "neutral": 1, "entailment": 2}


def _tokenizer(d: Path, corpus: list[str]):  # type: ignore[no-untyped-def]
    return save_wordpiece_tokenizer(d, corpus, vocab_size=600)


@pytest.fixture(scope="module")
def tiny_nli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    d = tmp_path_factory.mktemp("tiny-nli")
    corpus = [p for ps in PREMISES.values() for p in ps] + list(HYPOTHESES.values())
    tok = _tokenizer(d, corpus)
    config = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        num_labels=3,
        label2id=LABEL2ID,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        id2label={v: k for k, v in LABEL2ID.items()},
    )
    pairs, targets = [], []
    for label, premises in PREMISES.items():
        for premise in premises:
            for hyp_label, hypothesis in HYPOTHESES.items():
                pairs.append((premise, hypothesis))
                targets.append(LABEL2ID["entailment" if hyp_label == label else "contradiction"])
    enc = tok([p for p, _ in pairs], [h for _, h in pairs], padding=True, return_tensors="pt")
    y = torch.tensor(targets)
    # A 2-layer toy can stall on a plateau from some initialisations (it depends on the
    # thread count torch runs with): a few seeds make the fixture dependable.
    for seed in range(8):
        torch.manual_seed(seed)
        model = BertForSequenceClassification(config)
        opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
        model.train()
        for _ in range(400):
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(**enc).logits, y)
            loss.backward()
            opt.step()
            if loss.item() < 0.01:
                break
        if loss.item() < 0.05:
            break
    assert loss.item() < 0.05, f"the tiny NLI model did not learn its pairs: loss {loss.item()}"
    model.eval()
    model.save_pretrained(d)
    return d


def test_entailment_index_reads_the_label_names() -> None:
    assert entailment_index({"CONTRADICTION": 2, "NEUTRAL": 1, "ENTAILMENT": 0}) == 0
    assert entailment_index(LABEL2ID) == 2
    with pytest.raises(ModelError, match="not an NLI model"):
        entailment_index({"LABEL_0": 0, "LABEL_1": 1})


def test_label_probabilities_are_a_softmax_over_hypotheses() -> None:
    probs = label_probabilities(np.array([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]], dtype=np.float32))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-6)
    assert probs[0].argmax() == 0 and np.allclose(probs[1], 1 / 3)


def test_scorer_entails_the_right_hypothesis_batched_or_not(tiny_nli: Path) -> None:
    from monitor.classify.zeroshot import ZeroShotScorer

    texts = [p for ps in PREMISES.values() for p in ps]
    batched = ZeroShotScorer(str(tiny_nli), batch_size=4).probabilities(texts)
    single = ZeroShotScorer(str(tiny_nli), batch_size=1).probabilities(texts)
    assert batched.shape == (9, 3)
    np.testing.assert_allclose(batched, single, atol=1e-5)
    want = [LABELS.index(label) for label, ps in PREMISES.items() for _ in ps]
    assert list(batched.argmax(axis=1)) == want
    assert ZeroShotScorer(str(tiny_nli)).probabilities([]).shape == (0, 3)


def test_classifier_takes_labels_from_the_nli_model(tiny_nli: Path) -> None:
    from monitor.classify.classifier import Classifier, Doc

    clf = Classifier.from_settings(ClassifySettings(zero_shot_model=str(tiny_nli)))
    assert clf.head is None and clf.version.startswith(f"{tiny_nli.name}@nli-cfg-")
    docs = [Doc(title=ps[1], text="", lang="fr") for ps in PREMISES.values()]  # CNIL...
    verdicts = clf.classify(docs)
    assert [v.label for v in verdicts] == list(PREMISES)
    assert verdicts[0].model_version == clf.version and verdicts[2].fields.action is None


def test_a_plain_encoder_is_refused_as_nli_model(tmp_path: Path) -> None:
    from transformers import BertConfig, BertForSequenceClassification

    from monitor.classify.zeroshot import ZeroShotScorer

    _tokenizer(tmp_path, ["some words for a vocabulary"])
    BertForSequenceClassification(
        BertConfig(
            vocab_size=100,
            hidden_size=16,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=32,
        )
    ).save_pretrained(tmp_path)
    with pytest.raises(ModelError, match="not an NLI model"):
        ZeroShotScorer(str(tmp_path))
    with pytest.raises(ModelError, match="model directory not found"):
        ZeroShotScorer(str(tmp_path / "missing"))
