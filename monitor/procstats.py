"""Figures about the running process for the heartbeat: memory and event-loop lag.

Owns: reading resident memory (current and peak, this process and its worker
processes) from /proc, whether a pid is alive, and measuring how late the event loop wakes up (a
loop that wakes late is being blocked by CPU work that belongs in a worker).
Does not own: deciding whether the figures are bad (see `monitor.health`).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path

LAG_PROBE_S = 0.25


def _status_kb(pid: int | str, field: str) -> int | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def rss_mb() -> float:
    """Current resident memory of this process, in MB."""
    kb = _status_kb("self", "VmRSS")
    return round((kb or 0) / 1024, 1)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    kb = _status_kb("self", "VmHWM")
    if kb is None:  # not Linux: ru_maxrss is KB on Linux, bytes on macOS
        raw = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        kb = raw // 1024 if sys.platform == "darwin" else raw
    return round(kb / 1024, 1)


def children_rss_mb() -> float:
    """Resident memory of our worker processes together, in MB."""
    total = 0
    for child in multiprocessing.active_children():
        total += _status_kb(child.pid or 0, "VmRSS") or 0
    return round(total / 1024, 1)


def pid_alive(pid: int) -> bool:
    """True when a process `pid` exists (ours or another user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


class LagMonitor:
    """Wakes every LAG_PROBE_S and records how late it woke; `take()` returns the worst."""

    def __init__(self) -> None:
        self._worst = 0.0

    async def run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(LAG_PROBE_S)
            late = time.perf_counter() - start - LAG_PROBE_S
            self._worst = max(self._worst, late)

    def take(self) -> float:
        """Worst lag in ms since the last call, then reset."""
        worst, self._worst = self._worst, 0.0
        return round(worst * 1000, 1)
