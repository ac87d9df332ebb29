"""Evaluate story clustering on the labelled set: B-cubed P/R/F1 and hard-negative merges.

Usage:
    python bench/eval_cluster.py [--fields gold|extract|classifier|none] [--shuffle SEED] [-v]

Runs `monitor.clustering.cluster_documents` (the online path, temporary
store, default USE encoder) over tests/data/stories/stories.jsonl. `--fields
gold` uses the facts and labels written in the file, `extract` the field
extractor on every article (labels from the file), `classifier` the shipped
classifier exactly as the pipeline runs it, `none` no facts (embedding only).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.classify.cluster_metrics import bcubed, merged_pairs  # noqa: E402
from monitor.classify.encoders.use import UniversalSentenceEncoder  # noqa: E402
from monitor.clustering import analyse_documents, cluster_documents, parse_jsonl  # noqa: E402
from monitor.config import ClassifySettings, DedupSettings  # noqa: E402

DATA = ROOT / "tests" / "data" / "stories"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fields", choices=("gold", "extract", "classifier", "none"), default="gold")
    ap.add_argument("--shuffle", type=int, default=None, help="shuffle the input with this seed")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the mistakes")
    args = ap.parse_args()
    lines = (DATA / "stories.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    docs = parse_jsonl(lines)
    if args.shuffle is not None:
        random.Random(args.shuffle).shuffle(docs)
    encoder = UniversalSentenceEncoder()
    classifier = None
    if args.fields == "classifier":
        from monitor.classify.classifier import Classifier
        from monitor.errors import ModelError

        try:
            classifier = Classifier.from_settings(ClassifySettings())
        except ModelError as e:
            print(f"no classifier: {e}", file=sys.stderr)
            return 2
    started = time.perf_counter()
    mode = "input" if args.fields == "gold" else args.fields
    verdicts, vectors = analyse_documents(
        docs,
        encoder=encoder,
        facts=mode,  # type: ignore[arg-type]
        classifier=classifier,
    )
    got = cluster_documents(docs, verdicts, vectors, settings=DedupSettings(), model=encoder.name)
    seconds = time.perf_counter() - started
    predicted = {d.key: a.story_id for d, a in zip(docs, got, strict=True)}
    gold = {r["id"]: r["story"] for r in rows}
    pairs = [tuple(p) for p in json.loads((DATA / "hard_negatives.json").read_text())]
    score = bcubed(predicted, gold)
    merged = merged_pairs(predicted, pairs)  # type: ignore[arg-type]
    print(
        f"items {len(rows)}  gold stories {len(set(gold.values()))}  "
        f"predicted stories {len(set(predicted.values()))}  fields={args.fields}"
    )
    print(f"B-cubed precision {score.precision:.3f}  recall {score.recall:.3f}  F1 {score.f1:.3f}")
    print(f"hard-negative pairs merged: {len(merged)} of {len(pairs)}")
    print(f"time: {seconds:.2f} s ({1000 * seconds / len(rows):.1f} ms/article incl. encoding)")
    if args.verbose:
        _mistakes(predicted, gold, merged, {d.key: a for d, a in zip(docs, got, strict=True)})
    return 0


def _mistakes(predicted, gold, merged, assignments) -> None:  # type: ignore[no-untyped-def]
    by_gold = defaultdict(set)
    for item, story in gold.items():
        by_gold[story].add(predicted[item])
    for story, clusters in sorted(by_gold.items()):
        if len(clusters) > 1:
            parts = defaultdict(list)
            for item, s in gold.items():
                if s == story:
                    parts[predicted[item]].append(item)
            print(f"SPLIT {story}: {dict(parts)}")
    by_pred = defaultdict(set)
    for item, cluster in predicted.items():
        by_pred[cluster].add(gold[item])
    for cluster, stories in sorted(by_pred.items()):
        if len(stories) > 1:
            print(f"MERGED story {cluster}: {sorted(stories)}")
    for a, b in merged:
        print(f"HARD NEGATIVE MERGED: {a} + {b}")
    for item, a in sorted(assignments.items()):
        if a.reason == "near_duplicate":
            print(f"near-duplicate: {item} (jaccard {a.similarity:.2f})")


if __name__ == "__main__":
    raise SystemExit(main())
