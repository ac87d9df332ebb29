"""The whole pipeline on the bundled demo, scored against its truth file.

Usage:
    python bench/eval_demo.py [--head PATH] [--keep DB]

Runs `run_once` on the demo feeds (real demo server, fetch, extraction,
classifier, clusterer, alerts; console off) into a temporary store, then
compares every article with `tests/data/demo_truth.json`: label, action,
authority, target, amount, currency and country, and the story partition
against the truth's `event` ids (events split over several stories, stories
merging several events). The demo pages are our own and were never trained
on; their hard negatives are the taxonomy's traps (a fine annulled on appeal,
an athlete fined, private lawsuits, earnings).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
import tempfile
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tomllib  # noqa: E402

from monitor.app import App  # noqa: E402
from monitor.config import parse_settings  # noqa: E402
from monitor.pipeline import run_once  # noqa: E402

FIELDS = ("label", "action", "authority", "target", "amount", "currency", "country")


def build(db: Path, head: str | None) -> None:
    raw = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
    raw["store"] = {"path": str(db)}
    raw["notify"] = {"console": {"enabled": False}}
    if head:
        raw.setdefault("classify", {})["head"] = head
    settings = parse_settings(raw, config_path=ROOT / "config.toml")

    async def go() -> None:
        async with App(settings) as app:
            await run_once(app, datetime.now(UTC))

    asyncio.run(go())


def score(db: Path) -> int:
    truth = {
        t["slug"]: t
        for t in json.loads((ROOT / "tests/data/demo_truth.json").read_text(encoding="utf-8"))
    }
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT a.url, a.story_id, "
        + ", ".join(f"c.{f}" for f in FIELDS)
        + " FROM articles a LEFT JOIN classifications c ON c.article_id = a.id"
    ).fetchall()
    right = defaultdict(int)
    events, stories = defaultdict(set), defaultdict(set)
    for url, story, *got in rows:
        t = truth[url.rsplit("/", 1)[-1].removesuffix(".html")]
        events[t["event"]].add(story)
        stories[story].add(t["event"])
        wrong = []
        for name, value in zip(FIELDS, got, strict=True):
            want = t.get(name)
            ok = want == value or (
                name == "amount" and want and value and abs(want - value) <= 0.005 * want
            )
            right[name] += bool(ok)
            if not ok:
                wrong.append(f"{name}: {want!r} -> {value!r}")
        if wrong:
            print(f"  {t['slug'][:60]:<60} {'; '.join(wrong)}")
    n = len(rows)
    print(f"\n{n} demo articles; " + ", ".join(f"{f} {right[f] / n:.0%}" for f in FIELDS))
    split = {e: s for e, s in events.items() if len(s) > 1}
    merged = {s: e for s, e in stories.items() if len(e) > 1}
    print(f"events split over stories: {len(split)} {sorted(split)}")
    print(f"stories merging events: {len(merged)} {sorted(map(sorted, merged.values()))}")
    return n - right["label"] + len(split) + len(merged)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--head", default=None)
    ap.add_argument("--keep", default=None, help="write the store here instead of a temp dir")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.keep) if args.keep else Path(tmp) / "demo.db"
        build(db, args.head)
        problems = score(db)
    print(f"label errors + split events + merged stories: {problems}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
