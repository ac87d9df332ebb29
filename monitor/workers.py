"""Worker pools for CPU-bound steps, so the event loop never runs them itself.

Owns: where feed parsing (feedparser) and page extraction (trafilatura + lxml)
run: by default in a small thread pool of our own (apart from the loop's
default executor, which does DNS lookups); in the daemon, in a pool of
`daemon.workers` processes: true parallelism, and a page or feed that hangs
or crashes lxml costs one worker, not the service (the pool is rebuilt, the
page falls back to the feed summary). Workers exit when the daemon dies, even
by `kill -9`. Does not own: what the functions do; they must be picklable
(module-level) for the process pool.

Measured on the 2-vCPU development VM. While other jobs loaded it (two
CPU-bound processes got ~1.1x): extraction of 40 real news pages (~400 KB
each) took 95 ms/page sequentially, 117 with 2 threads, 103 with 2 processes.
With its two cores free: polling 1,000 small feeds with one new item each ran
at 78-94 feeds/s parsing in threads, 155-179 parsing in 2 processes (the main
process's CPU falls from ~11 to ~4 ms/feed). So the daemon parses in
processes as soon as it has 2 workers and 2 cores (`parse_in_processes`);
`monitor run --once` keeps threads (no process start-up for a single pass).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any, Literal, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
Kind = Literal["parse", "extract"]
TASK_TIMEOUT_S = 60.0  # a page or feed that takes longer is pathological
MAX_TASKS_PER_CHILD = 500  # recycle extraction processes: lxml/trafilatura caches only grow


class WorkerTimeoutError(Exception):
    """A task ran past TASK_TIMEOUT_S (its process was replaced)."""


class WorkerCrashedError(Exception):
    """The process running a task died (its pool was rebuilt)."""


PARENT_CHECK_S = 1.0


def _warm_up(extract: bool) -> None:
    """Process initializer: import the modules once, and die with the parent."""
    parent = os.getppid()

    def watch_parent() -> None:
        # A worker blocked on its task queue never sees EOF when the daemon is killed
        # (it holds a copy of the queue's write end): without this it would live forever.
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(0)

    threading.Thread(target=watch_parent, name="parent-watch", daemon=True).start()
    import monitor.sources.feeds  # imported once here, not at the first task

    if extract:  # trafilatura costs ~50 MB per worker: only when pages are fetched
        import monitor.sources.extract  # noqa: F401


class Workers:
    """The pools; build one per process (see `App.lazy("workers", ...)`), close it at exit."""

    def __init__(
        self,
        *,
        threads: int = 2,
        processes: int = 0,
        parse_in_processes: bool = False,
        warm_extract: bool = True,
        task_timeout_s: float = TASK_TIMEOUT_S,
    ) -> None:
        self._threads = ThreadPoolExecutor(max(1, threads), thread_name_prefix="monitor-cpu")
        self._n_processes = processes
        self._parse_in_processes = parse_in_processes and processes > 0
        self._warm_extract = warm_extract
        self._processes: ProcessPoolExecutor | None = None  # started on first use
        self._timeout = task_timeout_s
        self.counts: dict[str, int] = {"parse": 0, "extract": 0, "timeouts": 0, "crashes": 0}

    @property
    def uses_processes(self) -> bool:
        return self._n_processes > 0

    async def run(self, kind: Kind, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run `fn(*args, **kwargs)` in the pool for `kind`; never on the loop.

        Raises:
            WorkerTimeoutError: the task ran past the timeout.
            WorkerCrashedError: its worker process died.
        """
        self.counts[kind] += 1
        executor = self._executor(kind)
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(executor, partial(fn, *args, **kwargs))
        try:
            async with asyncio.timeout(self._timeout):  # not wait_for: it may eat a cancel (3.11)
                return await future
        except TimeoutError as e:
            self.counts["timeouts"] += 1
            self._reset_processes(executor)
            raise WorkerTimeoutError(f"{kind} ran past {self._timeout:g}s") from e
        except BrokenProcessPool as e:
            self.counts["crashes"] += 1
            self._reset_processes(executor)
            raise WorkerCrashedError(f"{kind} worker process died") from e

    def _executor(self, kind: Kind) -> Executor:
        if not self._n_processes or (kind == "parse" and not self._parse_in_processes):
            return self._threads
        if self._processes is None:
            self._processes = ProcessPoolExecutor(
                self._n_processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm_up,
                initargs=(self._warm_extract,),
                max_tasks_per_child=MAX_TASKS_PER_CHILD,
            )
        return self._processes

    def _reset_processes(self, executor: Executor) -> None:
        """Replace a process pool whose worker hung or died; threads cannot be killed."""
        if executor is self._processes:
            log.warning("extraction worker pool is being rebuilt")
            self._processes = None
            _stop_processes(executor)

    def close(self) -> None:
        """Stop the pools without waiting for running tasks (their results are not needed)."""
        self._threads.shutdown(wait=False, cancel_futures=True)
        if self._processes is not None:
            _stop_processes(self._processes)
            self._processes = None


def _stop_processes(pool: ProcessPoolExecutor) -> None:
    # A hung worker would keep the interpreter from exiting; ProcessPoolExecutor has no
    # public terminate(), so end its processes (a CPython attribute stable since 3.2,
    # which shutdown() clears: read it first).
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()


def daemon_workers(settings: Any) -> Workers:
    """Pools for the daemon: `daemon.workers` processes when there are cores to use them."""
    n, cores = settings.daemon.workers, os.cpu_count() or 1
    parse_in_processes = n > 1 and cores >= 2
    use_processes = n > 1 and (settings.fetch.fetch_pages or parse_in_processes)
    return Workers(
        threads=max(2, n),
        processes=n if use_processes else 0,
        parse_in_processes=parse_in_processes,
        warm_extract=settings.fetch.fetch_pages,
    )


def workers_for(app: Any) -> Workers:
    """The app's worker pools (threads only unless the daemon installed process pools)."""
    return app.lazy("workers", lambda: Workers(threads=2))
