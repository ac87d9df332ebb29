"""The classifier head: training on a small synthetic set, artifact round trip, refusals."""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from monitor.classify.features import CUES_VERSION, FEATURE_NAMES
from monitor.classify.head import DEFAULT_HEAD, Head, HeadMeta, artifact_paths
from monitor.classify.train import (
    Example,
    data_hash,
    expected_calibration_error,
    score,
    train,
    worse_than,
)
from monitor.errors import ModelError
from monitor.models import LABELS

COMPANIES = (
    "Arden Foods",
    "Belmont Telecom",
    "Corvid Bank",
    "Dunmore Air",
    "Elstree Media",
    "Fairlight Energy",
    "Gresham Retail",
    "Harcourt Labs",
    "Ivel Insurance",
    "Juniper Cloud",
    "Kestrel Games",
    "Lanark Motors",
)


class KeywordEncoder:
    """A fake encoder: a few keyword counts plus hash noise, L2-normalised."""

    name = "keyword-test"
    version = "1"
    dim = 8

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        rows = []
        for t in texts:
            low = t.lower()
            noise = np.random.default_rng(zlib.crc32(t.encode())).normal(0, 0.3, 5)
            rows.append([low.count("fine"), low.count("investigat"), low.count("profit"), *noise])
        out = np.asarray(rows, dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def _examples(split: str, offset: int = 0) -> list[Example]:
    texts = {
        "enforcement": (
            "Regulator fines {c} £{n}m over data breach",
            "The watchdog said {c} failed to protect customer records and must pay.",
        ),
        "investigation": (
            "Regulator opens investigation into {c} over data use",
            "The authority said its investigation of {c} would take a year.",
        ),
        "other": (
            "{c} reports {n}% rise in quarterly profit",
            "Shares in {c} rose after profit beat forecasts.",
        ),
    }
    out = []
    for i, company in enumerate(COMPANIES[offset:] + COMPANIES[:offset]):
        for label, (title, text) in texts.items():
            out.append(
                Example(
                    id=f"{split}-{label}-{i}",
                    lang="en" if i % 2 else "fr",
                    split=split,
                    title=title.format(c=company, n=i + 2),
                    text=text.format(c=company),
                    label=label,
                )
            )
    return out


@pytest.fixture(scope="module")
def trained() -> tuple[KeywordEncoder, Head]:
    encoder = KeywordEncoder()
    result = train(encoder, _examples("train") + _examples("heldout", offset=5))
    return encoder, result.head


def test_training_learns_the_synthetic_labels_and_records_what_it_used(
    trained: tuple[KeywordEncoder, Head],
) -> None:
    _, head = trained
    meta = head.meta
    assert (meta.encoder, meta.encoder_version, meta.dim) == ("keyword-test", "1", 8)
    assert (meta.cues, meta.n_cues) == (CUES_VERSION, len(FEATURE_NAMES))
    assert meta.labels == LABELS
    assert meta.data_hash == data_hash(_examples("train"))
    assert meta.params["C"] > 0 and meta.temperature > 0
    assert meta.metrics["heldout"]["all"]["macro_f1"] == 1.0
    assert set(meta.metrics["heldout"]) == {"en", "fr", "all"}


def test_heldout_examples_are_never_trained_on(trained: tuple[KeywordEncoder, Head]) -> None:
    _, head = trained
    # Same training split, different (and mislabelled) held-out split: same weights.
    flipped = [
        Example(id=e.id, lang=e.lang, split=e.split, title=e.title, text=e.text, label="other")
        for e in _examples("heldout", offset=3)
    ]
    again = train(KeywordEncoder(), _examples("train") + flipped).head
    assert again.version == head.version
    assert again.meta.metrics["heldout"]["all"]["macro_f1"] < 0.5


def test_probabilities_are_calibrated_rows(trained: tuple[KeywordEncoder, Head]) -> None:
    encoder, head = trained
    ex = _examples("heldout", offset=7)
    from monitor.classify.train import embed_and_cue

    probs = head.probabilities(*embed_and_cue(encoder, ex))
    assert probs.shape == (len(ex), 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-9)
    assert [LABELS[i] for i in probs.argmax(axis=1)] == [e.label for e in ex]


def test_save_load_round_trip_without_pickle(
    trained: tuple[KeywordEncoder, Head], tmp_path: Path
) -> None:
    _, head = trained
    path = head.save(tmp_path / "heads" / "mine")
    assert path == tmp_path / "heads" / "mine.json"
    doc = json.loads(path.read_text("utf-8"))
    assert doc["encoder"] == "keyword-test" and doc["weights"] == "mine.npz"
    assert doc["version"] == head.version and doc["metrics"]["heldout"]["all"]["n"] == 36
    with np.load(tmp_path / "heads" / "mine.npz", allow_pickle=False) as z:
        assert set(z.files) == {"coef", "intercept"}
    loaded = Head.load(tmp_path / "heads" / "mine.npz")  # either file names the artifact
    assert loaded.version == head.version and loaded.meta == head.meta
    x = np.random.default_rng(0).normal(size=(4, 8 + len(FEATURE_NAMES)))
    np.testing.assert_array_equal(
        loaded.probabilities(x[:, :8], x[:, 8:]), head.probabilities(x[:, :8], x[:, 8:])
    )


def test_head_refuses_another_encoder_or_cue_version(
    trained: tuple[KeywordEncoder, Head],
) -> None:
    encoder, head = trained
    head.check(encoder, cues=CUES_VERSION)

    class Other(KeywordEncoder):
        name = "use-multilingual-v3"

    class Wider(KeywordEncoder):
        dim = 16

    with pytest.raises(ModelError, match="trained for encoder 'keyword-test'"):
        head.check(Other(), cues=CUES_VERSION)
    with pytest.raises(ModelError, match="dim 8"):
        head.check(Wider(), cues=CUES_VERSION)
    with pytest.raises(ModelError, match="cue features"):
        head.check(encoder, cues="cues-0")


def test_broken_artifacts_are_model_errors(
    trained: tuple[KeywordEncoder, Head], tmp_path: Path
) -> None:
    _, head = trained
    with pytest.raises(ModelError, match=r"missing\.json"):
        Head.load(tmp_path / "missing.json")
    json_path, npz_path = artifact_paths(head.save(tmp_path / "h"))
    np.savez(npz_path, coef=head.coef * 2, intercept=head.intercept)  # weights swapped
    with pytest.raises(ModelError, match="do not match version"):
        Head.load(json_path)
    np.savez(npz_path, coef=head.coef[:, :5], intercept=head.intercept)
    with pytest.raises(ModelError, match="shape"):
        Head.load(json_path)
    doc = json.loads(json_path.read_text("utf-8"))
    json_path.write_text(json.dumps(doc | {"format": 99}), "utf-8")
    with pytest.raises(ModelError, match="format 99"):
        Head.load(json_path)
    with pytest.raises(ModelError, match="temperature"):
        Head(
            coef=head.coef,
            intercept=head.intercept,
            meta=HeadMeta(
                encoder="x", encoder_version="", dim=8, n_cues=len(FEATURE_NAMES), temperature=0.0
            ),
        )


def test_training_needs_every_label() -> None:
    only_two = [e for e in _examples("train") if e.label != "investigation"]
    with pytest.raises(ModelError, match="every label"):
        train(KeywordEncoder(), only_two)


def test_shipped_head_loads_with_numpy_only() -> None:
    code = (
        "import sys, numpy as np\n"
        "from monitor.classify.head import Head\n"
        "h = Head.load()\n"
        "p = h.probabilities(np.zeros((2, h.meta.dim)), np.zeros((2, h.meta.n_cues)))\n"
        "assert p.shape == (2, 3)\n"
        "print(h.meta.encoder, sorted(m for m in ('sklearn', 'scipy', 'torch') "
        "if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["use-multilingual-v3", "[]"]
    assert DEFAULT_HEAD.exists() and DEFAULT_HEAD.with_suffix(".npz").stat().st_size < 100_000


def test_scores_and_calibration_error() -> None:
    s = score(
        ["enforcement", "enforcement", "other", "investigation"],
        ["enforcement", "other", "other", "investigation"],
    )
    assert (s.n, s.enforcement_f1, s.accuracy) == (4, round(2 / 3, 4), 0.75)
    assert s.macro_f1 == round((2 / 3 + 1 + 2 / 3) / 3, 4)
    y = np.array([0, 1, 2, 0])
    sure = np.eye(3)[y]
    assert expected_calibration_error(sure, y) == 0.0
    overconfident = np.eye(3)[[0, 1, 2, 1]]  # 100% sure, 75% right
    assert expected_calibration_error(overconfident, y) == pytest.approx(0.25)


def test_added_labels_never_change_the_training_settings(
    trained: tuple[KeywordEncoder, Head],
) -> None:
    _, head = trained
    # Two analyst labels that contradict the set: they join the fit, not the choice of C
    # or the calibration, and the held-out scores are those of a normal head.
    wrong = [
        Example(
            id=f"label-{i}",
            lang="en",
            split="train",
            title=f"Regulator fines {c} £3m over data breach",
            text=f"The watchdog said {c} must pay.",
            label="other",
        )
        for i, c in enumerate(COMPANIES[:2])
    ]
    again = train(
        KeywordEncoder(), _examples("train") + _examples("heldout", offset=5), added=wrong
    )
    assert again.head.meta.params["C"] == head.meta.params["C"]
    assert again.head.meta.temperature == head.meta.temperature
    assert again.head.meta.params["added"] == 2
    assert again.head.version != head.version  # but they were trained on


def test_a_worse_head_is_named_measure_by_measure() -> None:
    good = {"en": score(["enforcement", "other"], ["enforcement", "other"])}
    bad = {"en": score(["other", "other"], ["enforcement", "other"])}
    assert worse_than(good, bad) == []
    assert worse_than(bad, good) == [
        "en enforcement f1 0.000 < 1.000",
        "en macro f1 0.556 < 1.000",
    ]
    assert worse_than(good, good) == []
