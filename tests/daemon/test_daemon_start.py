"""Daemon start-up in-process: scheduling from stored state, one daemon per store."""

from __future__ import annotations

import asyncio
import os
import socket
from datetime import UTC, datetime, timedelta

import pytest
from daemonkit import item, make_settings, rss

from monitor.app import App
from monitor.daemon import Daemon
from monitor.errors import StoreError
from monitor.models import FeedState
from monitor.store.ops import OpsRepo


def _settings(tmp_path, srv, names):  # type: ignore[no-untyped-def]
    for n in names:
        srv.route(f"/{n}.xml", rss([item(0, srv.base, link=f"{srv.base}/{n}/0")]))
    return make_settings(
        tmp_path,
        [{"name": n, "url": srv.url(f"/{n}.xml")} for n in names],
        fetch={"allow_hosts": [srv.host], "fetch_pages": False},
        daemon={"jitter_s": 10},
    )


def test_jobs_follow_stored_next_poll_and_skip_disabled_feeds(tmp_path, http_server) -> None:
    settings = _settings(tmp_path, http_server, ["due", "later", "dead"])
    later = datetime.now(UTC) + timedelta(hours=3)

    async def go() -> dict[str, datetime]:
        async with App(settings) as app:
            app.store.feeds.save_state(
                FeedState(name="later", next_poll=later.isoformat(timespec="seconds"))
            )
            app.store.feeds.disable("dead", "failing since 2022-05-01: http_410")
            daemon = Daemon(app, seed=3)
            await daemon.start()
            jobs = {j.id: j.next_run_time for j in daemon.scheduler.get_jobs()}
            status = daemon.status()
            daemon.request_stop()
            await daemon.shutdown()
            assert status["jobs"] == 2 and status["parts"]["bot"] == "off"
            return jobs

    jobs = asyncio.run(go())
    assert set(jobs) == {"poll:due", "poll:later"}
    now = datetime.now(UTC)
    assert jobs["poll:due"] <= now + timedelta(seconds=11)  # now + jitter
    assert later <= jobs["poll:later"] <= later + timedelta(seconds=11)


def test_a_second_daemon_on_the_same_store_is_refused(tmp_path, http_server) -> None:
    settings = _settings(tmp_path, http_server, ["wire"])

    async def start_with(pid: int) -> None:
        async with App(settings) as app:
            OpsRepo(app.store.db).write_heartbeat(
                {
                    "state": "running",
                    "pid": pid,
                    "host": socket.gethostname(),
                    "interval_s": 5,
                    "updated_at": datetime.now(UTC).isoformat(),
                }
            )
            daemon = Daemon(app)
            await daemon.start()
            daemon.request_stop()
            await daemon.shutdown()

    with pytest.raises(StoreError, match=f"another daemon \\(pid {os.getppid()}"):
        asyncio.run(start_with(os.getppid()))  # alive: refused
    dead = 2**22 + 12345  # above the default pid_max: no such process
    asyncio.run(start_with(dead))  # a killed daemon's fresh heartbeat does not block a restart


def test_digest_jobs_are_scheduled_in_the_digest_timezone(tmp_path, http_server) -> None:
    settings = make_settings(
        tmp_path,
        [{"name": "wire", "url": http_server.url("/wire.xml")}],
        fetch={"allow_hosts": [http_server.host], "fetch_pages": False},
        digest={"enabled": True, "time": "07:00", "timezone": "Europe/Paris"},
    )

    async def go() -> tuple[dict[str, object], object]:
        async with App(settings) as app:
            daemon = Daemon(app)
            await daemon.start()
            jobs = {j.id: j for j in daemon.scheduler.get_jobs()}
            ran = await jobs["digest"].func() if "digest" in jobs else None  # sends nothing
            daemon.request_stop()
            await daemon.shutdown()
            return jobs, ran

    jobs, ran = asyncio.run(go())
    if "digest" not in jobs:
        pytest.skip("monitor.notify.digest.send_digest_job is not there")
    when = jobs["digest"].next_run_time  # type: ignore[attr-defined]
    assert (when.hour, when.minute, str(when.tzinfo)) == (7, 0, "Europe/Paris")
    assert "digest-retry" in jobs and isinstance(ran, list)
