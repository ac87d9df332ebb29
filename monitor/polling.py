"""When to poll a feed next: pure decisions over feed state, `now` passed in.

Owns: next-poll times after success (interval, RSS ttl, Cache-Control max-age)
and after failure (exponential backoff with a cap, Retry-After), and when a
feed has failed long enough to be disabled. Does not own: I/O.
"""

from __future__ import annotations

import dataclasses
import email.utils
import re
from datetime import UTC, datetime, timedelta

from monitor.models import FeedState
from monitor.redact import redact

_MAX_AGE = re.compile(r"(?<![\w-])max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
MAX_HINT_S = 24 * 3600  # never trust a server asking us to stay away longer than a day


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def after_success(
    state: FeedState,
    *,
    now: datetime,
    interval_s: int,
    http_status: int,
    headers: dict[str, str],
    ttl_s: int | None = None,
) -> FeedState:
    """State after a successful (200 or 304) poll."""
    delay = max(interval_s, min(ttl_s or 0, MAX_HINT_S), min(_max_age(headers), MAX_HINT_S))
    return dataclasses.replace(
        state,
        etag=headers.get("etag") or state.etag,
        last_modified=headers.get("last-modified") or state.last_modified,
        last_polled=_iso(now),
        last_status="not_modified" if http_status == 304 else "ok",
        last_http_status=http_status,
        error_count=0,
        first_error_at=None,
        last_error=None,
        next_poll=_iso(now + timedelta(seconds=delay)),
    )


def after_failure(
    state: FeedState,
    *,
    now: datetime,
    interval_s: int,
    error: str,
    http_status: int | None = None,
    retry_after_s: float | None = None,
    max_backoff_s: int = 6 * 3600,
) -> FeedState:
    """State after a failed poll: exponential backoff, capped; Retry-After honoured.

    The first failure waits one interval, then 2x, 4x ... up to `max_backoff_s`
    (never less than the interval: a failing feed is not polled more often
    than a healthy one).
    """
    count = state.error_count + 1
    cap = max(max_backoff_s, interval_s)
    backoff = min(interval_s * (2 ** min(count - 1, 16)), cap)
    if retry_after_s:
        backoff = max(backoff, min(retry_after_s, MAX_HINT_S))
    return dataclasses.replace(
        state,
        last_polled=_iso(now),
        last_status="error",
        last_http_status=http_status,
        error_count=count,
        first_error_at=state.first_error_at or _iso(now),
        last_error=redact(error)[:500],
        next_poll=_iso(now + timedelta(seconds=backoff)),
    )


def should_disable(state: FeedState, *, now: datetime, after_days: int) -> bool:
    """True when the feed has failed without a success for `after_days` days."""
    if not state.first_error_at:
        return False
    return now - datetime.fromisoformat(state.first_error_at) >= timedelta(days=after_days)


def retry_after_seconds(value: str | None, *, now: datetime) -> float | None:
    """Parse a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" parses to a naive datetime; HTTP dates are GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _max_age(headers: dict[str, str]) -> int:
    m = _MAX_AGE.search(headers.get("cache-control", ""))
    return int(m.group(1)) if m else 0
