"""The daemon in-process: a 10,000-item burst is stored and analysed under backpressure."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from pathlib import Path

from daemonkit import make_settings, rss

from monitor.app import App
from monitor.daemon import ANALYSIS_BATCH, Daemon
from monitor.pipeline import PAGE_BATCH
from monitor.store.ops import OpsRepo

N = 10_000
QUEUE = 100


def _peak_rss_mb() -> float | None:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    m = re.search(r"VmHWM:\s+(\d+)", status)
    return int(m.group(1)) / 1024 if m else None


def _reset_peak_rss() -> bool:
    try:  # Linux >= 4.0: "5" resets the peak RSS of this process
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def test_burst_is_stored_and_analysed_once_with_bounded_lag(tmp_path, http_server) -> None:
    base = http_server.base
    http_server.route(
        "/burst.xml",
        rss(
            [
                f"<item><title>Watchdog fines retailer {i}</title><link>{base}/a/{i}</link>"
                f"<guid>g{i}</guid><description>Brief {i} from the wire.</description></item>"
                for i in range(N)
            ]
        ),
    )
    settings = make_settings(
        tmp_path,
        [{"name": "burst", "url": http_server.url("/burst.xml"), "lang": "en"}],
        fetch={
            "allow_hosts": [http_server.host],
            "fetch_pages": False,
            "max_items_per_feed": 2 * N,
            "max_bytes": 20_000_000,
        },
        daemon={"queue_size": QUEUE, "jitter_s": 0},
    )
    analysed: list[int] = []
    behind: list[int] = []  # stored but not yet analysed, seen at each analysis call

    async def slow_analysis(app: App, ids: list[int], now: datetime) -> dict[str, int]:
        behind.append(app.store.articles.count() - len(analysed))
        await asyncio.sleep(0.002)  # slower than storing: the queue fills, polling must wait
        analysed.extend(ids)
        return {"articles": len(ids)}

    async def go() -> tuple[Daemon, list[int], dict[str, object] | None]:
        async with App(settings) as app:
            daemon = Daemon(app, analyse=slow_analysis, heartbeat_s=0.2, seed=1)
            task = asyncio.create_task(daemon.run())
            async with asyncio.timeout(60):
                while len(analysed) < N:
                    await asyncio.sleep(0.05)
            daemon.request_stop()
            assert await task == 0
            ids = [r[0] for r in app.store.db.execute("SELECT id FROM articles ORDER BY id")]
            return daemon, ids, OpsRepo(app.store.db).heartbeat()

    measured = _reset_peak_rss()
    before = _peak_rss_mb()
    daemon, stored, beat = asyncio.run(go())
    after = _peak_rss_mb()
    assert len(stored) == N and sorted(analysed) == stored  # every item, analysed once
    assert daemon.peak_depth <= QUEUE
    assert max(behind) <= QUEUE + PAGE_BATCH + ANALYSIS_BATCH  # polling waited for analysis
    assert beat and beat["state"] == "stopped" and beat["counters"]["articles"] == N
    if measured and before and after:
        assert after - before < 250, (before, after)  # parsing the 3 MB feed dominates
