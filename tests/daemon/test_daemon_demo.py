"""`monitor run` (the daemon) on the bundled demo: the same stories as `run --once`.

The daemon analyses each feed's items as they arrive, feed by feed, newest first: the
founding story's reports come from three feeds and span other events' dates in between.
It must still end as one alert with three sources, and no alert may repeat a story.
"""

from __future__ import annotations

import json
import signal
import sys
import tomllib
from pathlib import Path

import pytest
from daemonkit import DaemonProcess

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

REPO = Path(__file__).resolve().parents[2]


def test_daemon_on_the_demo_builds_one_founding_alert(tmp_path: Path) -> None:
    # the shipped config (demo feeds), console off, alerts to a JSONL file, no jitter
    raw = (REPO / "config.toml").read_text(encoding="utf-8")
    console = "[notify.console]\nenabled = true"
    assert console in raw
    raw = raw.replace(console, "[notify.console]\nenabled = false")
    raw += '\n[notify.file]\nenabled = true\npath = "alerts.jsonl"\n\n[daemon]\njitter_s = 0\n'
    config = tmp_path / "config.toml"
    config.write_text(raw, encoding="utf-8")
    assert tomllib.loads(raw)["notify"]["file"]["enabled"]
    founding = (
        "SELECT source_count FROM stories WHERE authority = 'ICO' AND target = 'Clearview AI'"
    )
    with DaemonProcess(config) as d:
        d.wait_for(lambda: d.count() >= 34, 60, "every demo article")
        d.wait_for(lambda: d.query(founding) == [(3,)], 60, "the founding story's 3 sources")
        d.wait_for(
            lambda: (
                d.query("SELECT count(*) FROM deliveries WHERE status != 'sent'") == [(0,)]
                and d.count("deliveries") > 0
            ),
            60,
            "every alert delivered",
        )
        code, _ = d.stop(signal.SIGTERM)
    assert code == 0
    lines = [json.loads(x) for x in (tmp_path / "alerts.jsonl").read_text("utf-8").splitlines()]
    newest = {}
    for line in lines:
        alert = line["alert"]
        newest[alert["id"]] = alert
    ico = [a for a in newest.values() if (a["authority"], a["target"]) == ("ICO", "Clearview AI")]
    assert len(ico) == 1 and len(ico[0]["sources"]) == 3 and ico[0]["languages"] == ["en", "fr"]
    assert sum(1 for line in lines if line["event"] == "alert.new") == len(newest)
