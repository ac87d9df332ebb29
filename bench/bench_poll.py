"""Polling throughput (feeds/s) against a loopback server with 1,000 small realistic feeds.

Compares `monitor`'s polling (fetch + parse + dedup lookups + store; `fetch_pages`
off to isolate polling) with
  (a) a naive sequential loop of `feedparser.parse(url)` (goal: >= 10x), and
  (b) the CPU floor: feedparser parsing the same bytes in a loop (goal: >= 0.8x),
measured both with feedparser's defaults and with the options `parse_feed` uses.

Rounds: "cold" (empty store: 20 new items per feed, all stored), "steady" (each
feed gained one item since the last poll: parse 20, store 1 - the everyday
case), "unchanged" (same bytes, no ETag/Last-Modified: recognised by hash, not
parsed), "304" (server sends ETags: conditional GETs), and "daemon, cold" (the
real scheduler polling every feed once). Each is repeated and the median kept;
the VM this was written on is noisy. CPU ms/feed counts this process only (the
server runs in its own process).

    python bench/bench_poll.py [--feeds 1000] [--naive 200] [--repeat 3] [--latency 0.1]

The naive loop and our polling are CPU-bound on loopback (no latency): the
first table compares CPU efficiency. Real feeds answer after a round trip and
server time; the second table adds that latency (server-side sleep, no CPU),
which is where concurrency pays: the naive loop waits for each feed in turn.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitor import procstats
from monitor.app import App
from monitor.config import Settings, parse_settings
from monitor.daemon import Daemon
from monitor.pipeline import active_feeds, poll_feed
from monitor.sources.feeds import parse_feed
from monitor.workers import Workers

HERE = Path(__file__).parent


class Server:
    """bench/_loopback.py in a child process."""

    def __init__(self, feeds: int, *extra: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "_loopback.py"), "--feeds", str(feeds), *extra],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.base = self.proc.stdout.readline().strip()
        self.urls = [f"{self.base}/feeds/{i}.xml" for i in range(feeds)]

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


def settings_for(server: Server, store: Path, *, concurrency: int = 16) -> Settings:
    host = server.base.split("//", 1)[1]
    return parse_settings(
        {
            "store": {"path": str(store)},
            "feeds": [{"name": f"f{i}", "url": u, "lang": "en"} for i, u in enumerate(server.urls)],
            # every feed is on one loopback host: lift the per-host limit to model many hosts
            "fetch": {
                "allow_hosts": [host],
                "fetch_pages": False,
                "concurrency": concurrency,
                "per_host_concurrency": concurrency,
            },
            "daemon": {"jitter_s": 0},
        }
    )


def timed(fn: Any, *args: Any) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def floor(bodies: list[bytes], ours: bool) -> None:
    now = datetime.now(UTC)
    for i, body in enumerate(bodies):
        if ours:
            parse_feed(body, feed_name=f"f{i}", base_url="http://127.0.0.1/", now=now)
        else:
            feedparser.parse(body)


def naive(urls: list[str]) -> None:
    for url in urls:
        feedparser.parse(url)


def poll_rounds(
    settings: Settings, labels: list[str], parse_processes: int = 0
) -> dict[str, tuple[float, float]]:
    async def go() -> dict[str, tuple[float, float]]:
        out = {}
        async with App(settings) as app:
            if parse_processes:  # as the daemon does on machines with >= 4 cores
                app.lazy(
                    "workers", lambda: Workers(processes=parse_processes, parse_in_processes=True)
                )
            for label in labels:
                wall, cpu = time.perf_counter(), time.process_time()
                now = datetime.now(UTC)
                # run_once's polling half, without analysis (measured by bench_classify
                # and bench_cluster): every feed polled concurrently through `poll_feed`
                results = await asyncio.gather(*(poll_feed(app, f, now) for f in active_feeds(app)))
                errors = [r.error for r, _ in results if r.error]
                assert not errors, errors[:3]
                out[label] = (time.perf_counter() - wall, time.process_time() - cpu)
        return out

    return asyncio.run(go())


def daemon_round(settings: Settings) -> tuple[float, float]:
    """Seconds until the real daemon has polled every feed once (all due at start)."""

    async def noop(app: App, ids: list[int], now: datetime) -> dict[str, int]:
        return {}

    async def go() -> tuple[float, float]:
        async with App(settings) as app:
            daemon = Daemon(app, analyse=noop, heartbeat_s=1.0, seed=0)
            wall, cpu = time.perf_counter(), time.process_time()
            task = asyncio.create_task(daemon.run())
            while daemon.counters["polls"] < len(settings.feeds):
                await asyncio.sleep(0.01)
            result = (time.perf_counter() - wall, time.process_time() - cpu)
            assert daemon.counters["polls_error"] == 0
            daemon.request_stop()
            await task
            return result

    return asyncio.run(go())


def median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def zero_latency(args: argparse.Namespace, runs: dict[str, list[tuple[float, float]]]) -> None:
    plain, tagged, growing = (Server(args.feeds, *x) for x in ((), ("--etag",), ("--grow",)))
    try:
        bodies = [httpx.get(u).content for u in plain.urls]
        runs["floor: feedparser defaults"].append(timed(floor, bodies, False))
        runs["floor: parse_feed options"].append(timed(floor, bodies, True))
        runs["naive feedparser.parse(url)"].append(timed(naive, plain.urls[: args.naive]))
        with tempfile.TemporaryDirectory() as tmp:
            got = poll_rounds(settings_for(plain, Path(tmp) / "a.db"), ["cold", "unchanged"])
            runs["monitor polling, cold"].append(got["cold"])
            runs["monitor polling, unchanged"].append(got["unchanged"])
            got = poll_rounds(settings_for(growing, Path(tmp) / "g.db"), ["cold", "s1", "s2"])
            runs["monitor polling, steady"].extend([got["s1"], got["s2"]])
            got = poll_rounds(
                settings_for(growing, Path(tmp) / "p.db"), ["cold", "s1", "s2"], parse_processes=2
            )
            runs["monitor polling, steady, 2 parse procs"].extend([got["s1"], got["s2"]])
            got = poll_rounds(settings_for(tagged, Path(tmp) / "t.db"), ["cold", "304"])
            runs["monitor polling, 304"].append(got["304"])
            runs["monitor daemon, cold"].append(
                daemon_round(settings_for(plain, Path(tmp) / "d.db"))
            )
    finally:
        for server in (plain, tagged, growing):
            server.close()


def with_latency(args: argparse.Namespace, runs: dict[str, list[tuple[float, float]]]) -> None:
    lat = ("--latency", str(args.latency))
    plain, growing = Server(args.feeds, *lat), Server(args.feeds, "--grow", *lat)
    try:
        runs["naive feedparser.parse(url)"].append(timed(naive, plain.urls[: args.naive // 4]))
        with tempfile.TemporaryDirectory() as tmp:
            got = poll_rounds(settings_for(growing, Path(tmp) / "g.db"), ["cold", "s1", "s2"])
            runs["monitor polling, cold"].append(got["cold"])
            runs["monitor polling, steady"].extend([got["s1"], got["s2"]])
            got = poll_rounds(
                settings_for(growing, Path(tmp) / "h.db", concurrency=64), ["cold", "s1"]
            )
            runs["monitor polling, steady, 64 conns"].append(got["s1"])
    finally:
        plain.close()
        growing.close()


Runs = dict[str, list[tuple[float, float]]]


def measure(args: argparse.Namespace) -> tuple[Runs, Runs]:
    zero: Runs = defaultdict(list)
    slow: Runs = defaultdict(list)
    for r in range(args.repeat):
        zero_latency(args, zero)
        if args.latency:
            with_latency(args, slow)
        print(f"  round {r + 1}/{args.repeat} done", file=sys.stderr)
    return zero, slow


def table(title: str, runs: Runs, args: argparse.Namespace, floors: tuple[float, float]) -> None:
    def size(k: str) -> int:
        naive_n = args.naive if not title.startswith("with") else args.naive // 4
        return naive_n if k.startswith("naive") else args.feeds

    rate = {k: size(k) / median(v)[0] for k, v in runs.items()}
    cpu = {k: median(v)[1] / size(k) * 1000 for k, v in runs.items()}
    naive_rate = rate["naive feedparser.parse(url)"]
    print(
        f"\n{title}\n{'what':<36} {'feeds/s':>8} {'CPU ms/feed':>12} {'x naive':>8} "
        f"{'x floor':>8} {'x floor(parse_feed)':>20}"
    )
    for k in runs:
        print(
            f"{k:<36} {rate[k]:>8.0f} {cpu[k]:>12.2f} {rate[k] / naive_rate:>8.1f} "
            f"{rate[k] / floors[0]:>8.2f} {rate[k] / floors[1]:>20.2f}"
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--feeds", type=int, default=1000)
    p.add_argument("--naive", type=int, default=200, help="feeds the naive loop fetches")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument(
        "--latency",
        type=float,
        default=0.1,
        help="server delay per answer for the second table (0: skip it)",
    )
    args = p.parse_args()
    zero, slow = measure(args)
    floors = (
        args.feeds / median(zero["floor: feedparser defaults"])[0],
        args.feeds / median(zero["floor: parse_feed options"])[0],
    )
    table("loopback, no latency (CPU-bound)", zero, args, floors)
    if slow:
        table(
            f"with {args.latency * 1000:.0f} ms latency per answer (network round trip + "
            "server time)",
            slow,
            args,
            floors,
        )
    print(f"\npeak RSS of this process: {procstats.peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
