"""Benchmark: incremental story clustering of 50,000 generated articles.

Usage:
    python bench/bench_cluster.py [--articles 50000] [--per-day 200] [--batch 20] [--no-encoder]

Generates a synthetic news flow (EN/FR enforcement events and general news
from templates, ~200 articles a day, 1-6 reports per event over a day and a
half, facts with gaps and euro conversions) and feeds it in poll-sized
batches to `monitor.clustering.assign_articles` on a real SQLite store, the
pipeline's path. Vectors are precomputed (topic + event + noise, unit length)
so the table measures clustering itself; the encoder's cost per article is
measured separately on a sample of the same texts. Reports ms/article over
the 1,000 articles before 1k, 10k and 50k stored, the ratio to 1k, the
in-memory state size, RSS, and the time to rebuild the clusterer (restart).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.classify.stories import ClusterDoc, StoryClusterer, story_text  # noqa: E402
from monitor.clustering import ClusterItem, assign_articles, load_clusterer  # noqa: E402
from monitor.config import DedupSettings  # noqa: E402
from monitor.models import Article, EventFields, Feed  # noqa: E402
from monitor.store import Store  # noqa: E402

DIM = 512
START = datetime(2024, 1, 1, tzinfo=UTC)
AUTHORITIES = [
    ("ICO", "GB", "GBP"),
    ("CNIL", "FR", "EUR"),
    ("Garante", "IT", "EUR"),
    ("DPC", "IE", "EUR"),
    ("AEPD", "ES", "EUR"),
    ("AP", "NL", "EUR"),
    ("FTC", "US", "USD"),
    ("CMA", "GB", "GBP"),
    ("Autorité de la concurrence", "FR", "EUR"),
    ("European Commission", "EU", "EUR"),
    ("CNPD", "LU", "EUR"),
    ("APD", "BE", "EUR"),
]
SYLLABLES = [
    "vel",
    "tro",
    "kel",
    "vo",
    "bri",
    "ght",
    "ar",
    "ca",
    "dia",
    "nor",
    "lys",
    "lu",
    "mio",
    "ti",
    "de",
    "bay",
    "har",
    "low",
    "cy",
    "clo",
    "max",
    "zen",
]
SUFFIXES = ["Media", "Telecom", "Bank", "Health", "Energy", "Cloud", "Retail", "Games", "Labs"]
TOPICS = [
    "cookies",
    "data breach",
    "nuisance calls",
    "children's data",
    "facial recognition",
    "data transfers",
    "targeted advertising",
    "unfair terms",
    "price fixing",
    "security",
]
OUTLETS_EN = ["Northgate News", "The Ledger Wire", "TechPolicy Daily", "City Post", "Metro Herald"]
OUTLETS_FR = ["Le Quotidien Numérique", "La Tribune Tech", "Les Nouvelles du Net"]
FILLER_EN = [
    "The company said it would appeal.",
    "The regulator opened its inquiry last year.",
    "Complaints from customers prompted the investigation.",
    "The decision can be challenged in court.",
    "Analysts expect more cases this year.",
]
FILLER_FR = [
    "L'entreprise a annoncé faire appel.",
    "L'enquête avait été ouverte l'an dernier.",
    "Des plaintes de clients sont à l'origine de la procédure.",
    "La décision peut être contestée devant le juge.",
]


@dataclass(frozen=True, slots=True)
class Gen:
    doc: ClusterDoc
    vector: np.ndarray
    fields: EventFields
    label: str


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(2)).title() + " " + rng.choice(SUFFIXES)


def _texts(rng: random.Random, lang: str, ev: dict, amount_txt: str) -> tuple[str, str]:
    if ev["label"] == "other":
        if lang == "fr":
            return (
                f"{ev['target']} présente sa nouvelle offre de {ev['topic']}",
                f"Le groupe {ev['target']} a dévoilé mardi une nouvelle offre. "
                + " ".join(rng.sample(FILLER_FR, 2)),
            )
        return (
            f"{ev['target']} unveils new {ev['topic']} service",
            f"{ev['target']} on Tuesday unveiled a new service for {ev['topic']}. "
            + " ".join(rng.sample(FILLER_EN, 2)),
        )
    if lang == "fr":
        return (
            f"{ev['authority']} inflige une amende de {amount_txt} à {ev['target']}",
            f"L'autorité {ev['authority']} a sanctionné {ev['target']} pour des manquements "
            f"liés à {ev['topic']}. " + " ".join(rng.sample(FILLER_FR, 2)),
        )
    return (
        f"{ev['authority']} fines {ev['target']} {amount_txt} over {ev['topic']}",
        f"The {ev['authority']} has fined {ev['target']} {amount_txt} for failings over "
        f"{ev['topic']}. " + " ".join(rng.sample(FILLER_EN, 3)),
    )


def generate(n: int, per_day: int, seed: int = 7) -> list[Gen]:
    """`n` articles from events with 1-6 reports each, sorted by published time."""
    rng, nrng = random.Random(seed), np.random.default_rng(seed)
    topics = [_unit(nrng.standard_normal(DIM)) for _ in TOPICS]
    out: list[Gen] = []
    event = 0
    while len(out) < n:
        event += 1
        day = len(out) / per_day
        t0 = START + timedelta(days=day, hours=rng.uniform(0, 24))
        ti = rng.randrange(len(TOPICS))
        auth, country, cur = rng.choice(AUTHORITIES)
        amount = float(rng.choice([1, 2, 5, 7.5, 10, 20, 35, 60, 150]) * 10 ** rng.randint(4, 7))
        ev = {
            "label": rng.choice(["enforcement", "enforcement", "other"]),
            "topic": TOPICS[ti],
            "authority": auth,
            "target": _name(rng),
        }
        centre = _unit(0.55 * topics[ti] + 0.8 * _unit(nrng.standard_normal(DIM)))
        for _ in range(min(rng.choice([1, 1, 2, 2, 3, 4, 6]), n - len(out))):
            out.append(
                _article(rng, nrng, len(out) + 1, ev, centre, t0, amount, auth, country, cur)
            )
    out.sort(key=lambda g: (g.doc.published, g.doc.id))
    return out


def _article(rng, nrng, aid, ev, centre, t0, amount, auth, country, cur) -> Gen:  # type: ignore[no-untyped-def]
    lang = rng.choice(["en", "en", "fr"])
    conv = lang == "fr" and cur != "EUR" and rng.random() < 0.5  # a euro conversion only
    shown, shown_cur = (amount * 1.17, "EUR") if conv else (amount, cur)
    title, text = _texts(rng, lang, ev, f"{shown / 1e6:.2f}m {shown_cur}")
    when = t0 + timedelta(hours=rng.uniform(0, 36))
    fields = EventFields()
    if ev["label"] != "other":
        fields = EventFields(
            authority=auth,
            country=country,
            action="fine",
            target=ev["target"] if rng.random() > 0.15 else None,
            amount=shown if rng.random() > 0.2 else None,
            currency=shown_cur,
        )
    doc = ClusterDoc(
        id=aid,
        title=title,
        text=text,
        lang=lang,
        published=when.isoformat(timespec="seconds"),
        source=rng.choice(OUTLETS_FR if lang == "fr" else OUTLETS_EN),
        fetched=(when + timedelta(minutes=20)).isoformat(timespec="seconds"),
    )
    vec = _unit(centre + 0.45 * _unit(nrng.standard_normal(DIM)))
    return Gen(doc=doc, vector=vec, fields=fields, label=ev["label"])


class TimedClusterer(StoryClusterer):
    """Accumulates the CPU time spent in the in-memory core (no SQL)."""

    core_s = 0.0

    def assign(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        t = time.process_time()
        try:
            return super().assign(*args, **kwargs)
        finally:
            self.core_s += time.process_time() - t


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def _insert(store: Store, batch: list[Gen]) -> list[Gen]:
    """Store the batch's articles (as the pipeline does first); docs get the stored ids."""
    out = []
    for g in batch:
        d = g.doc
        aid = store.articles.insert(
            Article(
                url=f"https://example.org/{d.id}",
                guid=None,
                feed="bench",
                source=d.source,
                title=d.title,
                summary="",
                text=d.text,
                lang=d.lang,
                published=d.published,
                fetched=d.fetched or "",
                content_hash=hashlib.sha256(d.text.encode()).hexdigest(),
            )
        )
        out.append(replace(g, doc=replace(d, id=aid)))
    return out


def run(gens: list[Gen], batch: int, checkpoints: list[int]) -> list[dict[str, float]]:
    rows: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        store.feeds.sync([Feed(name="bench", url="https://example.org/feed")])
        clusterer = TimedClusterer(DIM, DedupSettings(), model="bench")
        wall = cpu = 0.0
        marks = [(0, 0.0, 0.0, 0.0)]
        for start in range(0, len(gens), batch):
            chunk = _insert(store, gens[start : start + batch])
            now = datetime.fromisoformat(chunk[-1].doc.fetched or "")
            items = [
                ClusterItem(doc=g.doc, vector=g.vector, fields=g.fields, label=g.label, score=0.9)
                for g in chunk
            ]  # type: ignore[arg-type]
            t, c = time.perf_counter(), time.process_time()
            assign_articles(store, clusterer, items, now)
            wall += time.perf_counter() - t
            cpu += time.process_time() - c
            done = start + len(chunk)
            marks.append((done, wall, cpu, clusterer.core_s))
            if done in checkpoints:
                rows.append(_row(marks, done, clusterer))
        t = time.perf_counter()
        restored = load_clusterer(store, DedupSettings(), dim=DIM, model="bench", now=now)
        rows.append({"restart_s": time.perf_counter() - t, "restored": restored.stats()["indexed"]})
    return rows


def _row(
    marks: list[tuple[int, float, float, float]], done: int, clusterer: StoryClusterer
) -> dict[str, float]:
    lo = next(m for m in reversed(marks) if m[0] <= done - 1000)
    hi = marks[-1]
    n = hi[0] - lo[0]
    stats = clusterer.stats()
    return {
        "stored": done,
        "wall": 1000 * (hi[1] - lo[1]) / n,
        "ms": 1000 * (hi[2] - lo[2]) / n,
        "core_ms": 1000 * (hi[3] - lo[3]) / n,
        "indexed": stats["indexed"],
        "stories": stats["stories"],
        "rss": _rss_mb(),
    }


def encoder_cost(gens: list[Gen], sample: int = 256) -> float:
    from monitor.classify.encoders.use import UniversalSentenceEncoder

    enc = UniversalSentenceEncoder()
    texts = [story_text(g.doc.title, g.doc.text) for g in gens[:sample]]
    enc.encode(texts[:8])  # warm-up
    t = time.perf_counter()
    enc.encode(texts)
    return 1000 * (time.perf_counter() - t) / len(texts)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=50_000)
    ap.add_argument("--per-day", type=int, default=200)
    ap.add_argument("--batch", type=int, default=20)
    ap.add_argument("--no-encoder", action="store_true", help="skip the encoder measurement")
    args = ap.parse_args()
    checkpoints = [c for c in (1_000, 10_000, 50_000) if c <= args.articles]
    gens = generate(args.articles, args.per_day)
    rows = run(gens, args.batch, checkpoints)
    restart = rows.pop()
    base = rows[0]["ms"]
    print(
        f"{'stored':>8} {'CPU ms/art':>11} {'ratio':>6} {'core CPU':>9} {'wall ms':>8} "
        f"{'indexed':>8} {'stories':>8} {'RSS MB':>7}"
    )
    for r in rows:
        print(
            f"{int(r['stored']):>8} {r['ms']:>11.3f} {r['ms'] / base:>6.2f} "
            f"{r['core_ms']:>9.3f} {r['wall']:>8.3f} {int(r['indexed']):>8} "
            f"{int(r['stories']):>8} {r['rss']:>7.0f}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak RSS {peak:.0f} MB; restart (load_clusterer) {restart['restart_s']:.2f} s, "
        f"{int(restart['restored'])} articles re-indexed"
    )
    print(
        "CPU ms/article over the 1,000 articles before each mark: assign_articles incl. SQLite "
        f"writes; core: in-memory clusterer only; window 7 days at ~{args.per_day} articles/day"
    )
    if not args.no_encoder:
        print(f"encoder (USE, title+lead): {encoder_cost(gens):.2f} ms/article")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
