"""Training and evaluating the classifier head.

Owns: reading the bundled labelled examples (`data/*.jsonl`), fitting a
multinomial logistic regression on embeddings (fixed regularisation `C`, see
below), temperature calibration on out-of-fold logits (folds hold out whole
styles), and
the metrics reported for a head (per-language enforcement F1, 3-class
macro-F1, calibration ECE). Held-out examples are never trained on. Does not
own: reading analyst labels from the store (the CLI passes them in as
`Example`s) or the artifact format (`head.py`). Needs scikit-learn; inference
does not.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from monitor.classify.base import Encoder, Vectors
from monitor.classify.classifier import embed_text, title_and_lead
from monitor.classify.features import CUES_VERSION, FEATURE_NAMES, cue_matrix
from monitor.classify.head import Head, HeadMeta, inputs, softmax
from monitor.errors import ModelError
from monitor.models import ACTIONS, LABELS, EventFields, Label

DATA_DIR = Path(__file__).parent / "data"
# The head's regularisation, fixed. Cross-validation on our own labelled set, even
# holding out whole styles, prefers C = 4; on real third-party news and decisions
# (`bench/eval_real.py`: Le Monde, AG News, GDPRhub, CMS) C = 0.25 ranks enforcement far
# better (Le Monde average precision 0.47 against 0.20) and keeps our held-out split above
# its bars: the set is written by us, and a head fitted closely to it learns our style.
C = 0.25
FOLDS = 5
_FIELD_KEYS = ("authority", "target", "amount", "currency", "country", "law")


@dataclass(frozen=True, slots=True, kw_only=True)
class Example:
    """One labelled article; `fields` are the gold fields (action included)."""

    id: str
    lang: str | None
    split: str  # "train" or "heldout"
    title: str
    text: str
    label: Label
    fields: EventFields = field(default_factory=EventFields)
    group: str = ""  # the style it was written in (its file): cross-validation holds out styles


@dataclass(frozen=True, slots=True, kw_only=True)
class Scores:
    """Classification quality on one set of examples."""

    n: int
    enforcement_f1: float
    macro_f1: float
    accuracy: float


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainResult:
    head: Head
    train_size: int
    heldout: dict[str, Scores]  # per language, plus "all"
    cv_macro_f1: float
    ece: float  # calibration error on held-out (all languages)


def load_examples(paths: Iterable[Path] | None = None) -> list[Example]:
    """Read labelled JSONL files (default: the bundled `data/*.jsonl`).

    Raises:
        ModelError: a line is not valid JSON or lacks a required key.
    """
    out: list[Example] = []
    for path in paths if paths is not None else sorted(DATA_DIR.glob("*.jsonl")):
        for n, line in enumerate(Path(path).read_text("utf-8").splitlines(), 1):
            if line.strip():
                out.append(
                    dataclasses.replace(_example(line, f"{path}:{n}"), group=Path(path).stem)
                )
    return out


def _example(line: str, where: str) -> Example:
    try:
        row = json.loads(line)
        label, action = row["label"], row.get("action")
        if label not in LABELS or (action is not None and action not in ACTIONS):
            raise ValueError(f"bad label/action {label!r}/{action!r}")
        fields = EventFields(action=action, **{k: row.get(k) for k in _FIELD_KEYS})
        return Example(
            id=str(row["id"]),
            lang=row.get("lang"),
            split=row.get("split", "train"),
            title=row["title"],
            text=row["text"],
            label=label,
            fields=fields,
        )
    except (KeyError, ValueError, TypeError) as e:
        raise ModelError(f"{where}: bad training example: {e}") from e


def data_hash(examples: Sequence[Example]) -> str:
    """Short hash of what a head was trained on (order-independent)."""
    h = hashlib.sha256()
    for key in sorted(f"{e.id}\t{e.label}\t{e.title}\t{e.text}" for e in examples):
        h.update(key.encode() + b"\n")
    return h.hexdigest()[:16]


def train(
    encoder: Encoder,
    examples: Sequence[Example],
    *,
    added: Sequence[Example] = (),
    seed: int = 0,
) -> TrainResult:
    """Fit a head on the "train" examples and score it on the "heldout" ones.

    Args:
        encoder: embeds the texts.
        examples: the labelled set; its "train" split is cross-validated for the
            temperature.
        added: more training examples (analysts' labels). They join the final fit
            only: labels never change the settings (C is fixed) or the calibration,
            so two labels cannot swing the whole head.
        seed: for the folds and the solver.
    """
    base = [e for e in examples if e.split != "heldout"]
    heldout = [e for e in examples if e.split == "heldout"]
    if len({e.label for e in base}) < len(LABELS):
        raise ModelError(f"training data must hold every label {LABELS}")
    train_set = base + [e for e in added if e.split != "heldout"]
    x = inputs(*embed_and_cue(encoder, train_set))
    y = np.array([LABELS.index(e.label) for e in train_set])
    groups = np.array([e.group for e in base])
    cv_f1, oof_logits = cross_validate(x[: len(base)], y[: len(base)], C, seed=seed, groups=groups)
    model = _logreg(C, seed).fit(x, y)
    temperature = fit_temperature(oof_logits, y[: len(base)])
    meta = HeadMeta(
        encoder=encoder.name,
        encoder_version=encoder.version,
        dim=encoder.dim,
        cues=CUES_VERSION,
        n_cues=len(FEATURE_NAMES),
        labels=LABELS,
        temperature=temperature,
        data_hash=data_hash(train_set),
        created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        params={
            "C": C,
            "folds": FOLDS,
            "seed": seed,
            "train_size": len(train_set),
            "added": len(train_set) - len(base),
        },
    )
    head = Head(coef=model.coef_, intercept=model.intercept_, meta=meta)
    scores, ece = _score_heldout(head, encoder, heldout)
    metrics = {
        "cv_macro_f1": round(cv_f1, 4),
        "heldout_ece": None if np.isnan(ece) else round(ece, 4),
        "heldout": {k: _asdict(s) for k, s in scores.items()},
    }
    head = Head(
        coef=head.coef, intercept=head.intercept, meta=dataclasses.replace(meta, metrics=metrics)
    )
    return TrainResult(
        head=head, train_size=len(train_set), heldout=scores, cv_macro_f1=cv_f1, ece=ece
    )


def heldout_scores(head: Head, encoder: Encoder, examples: Sequence[Example]) -> dict[str, Scores]:
    """`head`'s scores per language on the "heldout" examples (how a head is compared)."""
    return _score_heldout(head, encoder, [e for e in examples if e.split == "heldout"])[0]


def worse_than(
    new: dict[str, Scores], old: dict[str, Scores], tolerance: float = 0.005
) -> list[str]:
    """Where `new` scores below `old` by more than `tolerance`: one line per measure."""
    out = []
    for lang in sorted(set(new) & set(old)):
        for key in ("enforcement_f1", "macro_f1"):
            a, b = getattr(new[lang], key), getattr(old[lang], key)
            if a < b - tolerance:
                out.append(f"{lang} {key.replace('_', ' ')} {a:.3f} < {b:.3f}")
    return out


def _score_heldout(
    head: Head, encoder: Encoder, heldout: Sequence[Example]
) -> tuple[dict[str, Scores], float]:
    if not heldout:
        return {}, float("nan")
    probs = head.probabilities(*embed_and_cue(encoder, heldout))
    pred = [LABELS[i] for i in probs.argmax(axis=1)]
    y = np.array([LABELS.index(e.label) for e in heldout])
    return score_by_lang(pred, heldout), expected_calibration_error(probs, y)


def embed_and_cue(encoder: Encoder, examples: Sequence[Example]) -> tuple[Vectors, np.ndarray]:
    """Embeddings and cue rows of examples, built exactly as the classifier builds them."""
    pairs = [title_and_lead(e.title, e.text) for e in examples]
    vectors = encoder.encode([embed_text(e.title, e.text) for e in examples])
    return vectors, cue_matrix(pairs)


def cross_validate(
    x: np.ndarray, y: np.ndarray, c: float, *, seed: int = 0, groups: np.ndarray | None = None
) -> tuple[float, np.ndarray]:
    """Out-of-fold macro-F1 and logits of a head with regularisation `c`.

    With `groups` (the style each example was written in: its file) of at least
    `FOLDS` kinds, each fold holds out whole styles, so the logits (from which
    the temperature is fitted) are those of texts written unlike the training
    ones, as real news is.
    """
    logits = np.zeros((len(y), len(LABELS)))
    for tr, te in _folds(y, groups, seed):
        logits[te] = _logreg(c, seed).fit(x[tr], y[tr]).decision_function(x[te])
    return macro_f1(y, logits.argmax(axis=1), len(LABELS)), logits


def _folds(
    y: np.ndarray, groups: np.ndarray | None, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    folds = min(FOLDS, int(np.bincount(y).min()))
    if folds < 2:
        raise ModelError("every label needs at least two training examples")
    if groups is not None and len(set(groups.tolist())) >= FOLDS:
        cv = StratifiedGroupKFold(FOLDS, shuffle=True, random_state=seed)
        return list(cv.split(_rows(y), y, groups))
    return list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(_rows(y), y))


def _rows(y: np.ndarray) -> np.ndarray:
    """Placeholder features: the splitters only need the row count."""
    return np.zeros((len(y), 1))


def _logreg(c: float, seed: int) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=5000, random_state=seed)


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """Temperature minimising the negative log-likelihood of out-of-fold logits."""

    def nll(log_t: float) -> float:
        p = softmax(logits / np.exp(log_t))
        return float(-np.mean(np.log(p[np.arange(len(y)), y] + 1e-12)))

    res = minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return round(float(np.exp(res.x)), 4)


def expected_calibration_error(probs: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """ECE of the top-label confidence over equal-width bins."""
    return calibration_error(probs.max(axis=1), probs.argmax(axis=1) == y, bins)


def calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """|accuracy - confidence| averaged over equal-width confidence bins, weighted by size."""
    conf, ok = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in itertools.pairwise(edges):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            ece += m.mean() * abs(float(ok[m].mean()) - float(conf[m].mean()))
    return float(ece)


def f1(y: np.ndarray, pred: np.ndarray, cls: int) -> float:
    """F1 of class `cls` (1.0 when it is neither present nor predicted)."""
    tp = int(((pred == cls) & (y == cls)).sum())
    fp = int(((pred == cls) & (y != cls)).sum())
    fn = int(((pred != cls) & (y == cls)).sum())
    return 1.0 if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)


def macro_f1(y: np.ndarray, pred: np.ndarray, k: int) -> float:
    return float(np.mean([f1(y, pred, c) for c in range(k)]))


def score(pred: Sequence[str], gold: Sequence[str]) -> Scores:
    """Enforcement F1, 3-class macro-F1 and accuracy of predicted labels."""
    y = np.array([LABELS.index(g) for g in gold])
    p = np.array([LABELS.index(g) for g in pred])
    enf = LABELS.index("enforcement")
    return Scores(
        n=len(y),
        enforcement_f1=round(f1(y, p, enf), 4),
        macro_f1=round(macro_f1(y, p, len(LABELS)), 4),
        accuracy=round(float((y == p).mean()) if len(y) else 0.0, 4),
    )


def score_by_lang(pred: Sequence[str], examples: Sequence[Example]) -> dict[str, Scores]:
    """`score` per language of the examples, plus "all"."""
    out: dict[str, Scores] = {}
    for lang in [*sorted({e.lang or "?" for e in examples}), "all"]:
        idx = [i for i, e in enumerate(examples) if lang == "all" or (e.lang or "?") == lang]
        out[lang] = score([pred[i] for i in idx], [examples[i].label for i in idx])
    return out


def _asdict(s: Scores) -> dict[str, float]:
    return {k: getattr(s, k) for k in Scores.__dataclass_fields__}
