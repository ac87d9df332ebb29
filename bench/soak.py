"""Soak: the real daemon against N loopback feeds for S seconds; throughput and memory.

Every feed gains a new item every `--interval` seconds and is polled at that
interval (below the 60 s the config allows: this is a stress test), so the
daemon keeps fetching, parsing, storing and queueing for analysis the whole
time. With `--model` every queued batch goes through the real analysis
(`pipeline.analyse`: the default USE encoder and head, field extraction,
story clustering, alerts); without it analysis only counts the ids, so the
table shows polling alone.
Reports, every 10 s and at the end: polls/s, articles/s, queue depth, loop lag,
RSS and peak RSS (this process, and its worker processes).

    python bench/soak.py [--feeds 500] [--seconds 60] [--interval 10] [--model]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_poll import Server

from monitor import pipeline, procstats
from monitor.app import App
from monitor.config import Settings, parse_settings
from monitor.daemon import Daemon
from monitor.logs import setup_logging

RSS_LIMIT_MB = 600


def soak_settings(server: Server, store: Path, interval: int) -> Settings:
    host = server.base.split("//", 1)[1]
    settings = parse_settings(
        {
            "store": {"path": str(store)},
            "feeds": [{"name": f"f{i}", "url": u, "lang": "en"} for i, u in enumerate(server.urls)],
            "fetch": {"allow_hosts": [host], "fetch_pages": False, "per_host_concurrency": 16},
            "daemon": {"jitter_s": max(1, interval // 2)},
        }
    )
    feeds = tuple(dataclasses.replace(f, interval=interval) for f in settings.feeds)
    return dataclasses.replace(settings, feeds=feeds)  # bypasses the 60 s minimum on purpose


def make_analyse(model: bool) -> tuple[Any, dict[str, float]]:
    stats = {"embedded": 0.0, "embed_s": 0.0}

    async def analyse(app: App, ids: list[int], now: datetime) -> dict[str, int]:
        if not model:
            return {"articles": len(ids)}
        started = time.perf_counter()
        result = await pipeline.analyse(app, ids, now)
        stats["embed_s"] += time.perf_counter() - started
        stats["embedded"] += len(ids)
        return result

    return analyse, stats


async def run(settings: Settings, seconds: float, model: bool) -> dict[str, float]:
    analyse, stats = make_analyse(model)
    peaks = {"rss": 0.0, "workers_rss": 0.0, "lag_ms": 0.0, "depth": 0.0}
    async with App(settings) as app:
        daemon = Daemon(app, analyse=analyse, heartbeat_s=1.0, seed=0)
        task = asyncio.create_task(daemon.run())
        started, last = time.perf_counter(), 0.0
        while (elapsed := time.perf_counter() - started) < seconds:
            await asyncio.sleep(1.0)
            status = daemon.status()
            peaks["rss"] = max(peaks["rss"], status["rss_mb"] + status["workers_rss_mb"])
            peaks["workers_rss"] = max(peaks["workers_rss"], status["workers_rss_mb"])
            peaks["lag_ms"] = max(peaks["lag_ms"], status["loop_lag_ms"])
            peaks["depth"] = max(peaks["depth"], status["queues"]["analysis"]["depth"])
            if elapsed - last >= 10:
                last = elapsed
                report_line(elapsed, daemon.counters, status)
        counters = dict(daemon.counters)
        daemon.request_stop()
        await task
    return {
        "seconds": seconds,
        **peaks,
        **stats,
        **counters,
        "peak_rss_self": procstats.peak_rss_mb(),
    }


def report_line(elapsed: float, c: Any, s: dict[str, Any]) -> None:
    print(
        f"  {elapsed:5.0f}s  polls {c['polls']:6d} ({c['polls'] / elapsed:6.1f}/s)  "
        f"articles {c['articles']:7d}  analysed {c['analysed']:7d}  "
        f"queue {s['queues']['analysis']['depth']:4d}  lag {s['loop_lag_ms']:6.1f} ms  "
        f"RSS {s['rss_mb']:.0f}+{s['workers_rss_mb']:.0f} MB",
        flush=True,
    )


def summary(r: dict[str, float], feeds: int, model: bool) -> None:
    secs = r["seconds"]
    print(f"\n{'feeds':<28}{feeds}\n{'model loaded':<28}{model}")
    print(
        f"{'polls':<28}{r.get('polls', 0):.0f} ({r.get('polls', 0) / secs:.1f}/s), "
        f"errors {r.get('polls_error', 0):.0f}"
    )
    stored = r.get("articles", 0)
    print(f"{'articles stored':<28}{stored:.0f} ({stored / secs:.1f}/s)")
    print(f"{'articles analysed':<28}{r.get('analysed', 0):.0f}")
    print(f"{'poll runs skipped (busy)':<28}{r.get('poll_runs_skipped', 0):.0f}")
    if model:
        rate = r["embedded"] / r["embed_s"] if r["embed_s"] else 0
        print(f"{'analysed (model)':<28}{r['embedded']:.0f} ({rate:.0f} articles/s while busy)")
    print(f"{'peak analysis queue':<28}{r['depth']:.0f}")
    print(f"{'worst event-loop lag':<28}{r['lag_ms']:.0f} ms")
    print(
        f"{'peak RSS (self+workers)':<28}{r['rss']:.0f} MB (self peak "
        f"{r['peak_rss_self']:.0f} MB, workers {r['workers_rss']:.0f} MB); "
        f"limit {RSS_LIMIT_MB} MB: {'OK' if r['rss'] < RSS_LIMIT_MB else 'OVER'}"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--feeds", type=int, default=500)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--interval", type=int, default=10)
    p.add_argument("--model", action="store_true")
    args = p.parse_args()
    setup_logging("text")
    server = Server(args.feeds, "--rolling", str(args.interval))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = soak_settings(server, Path(tmp) / "soak.db", args.interval)
            result = asyncio.run(run(settings, args.seconds, args.model))
    finally:
        server.close()
    summary(result, args.feeds, args.model)


if __name__ == "__main__":
    main()
