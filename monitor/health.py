"""Health of a running installation: a pure verdict over store figures and the heartbeat.

Owns: what "healthy", "degraded" and "down" mean, and their exit codes for
monitoring systems (0, 1, 2). Down: no enabled feed, every polled feed
failing, or the daemon required but not running (no heartbeat, a stale one,
or one saying it stopped). Degraded: some feeds failing or disabled, a queue
at least 90% full, an event loop lagging more than a second, or an optional
part (bot, digest, outbox) that failed to start. Does not own: reading the
figures (`store.ops`) or printing them (`cli/health.py`); `now` is passed in.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

Status = Literal["healthy", "degraded", "down"]
EXIT_CODES: dict[Status, int] = {"healthy": 0, "degraded": 1, "down": 2}
STALE_AFTER_BEATS = 3  # a heartbeat older than 3 intervals means the daemon is gone
QUEUE_ALARM = 0.9
LAG_ALARM_MS = 1000.0


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedHealth:
    """One configured feed's polling condition."""

    name: str
    condition: Literal["ok", "failing", "disabled", "never_polled"]
    last_polled: str | None = None
    error_count: int = 0
    since: str | None = None
    detail: str | None = None  # last error or reason for disabling


@dataclass(frozen=True, slots=True, kw_only=True)
class Health:
    """The verdict and the figures behind it."""

    status: Status
    problems: tuple[str, ...]
    feeds: tuple[FeedHealth, ...]
    daemon_running: bool
    daemon: dict[str, Any] | None = None
    last_poll: str | None = None
    last_alert: str | None = None
    deliveries: dict[str, int] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    def count(self, condition: str) -> int:
        return sum(1 for f in self.feeds if f.condition == condition)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["exit_code"] = self.exit_code
        data["counts"] = {c: self.count(c) for c in ("ok", "failing", "disabled", "never_polled")}
        return data


def feed_health(name: str, row: dict[str, Any] | None) -> FeedHealth:
    """Condition of configured feed `name` from its store row (None: never seen)."""
    if row is None or (not row.get("last_polled") and not row.get("disabled_reason")):
        return FeedHealth(name=name, condition="never_polled")
    polled, errors = row.get("last_polled"), int(row.get("error_count") or 0)
    since = row.get("first_error_at")
    if row.get("disabled_reason"):
        return FeedHealth(
            name=name,
            condition="disabled",
            last_polled=polled,
            error_count=errors,
            since=since,
            detail=row["disabled_reason"],
        )
    if row.get("last_status") == "error":
        return FeedHealth(
            name=name,
            condition="failing",
            last_polled=polled,
            error_count=errors,
            since=since,
            detail=row.get("last_error"),
        )
    return FeedHealth(name=name, condition="ok", last_polled=polled)


def daemon_running(heartbeat: dict[str, Any] | None, now: datetime) -> bool:
    """True when the heartbeat is fresh and says the daemon is running."""
    if not heartbeat or heartbeat.get("state") not in ("starting", "running"):
        return False
    try:
        updated = datetime.fromisoformat(str(heartbeat["updated_at"]))
        interval = float(heartbeat.get("interval_s", 10))
    except (KeyError, TypeError, ValueError):
        return False
    return now - updated <= timedelta(seconds=interval * STALE_AFTER_BEATS)


def assess(
    *,
    configured: list[str],
    rows: list[dict[str, Any]],
    heartbeat: dict[str, Any] | None,
    now: datetime,
    require_daemon: bool = True,
    last_alert: str | None = None,
    deliveries: dict[str, int] | None = None,
) -> Health:
    """The verdict for enabled configured feeds `configured`, store `rows`, `heartbeat`."""
    by_name = {str(r["name"]): r for r in rows}
    feeds = tuple(feed_health(n, by_name.get(n)) for n in configured)
    running = daemon_running(heartbeat, now)
    problems = _feed_problems(feeds)
    down = _down_reasons(feeds, running, heartbeat, require_daemon)
    if running and heartbeat:
        problems.extend(_daemon_problems(heartbeat))
    polled = [f.last_polled for f in feeds if f.last_polled]
    status: Status = "down" if down else ("degraded" if problems else "healthy")
    return Health(
        status=status,
        problems=tuple(down + problems),
        feeds=feeds,
        daemon_running=running,
        daemon=heartbeat,
        last_poll=max(polled) if polled else None,
        last_alert=last_alert,
        deliveries=dict(deliveries or {}),
    )


def _down_reasons(
    feeds: tuple[FeedHealth, ...],
    running: bool,
    heartbeat: dict[str, Any] | None,
    require_daemon: bool,
) -> list[str]:
    reasons = []
    if not feeds:
        reasons.append("no enabled feed is configured")
    seen = [f for f in feeds if f.condition != "never_polled"]
    if seen and all(f.condition in ("failing", "disabled") for f in seen):
        reasons.append(f"every polled feed is failing or disabled ({len(seen)})")
    if require_daemon and not running:
        if heartbeat is None:
            reasons.append("the daemon has never run on this store")
        else:
            reasons.append(
                f"the daemon is not running (last state {heartbeat.get('state')!r}, "
                f"last heartbeat {heartbeat.get('updated_at')})"
            )
    return reasons


def _feed_problems(feeds: tuple[FeedHealth, ...]) -> list[str]:
    problems = []
    for condition in ("failing", "disabled"):
        names = [f.name for f in feeds if f.condition == condition]
        if names:
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            problems.append(f"{len(names)} feed(s) {condition}: {shown}")
    return problems


def _daemon_problems(heartbeat: dict[str, Any]) -> list[str]:
    problems = []
    for name, q in (heartbeat.get("queues") or {}).items():
        depth, capacity = int(q.get("depth", 0)), int(q.get("capacity", 0))
        if capacity and depth >= QUEUE_ALARM * capacity:
            problems.append(f"{name} queue {depth}/{capacity} full: analysis is falling behind")
    lag = float(heartbeat.get("loop_lag_ms") or 0.0)
    if lag > LAG_ALARM_MS:
        problems.append(f"event loop lagging {lag:.0f} ms: something blocks it")
    for part, state in (heartbeat.get("parts") or {}).items():
        if str(state).startswith("error"):
            problems.append(f"{part}: {state}")
    return problems
