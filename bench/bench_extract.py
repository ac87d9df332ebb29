"""Article extraction on real third-party pages: quality against gold text, and speed.

Usage:
    python bench/bench_extract.py [--limit N]

Pages: `/work/shared/data` (override with MONITOR_SHARED_DATA): scrapinghub's
article-extraction benchmark (181 pages, mostly English) and fundus' test pages
(70, EN and FR, with gold title and date). For each page, in the same run and
interleaved: the baseline, `trafilatura.extract(html)` with its defaults, and
ours, `monitor.sources.extract.extract_page` (trafilatura tuned for precision +
metadata + scraper-noise stripping). Quality is token-level precision / recall /
F1 of the text against the gold body (bag of words, as the benchmark's own
`evaluate.py`); fundus pages also score the title (exact after whitespace
folding) and the date (same UTC day). Speed is pages/s and the ratio to the
baseline. Pages neither side can read count as empty (F1 0).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from monitor.sources.extract import extract_page  # noqa: E402

SHARED = Path(os.environ.get("MONITOR_SHARED_DATA", "/work/shared/data"))
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Page:
    set: str
    lang: str
    html: bytes
    gold: str
    title: str | None = None
    date: str | None = None


def pages(limit: int | None) -> list[Page]:
    out: list[Page] = []
    aeb = SHARED / "scrapinghub_aeb"
    for line in (aeb / "scrapinghub_aeb.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        out.append(
            Page(
                "scrapinghub",
                row.get("lang") or "?",
                gzip.decompress((aeb / row["html_path"]).read_bytes()),
                row["gold_text"],
            )
        )
    fundus = SHARED / "fundus_testdata"
    for line in (fundus / "fundus_articles.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        out.append(
            Page(
                "fundus",
                row.get("lang") or "?",
                gzip.decompress((fundus / row["html_file"]).read_bytes()),
                row["gold_text"],
                row.get("title"),
                row.get("publishing_date"),
            )
        )
    return out[:limit] if limit else out


def prf(got: str, gold: str) -> tuple[float, float, float]:
    g, w = Counter(_WORD.findall(got.lower())), Counter(_WORD.findall(gold.lower()))
    common = sum((g & w).values())
    if not common:
        return 0.0, 0.0, 0.0
    p, r = common / sum(g.values()), common / sum(w.values())
    return p, r, 2 * p * r / (p + r)


def baseline(html: bytes) -> tuple[str, str | None, str | None]:
    return trafilatura.extract(html) or "", None, None


def ours(html: bytes) -> tuple[str, str | None, str | None]:
    page, _ = extract_page(html, url="")
    if page is None:
        return "", None, None
    return page.text, page.title, page.published


def _space(s: str | None) -> str:
    return " ".join((s or "").split())


def run(all_pages: list[Page]) -> dict[str, dict[str, list[float]]]:
    methods: dict[str, Callable[[bytes], tuple[str, str | None, str | None]]] = {
        "trafilatura.extract (baseline)": baseline,
        "monitor extract_page": ours,
    }
    scores: dict[str, dict[str, list[float]]] = {m: {} for m in methods}
    for page in all_pages:
        for name, fn in methods.items():
            started = time.perf_counter()
            text, title, date = fn(page.html)
            s = scores[name]
            s.setdefault("seconds", []).append(time.perf_counter() - started)
            p, r, f = prf(text, page.gold)
            for key, value in (
                (f"{page.set} P", p),
                (f"{page.set} R", r),
                (f"{page.set} F1", f),
                (f"{page.lang} F1", f),
            ):
                s.setdefault(key, []).append(value)
            if page.set == "fundus" and name.startswith("monitor"):
                s.setdefault("title exact", []).append(
                    float(_space(title).lower() == _space(page.title).lower())
                )
                s.setdefault("date same day", []).append(
                    float(bool(date and page.date and date[:10] == page.date[:10]))
                )
    return scores


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()
    if not SHARED.is_dir():
        print(f"no benchmark data at {SHARED}", file=sys.stderr)
        return 2
    scores = run(pages(args.limit))
    keys = [k for k in scores["monitor extract_page"] if k != "seconds"]
    names = list(scores)
    print(f"{'metric':<22}" + "".join(f"{n:>34}" for n in names))
    for k in keys:
        row = [sum(v) / len(v) if (v := scores[n].get(k)) else float("nan") for n in names]
        print(f"{k:<22}" + "".join(f"{x:>34.3f}" for x in row))
    rates = [len(scores[n]["seconds"]) / sum(scores[n]["seconds"]) for n in names]
    print(f"{'pages/s':<22}" + "".join(f"{x:>34.1f}" for x in rates))
    n = len(scores[names[0]]["seconds"])
    print(
        f"ours / baseline speed: {rates[1] / rates[0]:.2f}x over {n} "
        "pages (title/date: fundus gold, ours only; baseline extracts no metadata here)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
