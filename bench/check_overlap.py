"""Check that no labelled example of ours copies or paraphrases a real third-party text.

Usage:
    python bench/check_overlap.py [--data DIR] [--threshold 0.7] [--show 40]

Embeds every bundled labelled example (`monitor/classify/data/*.jsonl`) and every text of
the real development sets (`../shared/data/real_news_dev/*.jsonl`) with the default
encoder, and lists our examples whose nearest real text is closer than --threshold
(cosine of title + lead), or that share a run of 8 words with one. Our examples must be
our own writing (DEVELOPERS.md): a listed pair is removed or rewritten, never kept. Exit
status 1 when any pair is listed. Skips with a message when the folder is absent.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.classify.classifier import embed_text  # noqa: E402
from monitor.classify.encoders.use import UniversalSentenceEncoder  # noqa: E402
from monitor.classify.textfold import fold_lower  # noqa: E402
from monitor.classify.train import load_examples  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "data" / "real_news_dev"
SHINGLE = 10  # words: official names ("Commission nationale de l’informatique...") are shorter


def _shingles(text: str) -> set[str]:
    words = re.findall(r"\w+", fold_lower(text))
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--threshold", type=float, default=0.7)
    parser.add_argument("--show", type=int, default=40)
    args = parser.parse_args()
    files = sorted(args.data.glob("*.jsonl")) if args.data.is_dir() else []
    if not files:
        print(f"skipped: no real sets in {args.data}")
        return 0
    real = [json.loads(x) for f in files for x in f.read_text("utf-8").splitlines() if x.strip()]
    ours = load_examples()
    encoder = UniversalSentenceEncoder()
    rv = np.asarray(encoder.encode([embed_text(r.get("title") or "", r["text"]) for r in real]))
    ov = np.asarray(encoder.encode([embed_text(e.title, e.text) for e in ours]))
    real_shingles: dict[str, int] = {}
    for i, r in enumerate(real):
        for s in _shingles(f"{r.get('title') or ''} {r['text']}"):
            real_shingles.setdefault(s, i)
    listed = []
    for start in range(0, len(ours), 512):
        sims = ov[start : start + 512] @ rv.T
        for k, row in enumerate(sims):
            e = ours[start + k]
            j = int(row.argmax())
            shared = [
                real_shingles[s] for s in _shingles(f"{e.title} {e.text}") if s in real_shingles
            ]
            if row[j] >= args.threshold or shared:
                listed.append((float(row[j]), e, real[shared[0] if shared else j]))
    for sim, e, r in sorted(listed, key=lambda t: -t[0])[: args.show]:
        theirs = (r.get("title") or r["text"])[:70]
        print(f"{sim:.2f} {e.group}:{e.id} | {e.title[:70]} || {r['id']} | {theirs}")
    limit = f"cosine >= {args.threshold} or {SHINGLE} shared words"
    print(f"{len(listed)} of {len(ours)} examples listed ({limit})")
    return 1 if listed else 0


if __name__ == "__main__":
    raise SystemExit(main())
