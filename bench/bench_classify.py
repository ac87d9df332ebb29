"""Benchmark: throughput of the full classify path against the raw encoder.

Usage:
    python bench/bench_classify.py [--rounds 3] [--batch 64]

Two sets of texts: the bundled labelled EN/FR examples (title + lead, ~250
characters of text, about 60% enforcement/investigation: the worst case for
field extraction, which runs only on those), and real news articles with
their full text from `/work/shared/data` (fundus + scrapinghub test pages,
mostly general news; skipped when the folder is absent). For each set, in the
same process and interleaved round by round: the raw encoder on exactly the
texts the classifier embeds (`embed_text`), and `Classifier.classify`
(embedding + cue features + head + field extraction for non-"other"
verdicts), both in batches of --batch. The best round of each is kept (the
least disturbed by other load). Bar: full/raw ratio >= 0.8.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.classify.classifier import Classifier, Doc, embed_text, title_and_lead  # noqa: E402
from monitor.classify.features import cue_matrix  # noqa: E402
from monitor.classify.fields import extract_fields  # noqa: E402
from monitor.config import ClassifySettings  # noqa: E402

DATA = ROOT / "monitor" / "classify" / "data"

SHARED = Path(os.environ.get("MONITOR_SHARED_DATA", "/work/shared/data"))


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _batched(fn: Callable[[list], object], items: list, size: int) -> Callable[[], None]:
    def run() -> None:
        for i in range(0, len(items), size):
            fn(items[i : i + size])

    return run


def measure(clf: Classifier, docs: list[Doc], rounds: int, batch: int) -> dict[str, float]:
    texts = [embed_text(d.title, d.text) for d in docs]
    raw = _batched(clf.encoder.encode, texts, batch)
    full = _batched(clf.classify, docs, batch)
    raw(), full()  # warm-up: caches, lazy regex compilation
    t_raw: list[float] = []
    t_full: list[float] = []
    for _ in range(rounds):  # interleaved, so both see the same background load
        t_raw.append(_timed(raw))
        t_full.append(_timed(full))
    pairs = [title_and_lead(d.title, d.text) for d in docs]
    t_cues = _timed(lambda: cue_matrix(pairs))
    t_fields = _timed(lambda: [extract_fields(d.title, d.text, d.lang) for d in docs])
    flagged = sum(v.label != "other" for v in clf.classify(docs))
    n = len(docs)
    return {
        "raw": n / min(t_raw),
        "full": n / min(t_full),
        "cues_ms": 1000 * t_cues / n,
        "fields_ms": 1000 * t_fields / n,
        "chars": sum(len(d.text) for d in docs) / n,
        "flagged": flagged / n,
        "n": n,
    }


def bundled() -> list[Doc]:
    # Read directly: `monitor.classify.train` would pull in scikit-learn, not needed here.
    rows = [
        json.loads(line)
        for lang in ("en", "fr")
        for line in (DATA / f"{lang}.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    return [Doc(title=r["title"], text=r["text"], lang=r["lang"]) for r in rows]


def real_news() -> list[Doc]:
    """Full articles from the shared benchmark data (pages with a gold text)."""
    docs = []
    fundus = SHARED / "fundus_testdata" / "fundus_articles.jsonl"
    if fundus.exists():
        for line in fundus.read_text("utf-8").splitlines():
            r = json.loads(line)
            docs.append(Doc(title=r["title"], text=r["gold_text"], lang=r.get("lang")))
    aeb = SHARED / "scrapinghub_aeb" / "scrapinghub_aeb.jsonl"
    if aeb.exists():
        for line in aeb.read_text("utf-8").splitlines():
            r = json.loads(line)
            title, _, text = r["gold_text"].strip().partition("\n")  # no title: first line
            docs.append(Doc(title=title[:200], text=text, lang=r.get("lang")))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    clf = Classifier.from_settings(ClassifySettings())
    print(
        f"encoder {clf.encoder.name} {clf.encoder.version}; labels {clf.version}; "
        f"batch {args.batch}; best of {args.rounds} rounds"
    )
    print(
        f"{'texts':<16}{'n':>5}{'chars':>7}{'flagged':>9}{'raw art/s':>11}{'full art/s':>12}"
        f"{'ratio':>7}{'cues ms':>9}{'fields ms':>11}"
    )
    for name, docs in (("bundled labelled", bundled()), ("real news", real_news())):
        if not docs:
            print(f"{name:<16}(no data)")
            continue
        r = measure(clf, docs, args.rounds, args.batch)
        print(
            f"{name:<16}{r['n']:>5}{r['chars']:>7.0f}{r['flagged']:>9.0%}{r['raw']:>11.1f}"
            f"{r['full']:>12.1f}{r['full'] / r['raw']:>7.2f}{r['cues_ms']:>9.2f}"
            f"{r['fields_ms']:>11.2f}"
        )
    print(
        "flagged: share classified enforcement/investigation (field extraction runs on those); "
        "cues ms / fields ms: cost per article of each step if run on every article."
    )


if __name__ == "__main__":
    main()
