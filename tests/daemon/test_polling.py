"""When feeds are polled next: pure decisions, then through the pipeline with `now` injected."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from daemonkit import item, make_settings, rss

from monitor.app import App
from monitor.models import FeedState
from monitor.pipeline import run_once
from monitor.polling import after_failure, after_success, retry_after_seconds, should_disable

T0 = datetime(2022, 5, 24, 12, 0, tzinfo=UTC)


def _next(state: FeedState) -> float:
    return (datetime.fromisoformat(state.next_poll or "") - T0).total_seconds()


@pytest.mark.parametrize(
    "headers,ttl,expected",
    [
        ({}, None, 900),
        ({}, 60 * 60, 3600),  # <ttl>60</ttl>: minutes
        ({"cache-control": "public, max-age=1800"}, None, 1800),
        ({"cache-control": "Max-Age=300"}, None, 900),  # a hint never polls *more* often
        ({"cache-control": "max-age=99999999"}, None, 86400),  # nor stays away more than a day
        ({}, 10 * 86400, 86400),
    ],
)
def test_success_honours_hints(headers: dict[str, str], ttl: int | None, expected: int) -> None:
    s = after_success(
        FeedState(name="f"), now=T0, interval_s=900, http_status=200, headers=headers, ttl_s=ttl
    )
    assert _next(s) == expected and s.error_count == 0 and s.last_status == "ok"


def test_failures_back_off_exponentially_to_a_cap_then_reset() -> None:
    state, waits = FeedState(name="f"), []
    for _ in range(8):
        state = after_failure(state, now=T0, interval_s=900, error="http_500", max_backoff_s=7200)
        waits.append(_next(state))
    assert waits == [900, 1800, 3600, 7200, 7200, 7200, 7200, 7200]
    assert state.error_count == 8 and state.first_error_at == T0.isoformat(timespec="seconds")
    ok = after_success(state, now=T0, interval_s=900, http_status=304, headers={})
    assert ok.error_count == 0 and ok.first_error_at is None and ok.last_status == "not_modified"


def test_backoff_cap_never_below_the_interval() -> None:
    s = after_failure(FeedState(name="f"), now=T0, interval_s=86400, error="x", max_backoff_s=3600)
    assert _next(s) == 86400


@pytest.mark.parametrize(
    "value,expected",
    [
        ("120", 120.0),
        ("Tue, 24 May 2022 12:05:00 GMT", 300.0),
        ("Tue, 24 May 2022 12:05:00 -0000", 300.0),
        ("Tue, 24 May 2022 11:00:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_forms(value: str | None, expected: float | None) -> None:
    assert retry_after_seconds(value, now=T0) == expected


def test_retry_after_outweighs_backoff_within_a_day() -> None:
    s = after_failure(
        FeedState(name="f"), now=T0, interval_s=900, error="http_429", retry_after_s=5400
    )
    assert _next(s) == 5400
    s = after_failure(
        FeedState(name="f"), now=T0, interval_s=900, error="http_429", retry_after_s=10**9
    )
    assert _next(s) == 86400


def test_should_disable_after_days() -> None:
    s = FeedState(name="f", first_error_at=T0.isoformat())
    assert not should_disable(s, now=T0 + timedelta(days=6, hours=23), after_days=7)
    assert should_disable(s, now=T0 + timedelta(days=7), after_days=7)
    assert not should_disable(FeedState(name="f"), now=T0 + timedelta(days=99), after_days=7)


def _poll(settings, now: datetime):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        async with App(settings) as app:
            report = await run_once(app, now)
            return report, {f.name: app.store.feeds.state(f.name) for f in app.feeds}

    return asyncio.run(go())


def test_feed_failing_for_days_is_disabled_with_a_reason(tmp_path, http_server) -> None:
    http_server.route("/gone.xml", "gone", status=500)
    http_server.route("/ttl.xml", rss([item(0, http_server.base)], extra="<ttl>120</ttl>"))
    settings = make_settings(
        tmp_path,
        [
            {"name": "gone", "url": http_server.url("/gone.xml")},
            {"name": "ttl", "url": http_server.url("/ttl.xml")},
        ],
        fetch={"allow_hosts": [http_server.host], "fetch_pages": False},
        daemon={"disable_after_days": 3, "max_backoff_s": 3600},
    )
    report, states = _poll(settings, T0)
    assert states["ttl"].next_poll == (T0 + timedelta(hours=2)).isoformat(timespec="seconds")
    assert states["gone"].error_count == 1 and states["gone"].disabled_reason is None
    _, states = _poll(settings, T0 + timedelta(days=1))
    assert states["gone"].error_count == 2 and _next(states["gone"]) == 86400 + 1800
    _, states = _poll(settings, T0 + timedelta(days=3))
    reason = states["gone"].disabled_reason or ""
    assert reason.startswith(f"failing since {T0.isoformat(timespec='seconds')}")
    assert "http_500" in reason
    hits = len(http_server.hits("/gone.xml"))
    report, states = _poll(settings, T0 + timedelta(days=4))  # disabled: not polled any more
    assert [r.feed for r in report.feeds] == ["ttl"] and len(http_server.hits("/gone.xml")) == hits
    assert states["ttl"].disabled_reason is None


def test_unchanged_body_without_validators_is_not_parsed_again(tmp_path, http_server) -> None:
    http_server.route("/plain.xml", rss([item(0, http_server.base)]))  # no ETag, no Last-Mod.
    settings = make_settings(
        tmp_path,
        [{"name": "plain", "url": http_server.url("/plain.xml")}],
        fetch={"allow_hosts": [http_server.host], "fetch_pages": False},
    )

    async def go() -> list[str]:
        async with App(settings) as app:
            statuses = [(await run_once(app, T0)).feeds[0].status for _ in range(2)]
            http_server.routes["/plain.xml"].body = rss(
                [item(i, http_server.base) for i in range(2)]
            )
            statuses.append((await run_once(app, T0)).feeds[0].status)
            assert app.lazy("workers", dict).counts["parse"] == 2
            assert app.store.articles.count() == 2
            return statuses

    assert asyncio.run(go()) == ["ok", "not_modified", "ok"]
    assert len(http_server.hits("/plain.xml")) == 3
