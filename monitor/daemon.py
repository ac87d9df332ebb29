"""`monitor run`: the long-running service in one asyncio process.

Owns: scheduling (APScheduler 3.x `AsyncIOScheduler`: one job per feed with
its interval and jitter, `coalesce=True`, `max_instances=1`, next run taken
from the `next_poll` the pipeline stores, so ttl, Cache-Control, Retry-After
and failure backoff all apply; the digest as a cron job), the bounded queue
between polling and analysis (a poll that stores faster than analysis keeps
up waits on the queue: backpressure, not memory growth), the analysis and
outbox loops, the heartbeat row for `monitor health`, and an orderly stop on
SIGTERM/SIGINT within `daemon.shutdown_timeout_s`.

Restart safety: every article is stored in its own transaction before it is
queued, feed state is saved after its articles, and at start the daemon
queues the articles that no analysis touched (`OpsRepo.unanalysed_ids`) and
the outbox resends what is due; so `kill -9` loses nothing and stores nothing
twice. Does not own: polling one feed (`pipeline.poll_feed`), analysis
(`pipeline.analyse`), or the optional parts (`monitor.extensions`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import signal
import socket
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_MAX_INSTANCES
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor import __version__, pipeline, procstats
from monitor.app import App
from monitor.config import Settings
from monitor.errors import ModelError, MonitorError, StoreError
from monitor.extensions import Extensions
from monitor.health import daemon_running
from monitor.logs import setup_logging
from monitor.models import Feed
from monitor.pipeline import FeedReport
from monitor.store.ops import OpsRepo
from monitor.workers import Workers, daemon_workers

log = logging.getLogger(__name__)

HEARTBEAT_S = 5.0
ANALYSIS_BATCH = 64  # ids handed to one analyse() call
DISPATCH_EVERY_S = 30.0  # outbox retries come due between analysis batches too
MIN_DELAY_S = 1.0  # never reschedule a job into the past while it still runs
DIGEST_RETRY_MIN = 10

Analyse = Callable[[App, list[int], datetime], Awaitable[dict[str, int]]]
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Daemon:
    """The service around one App; `await run()` until `request_stop()`."""

    def __init__(
        self,
        app: App,
        *,
        analyse: Analyse = pipeline.analyse,
        clock: Clock = _utcnow,
        heartbeat_s: float = HEARTBEAT_S,
        seed: int | None = None,
    ) -> None:
        self.app = app
        self.cfg = app.settings.daemon
        self.queue: asyncio.Queue[int] = asyncio.Queue(maxsize=self.cfg.queue_size)
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.ops = OpsRepo(app.store.db)
        self.extensions = Extensions(app)
        self.counters: Counter[str] = Counter()
        self.peak_depth = 0
        self._analyse, self._clock, self._heartbeat_s = analyse, clock, heartbeat_s
        self._random = random.Random(seed)
        self._stop = asyncio.Event()
        self._dispatch_wanted = asyncio.Event()
        self._polls: set[asyncio.Task[Any]] = set()
        self._tasks: dict[str, asyncio.Task[Any]] = {}
        self._analysing = False
        self._lag = procstats.LagMonitor()
        self._state = "starting"
        self._started_at = clock()

    # ---- life cycle -------------------------------------------------------------------

    async def run(self) -> int:
        """Start, serve until a stop is requested, stop in order; returns the exit code."""
        await self.start()
        await self._stop.wait()
        await self.shutdown()
        return 0

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def request_stop(self, signum: int | None = None) -> None:
        """Ask for an orderly stop (signal handlers call this)."""
        if signum is not None:
            log.info("received %s: stopping", signal.Signals(signum).name)
        self._stop.set()

    async def start(self) -> None:
        self._refuse_second_instance()
        self.app.lazy("workers", lambda: daemon_workers(self.app.settings))
        self._write_heartbeat()
        await self.extensions.start()
        self.scheduler.add_listener(self._on_skipped_run, EVENT_JOB_MAX_INSTANCES)
        self.scheduler.start()
        now = self._clock()
        feeds = pipeline.active_feeds(self.app)
        for feed in feeds:
            self._schedule_feed(feed, now)
        self._schedule_digest()
        upto = self.ops.max_article_id()  # later ids come from this run's polls
        for name, coro in (
            ("analysis", self._analysis_loop()),
            ("outbox", self._outbox_loop()),
            ("heartbeat", self._heartbeat_loop()),
            ("lag", self._lag.run()),
            ("backlog", self._load_backlog(upto)),
        ):
            self._tasks[name] = asyncio.create_task(coro, name=f"monitor-{name}")
        self._dispatch_wanted.set()  # deliveries left pending by the last run go out now
        self._state = "running"
        self._write_heartbeat()
        log.info(
            "daemon running: %d feeds scheduled, queue size %d, pid %d",
            len(feeds),
            self.cfg.queue_size,
            os.getpid(),
        )

    def _refuse_second_instance(self) -> None:
        """Two daemons on one store would poll everything twice: refuse to be the second.

        Raises:
            StoreError: a fresh heartbeat says another daemon is running (and, on
                this host, its pid is alive; a killed daemon's heartbeat is ignored).
        """
        beat = self.ops.heartbeat()
        if not daemon_running(beat, _utcnow()) or beat is None:
            return
        pid, host = beat.get("pid"), beat.get("host")
        if host == socket.gethostname() and isinstance(pid, int) and not procstats.pid_alive(pid):
            return
        raise StoreError(
            f"another daemon (pid {pid} on {host}) is running on this store; "
            "stop it first (its heartbeat is fresh)"
        )

    async def shutdown(self) -> None:
        """Stop taking work, let in-flight work finish (bounded), flush the outbox."""
        t0 = time.monotonic()
        budget = self.cfg.shutdown_timeout_s
        self._state = "stopping"
        self._write_heartbeat()
        self.scheduler.pause()  # no new polls; running ones continue
        await _cancel(self._tasks.pop("backlog"))
        await self._drain(t0 + 0.5 * budget)
        await _cancel(self._tasks.pop("outbox"))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(0.1, t0 + 0.8 * budget - time.monotonic())):
                await self._dispatch_once()  # flush: send what analysis just queued
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(0.1, t0 + 0.9 * budget - time.monotonic())):
                await self.extensions.stop()
        self.scheduler.shutdown(wait=False)
        for task in self._tasks.values():
            await _cancel(task)
        self._state = "stopped"
        self._write_heartbeat()
        log.info(
            "daemon stopped in %.1fs (%d articles waiting for analysis stay in the store)",
            time.monotonic() - t0,
            self.queue.qsize(),
        )

    async def _drain(self, deadline: float) -> None:
        """Let the current analysis batch, then in-flight polls, finish until `deadline`."""
        analysis = self._tasks.pop("analysis")  # returns after its batch: stop is set
        if self._analysing:
            await asyncio.wait([analysis], timeout=max(0.0, deadline - time.monotonic()))
        await _cancel(analysis)
        while not self.queue.empty():  # frees polls blocked on a full queue; the store keeps
            self.queue.get_nowait()  # these ids and the next start queues them again
        waiting = set(self._polls)
        if waiting:
            _, pending = await asyncio.wait(waiting, timeout=max(0.0, deadline - time.monotonic()))
            for task in pending:
                log.warning(
                    "stopping: cancelled %s (ran past the shutdown budget)", task.get_name()
                )
                await _cancel(task)

    # ---- polling ----------------------------------------------------------------------

    def _schedule_feed(self, feed: Feed, now: datetime) -> None:
        state = self.app.store.feeds.state(feed.name)
        first = now
        if state.next_poll:
            first = max(now, datetime.fromisoformat(state.next_poll))
        first += timedelta(seconds=self._random.uniform(0, self.cfg.jitter_s))  # spread a burst
        self.scheduler.add_job(
            self._poll_job,
            IntervalTrigger(seconds=feed.interval_s, jitter=self.cfg.jitter_s, timezone=UTC),
            args=[feed],
            id=_job_id(feed),
            name=f"poll {feed.name}",
            next_run_time=first,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
            replace_existing=True,
        )

    async def _poll_job(self, feed: Feed) -> None:
        if self._stop.is_set():
            return
        task = asyncio.current_task()
        assert task is not None
        task.set_name(f"poll {feed.name}")
        self._polls.add(task)
        try:
            report, _ = await pipeline.poll_feed(self.app, feed, self._clock(), sink=self._enqueue)
            self._count(report)
            self._reschedule(feed)
        finally:
            self._polls.discard(task)

    def _on_skipped_run(self, event: Any) -> None:
        """A feed's next run came while its last poll still ran (waiting on the queue)."""
        self.counters["poll_runs_skipped"] += 1

    async def _enqueue(self, ids: list[int]) -> None:
        for article_id in ids:
            if self._stop.is_set():
                return  # stored but not queued: the next start finds it unanalysed
            await self.queue.put(article_id)  # blocks while analysis is behind: backpressure
            self.peak_depth = max(self.peak_depth, self.queue.qsize())

    def _count(self, report: FeedReport) -> None:
        self.counters["polls"] += 1
        self.counters[f"polls_{report.status}"] += 1
        self.counters["articles"] += report.stored

    def _reschedule(self, feed: Feed) -> None:
        """Next run from the stored state: backoff, ttl, Retry-After; or drop a disabled feed."""
        state = self.app.store.feeds.state(feed.name)
        job_id = _job_id(feed)
        if state.disabled_reason:
            log.warning(
                "feed %s disabled: %s", feed.name, state.disabled_reason, extra={"feed": feed.name}
            )
            with contextlib.suppress(Exception):
                self.scheduler.remove_job(job_id)
            return
        if not state.next_poll or self._stop.is_set():
            return
        now = self._clock()
        when = max(datetime.fromisoformat(state.next_poll), now + timedelta(seconds=MIN_DELAY_S))
        when += timedelta(seconds=self._random.uniform(0, self.cfg.jitter_s))
        self.scheduler.modify_job(job_id, next_run_time=when)

    def _schedule_digest(self) -> None:
        job, retry = self.extensions.digest_job(), self.extensions.digest_job("retry_digests")
        digest = self.app.settings.digest
        if job is not None:
            hour, minute = (int(x) for x in digest.time.split(":", 1))
            trigger = CronTrigger(hour=hour, minute=minute, timezone=ZoneInfo(digest.timezone))
            self.scheduler.add_job(
                job,
                trigger,
                id="digest",
                name="daily digest",
                coalesce=True,
                max_instances=1,
                misfire_grace_time=3600,
                replace_existing=True,
            )
            log.info("digest scheduled daily at %s %s", digest.time, digest.timezone)
        if retry is not None:
            self.scheduler.add_job(
                retry,
                IntervalTrigger(minutes=DIGEST_RETRY_MIN, timezone=UTC),
                id="digest-retry",
                name="digest retries",
                coalesce=True,
                max_instances=1,
                misfire_grace_time=None,
                replace_existing=True,
            )

    # ---- analysis, outbox, heartbeat --------------------------------------------------

    async def _load_backlog(self, upto: int) -> None:
        """Queue stored articles that no analysis touched (the last run stopped first)."""
        since = self._clock() - timedelta(days=self.app.settings.dedup.window_days)
        total = 0
        for ids in self.ops.unanalysed_ids(since=since.isoformat(timespec="seconds")):
            ids = [i for i in ids if i <= upto]
            if not ids:
                break
            await self._enqueue(ids)
            total += len(ids)
        if total:
            log.info("queued %d stored articles that were never analysed", total)

    async def _analysis_loop(self) -> None:
        while not self._stop.is_set():
            batch = [await self.queue.get()]
            while len(batch) < ANALYSIS_BATCH and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            self._analysing = True
            try:
                await self._analyse(self.app, batch, self._clock())
                self.counters["analysed"] += len(batch)
            except ModelError as e:  # a model that cannot load: say it once, not per batch
                if not self.counters["analysis_errors"]:
                    log.error(
                        "analysis is off, articles are stored unanalysed until the next start: %s",
                        e,
                    )
                self.counters["analysis_errors"] += 1
            except Exception:  # the articles stay unanalysed in the store: next start retries
                log.exception("analysis of %d articles failed", len(batch))
                self.counters["analysis_errors"] += 1
            finally:
                self._analysing = False
                for _ in batch:
                    self.queue.task_done()
            self._dispatch_wanted.set()

    async def _outbox_loop(self) -> None:
        while True:
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation
            # that arrives as the event is set, and this task would then never stop
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(DISPATCH_EVERY_S):
                    await self._dispatch_wanted.wait()
            self._dispatch_wanted.clear()
            await self._dispatch_once()

    async def _dispatch_once(self) -> None:
        try:
            if await self.extensions.dispatch(self._clock()) is not None:
                self.counters["dispatches"] += 1
        except Exception:
            log.exception("outbox dispatch failed")
            self.counters["dispatch_errors"] += 1

    async def _heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(self._heartbeat_s)
            self._write_heartbeat()

    def status(self) -> dict[str, Any]:
        """What the heartbeat row says (also useful to tests)."""
        workers = self.app.lazy("workers", lambda: Workers(threads=2))
        return {
            "state": self._state,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "version": __version__,
            "started_at": _iso(self._started_at),
            "updated_at": _iso(_utcnow()),
            "interval_s": self._heartbeat_s,
            "queues": {
                "analysis": {
                    "depth": self.queue.qsize(),
                    "capacity": self.cfg.queue_size,
                    "peak": self.peak_depth,
                }
            },
            "polls_in_flight": len(self._polls),
            "analysing": self._analysing,
            "jobs": len(self.scheduler.get_jobs()) if self.scheduler.running else 0,
            "counters": dict(self.counters),
            "workers": dict(workers.counts),
            "loop_lag_ms": self._lag.take(),
            "rss_mb": procstats.rss_mb(),
            "peak_rss_mb": procstats.peak_rss_mb(),
            "workers_rss_mb": procstats.children_rss_mb(),
            "parts": dict(self.extensions.parts),
        }

    def _write_heartbeat(self) -> None:
        try:
            self.ops.write_heartbeat(self.status())
        except Exception:  # a busy store must not kill the service; health will show it stale
            log.exception("could not write the heartbeat")


def _job_id(feed: Feed) -> str:
    return f"poll:{feed.name}"


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds")


async def _cancel(task: asyncio.Task[Any], grace_s: float = 2.0) -> None:
    """Cancel `task` and wait for it, but never for long: a task that swallows its
    cancellation must not hold the shutdown past its bound."""
    task.cancel()
    done, _ = await asyncio.wait([task], timeout=grace_s)
    if not done:
        log.error("task %s ignored its cancellation", task.get_name())
    elif not task.cancelled() and task.exception() is not None:
        log.error("task %s failed: %r", task.get_name(), task.exception())


async def serve(settings: Settings) -> int:
    """Run the daemon in the current event loop until SIGTERM/SIGINT."""
    async with App(settings) as app:
        daemon = Daemon(app)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, _on_signal, daemon, signum, settings)
        return await daemon.run()


def _on_signal(daemon: Daemon, signum: int, settings: Settings) -> None:
    if not daemon.stopping:
        _start_watchdog(settings.daemon.shutdown_timeout_s)
    daemon.request_stop(signum)


def _start_watchdog(timeout_s: float) -> None:
    """Last resort: if the orderly stop overruns its budget, exit anyway (code 1).

    Threads cannot be cancelled: a parse stuck in a worker thread would otherwise
    hold the interpreter's exit past the bound that systemd and Docker rely on.
    """

    def bite() -> None:
        time.sleep(timeout_s)
        log.error("shutdown took longer than %.0fs: forcing exit", timeout_s)
        logging.shutdown()
        os._exit(1)

    threading.Thread(target=bite, name="monitor-shutdown-watchdog", daemon=True).start()


def run_daemon(settings: Settings) -> int:
    """Entry point of `monitor run`: configure logs, serve, return the exit code."""
    setup_logging(settings.daemon.log_format)
    try:
        return asyncio.run(serve(settings))
    except MonitorError as e:
        log.error("cannot start: %s", e)
        return 1
