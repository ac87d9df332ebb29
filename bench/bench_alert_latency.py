"""Benchmark: from an article appearing in a feed to its Telegram message.

Usage:
    python bench/bench_alert_latency.py [--runs 20] [--warmup 2] [--recipients 1]

Each run publishes one new enforcement article (our own text) in an RSS feed
served on 127.0.0.1, then immediately calls the pipeline (`run_once`: poll,
fetch the page, extract, store, analyse) and the alert stage, and measures
until the local Telegram Bot API server (tests/notify/botapi.py) receives the
sendMessage for that article. The polling interval is excluded by design: the
clock starts when the article is published and the pipeline is called at once.

The run is split at the pipeline's own seams, as the daemon calls them:
`poll_feed` (fetch feed and page, extract, store), `analyse` (classify,
cluster, refresh alerts and queue deliveries) and `dispatch` (send through
the Telegram notifier, kept open as the daemon keeps it). A run whose article
produced no message is an error, not a number.
Each run has its own recipients (fresh chats), so Telegram's per-chat pacing
does not add up across runs; with --recipients K the last message shows the
fan-out cost (overall pacing is 25 messages a second).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # tests/ for the loopback servers

from httpserver import TestServer  # noqa: E402
from notify.botapi import TOKEN, FakeBotAPI  # noqa: E402

from monitor.app import App  # noqa: E402
from monitor.config import Settings, parse_settings  # noqa: E402
from monitor.notify import build_notifiers, close_notifiers, dispatch  # noqa: E402
from monitor.pipeline import active_feeds, analyse, poll_feed  # noqa: E402

TARGETS = [
    "Northwind Telecom",
    "Brightline Bank",
    "Corvid Health",
    "Aster Games",
    "Kelvo Cloud",
    "Tamsin Retail",
    "Orla Energy",
    "Quill Media",
    "Vesper Labs",
    "Hollin Air",
]


@dataclass
class Run:
    poll_s: float
    analysis_s: float  # classify + cluster + refresh_alerts
    send_s: float  # dispatch -> last sendMessage received
    first_s: float  # publish -> first sendMessage received
    last_s: float  # publish -> last sendMessage received


def page(i: int) -> str:
    target = TARGETS[i % len(TARGETS)]
    amount = 1 + i % 9
    para = (
        f"The Information Commissioner's Office fined {target} £{amount}m on Tuesday for "
        "failing to keep customer records secure, after an inquiry found that passwords "
        "were stored in plain text for several years. The company said it would appeal. "
    )
    return (
        f"<html lang='en'><head><title>ICO fines {target} £{amount}m</title></head><body>"
        f"<article><h1>ICO fines {target} £{amount}m over data security</h1>"
        + "".join(f"<p>{para}</p>" for _ in range(3))
        + "</article></body></html>"
    )


def feed(base: str, n: int) -> str:
    items = "".join(
        f"<item><title>ICO fines {TARGETS[i % len(TARGETS)]} £{1 + i % 9}m over data security"
        f"</title><link>{base}/a/{i}</link><guid>bench-{i}</guid>"
        f"<description>The UK regulator fined {TARGETS[i % len(TARGETS)]}.</description></item>"
        for i in range(n)
    )
    return (
        f"<rss version='2.0'><channel><title>Bench Wire</title><language>en</language>"
        f"{items}</channel></rss>"
    )


def settings_for(tmp: Path, server: TestServer, api: FakeBotAPI) -> Settings:
    import os

    os.environ["MONITOR_TELEGRAM_TOKEN"] = TOKEN
    return parse_settings(
        {
            "store": {"path": str(tmp / "bench.db")},
            "feeds": [{"name": "bench-wire", "url": server.url("/feed.xml"), "lang": "en"}],
            "fetch": {"allow_hosts": [server.host]},
            "notify": {
                "console": {"enabled": False},
                "telegram": {"enabled": True, "base_url": api.base_url},
            },
        }
    )


async def one_run(
    app: App, notifiers: list[Any], api: FakeBotAPI, server: TestServer, i: int, recipients: int
) -> Run:
    now = datetime.now(UTC)
    chats = [1_000_000 + i * 1000 + j for j in range(recipients)]
    app.store.db.execute("UPDATE subscribers SET active = 0")  # only this run's chats
    for chat in chats:
        app.store.subscribers.subscribe(chat, username=None, lang="en", now=now)
    server.route(f"/a/{i}", page(i))
    server.route("/feed.xml", feed(server.base, i + 1))
    published = time.perf_counter()  # the article is in the feed from now on
    ids = [i for f in active_feeds(app) for i in (await poll_feed(app, f, now))[1]]
    polled = time.perf_counter()
    await analyse(app, ids, now)
    analysed = time.perf_counter()
    await dispatch(app.store, notifiers, now)
    api.wait_for(lambda s: {m.chat_id for m in s.sent} >= set(chats), timeout=30)
    times = [m.at for m in api.state.sent if m.chat_id in chats]
    if not ids or not times:
        raise RuntimeError(f"run {i}: the article gave no Telegram message")
    return Run(
        poll_s=polled - published,
        analysis_s=analysed - polled,
        send_s=max(0.0, max(times) - analysed),
        first_s=min(times) - published,
        last_s=max(times) - published,
    )


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def table(runs: list[Run], recipients: int) -> str:
    lines = [
        f"alert latency over {len(runs)} runs, {recipients} recipient(s) per alert",
        f"{'stage':<48}{'p50 ms':>9}{'p95 ms':>9}{'p95/p50':>9}{'share':>8}",
    ]
    total = statistics.median(r.last_s for r in runs)
    rows = [
        ("poll + fetch page + extract + store", [r.poll_s for r in runs]),
        ("classify + cluster + refresh_alerts", [r.analysis_s for r in runs]),
        ("dispatch -> Telegram server", [r.send_s for r in runs]),
        ("feed -> first Telegram message", [r.first_s for r in runs]),
        ("feed -> last Telegram message", [r.last_s for r in runs]),
    ]
    for name, values in rows:
        p50, p95 = pct(values, 0.5), pct(values, 0.95)
        lines.append(
            f"{name:<48}{p50 * 1000:>9.1f}{p95 * 1000:>9.1f}{p95 / max(p50, 1e-9):>9.2f}"
            f"{statistics.median(values) / total:>8.0%}"
        )
    return "\n".join(lines)


async def bench(runs: int, warmup: int, recipients: int) -> list[Run]:
    server, api = TestServer(), FakeBotAPI()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = settings_for(Path(tmp), server, api)
            async with App(settings) as app:
                notifiers = build_notifiers(settings)
                try:
                    out = [
                        await one_run(app, notifiers, api, server, i, recipients)
                        for i in range(warmup + runs)
                    ]
                finally:
                    await close_notifiers(notifiers)
        return out[warmup:]
    finally:
        server.close()
        api.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=2, help="first runs left out (imports, getMe)")
    ap.add_argument("--recipients", type=int, default=1)
    args = ap.parse_args()
    runs = asyncio.run(bench(args.runs, args.warmup, args.recipients))
    print(table(runs, args.recipients))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
