"""Story grouping on real same-event pairs (SemEval-2022 Task 8 dev pairs), with baselines.

Usage:
    python bench/eval_real_cluster.py [--data FILE]

Runs every pair of `../shared/data/semeval2022_pairs_dev/pairs_train_sample.jsonl`
through the same path as `monitor cluster --facts classifier` (the shipped classifier's
facts and vectors, then the online clusterer). The two articles of a pair share a day and
pairs lie 30 days apart, so pairs never meet inside the clustering window; a pair is
"merged" when both articles get one story. Gold: strict (annotators' overall <= 1.5 same
event, >= 3.5 different; the middle left out) and the 2.5 cut (< 2.5 same). Prints
accuracy, precision and recall of "same event" overall and per language group, beside
two baselines at their best threshold on the same pairs: the encoder's cosine of the
embedded texts, and TF-IDF cosine (scikit-learn, the train extra). Skips with a message
when the file is absent. Real texts are read, never written.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.classify.classifier import Classifier  # noqa: E402
from monitor.clustering import InputDoc, analyse_documents, cluster_documents  # noqa: E402
from monitor.config import ClassifySettings, DedupSettings  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "data" / "semeval2022_pairs_dev" / "pairs_train_sample.jsonl"


def _docs(pairs: list[dict]) -> list[InputDoc]:
    docs = []
    for k, p in enumerate(pairs):
        day = (date(2000, 1, 1) + timedelta(days=30 * k)).isoformat() + "T12:00:00+00:00"
        for side in ("1", "2"):
            docs.append(
                InputDoc(
                    key=f"{k}:{side}",
                    title="",
                    text=p[f"text{side}"],
                    lang=p[f"lang{side}"],
                    published=day,
                    source=f"outlet-{side}",
                )
            )
    return docs


def _scores(pred: Sequence[bool], gold: Sequence[bool]) -> tuple[float, float, float]:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    acc = sum(p == g for p, g in zip(pred, gold, strict=True)) / max(1, len(gold))
    return acc, tp / max(1, sum(pred)), tp / max(1, sum(gold))


def _best(sims: np.ndarray, gold: Sequence[bool]) -> tuple[float, float, float, float]:
    """(accuracy, precision, recall, threshold) of `sims >= t` at the most accurate t."""
    best = (0.0, 0.0, 0.0, 0.0)
    for t in np.unique(np.round(sims, 3)):
        acc, p, r = _scores(list(sims >= t), gold)
        if acc > best[0]:
            best = (acc, p, r, float(t))
    return best


def _tfidf(pairs: list[dict]) -> np.ndarray | None:
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
    except ImportError:
        return None
    texts = [p[f"text{s}"] for p in pairs for s in ("1", "2")]
    m = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    return np.asarray([(m[2 * i] @ m[2 * i + 1].T).toarray()[0, 0] for i in range(len(pairs))])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    args = parser.parse_args()
    if not args.data.exists():
        print(f"skipped: no SemEval pairs at {args.data}")
        return
    pairs = [json.loads(x) for x in args.data.read_text("utf-8").splitlines() if x.strip()]
    clf = Classifier.from_settings(ClassifySettings())
    docs = _docs(pairs)
    verdicts, vectors = analyse_documents(
        docs, encoder=clf.encoder, facts="classifier", classifier=clf
    )
    got = cluster_documents(docs, verdicts, vectors, settings=DedupSettings(), model="bench")
    merged = [got[2 * i].story_id == got[2 * i + 1].story_id for i in range(len(pairs))]
    v = np.asarray(vectors, dtype=np.float64)
    v /= np.linalg.norm(v, axis=1, keepdims=True) + 1e-12
    cosine = np.einsum("ij,ij->i", v[0::2], v[1::2])
    tfidf = _tfidf(pairs)
    print(f"labels from {clf.version}; {len(pairs)} pairs; {args.data.name}")
    for gold_name, keep, same in (
        ("strict", lambda o: o <= 1.5 or o >= 3.5, lambda o: o <= 1.5),
        ("cut 2.5", lambda o: True, lambda o: o < 2.5),
    ):
        idx = [i for i, p in enumerate(pairs) if keep(p["overall"])]
        gold = [same(pairs[i]["overall"]) for i in idx]
        print(f"\n{gold_name} gold: {len(idx)} pairs, {sum(gold)} same event")
        print(f"{'':<18}{'n':>5}{'acc':>7}{'P':>7}{'R':>7}")
        for group in ["all", *sorted({pairs[i]["group"] for i in idx})]:
            sub = [k for k, i in enumerate(idx) if group == "all" or pairs[i]["group"] == group]
            acc, p, r = _scores([merged[idx[k]] for k in sub], [gold[k] for k in sub])
            print(f"  {group:<16}{len(sub):>5}{acc:>7.3f}{p:>7.3f}{r:>7.3f}")
        for name, sims in (("encoder cosine", cosine), ("TF-IDF cosine", tfidf)):
            if sims is None:
                continue
            acc, p, r, t = _best(sims[idx], gold)
            print(f"  {name:<16}{len(idx):>5}{acc:>7.3f}{p:>7.3f}{r:>7.3f}  (best t {t:.3f})")


if __name__ == "__main__":
    main()
