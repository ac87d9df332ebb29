"""The real `monitor run` in a subprocess: SIGTERM within the bound, kill -9 and restart."""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from daemonkit import DaemonProcess, item, page, rss, write_config

from monitor.cli import main

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

SHUTDOWN_S = 5.0


def _serve_feed(
    srv,
    name: str,
    n: int,
    *,
    page_delay: float = 0.0,  # type: ignore[no-untyped-def]
    base: str | None = None,
) -> str:
    base = base or srv.base
    for i in range(n):
        srv.route(
            f"/{name}/a/{i}", page(f"{name} story {i}: regulator fines retailer"), delay=page_delay
        )
    items = [item(i, base, link=f"{base}/{name}/a/{i}", guid=f"{name}-{i}") for i in range(n)]
    return srv.route(f"/{name}.xml", rss(items))


def _health(config: Path) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(main, ["--config", str(config), "health", "--json"])
    return result.exit_code, json.loads(result.output)


def _children(pid: int) -> list[int]:
    """Pids whose parent is `pid` (the extraction worker processes)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" in text:
            found.append(int(status.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_sigterm_stops_in_flight_work_and_exits_zero_in_time(tmp_path, http_server) -> None:
    feeds = [
        {"name": n, "url": _serve_feed(http_server, n, 4), "lang": "en"}
        for n in ("wire", "daily", "gazette")
    ]
    # a feed whose pages are slow (on another host name, so that it does not hold the
    # per-host slots of the others): its poll is still running when SIGTERM comes
    other = http_server.host.replace("127.0.0.1", "localhost")
    feeds.append(
        {
            "name": "slow",
            "url": _serve_feed(http_server, "slow", 6, page_delay=4, base=f"http://{other}"),
            "lang": "en",
        }
    )
    config = write_config(
        tmp_path,
        feeds,
        allow_hosts=[http_server.host, other],
        daemon={"jitter_s": 0, "shutdown_timeout_s": SHUTDOWN_S, "log_format": "json"},
    )
    with DaemonProcess(config) as d:
        d.wait_for(
            lambda: (
                d.count() >= 12
                and d.query("SELECT count(*) FROM feeds WHERE last_status = 'ok'")[0][0] == 3
            ),
            40,
            "the three fast feeds",
        )
        code, report = _health(config)
        assert report["daemon_running"] is True and report["counts"]["ok"] == 3  # type: ignore[index]
        assert code == 0, report  # "slow" is still being polled: never_polled is healthy
        code, seconds = d.stop(signal.SIGTERM)
        log = d.log_text()
    assert code == 0, log[-2000:]
    assert seconds < SHUTDOWN_S, seconds
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert any(r["msg"].startswith("daemon stopped in") for r in lines)
    assert all({"ts", "level", "logger", "msg"} <= set(r) for r in lines)
    beat = json.loads(d.query("SELECT value FROM meta WHERE key = 'daemon.status'")[0][0])
    assert beat["state"] == "stopped"
    code, report = _health(config)
    assert code == 2 and report["daemon_running"] is False


def test_kill_9_then_restart_loses_and_duplicates_nothing(tmp_path, http_server) -> None:
    n = 100
    url = _serve_feed(http_server, "wire", n, page_delay=0.03)
    config = write_config(
        tmp_path,
        [{"name": "wire", "url": url, "lang": "en"}],
        allow_hosts=[http_server.host],
        daemon={"jitter_s": 0, "shutdown_timeout_s": SHUTDOWN_S},
    )
    with DaemonProcess(config) as first:
        first.wait_for(lambda: first.count() > 0, 40, "the first stored batch")
        workers = _children(first.proc.pid)
        first.kill()
    deadline = time.monotonic() + 10  # orphaned extraction workers see EOF and exit
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert workers and not any(_alive(p) for p in workers)
    stored_before = first.count()
    assert 0 < stored_before < n, "killed too late to test anything"
    with DaemonProcess(config) as second:
        second.wait_for(lambda: second.count() == n, 40, "every article after the restart")
        code, _ = second.stop(signal.SIGTERM)
    assert code == 0
    q = second.query
    assert q("SELECT count(*), count(DISTINCT url), count(DISTINCT guid) FROM articles")[0] == (
        n,
        n,
        n,
    )
    assert q("SELECT count(*) FROM articles WHERE extraction = 'page'")[0][0] == n
    # alerts and deliveries (when the notify stage produced any) are unique too
    assert q("SELECT count(*) - count(DISTINCT story_id) FROM alerts")[0][0] == 0
    assert (
        q(
            "SELECT count(*) FROM (SELECT alert_id, channel, recipient, kind, count(*) AS c "
            "FROM deliveries GROUP BY 1, 2, 3, 4 HAVING c > 1)"
        )[0][0]
        == 0
    )
    assert q("SELECT error_count, last_status FROM feeds WHERE name = 'wire'")[0] == (0, "ok")
